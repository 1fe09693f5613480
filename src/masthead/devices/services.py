"""Writing devices: signing in (within the limit), checking in, and signing out."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from masthead.devices import selectors
from masthead.devices.models import Device, DeviceKind, OverLimitChoice, SignOutReason
from masthead.devices.useragents import MAX_AGENT, describe

# Last seen is written at most this often per device: the story page stays free of writes.
TOUCH_EVERY = dt.timedelta(minutes=5)
TOKEN_PREFIX = "mh_"  # noqa: S105 - a label that makes leaked tokens easy to spot, not a secret
MAX_NAME = 100


class DeviceLimitReached(Exception):
    """Signing in here needs another device signed out first, and the publisher asks which."""

    def __init__(self, *, limit: int, devices: list[Device]) -> None:
        self.limit = limit
        self.devices = devices
        super().__init__(
            f"You are signed in on {len(devices)} devices, the most your account allows at "
            f"once ({limit}). Choose one to sign out, then sign in again."
        )


@dataclass(frozen=True)
class IssuedToken:
    device: Device
    token: str  # shown once, never stored
    signed_out: list[Device]


def _lock_reader(user_id: int) -> None:
    """Serialise sign-ins of one reader (PostgreSQL row lock; SQLite writes one at a time)."""
    get_user_model().objects.select_for_update().filter(pk=user_id).first()


def _sign_out(devices: list[Device], *, reason: SignOutReason, now: dt.datetime) -> None:
    for device in devices:
        device.signed_out_at = now
        device.signed_out_reason = reason
    Device.objects.bulk_update(devices, ["signed_out_at", "signed_out_reason"])


def _make_room(
    *,
    user_id: int,
    replace_device_id: int | None,
    ask: bool,
    now: dt.datetime,
    keep_device_id: int | None = None,
) -> list[Device]:
    """Sign out what must go for one more device; returns those signed out.

    ``replace_device_id`` is the reader's pick. Without one, the least recently used devices
    go, unless the publisher asks (``ask``): then DeviceLimitReached, and nothing changes.
    """
    rules = selectors.policy()
    limit = selectors.device_limit(user_id=user_id, rules=rules)
    active = selectors.active_devices(user_id=user_id)
    if keep_device_id is not None:
        active = active.exclude(pk=keep_device_id)
    others = list(active.order_by("last_seen_at", "first_seen_at", "pk"))
    chosen: list[Device] = []
    if replace_device_id is not None:
        picked = [d for d in others if d.pk == replace_device_id]
        if not picked:
            raise ValidationError(
                "That device is not signed in to your account any more. Choose another one."
            )
        chosen = picked
        _sign_out(chosen, reason=SignOutReason.REPLACED, now=now)
        others = [d for d in others if d.pk != replace_device_id]
    excess = len(others) + 1 - limit
    if excess <= 0:
        return chosen
    if ask and rules.when_over_limit == OverLimitChoice.ASK:
        raise DeviceLimitReached(limit=limit, devices=list(reversed(others)))
    oldest = others[:excess]
    _sign_out(oldest, reason=SignOutReason.OLDEST, now=now)
    return chosen + oldest


def current_browser_id(session: SessionBase) -> int | None:
    value = session.get(selectors.SESSION_DEVICE_KEY)
    return value if isinstance(value, int) else None


@transaction.atomic
def register_browser(
    *, user_id: int, session: SessionBase, user_agent: str, now: dt.datetime | None = None
) -> Device:
    """Record the browser a reader has just signed in on, within the limit.

    The reader was already asked at sign-in (when the publisher asks); if another sign-in took
    the room meanwhile, the least recently used device goes, so the limit always holds.
    """
    now = now or timezone.now()
    known = current_browser_id(session)
    _lock_reader(user_id)
    if known is not None:
        updated = Device.objects.filter(
            pk=known, user_id=user_id, signed_out_at__isnull=True
        ).update(last_seen_at=now)
        if updated:
            return Device.objects.get(pk=known)
    _make_room(user_id=user_id, replace_device_id=None, ask=False, now=now)
    agent = (user_agent or "")[:MAX_AGENT]
    device = Device.objects.create(
        user_id=user_id,
        kind=DeviceKind.BROWSER,
        name=describe(agent),
        user_agent=agent,
        first_seen_at=now,
        last_seen_at=now,
    )
    session[selectors.SESSION_DEVICE_KEY] = device.pk
    session[selectors.SESSION_SEEN_KEY] = int(now.timestamp())
    return device


@transaction.atomic
def issue_app_token(
    *,
    user_id: int,
    name: str,
    user_agent: str = "",
    replace_device_id: int | None = None,
    now: dt.datetime | None = None,
) -> IssuedToken:
    """A new API token for one of the publisher's apps: a device like any browser."""
    now = now or timezone.now()
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Give the device a name (for example “Priya's phone”).")
    if len(name) > MAX_NAME:
        raise ValidationError(f"A device name may be at most {MAX_NAME} characters.")
    _lock_reader(user_id)
    signed_out = _make_room(user_id=user_id, replace_device_id=replace_device_id, ask=True, now=now)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = Device.objects.create(
        user_id=user_id,
        kind=DeviceKind.APP,
        name=name,
        user_agent=(user_agent or "")[:MAX_AGENT],
        token_hash=selectors.hash_token(token),
        first_seen_at=now,
        last_seen_at=now,
    )
    return IssuedToken(device=device, token=token, signed_out=signed_out)


def replace_before_sign_in(*, user_id: int, device_id: int, now: dt.datetime | None = None) -> None:
    """The reader's pick at sign-in: sign that device out to make room for this one."""
    with transaction.atomic():
        _lock_reader(user_id)
        _make_room(
            user_id=user_id,
            replace_device_id=device_id,
            ask=False,
            now=now or timezone.now(),
        )


def note_browser_seen(
    *, session: SessionBase, device_id: int, now: dt.datetime | None = None
) -> None:
    """Record that the browser was seen, at most every TOUCH_EVERY: when it was last written is
    kept in its session, so most requests neither read nor write the device's row for this."""
    now = now or timezone.now()
    seen = session.get(selectors.SESSION_SEEN_KEY)
    if isinstance(seen, int | float) and now.timestamp() - seen < TOUCH_EVERY.total_seconds():
        return
    Device.objects.filter(pk=device_id, last_seen_at__lt=now - TOUCH_EVERY).update(last_seen_at=now)
    session[selectors.SESSION_SEEN_KEY] = int(now.timestamp())


def app_device_for_token(*, token: str, now: dt.datetime | None = None) -> Device | None:
    """The signed-in app a bearer token belongs to, or None if unknown or signed out."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    device = (
        Device.objects.select_related("user")
        .filter(token_hash=selectors.hash_token(token), signed_out_at__isnull=True)
        .first()
    )
    if device is None or not device.user.is_active:
        return None
    now = now or timezone.now()
    if now - device.last_seen_at >= TOUCH_EVERY:
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now
    return device


def sign_out_device(
    *,
    user_id: int,
    device_id: int,
    reason: SignOutReason = SignOutReason.READER,
    now: dt.datetime | None = None,
) -> Device:
    """Sign one of the reader's devices out; its next request is signed out."""
    device = selectors.active_devices(user_id=user_id).filter(pk=device_id).first()
    if device is None:
        raise ValidationError("That device is already signed out.")
    _sign_out([device], reason=reason, now=now or timezone.now())
    return device


def sign_out_other_devices(
    *,
    user_id: int,
    keep_device_id: int | None,
    reason: SignOutReason = SignOutReason.READER,
    now: dt.datetime | None = None,
) -> int:
    """Every device but ``keep_device_id`` (browsers and apps alike). Returns how many."""
    devices = selectors.active_devices(user_id=user_id)
    if keep_device_id is not None:
        devices = devices.exclude(pk=keep_device_id)
    return devices.update(signed_out_at=now or timezone.now(), signed_out_reason=reason)


def sign_out_devices(
    *, device_ids: list[int], reason: SignOutReason, now: dt.datetime | None = None
) -> int:
    """Staff signing devices out from the back office. Returns how many were still in."""
    return Device.objects.filter(pk__in=device_ids, signed_out_at__isnull=True).update(
        signed_out_at=now or timezone.now(), signed_out_reason=reason
    )

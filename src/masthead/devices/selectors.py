"""Reading devices: the publisher's policy, a reader's limit and signed-in devices."""

from __future__ import annotations

import hashlib
from functools import cache

from django.db import connection
from django.db.models import QuerySet

from masthead.access.gate import may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit
from masthead.devices.models import Device, DevicePolicy

# Kept in the reader's (server-side) session: which Device this browser is.
SESSION_DEVICE_KEY = "mh_device"
# ... and when its last seen was last written (seconds since the epoch).
SESSION_SEEN_KEY = "mh_device_seen"


def policy() -> DevicePolicy:
    """The back office's row, or the defaults (5 / 2 / ask) before anyone has saved one."""
    return DevicePolicy.objects.filter(pk=1).first() or DevicePolicy(pk=1)


def holds_every_device_benefit(*, user_id: int) -> bool:
    # Asked only through the gate, like every other benefit.
    decision = may_use(reader=Reader(user_id=user_id, anonymous_id=None), benefit=Benefit.DEVICES)
    return decision.full


def device_limit(*, user_id: int, rules: DevicePolicy | None = None) -> int:
    rules = rules or policy()
    if holds_every_device_benefit(user_id=user_id):
        return int(rules.subscriber_limit)
    return int(rules.reader_limit)


def active_devices(*, user_id: int) -> QuerySet[Device]:
    return Device.objects.filter(user_id=user_id, signed_out_at__isnull=True).order_by(
        "-last_seen_at", "-pk"
    )


def hash_token(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is enough (no salt or stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_over_limit(*, user_id: int, keep_device_id: int | None = None) -> bool:
    """Would one more device put this reader over the limit?"""
    devices = active_devices(user_id=user_id)
    if keep_device_id is not None:
        devices = devices.exclude(pk=keep_device_id)
    return devices.count() >= device_limit(user_id=user_id)


@cache
def _still_signed_in_sql() -> str:
    meta = Device._meta
    quote = connection.ops.quote_name
    return (
        f"SELECT 1 FROM {quote(meta.db_table)} WHERE {quote(str(meta.pk.column))} = %s "  # noqa: S608 - names from the model, values bound
        f"AND {quote(str(meta.get_field('user').column))} = %s "
        f"AND {quote(str(meta.get_field('signed_out_at').column))} IS NULL"
    )


def browser_still_signed_in(*, device_id: int, user_id: int) -> bool:
    """Runs on every signed-in request, so it is one indexed primary-key lookup in plain SQL:
    building the same query through the ORM costs about thirty times as much."""
    with connection.cursor() as cursor:
        cursor.execute(_still_signed_in_sql(), [device_id, user_id])
        return cursor.fetchone() is not None

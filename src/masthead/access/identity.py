"""Who is reading: a signed-in account, or an anonymous reader's signed first-party cookie."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core import signing

_SALT = "masthead.access.reader"


@dataclass
class Reader:
    """The reader a request speaks for. ``meter_key`` is what the meter counts against."""

    user_id: int | None
    anonymous_id: str | None
    ip: str = ""
    user_agent: str = ""
    # Set when the reader's cookie failed its signature: such a reader gets no free stories.
    forged: bool = False
    # Set by the gate when the meter counted against this reader: the cookie must be kept.
    touched: bool = False
    _benefits: frozenset[str] | None = field(default=None, repr=False)

    @property
    def is_signed_in(self) -> bool:
        return self.user_id is not None

    @property
    def meter_key(self) -> str:
        if self.user_id is not None:
            return f"u:{self.user_id}"
        return f"a:{self.anonymous_id}"


@dataclass(frozen=True, slots=True)
class ReaderCookie:
    anonymous_id: str
    # The account last signed in from this browser: its meter carries over at sign-out.
    linked_user_id: int | None = None
    # A period key ("2026-11") in which this browser has no free stories (tampered cookie).
    spent_until: str | None = None


def new_cookie() -> ReaderCookie:
    return ReaderCookie(anonymous_id=uuid.uuid4().hex)


def dump_cookie(cookie: ReaderCookie) -> str:
    payload: dict[str, object] = {"a": cookie.anonymous_id}
    if cookie.linked_user_id is not None:
        payload["u"] = cookie.linked_user_id
    if cookie.spent_until:
        payload["s"] = cookie.spent_until
    return signing.dumps(payload, salt=_SALT, compress=False)


class ForgedCookie(Exception):
    """The cookie's signature did not match: it was altered or made up."""


def load_cookie(value: str) -> ReaderCookie:
    try:
        payload = signing.loads(value, salt=_SALT)
    except signing.BadSignature as exc:
        raise ForgedCookie from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), str):
        raise ForgedCookie
    anonymous_id = payload["a"]
    if len(anonymous_id) != 32 or not all(c in "0123456789abcdef" for c in anonymous_id):
        raise ForgedCookie
    linked = payload.get("u")
    spent = payload.get("s")
    return ReaderCookie(
        anonymous_id=anonymous_id,
        linked_user_id=linked if isinstance(linked, int) else None,
        spent_until=spent if isinstance(spent, str) else None,
    )

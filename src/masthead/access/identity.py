"""Who is reading: a signed-in account, or an anonymous reader's signed first-party cookie."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from django.core import signing

_SALT = "masthead.access.reader"
# The stories a proof lists at most (the newest kept): far above any sensible free limit, and
# it keeps the cookie well under a kilobyte. A story beyond it is simply asked of the store.
PROOF_STORIES = 32


@dataclass(frozen=True, slots=True)
class MeterProof:
    """What the meter store last told this browser: signed, so only the server can write it.

    ``meter_key`` read ``read`` distinct stories in the window starting at ``window_starts``
    (epoch seconds), among them ``stories``. A story the store has counted stays counted for
    the rest of its window, so while the window is the same, re-reading one of ``stories``
    needs no trip to the store (ADR 0029). A replayed older proof lists fewer stories, never
    more, and a proof of another reader or another window opens nothing.
    """

    meter_key: str
    window_starts: int
    read: int
    stories: tuple[int, ...]

    def opens(self, *, meter_key: str, window_starts: int, article_id: int) -> bool:
        return (
            self.meter_key == meter_key
            and self.window_starts == window_starts
            and article_id in self.stories
        )


def proof_after(
    *, proof: MeterProof | None, meter_key: str, window_starts: int, article_id: int, read: int
) -> MeterProof:
    """The proof once the store has let ``meter_key`` read ``article_id`` (``read`` counted)."""
    kept: tuple[int, ...] = ()
    if proof is not None and (proof.meter_key, proof.window_starts) == (meter_key, window_starts):
        kept = tuple(story for story in proof.stories if story != article_id)
    stories = (*kept, article_id)[-PROOF_STORIES:]
    return MeterProof(meter_key=meter_key, window_starts=window_starts, read=read, stories=stories)


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
    # The signed meter proof the browser sent; the gate replaces it (and sets
    # ``proof_changed``) when the store answers, and the middleware writes it back.
    proof: MeterProof | None = None
    proof_changed: bool = False
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
    proof: MeterProof | None = None

    def with_proof(self, proof: MeterProof | None) -> ReaderCookie:
        return replace(self, proof=proof)


def new_cookie() -> ReaderCookie:
    return ReaderCookie(anonymous_id=uuid.uuid4().hex)


def dump_cookie(cookie: ReaderCookie) -> str:
    payload: dict[str, object] = {"a": cookie.anonymous_id}
    if cookie.linked_user_id is not None:
        payload["u"] = cookie.linked_user_id
    if cookie.spent_until:
        payload["s"] = cookie.spent_until
    if cookie.proof is not None:
        proof = cookie.proof
        payload["m"] = [proof.meter_key, proof.window_starts, proof.read, list(proof.stories)]
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
        proof=_load_proof(payload.get("m")),
    )


def _load_proof(raw: object) -> MeterProof | None:
    """The proof as this server signed it; anything else (an older layout) is no proof."""
    if not isinstance(raw, list) or len(raw) != 4:
        return None
    key, starts, read, stories = raw
    if not (
        isinstance(key, str)
        and isinstance(starts, int)
        and isinstance(read, int)
        and isinstance(stories, list)
        and all(isinstance(story, int) for story in stories)
    ):
        return None
    return MeterProof(meter_key=key, window_starts=starts, read=read, stories=tuple(stories))

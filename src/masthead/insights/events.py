"""Capturing reader-revenue events on the page path, cheaply.

Imports nothing of billing or the newsroom (an import-linter contract says so): the gate's
observer seam (``access.observers``) and a few views call in here.

Events wait in a per-process buffer, written in one go when it holds ``INSIGHTS_BUFFER_SIZE``
events or its oldest is ``INSIGHTS_BUFFER_SECONDS`` old (checked as each event arrives and
at the end of every request), and when the process exits:

- with Redis (``INSIGHTS_EVENT_STORE = "redis"``), one ``RPUSH`` of the batch's compact JSON
  lines onto a list, which the worker's ``services.flush_events`` moves into the database;
- embedded (``"database"``), one prepared INSERT run for the batch (``insert_events``).

A process killed between two writes loses its buffer (at most a few seconds of events): the
price of a page that never waits for a write.

Readers are pseudonymous: ``pseudonym`` is a keyed hash (HMAC-SHA256 with the secret key) of
the meter key, so the event store never holds an email address, a user id or an IP address.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from masthead.access.gate import Decision, Reason
from masthead.insights.models import EventKind, ReaderEvent

logger = logging.getLogger(__name__)

REDIS_KEY = "insights:events"

_SEARCH = ("google.", "bing.", "duckduckgo.", "yahoo.", "baidu.", "yandex.", "ecosia.")
_SOCIAL = (
    "facebook.",
    "fb.",
    "t.co",
    "twitter.",
    "x.com",
    "linkedin.",
    "lnkd.in",
    "instagram.",
    "reddit.",
    "whatsapp.",
    "wa.me",
    "telegram.",
    "t.me",
    "threads.net",
    "youtube.",
)
_MAIL = ("mail.", "outlook.", "newsletter")

OUTCOMES = {
    Reason.FREE_STORY: "free",
    Reason.NOT_METERED: "free",
    Reason.UNDER_METER: "metered",
    Reason.ENTITLED: "entitled",
    Reason.GIFT: "gift",
}


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    occurred_at: dt.datetime
    reader: str
    visitor: str = ""
    story_id: int | None = None
    section: str = ""
    outcome: str = ""
    prompt: str = ""
    meter_rule: str = ""
    referrer: str = ""
    device: str = ""
    reads_used: int | None = None

    def fields(self) -> dict[str, Any]:
        # (dataclasses.asdict deep-copies: several times slower, and this runs per event.)
        return {name: getattr(self, name) for name in _FIELDS}

    def dumps(self) -> str:
        data = {k: v for k, v in self.fields().items() if v not in ("", None)}
        data["occurred_at"] = self.occurred_at.timestamp()
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def loads(cls, raw: str | bytes) -> Event:
        data: dict[str, Any] = json.loads(raw)
        data["occurred_at"] = dt.datetime.fromtimestamp(float(data["occurred_at"]), tz=dt.UTC)
        return cls(**data)


_FIELDS = tuple(f.name for f in dataclass_fields(Event))


def insert_events(events: list[Event]) -> None:
    """Write events as rows in one prepared INSERT run for each (``executemany``).

    The ORM's ``bulk_create`` builds a model instance per event and compiles a statement per
    batch: on SQLite that was a fifth of a millisecond an event, paid by whichever page filled
    the buffer. The values here are plain strings and numbers, and the one datetime is adapted
    as the ORM would (``adapt_datetimefield_value``).
    """
    if not events:
        return
    table = connection.ops.quote_name(ReaderEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _FIELDS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(_FIELDS))})"  # noqa: S608 - names from the model
    adapt = connection.ops.adapt_datetimefield_value
    at = _FIELDS.index("occurred_at")
    rows = []
    for event in events:
        values = [getattr(event, name) for name in _FIELDS]
        values[at] = adapt(values[at])
        rows.append(values)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def pseudonym(key: str) -> str:
    """A stable, keyed 16-hex-digit name for a meter key ("u:42", "a:<cookie id>")."""
    return _pseudonym(settings.SECRET_KEY, key)


# A reader reads several pages in a row: their name is worked out once per process.
@lru_cache(maxsize=4096)
def _pseudonym(secret: str, key: str) -> str:
    return hmac.new(secret.encode(), b"insights:" + key.encode(), hashlib.sha256).hexdigest()[:16]


def referrer_class(*, referer: str, host: str, query: str = "") -> str:
    """search, social, newsletter, internal, direct or other, from the Referer and the URL."""
    if "utm_" in query:
        params = parse_qs(query)
        medium = (params.get("utm_medium", [""])[0] or params.get("utm_source", [""])[0]).lower()
        if medium in {"email", "newsletter"}:
            return "newsletter"
    if not referer:
        return "direct"
    ref_host = (urlsplit(referer).hostname or "").lower()
    if not ref_host:
        return "direct"
    if ref_host == host.split(":", maxsplit=1)[0].lower():
        return "internal"
    return _outside(ref_host)


@lru_cache(maxsize=4096)
def _outside(ref_host: str) -> str:
    """The class of another site (a few thousand hosts send nearly all readers: cached)."""
    if any(mark in ref_host for mark in _MAIL):
        return "newsletter"
    if any(ref_host.startswith(mark) or f".{mark}" in ref_host for mark in _SEARCH):
        return "search"
    if any(
        ref_host == mark or ref_host.startswith(mark) or f".{mark}" in ref_host for mark in _SOCIAL
    ):
        return "social"
    return "other"


def device_class(user_agent: str) -> str:
    ua = user_agent.lower()
    if "ipad" in ua or "tablet" in ua or ("android" in ua and "mobile" not in ua):
        return "tablet"
    if "mobi" in ua or "iphone" in ua or "android" in ua:
        return "phone"
    if not ua:
        return "unknown"
    return "desktop"


def _request_facts(request: HttpRequest) -> dict[str, Any]:
    meta = request.META
    return {
        "referrer": referrer_class(
            referer=str(meta.get("HTTP_REFERER", "")),
            host=str(meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")),
            query=str(meta.get("QUERY_STRING", "")),
        ),
        "device": device_class(str(meta.get("HTTP_USER_AGENT", ""))),
    }


def _names(request: HttpRequest) -> tuple[str, str]:
    reader = getattr(request, "reader", None)
    if reader is None:
        return "", ""
    visitor = pseudonym(f"a:{reader.anonymous_id}") if reader.anonymous_id else ""
    if reader.user_id is None:
        return visitor, visitor  # an anonymous reader is their browser
    return pseudonym(reader.meter_key), visitor


# --- Hooks the site calls ------------------------------------------------------------------


def story_decided(
    *, request: HttpRequest, story_id: int, section_slug: str, decision: Decision
) -> None:
    """The gate's observer (``ACCESS_DECISION_OBSERVERS``): a story view by outcome, and a
    prompt impression when the reader was shown one. Crawlers are not readers."""
    if not settings.INSIGHTS_CAPTURE or decision.reason == Reason.VERIFIED_CRAWLER:
        return
    reader, visitor = _names(request)
    if not reader:
        return
    now = timezone.now()
    facts = _request_facts(request)
    outcome = OUTCOMES.get(decision.reason, "blocked")
    rule = (decision.rule or "")[:40]  # the meter rule's name, as the back office shows it
    common: dict[str, Any] = {
        "occurred_at": now,
        "reader": reader,
        "visitor": visitor,
        "story_id": story_id,
        "section": section_slug,
        "meter_rule": rule,
        **facts,
    }
    prompt = str(decision.prompt) if decision.prompt and not decision.full else ""
    record(
        Event(
            kind=EventKind.STORY_VIEW,
            outcome=outcome,
            reads_used=decision.read,
            prompt=prompt,
            **common,
        )
    )
    if decision.reason == Reason.GIFT:
        record(Event(kind=EventKind.GIFT_OPEN, outcome=outcome, **common))
    if prompt:
        record(Event(kind=EventKind.PROMPT, outcome=outcome, prompt=prompt, **common))


def subscribe_clicked(*, request: HttpRequest) -> None:
    """The plans page opened (from a prompt, the masthead or a benefit page)."""
    if not settings.INSIGHTS_CAPTURE:
        return
    reader, visitor = _names(request)
    if reader:
        record(
            Event(
                kind=EventKind.SUBSCRIBE_CLICK,
                occurred_at=timezone.now(),
                reader=reader,
                visitor=visitor,
                **_request_facts(request),
            )
        )


def registered(*, request: HttpRequest, user_id: int) -> None:
    """A new account: links the browser's pseudonym to the account's for attribution."""
    if not settings.INSIGHTS_CAPTURE:
        return
    _, visitor = _names(request)
    record(
        Event(
            kind=EventKind.REGISTRATION,
            occurred_at=timezone.now(),
            reader=pseudonym(f"u:{user_id}"),
            visitor=visitor,
            **_request_facts(request),
        )
    )


# --- Where events go -----------------------------------------------------------------------


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)


def redis_key() -> str:
    return f"{settings.REDIS_PREFIX}:{REDIS_KEY}"


def redis_client() -> redis.Redis:
    return _redis(settings.REDIS_URL)


class _Buffer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[Event] = []
        self.oldest = 0.0

    def add(self, event: Event) -> None:
        with self.lock:
            if not self.events:
                self.oldest = time.monotonic()
            self.events.append(event)
            full = len(self.events) >= settings.INSIGHTS_BUFFER_SIZE
            stale = time.monotonic() - self.oldest >= settings.INSIGHTS_BUFFER_SECONDS
        if full or stale:
            self.flush()

    def flush_if_stale(self) -> int:
        with self.lock:
            stale = bool(self.events) and (
                time.monotonic() - self.oldest >= settings.INSIGHTS_BUFFER_SECONDS
            )
        return self.flush() if stale else 0

    def take(self) -> list[Event]:
        with self.lock:
            taken, self.events = self.events, []
        return taken

    def flush(self) -> int:
        taken = self.take()
        if not taken:
            return 0
        try:
            if settings.INSIGHTS_EVENT_STORE == "redis":
                # One round trip for the batch; the worker moves them into the database.
                redis_client().rpush(redis_key(), *(e.dumps() for e in taken))
            else:
                insert_events(taken)
        except Exception:  # never into the page: a lost batch is logged
            logger.exception("insights: %d event(s) could not be kept", len(taken))
            return 0
        return len(taken)


_buffer = _Buffer()


def record(event: Event) -> None:
    """Keep an event: into this process's buffer, written (to Redis or the database) in one
    go when it is full or old enough. Never raises into the page."""
    _buffer.add(event)


def flush_buffer() -> int:
    """Write this process's buffered events now (the worker, tests and exit call this)."""
    return _buffer.flush()


def flush_if_stale(**_: object) -> int:
    """Write this process's buffer if its oldest event is ``INSIGHTS_BUFFER_SECONDS`` old.
    Connected to ``request_finished`` (insights.apps), so the age limit holds in a process
    whose page views have stopped, as soon as it answers any request."""
    return _buffer.flush_if_stale()


atexit.register(flush_buffer)

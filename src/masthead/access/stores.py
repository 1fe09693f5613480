"""Two meter stores with one behaviour: the database (embedded default) and Redis.

``record_view`` is the only write: in one atomic step it answers whether the reader may open
the story and counts it if so. A story already counted in the window is always let through and
never counted twice; a new story is refused once ``limit`` distinct stories are counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from masthead.access.models import MeterView
from masthead.access.periods import Window

# Longer than any rule's window (a calendar month, or at most 366 rolling days): views older
# than this are trimmed from Redis sets and pruned from the database.
_MAX_WINDOW = dt.timedelta(days=400)


class MeterUnavailable(Exception):
    """The store could not be reached; the gate applies the configured policy."""


@dataclass(frozen=True, slots=True)
class MeterOutcome:
    allowed: bool
    counted: int  # distinct stories counted in the window, after this view
    newly_counted: bool  # this view used up one free story


class MeterStore(Protocol):
    name: str

    def record_view(
        self, *, reader_key: str, article_id: int, now: dt.datetime, window: Window, limit: int
    ) -> MeterOutcome: ...

    def peek(self, *, reader_key: str, article_id: int, window: Window) -> tuple[bool, int]:
        """(already counted in this window, stories counted in the window); writes nothing."""
        ...

    def merge(self, *, from_key: str, into_key: str, since: dt.datetime) -> None:
        """Carry one reader's counted stories into another's (sign-in, sign-out)."""
        ...


class DatabaseMeterStore:
    """Rows in ``access_meterview``, serialised per reader.

    PostgreSQL: a transaction-scoped advisory lock on the reader's key. SQLite: transactions
    begin IMMEDIATE (see settings), so writers queue for the database's single write lock.
    """

    name = "database"

    def _lock(self, reader_key: str) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [reader_key])

    def record_view(
        self, *, reader_key: str, article_id: int, now: dt.datetime, window: Window, limit: int
    ) -> MeterOutcome:
        # A story already counted in the window stays counted, so a re-read needs no write
        # lock (on SQLite that lock is the whole database's): answer it from a plain read.
        already, counted = self.peek(reader_key=reader_key, article_id=article_id, window=window)
        if already:
            return MeterOutcome(allowed=True, counted=counted, newly_counted=False)
        with transaction.atomic():
            self._lock(reader_key)
            recent = MeterView.objects.filter(reader_key=reader_key, viewed_at__gte=window.starts)
            articles = set(recent.values_list("article_id", flat=True).distinct())
            if article_id in articles:
                return MeterOutcome(allowed=True, counted=len(articles), newly_counted=False)
            if len(articles) >= limit:
                return MeterOutcome(allowed=False, counted=len(articles), newly_counted=False)
            MeterView.objects.create(reader_key=reader_key, article_id=article_id, viewed_at=now)
            return MeterOutcome(allowed=True, counted=len(articles) + 1, newly_counted=True)

    def peek(self, *, reader_key: str, article_id: int, window: Window) -> tuple[bool, int]:
        articles = set(
            MeterView.objects.filter(reader_key=reader_key, viewed_at__gte=window.starts)
            .values_list("article_id", flat=True)
            .distinct()
        )
        return article_id in articles, len(articles)

    def merge(self, *, from_key: str, into_key: str, since: dt.datetime) -> None:
        if from_key == into_key:
            return
        with transaction.atomic():
            self._lock(into_key)
            theirs = dict(
                MeterView.objects.filter(reader_key=from_key, viewed_at__gte=since)
                .values("article_id")
                .annotate(last=Max("viewed_at"))
                .values_list("article_id", "last")
            )
            mine = dict(
                MeterView.objects.filter(reader_key=into_key, viewed_at__gte=since)
                .values("article_id")
                .annotate(last=Max("viewed_at"))
                .values_list("article_id", "last")
            )
            MeterView.objects.bulk_create(
                MeterView(reader_key=into_key, article_id=article, viewed_at=when)
                for article, when in theirs.items()
                if article not in mine or mine[article] < when
            )

    def prune(self, *, now: dt.datetime, keep: dt.timedelta = _MAX_WINDOW) -> int:
        """Forget views older than ``keep`` (the worker passes what the active rules need,
        ``selectors.meter_history_needed``); Redis keys expire by themselves."""
        deleted, _ = MeterView.objects.filter(viewed_at__lt=now - min(keep, _MAX_WINDOW)).delete()
        return deleted


# KEYS[1] = the reader's sorted set (member: article id, score: epoch seconds of the view).
# ARGV: article, now, window start, limit, seconds until the window ends, trim-before.
# Expiry is relative (EXPIRE, not EXPIREAT) so it holds whatever clock "now" came from.
_RECORD = """
local key = KEYS[1]
local article = ARGV[1]
local now = tonumber(ARGV[2])
local start = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[6])
local score = redis.call('ZSCORE', key, article)
local counted = redis.call('ZCOUNT', key, start, '+inf')
if score and tonumber(score) >= start then
  return {1, counted, 0}
end
if counted >= limit then
  return {0, counted, 0}
end
redis.call('ZADD', key, now, article)
local ttl = redis.call('TTL', key)
local wanted = tonumber(ARGV[5])
if ttl < wanted then
  redis.call('EXPIRE', key, wanted)
end
return {1, counted + 1, 1}
"""

# KEYS[1] = from, KEYS[2] = into. Keeps each story's latest view; the longer expiry wins.
_MERGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local ttl_from = redis.call('TTL', KEYS[1])
local ttl_into = redis.call('TTL', KEYS[2])
redis.call('ZUNIONSTORE', KEYS[2], 2, KEYS[2], KEYS[1], 'AGGREGATE', 'MAX')
local ttl = math.max(ttl_from, ttl_into)
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return 1
"""


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)


class RedisMeterStore:
    """A sorted set per reader, changed only by Lua scripts, so each step is atomic."""

    name = "redis"

    def __init__(self, url: str, prefix: str = "masthead:meter:") -> None:
        self.client = _client(url)
        self.prefix = prefix
        self._record = self.client.register_script(_RECORD)
        self._merge = self.client.register_script(_MERGE)

    def _key(self, reader_key: str) -> str:
        return f"{self.prefix}{reader_key}"

    def record_view(
        self, *, reader_key: str, article_id: int, now: dt.datetime, window: Window, limit: int
    ) -> MeterOutcome:
        try:
            allowed, counted, newly = self._record(
                keys=[self._key(reader_key)],
                args=[
                    article_id,
                    int(now.timestamp()),
                    int(window.starts.timestamp()),
                    limit,
                    max(1, int((window.ends - now).total_seconds())),
                    int((now - _MAX_WINDOW).timestamp()),
                ],
            )
        except redis.RedisError as exc:
            raise MeterUnavailable(f"redis: {type(exc).__name__}") from exc
        return MeterOutcome(allowed=bool(allowed), counted=int(counted), newly_counted=bool(newly))

    def peek(self, *, reader_key: str, article_id: int, window: Window) -> tuple[bool, int]:
        key = self._key(reader_key)
        start = int(window.starts.timestamp())
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.zscore(key, article_id)
            pipe.zcount(key, start, "+inf")
            score, counted = pipe.execute()
        except redis.RedisError as exc:
            raise MeterUnavailable(f"redis: {type(exc).__name__}") from exc
        return score is not None and float(score) >= start, int(counted)

    def merge(self, *, from_key: str, into_key: str, since: dt.datetime) -> None:
        if from_key == into_key:
            return
        try:
            self._merge(keys=[self._key(from_key), self._key(into_key)])
        except redis.RedisError as exc:
            raise MeterUnavailable(f"redis: {type(exc).__name__}") from exc


def store_from_settings() -> MeterStore:
    if settings.METER_STORE == "redis":
        return RedisMeterStore(settings.REDIS_URL, prefix=_redis_prefix())
    return DatabaseMeterStore()


def _redis_prefix() -> str:
    return f"{settings.REDIS_PREFIX}:meter:"

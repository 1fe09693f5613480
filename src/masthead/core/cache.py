"""Django's Redis cache, which a Redis outage turns into misses rather than errors.

Everything Masthead keeps in the cache can be rebuilt from the database (page kits, the
navigation, crawler look-ups, sign-in delays), so while Redis is away a page is built the slow
way instead of failing: a read is a miss, a write or delete is skipped, and each is logged.
The soak (issue 16) found every story page answering 500 while Redis was stopped. The health
check still says the cache is down (/readyz writes a value and does not read it back).

Socket timeouts (``settings.REDIS_CACHE_OPTIONS``: 0.25 s to connect, 0.5 s per read) bound how
long a Redis that hangs rather than refuses can hold a call; without them a cache read against
a listener that never answered took 5.0 s here (measured in review, not a test). ``add``
answers False during an outage: a caller using it as a lock (the sign-in throttle's "judging"
hold) fails closed, which for sign-in is the safe side ("try again in a moment").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis import RedisError

logger = logging.getLogger(__name__)


class OutageTolerantRedisCache(RedisCache):
    def _down(self, action: str, exc: Exception) -> None:
        logger.warning("cache unavailable, %s skipped: %s", action, exc)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            self._down("read", exc)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            self._down("read", exc)
            return {}

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            self._down("write", exc)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            self._down("write", exc)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError as exc:
            self._down("delete", exc)
            return False

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            self._down("write", exc)
            return list(data)  # Django's answer for keys not stored

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except RedisError as exc:
            self._down("delete", exc)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            self._down("read", exc)
            return False

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except RedisError as exc:
            self._down("write", exc)
            return False

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            self._down("write", exc)
            # What Django says of a key that is not there: the caller's "start it" path runs.
            raise ValueError(f"Key {key!r} not found (the cache is unavailable).") from exc


def forget_now_and_after_commit(forget: Callable[[], None]) -> None:
    """Forget now, and again once the transaction commits: a request between the two may have
    rebuilt a cached page from the rows as they were before the commit (the page caches)."""
    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget)

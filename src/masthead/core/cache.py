"""Django's Redis cache, which a Redis outage turns into misses rather than errors.

Everything Masthead keeps in the cache can be rebuilt from the database (page kits, the
navigation, crawler look-ups, sign-in delays), so while Redis is away a page is built the slow
way instead of failing: a read is a miss, a write or delete is skipped, and each is logged.
The soak (issue 16) found every story page answering 500 while Redis was stopped. The health
check still says the cache is down (/readyz writes a value and does not read it back).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
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

"""Redis stopped: the pages are built from the database instead of answering 500.

Found by the soak (issue 16): with Redis down every story page and the front page failed in
the page cache's read. The cache here is the configured backend pointed at a port where
nothing listens, as a stopped Redis is (connection refused).
"""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings

from masthead.ops import testing
from masthead.pages import page_cache

pytestmark = pytest.mark.django_db


def _nothing_listens() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


def _cache_at(location: str) -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "masthead.core.cache.OutageTolerantRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "outage",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,  # as the settings configure a real one
        }
    }


@pytest.fixture
def redis_stopped():
    with override_settings(CACHES=_cache_at(_nothing_listens())):
        caches["default"].close()
        page_cache.forget_local_copies()
        yield
    page_cache.forget_local_copies()


def test_a_story_and_the_front_page_are_served_while_redis_is_down(client, redis_stopped):
    testing.demo_rules()
    story = testing.article(access_level="free", headline="Markets close higher")
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert "SECRET-THIRD-PARAGRAPH" in page.content.decode()  # free: the whole story
    front = client.get("/")
    assert front.status_code == 200
    assert "Markets close higher" in front.content.decode()


def test_the_cache_reads_as_misses_and_skips_writes_while_redis_is_down(redis_stopped):
    cache = caches["default"]
    cache.set("kit", "value", 60)  # skipped, not raised
    assert cache.get("kit", "missing") == "missing"
    assert cache.get_many(["kit", "other"]) == {}
    assert cache.add("kit", "value") is False
    assert cache.delete("kit") is False
    # The rest of the cache's API answers too (a password change forgets sign-in delays with
    # delete_many; before, it raised here and the reader got a 500 after the password changed).
    cache.delete_many(["kit", "other"])
    assert cache.set_many({"kit": 1, "other": 2}) == ["kit", "other"]  # Django's "not stored"
    assert cache.has_key("kit") is False
    assert cache.touch("kit") is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("kit")  # as for a key that is not there

"""Fixtures shared by every app's tests: real database, real Redis, real browser."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made from
# the same thread (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(os.environ.get("MASTHEAD_TEST_ARTIFACTS", "test-artifacts")).resolve()
CHROMIUM = os.environ.get("MASTHEAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True)
def _fresh_process_caches(settings: Any) -> Iterator[None]:
    """Each test starts with empty caches and a meter store built from its own settings."""
    from django.core.cache import cache

    from masthead.access.gate import reset_meter_store
    from masthead.access.selectors import forget_cached_rules
    from masthead.ads.selectors import forget_ads
    from masthead.ops.health import forget_applied_migrations
    from masthead.pages.listing_cache import forget_local_copies as forget_listings

    _clear_cache(cache, settings)
    forget_listings()  # the listings' copies in this process may show another test's stories
    forget_cached_rules()
    forget_ads()
    reset_meter_store()
    forget_applied_migrations()
    yield
    forget_cached_rules()
    forget_ads()
    reset_meter_store()


def _clear_cache(cache: Any, settings: Any) -> None:
    """Empty this run's cache only: on a shared Redis, delete our prefix, never FLUSHDB."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        cache.clear()
        return
    import redis

    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None


@pytest.fixture
def redis_prefix(settings: Any, redis_url: str | None) -> Iterator[str]:
    """A key prefix of this test's own on the real Redis, removed afterwards."""
    prefix = f"mhtest-{uuid.uuid4().hex[:12]}"
    settings.REDIS_PREFIX = prefix
    yield prefix
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Concurrency tests need PostgreSQL's row locks: they run on the PostgreSQL pass only."""
    if "postgres" in os.environ.get("DATABASE_URL", ""):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def meter_store_params() -> list[str]:
    """The database store always; the Redis store on the pass that has a Redis."""
    return ["database", "redis"] if os.environ.get("REDIS_URL") else ["database"]


@pytest.fixture(params=meter_store_params())
def meter_store_name(request: Any, settings: Any, redis_prefix: str) -> str:
    """Runs a test once per meter store (the behaviour suite)."""
    from masthead.access.gate import reset_meter_store

    settings.METER_STORE = request.param
    reset_meter_store()
    return str(request.param)


# --- Browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. Run `make test` (it installs Debian's "
            "chromium with apt-get) or `apt-get install -y chromium`."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# Every browser test runs under the site's Content-Security-Policy and fails on a violation
# (a script, style or frame of ours the policy blocks): Chromium fires securitypolicyviolation
# and logs "Refused to ..." to the console; both are collected per test.
_CSP_WATCH = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' +
                (e.blockedURI || 'inline code') + ' on ' + document.location.pathname);
});
"""


def _is_csp_violation(message: Any) -> bool:
    text = str(message.text)
    return message.type == "error" and (
        text.startswith("CSP violation") or "Content Security Policy" in text
    )


@pytest.fixture
def page_factory(browser: Any, request: Any) -> Iterator[Any]:
    """New isolated browser contexts (like separate private windows); screenshots kept.

    ``page_factory.csp_violations`` lists the policy violations seen so far; a test that
    provokes one on purpose clears it."""
    contexts: list[Any] = []
    violations: list[str] = []

    def make(*, width: int = 1280, height: int = 900, mobile: bool = False) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
        )
        context.set_default_timeout(15_000)
        context.add_init_script(_CSP_WATCH)
        context.on("console", lambda m: violations.append(m.text) if _is_csp_violation(m) else None)
        contexts.append(context)
        return context.new_page()

    make.csp_violations = violations  # type: ignore[attr-defined]
    yield make
    for context in contexts:
        context.close()
    assert not violations, f"The Content-Security-Policy blocked: {violations}"


def screenshot(page: Any, name: str) -> Path:
    """Keep a screenshot as a test artifact (test-artifacts/screenshots/NAME.png)."""
    target = ARTIFACTS / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


@pytest.fixture
def shoot() -> Any:
    return screenshot


# --- Stories' images -----------------------------------------------------------------------


@pytest.fixture
def media_storage(settings: Any, tmp_path: Path) -> Path:
    """The default storage (stories' images) in a folder of this test's own, set through
    STORAGES as a deployment would; MEDIA_URL stays /media/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media/"},
        },
    }
    return tmp_path / "media"

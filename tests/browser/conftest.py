"""Browser journeys: the demo site served by pytest-django's live server, driven by Chromium."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(transactional_db: Any, redis_prefix: str) -> None:
    """The demo newsroom, paywall, plans and logins, committed so the live server sees them.

    ``redis_prefix`` gives this test meter keys of its own on the Redis pass: user ids restart
    with every test database, so a shared prefix would carry a previous run's counts.
    """
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def site(live_server: Any, demo: None) -> str:
    """The live server's base URL, with the demo loaded."""
    return str(live_server.url)

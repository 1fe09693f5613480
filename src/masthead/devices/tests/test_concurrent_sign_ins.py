"""Sign-ins at the same moment cannot squeeze past the limit (row lock on PostgreSQL, SQLite's
single writer on the embedded stack)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from masthead.devices import services
from masthead.devices.models import OverLimitChoice
from masthead.devices.selectors import active_devices
from masthead.devices.tests.conftest import make_reader

pytestmark = pytest.mark.django_db(transaction=True)

APPS = 8


def sign_in_apps_at_once() -> list[str]:
    reader = make_reader("busy@example.com")
    barrier = threading.Barrier(APPS)

    def sign_in(number: int) -> str:
        try:
            barrier.wait(timeout=10)
            services.issue_app_token(user_id=reader.pk, name=f"App {number}")
            return "in"
        except services.DeviceLimitReached:
            return "asked"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=APPS) as pool:
        outcomes = list(pool.map(sign_in, range(APPS)))
    assert active_devices(user_id=reader.pk).count() == 2
    return outcomes


def test_when_asking_exactly_the_limit_gets_in_and_the_rest_are_asked(set_policy):
    set_policy(reader_limit=2, when_over_limit=OverLimitChoice.ASK)
    outcomes = sign_in_apps_at_once()
    assert outcomes.count("in") == 2
    assert outcomes.count("asked") == APPS - 2


def test_when_signing_out_the_oldest_everyone_gets_in_and_the_limit_still_holds(set_policy):
    set_policy(reader_limit=2, when_over_limit=OverLimitChoice.SIGN_OUT_OLDEST)
    assert sign_in_apps_at_once() == ["in"] * APPS

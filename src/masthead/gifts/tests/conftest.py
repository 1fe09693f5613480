"""Gift tests: subscribers (readers holding the story benefits) and a stranger's meter."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from masthead.access import services as access
from masthead.access.gate import meter_store
from masthead.access.identity import load_cookie
from masthead.access.models import Benefit, GrantSource
from masthead.access.periods import calendar_month
from masthead.ops import testing


def make_subscriber(*, benefits=(Benefit.UNLIMITED_STORIES, Benefit.PREMIUM_STORIES)):
    user = testing.reader_account()
    now = timezone.now()
    access.grant_benefits(
        user=user,
        benefits=list(benefits),
        source=GrantSource.SUBSCRIPTION,
        source_reference=f"subscription:test-{user.pk}",
        starts_at=now - dt.timedelta(days=400),
        ends_at=now + dt.timedelta(days=400),
    )
    return user


@pytest.fixture
def subscriber(db):
    return make_subscriber()


def meter_count(client) -> int:
    """Stories counted this month on the meter of the browser behind ``client``."""
    from django.conf import settings

    cookie = load_cookie(client.cookies[settings.READER_COOKIE_NAME].value)
    window = calendar_month(now=timezone.now(), tz=ZoneInfo(settings.TIME_ZONE))
    _, read = meter_store().peek(reader_key=f"a:{cookie.anonymous_id}", article_id=0, window=window)
    return read

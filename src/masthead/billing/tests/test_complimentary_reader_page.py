"""A reader the newsroom comped sees that access on "My subscription", not "no subscription"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masthead.access import services as access
from masthead.access.services import CompDuration
from masthead.ops import testing

pytestmark = pytest.mark.django_db


def test_a_complimentary_reader_is_told_of_their_access_not_of_no_subscription(client):
    reader = testing.reader_account()
    access.grant_complimentary(user=reader, duration=CompDuration.FOREVER, granted_by=None)
    client.force_login(reader)

    page = client.get("/subscribe/my/").content.decode()

    assert "You have no subscription yet" not in page
    assert "You have complimentary access from The Meridian Ledger:" in page
    assert "premium stories" in page
    assert "nothing will be charged" in page


def test_a_comp_for_a_month_says_until_when(client):
    reader = testing.reader_account()
    start = timezone.now()
    grants = access.grant_complimentary(
        user=reader, duration=CompDuration.ONE_MONTH, granted_by=None, now=start
    )
    client.force_login(reader)

    page = client.get("/subscribe/my/").content.decode()

    ends = timezone.localtime(grants[0].ends_at)
    assert ends - start > dt.timedelta(days=27)
    assert f"complimentary access from The Meridian Ledger until {ends:%-d %b %Y}" in page


def test_a_reader_with_neither_plan_nor_comp_still_sees_the_plans_link(client):
    client.force_login(testing.reader_account())

    page = client.get("/subscribe/my/").content.decode()

    assert "You have no subscription yet" in page
    assert "See the plans" in page
    assert "complimentary" not in page

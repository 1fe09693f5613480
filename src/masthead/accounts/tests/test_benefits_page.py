"""The "Your benefits" page: what the reader's plan includes, each with its way in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from masthead.access import services as access
from masthead.access import ways_in
from masthead.access.demo import load as load_demo_paywall
from masthead.access.models import Benefit, GrantSource
from masthead.ops import testing

pytestmark = pytest.mark.django_db

URL = "/accounts/benefits/"


def signed_in(client, *benefits, ends_at=None):
    user = testing.reader_account()
    if benefits:
        access.grant_benefits(
            user=user,
            benefits=list(benefits),
            source=GrantSource.SUBSCRIPTION,
            starts_at=timezone.now() - dt.timedelta(days=1),
            ends_at=ends_at,
        )
    client.force_login(user)
    return user


def held_and_missing(page: str) -> tuple[set[str], set[str]]:
    held = set(re.findall(r'benefit-held" data-benefit="([a-z_]+)"', page))
    missing = set(re.findall(r'benefit-missing" data-benefit="([a-z_]+)"', page))
    return held, missing


def test_the_page_has_its_address_and_needs_a_signed_in_reader(client):
    assert reverse("accounts:benefits") == URL
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_subscriber_sees_every_benefit_of_the_plan_with_its_way_in(client):
    load_demo_paywall()
    signed_in(client, *Benefit.values)
    page = client.get(URL).content.decode()
    held, missing = held_and_missing(page)
    assert held == set(Benefit.values)
    assert not missing
    # The publisher's words for each benefit, and the ways in this issue builds.
    assert "Exclusive premium stories online" in page
    assert "Repository of articles and publications dating back to 1997" in page
    assert 'href="/premium/"' in page
    assert 'href="/market-analysis/"' in page
    assert 'href="/archive/"' in page
    assert "Subscribe" not in page.split("</header>", 1)[1].split("<footer", 1)[0]


def test_ways_in_other_apps_register_are_listed_with_their_benefit(client):
    ways_in.register(benefit=Benefit.EPAPER, label="Read today's e-paper", url_name="newsroom:home")
    try:
        signed_in(client, Benefit.EPAPER)
        page = client.get(URL).content.decode()
        assert "Read today&#x27;s e-paper" in page
    finally:
        ways_in._ways_in.pop((Benefit.EPAPER, "newsroom:home"), None)


def test_a_reader_without_a_benefit_sees_what_it_would_give_and_a_subscribe_link(client):
    load_demo_paywall()
    signed_in(client, Benefit.UNLIMITED_STORIES, Benefit.AD_FREE)
    page = client.get(URL).content.decode()
    held, missing = held_and_missing(page)
    assert held == {Benefit.UNLIMITED_STORIES, Benefit.AD_FREE}
    assert Benefit.ARCHIVES in missing and Benefit.PREMIUM_STORIES in missing
    assert "Uninterrupted reading experience with no advertisements" in page
    assert reverse("billing:subscribe") in page
    assert "Upgrade your plan" in page


def test_a_reader_with_no_plan_sees_what_a_subscription_gives(client):
    load_demo_paywall()
    signed_in(client)
    page = client.get(URL).content.decode()
    held, missing = held_and_missing(page)
    assert not held
    assert missing == set(Benefit.values)
    assert "What a subscription gives you" in page


def test_an_ended_grant_is_no_longer_a_benefit(client):
    signed_in(client, Benefit.ARCHIVES, ends_at=timezone.now() - dt.timedelta(seconds=1))
    held, _missing = held_and_missing(client.get(URL).content.decode())
    assert Benefit.ARCHIVES not in held


def test_the_account_and_subscription_pages_link_to_it(client):
    signed_in(client)
    assert URL in client.get(reverse("accounts:me")).content.decode()
    assert URL in client.get(reverse("billing:my_subscription")).content.decode()

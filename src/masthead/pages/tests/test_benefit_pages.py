"""The plan benefits as readers meet them over HTTP: premium, market analysis, the archives."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from masthead.access import services as access
from masthead.access.demo import load as load_demo_paywall
from masthead.access.models import Benefit, GrantSource
from masthead.newsroom.models import Article
from masthead.ops import testing
from masthead.pages import listing_cache

pytestmark = pytest.mark.django_db

IST = ZoneInfo("Asia/Kolkata")
SECRETS = ("SECRET-THIRD-PARAGRAPH", "SECRET-FOURTH-PARAGRAPH", "SECRET-FIFTH-PARAGRAPH")


@pytest.fixture
def paywall():
    load_demo_paywall()


def signed_in(client, *benefits):
    user = testing.reader_account()
    if benefits:
        access.grant_benefits(
            user=user,
            benefits=list(benefits),
            source=GrantSource.SUBSCRIPTION,
            starts_at=timezone.now() - dt.timedelta(days=1),
            ends_at=None,
        )
    client.force_login(user)
    return user


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def market_section():
    return testing.newsroom.upsert_section(
        name="Market Analysis",
        slug="market-analysis",
        description="Analysis from the investor desk.",
        is_market_analysis=True,
    )


# --- Premium --------------------------------------------------------------------------------


def test_the_home_page_counts_premium_stories_published_today_in_the_publishers_time_zone(
    client, paywall
):
    local_midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    testing.article(access_level="premium", published_at=local_midnight)
    testing.article(access_level="premium", published_at=timezone.now())
    # Today in UTC, perhaps, but yesterday in India: not today's.
    testing.article(access_level="premium", published_at=local_midnight - dt.timedelta(minutes=1))
    testing.article(access_level="metered", published_at=timezone.now())
    page = page_of(client, "/")
    assert "2 premium stories today" in page
    assert 'href="/premium/"' in page


def test_the_premium_page_leads_with_the_editors_picks_in_order_then_earlier_stories(
    client, paywall
):
    now = timezone.now()
    # Any time today in India, even just after midnight.
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    second = testing.article(
        access_level="premium", headline="Picked second", premium_pick=2, published_at=now
    )
    first = testing.article(
        access_level="premium",
        headline="Picked first",
        premium_pick=1,
        published_at=midnight,
    )
    unpicked = testing.article(access_level="premium", headline="Not picked", published_at=now)
    earlier = testing.article(
        access_level="premium", headline="Last week", published_at=now - dt.timedelta(days=7)
    )
    testing.article(headline="A metered story", published_at=now)
    page = page_of(client, reverse("newsroom:premium"))
    today, rest = page.split("Earlier premium stories")
    assert today.index(first.headline) < today.index(second.headline)
    assert today.index(second.headline) < today.index(unpicked.headline)
    assert earlier.headline in rest
    assert "A metered story" not in page
    assert page.count("badge-premium") >= 4
    assert "See the plans" in page  # an anonymous reader is told how to get them


def test_a_premium_subscriber_is_told_premium_is_included(client, paywall):
    signed_in(client, Benefit.PREMIUM_STORIES)
    page = page_of(client, reverse("newsroom:premium"))
    assert "included in your subscription" in page


def test_only_premium_stories_may_be_picked(paywall):
    with pytest.raises(ValidationError, match="Only premium stories"):
        testing.article(access_level="metered", premium_pick=1)


def test_a_premium_story_page_carries_the_badge_and_the_premium_prompt(client, paywall):
    story = testing.article(access_level="premium")
    page = page_of(client, story.get_absolute_url())
    assert "badge-premium" in page
    assert 'data-prompt="premium_anonymous"' in page
    for secret in SECRETS:
        assert secret not in page


# --- Market analysis ------------------------------------------------------------------------


def test_the_market_analysis_landing_lists_the_verticals_stories_and_what_it_gives(client, paywall):
    vertical = market_section()
    analysis = testing.article(in_section=vertical, headline="Why yields will not follow")
    testing.article(headline="Ordinary economy story")
    page = page_of(client, reverse("newsroom:market_analysis"))
    assert analysis.headline in page
    assert "Ordinary economy story" not in page
    # The benefit copy of the demo, and a way to get it.
    assert "Market analysis &amp; investment insights" in page
    assert reverse("billing:subscribe") in page


def test_a_market_analysis_story_shows_the_lead_and_its_own_prompt_until_the_reader_has_it(
    client, paywall
):
    story = testing.article(in_section=market_section())
    page = page_of(client, story.get_absolute_url())
    assert "The finance ministry set out a plan" in page
    assert 'data-prompt="market_anonymous"' in page
    assert "This is market analysis for subscribers." in page
    for secret in SECRETS:
        assert secret not in page
    signed_in(client, Benefit.UNLIMITED_STORIES)
    assert 'data-prompt="market_registered"' in page_of(client, story.get_absolute_url())
    signed_in(client, Benefit.MARKET_ANALYSIS)
    page = page_of(client, story.get_absolute_url())
    assert "SECRET-FIFTH-PARAGRAPH" in page
    assert "data-prompt" not in page


def test_marking_a_section_as_the_vertical_gates_its_cached_story_pages_at_once(client, paywall):
    section = testing.section("investing")
    story = testing.article(in_section=section)
    signed_in(client, Benefit.UNLIMITED_STORIES)
    assert "SECRET-FIFTH-PARAGRAPH" in page_of(client, story.get_absolute_url())
    testing.newsroom.upsert_section(name="Investing", slug="investing", is_market_analysis=True)
    testing.newsroom.forget_newsroom()  # what the back office does on saving a section
    assert "SECRET-FIFTH-PARAGRAPH" not in page_of(client, story.get_absolute_url())


# --- Archives -------------------------------------------------------------------------------


def test_an_old_story_shows_the_lead_and_the_archive_prompt(client, paywall):
    story = testing.article(published_at=timezone.now() - dt.timedelta(days=800))
    page = page_of(client, story.get_absolute_url())
    assert "The finance ministry set out a plan" in page
    assert 'data-prompt="archive_anonymous"' in page
    assert "This story is from our archives." in page
    for secret in SECRETS:
        assert secret not in page
    signed_in(client, Benefit.ARCHIVES)
    assert "SECRET-FIFTH-PARAGRAPH" in page_of(client, story.get_absolute_url())


def at(year, month, day, hour=12):
    return dt.datetime(year, month, day, hour, tzinfo=IST)


def test_the_archive_browser_goes_year_month_day_with_counts(client, paywall):
    testing.article(headline="Sensex at 4000", published_at=at(1997, 7, 2, 20))
    testing.article(headline="Pokhran tests", published_at=at(1998, 5, 14))
    testing.article(headline="Budget day", published_at=at(1998, 5, 14, 18))
    testing.article(headline="Monsoon arrives", published_at=at(1998, 6, 1))
    # 00:30 in India on 1 January 1999 is still 1998 in UTC: the publisher's calendar decides.
    testing.article(headline="New year", published_at=at(1999, 1, 1, 0) + dt.timedelta(minutes=30))

    years = page_of(client, reverse("newsroom:archive"))
    assert "back to 1997" in years
    assert years.index(">1999<") < years.index(">1998<") < years.index(">1997<")
    assert "3 stories" in years and "1 story" in years

    months = page_of(client, reverse("newsroom:archive_year", args=[1998]))
    assert '>May</a> <span class="count">2 stories' in months
    assert '>June</a> <span class="count">1 story' in months

    days = page_of(client, reverse("newsroom:archive_month", args=[1998, 5]))
    assert "Thursday 14 May" in days and "2 stories" in days

    day = page_of(client, reverse("newsroom:archive_day", args=[1998, 5, 14]))
    assert "Pokhran tests" in day and "Budget day" in day
    assert "Monsoon arrives" not in day
    assert "New year" in page_of(client, reverse("newsroom:archive_day", args=[1999, 1, 1]))


def test_a_day_with_many_stories_is_paginated(client, paywall):
    for hour in range(35):
        testing.article(published_at=at(2001, 9, 12) + dt.timedelta(minutes=hour))
    url = reverse("newsroom:archive_day", args=[2001, 9, 12])
    first = page_of(client, url)
    assert "Page 1 of 2" in first
    assert first.count('class="card"') == 30
    assert page_of(client, url + "?page=2").count('class="card"') == 5


@pytest.mark.parametrize(
    "path",
    ["/archive/1996/", "/archive/1998/13/", "/archive/1998/2/30/", "/archive/2030/1/1/"],
)
def test_archive_pages_that_do_not_exist_are_not_found(client, paywall, path):
    testing.article(published_at=at(1998, 5, 14))
    assert client.get(path).status_code == 404


def test_archive_pages_need_the_same_queries_however_many_stories(client, paywall):
    def queries_for_each_level() -> list[int]:
        cache.clear()  # the year list is cached: measure its cold path both times
        listing_cache.forget_local_copies()  # ...and the archive page's own (pages.listing_cache)
        client.get("/")  # ...after the chrome is read again
        counts = []
        for url in (
            reverse("newsroom:archive"),
            reverse("newsroom:archive_year", args=[1998]),
            reverse("newsroom:archive_month", args=[1998, 5]),
            reverse("newsroom:archive_day", args=[1998, 5, 14]),
        ):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    testing.article(published_at=at(1998, 5, 14))
    client.get(reverse("newsroom:archive"))  # warm the per-process caches (rules, chrome)
    few = queries_for_each_level()
    for year in range(1997, 2010):
        for month in (1, 5, 9):
            for day in (3, 14):
                testing.article(published_at=at(year, month, day))
    many = queries_for_each_level()
    assert Article.objects.count() > 70
    assert many == few

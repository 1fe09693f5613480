"""Gift stories in a real browser: a subscriber gives a story from its page, copies the link
from their gifts, and a stranger in another browser — their free stories used up — opens it and
reads the story in full, without the meter moving; the giver revokes it and the link stops."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from masthead.access import services as access
from masthead.access.gate import meter_store
from masthead.access.identity import load_cookie
from masthead.access.models import Benefit, GrantSource
from masthead.access.periods import calendar_month
from masthead.newsroom.models import Article
from masthead.ops import testing
from tests.browser.helpers import (
    DESKTOP,
    STRONG_PASSWORD,
    expect_full_story,
    new_email,
    stories_with_later_paragraphs,
    story_snippets,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stranger_meter(page: Page) -> int:
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.READER_COOKIE_NAME)
    reader = load_cookie(cookie["value"])
    window = calendar_month(now=timezone.now(), tz=ZoneInfo(settings.TIME_ZONE))
    _, read = meter_store().peek(reader_key=f"a:{reader.anonymous_id}", article_id=0, window=window)
    return read


def test_a_stranger_with_no_free_stories_left_reads_a_gift_in_full(
    site: str, page_factory: Any, shoot: Any
) -> None:
    stories = stories_with_later_paragraphs(
        Article.objects.filter(access_level="metered", agency__isnull=True)
        .select_related("section")
        .order_by("-published_at"),
        5,
    )
    email = new_email("giver")
    giver_account = testing.reader_account(email, password=STRONG_PASSWORD)
    now = timezone.now()
    access.grant_benefits(
        user=giver_account,
        benefits=list(Benefit.values),
        source=GrantSource.SUBSCRIPTION,
        source_reference="subscription:browser",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=90),
    )
    gifted = stories[4]

    # The subscriber logs in and gives the story from its page.
    giver = page_factory(**DESKTOP)
    giver.goto(site + "/accounts/login/")
    giver.get_by_label("Email address").fill(email)
    giver.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    giver.locator("form.account-form").get_by_role("button", name="Log in").click()
    giver.goto(site + gifted.get_absolute_url())
    expect_full_story(giver, gifted)
    giver.get_by_role("link", name="Give this story").click()
    expect(giver.locator(".gifts-left")).to_have_text("5 of 5 gifts left this month.")
    giver.get_by_role("button", name="Create the gift link").click()
    expect(giver.locator(".gifts-left")).to_contain_text("4 gifts left this month")
    row = giver.locator("tr.gift").filter(has_text=gifted.headline)
    link = row.get_by_label(f"Gift link for {gifted.headline}").input_value()
    assert "/gift/" in link
    shoot(giver, "gift-list")

    # A stranger, in a browser of their own, uses up the meter...
    stranger = page_factory(**DESKTOP)
    for story in stories[:3]:
        stranger.goto(site + story.get_absolute_url())
        expect_full_story(stranger, story)
    stranger.goto(site + stories[3].get_absolute_url())
    expect(stranger.locator("section.prompt")).to_be_visible()
    assert stranger_meter(stranger) == 3

    # ...and reads the gift in full; the meter has not moved.
    stranger.goto(link)
    expect_full_story(stranger, gifted)
    expect(stranger.locator(".messages")).to_contain_text("A subscriber gave you this story")
    assert stranger_meter(stranger) == 3
    shoot(stranger, "gift-opened")

    # The giver sees it was opened, and revokes it: the link stops at once.
    giver.reload()
    expect(row.locator(".gift-opens")).to_have_text("1 time")
    row.get_by_role("button", name=f"Revoke the gift of {gifted.headline}").click()
    expect(giver.locator(".messages")).to_contain_text("no longer opens the story")
    stranger.goto(link)
    expect(stranger.get_by_role("heading", name="This gift was withdrawn")).to_be_visible()
    for text in story_snippets(gifted):
        assert text not in stranger.content()

"""The paywall as a reader meets it over HTTP: the prompt, the cut, the meter in view."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings

from masthead.access import services
from masthead.access.demo import load as load_demo_paywall
from masthead.access.services import CompDuration
from masthead.billing.demo import load as load_demo_plans
from masthead.ops import testing

pytestmark = pytest.mark.django_db

SECRETS = ("SECRET-THIRD-PARAGRAPH", "SECRET-FOURTH-PARAGRAPH", "SECRET-FIFTH-PARAGRAPH")


@pytest.fixture
def paywall(meter_store_name):
    load_demo_paywall()
    load_demo_plans()
    return meter_store_name


def open_story(client, story, **extra):
    return client.get(story.get_absolute_url(), **extra)


def text_of(response) -> str:
    return response.content.decode()


def test_the_fourth_story_shows_the_seed_prompt_rendered_and_only_the_lead(client, paywall):
    stories = [testing.article() for _ in range(4)]
    for story in stories[:3]:
        page = text_of(open_story(client, story))
        assert "SECRET-FIFTH-PARAGRAPH" in page
    gated = open_story(client, stories[3])
    assert gated.status_code == 200
    page = text_of(gated)
    assert "You’ve reached your limit of 3 free articles this month." in page
    assert "Subscribe now for unlimited access." in page
    assert "Already subscribed?" in page
    assert "Register free for 2 more stories this month" in page
    assert "Renews automatically, cancel anytime" in page
    # The lead is there; nothing after it is, anywhere in the bytes.
    assert "The finance ministry set out a plan" in page
    assert "Officials said the change" in page
    for secret in SECRETS:
        assert secret not in page
    assert "{" + "free_limit}" not in page
    assert "{{" not in page.split("<script")[0]


def test_the_prompt_shows_the_three_plans_with_rounded_down_monthly_figures(client, paywall):
    testing.rule(free_limit=0, position=1)
    page = text_of(open_story(client, testing.article()))
    for name, price, period, monthly in [
        ("Smart Quarterly", "₹900", "3 Months", "₹300/Month"),
        ("Smart Essential", "₹2,700", "1 Year", "₹225/Month"),
        ("Super Saver", "₹3,900", "2 Years", "₹162/Month"),
    ]:
        card = re.search(re.escape(name) + r".*?</li>", page, re.DOTALL)
        assert card, name
        for part in (price, period, monthly):
            assert part in card.group(0)


def test_the_prompt_lists_the_eight_benefits_from_the_seed(client, paywall):
    testing.rule(free_limit=0, position=1)
    page = text_of(open_story(client, testing.article()))
    for title in [
        "Exclusive premium stories online",
        "Complimentary partner subscription",
        "e-paper",
        "Curated newsletters",
        "Market analysis",
        "Archives",
        "Ad-free reading",
        "Seamless access across all devices",
    ]:
        assert title in page


def test_a_gated_page_leaks_nothing_through_json_ld_or_open_graph(client, paywall):
    testing.rule(free_limit=0, position=1)
    story = testing.article()
    page = text_of(open_story(client, story))
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert ld["@type"] == "NewsArticle"
    assert ld["isAccessibleForFree"] is False
    assert ld["hasPart"]["cssSelector"] == ".paywall"
    assert ld["hasPart"]["isAccessibleForFree"] is False
    assert "articleBody" not in ld
    og = re.search(r'<meta property="og:description" content="([^"]*)"', page)[1]
    assert og == story.standfirst
    assert 'class="prompt paywall"' in page


def test_pages_are_private_to_the_reader_so_no_shared_cache_hands_them_on(client, paywall):
    response = open_story(client, testing.article())
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_metered_readers_see_how_many_free_stories_are_left(client, paywall):
    page = text_of(open_story(client, testing.article()))
    assert "2 free stories left this month" in page
    page = text_of(open_story(client, testing.article()))
    assert "1 free story left this month" in page
    # The third of three: one plural rule does not fit "0 free stories left" (issue 18).
    page = text_of(open_story(client, testing.article()))
    assert "This is your last free story this month" in page
    assert "0 free stor" not in page


def test_readers_with_access_never_see_the_meter(client, paywall):
    user = testing.reader_account()
    services.grant_complimentary(user=user, duration=CompDuration.ONE_MONTH, granted_by=None)
    client.force_login(user)
    page = text_of(open_story(client, testing.article()))
    assert "free stor" not in page
    assert "SECRET-FIFTH-PARAGRAPH" in page


def test_registering_gives_two_more_stories_and_keeps_the_three_read(client, paywall):
    stories = [testing.article() for _ in range(6)]
    for story in stories[:3]:
        open_story(client, story)
    assert "SECRET-FIFTH" not in text_of(open_story(client, stories[3]))
    client.force_login(testing.reader_account())
    assert "SECRET-FIFTH" in text_of(open_story(client, stories[3]))
    assert "SECRET-FIFTH" in text_of(open_story(client, stories[4]))
    gated = text_of(open_story(client, stories[5]))
    assert "SECRET-FIFTH" not in gated
    assert "You’ve read your 5 free articles this month." in gated
    assert "Subscribe to read the full story" in gated  # no plan: nothing to upgrade
    assert "Already subscribed?" not in gated
    # Re-opening a counted story still works.
    assert "SECRET-FIFTH" in text_of(open_story(client, stories[0]))


def test_signing_out_does_not_give_the_stories_back(client, paywall):
    stories = [testing.article() for _ in range(4)]
    user = testing.reader_account()
    open_story(client, stories[0])  # the browser gets its reader cookie
    client.force_login(user)
    for story in stories[1:3]:
        open_story(client, story)
    # A browser keeps the site's other cookies when the reader logs out; the test client
    # would drop them all, so carry the reader cookie over as a browser does.
    kept = client.cookies[settings.READER_COOKIE_NAME].value
    client.logout()
    client.cookies[settings.READER_COOKIE_NAME] = kept
    assert "SECRET-FIFTH" not in text_of(open_story(client, stories[3]))


def test_clearing_cookies_changes_nothing_for_a_signed_in_reader(client, paywall):
    user = testing.reader_account()
    stories = [testing.article() for _ in range(6)]
    client.force_login(user)
    for story in stories[:5]:
        open_story(client, story)
    client.cookies.pop(settings.READER_COOKIE_NAME, None)
    assert "SECRET-FIFTH" not in text_of(open_story(client, stories[5]))


def test_a_tampered_reader_cookie_earns_no_extra_stories(client, paywall):
    open_story(client, testing.article())
    genuine = client.cookies[settings.READER_COOKIE_NAME].value
    client.cookies[settings.READER_COOKIE_NAME] = genuine[:-3] + "xyz"
    page = text_of(open_story(client, testing.article()))
    assert "SECRET-FIFTH" not in page
    # ...and the replacement cookie it was given stays spent for the month.
    assert "SECRET-FIFTH" not in text_of(open_story(client, testing.article()))


def test_a_complimentary_grant_opens_premium_stories_and_revoking_it_closes_them(client, paywall):
    user = testing.reader_account()
    client.force_login(user)
    premium = testing.article(access_level="premium")
    page = text_of(open_story(client, premium))
    assert "This is a premium story." in page
    assert "SECRET-FIFTH" not in page
    grants = services.grant_complimentary(user=user, duration=CompDuration.FOREVER, granted_by=None)
    assert "SECRET-FIFTH" in text_of(open_story(client, premium))
    services.revoke_grants(grants=grants, revoked_by=None)
    assert "SECRET-FIFTH" not in text_of(open_story(client, premium))


def test_a_head_request_or_prefetch_does_not_use_up_a_story(client, paywall):
    story = testing.article()
    client.head(story.get_absolute_url())
    client.get(story.get_absolute_url(), HTTP_SEC_PURPOSE="prefetch")
    page = text_of(open_story(client, testing.article()))
    assert "2 free stories left this month" in page


def test_the_editors_cut_marker_decides_the_lead(client, paywall):
    testing.rule(free_limit=0, position=1)
    story = testing.article(body=["Only this paragraph is free.", "[[more]]", "SECRET-AFTER-CUT"])
    page = text_of(open_story(client, story))
    assert "Only this paragraph is free." in page
    assert "SECRET-AFTER-CUT" not in page


def test_rss_carries_only_the_lead_of_metered_stories_and_all_of_free_ones(client, paywall):
    section = testing.section("economy")
    testing.article(in_section=section, headline="A metered one")
    testing.article(
        in_section=section,
        access_level="free",
        body=["Free lead.", "Free second.", "FREE-THIRD-VISIBLE"],
    )
    feed = text_of(client.get("/rss/economy.xml"))
    assert "A metered one" in feed
    assert "FREE-THIRD-VISIBLE" in feed
    for secret in SECRETS:
        assert secret not in feed


def test_a_signed_in_reader_without_a_plan_is_asked_to_subscribe_not_upgrade(client, paywall):
    client.force_login(testing.reader_account())
    premium = testing.article(access_level="premium")

    page = text_of(open_story(client, premium))

    assert "Subscribe to read the full story" in page
    assert "Subscribe to read it and every premium story" in page
    assert "Upgrade" not in page

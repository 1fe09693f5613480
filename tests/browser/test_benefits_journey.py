"""Plan benefits in a real browser: the demo subscriber reads with no ads at all, opens the
premium, market-analysis and archive stories, finds every benefit's way in and their partner
code; the demo reader, who holds none, sees the ads and the right prompt for each."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from masthead.accounts.demo import DEMO_LOGINS
from masthead.newsroom.models import Article
from tests.browser.helpers import DESKTOP, story_snippets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORDS = {role: (email, password) for email, password, role in DEMO_LOGINS}


def log_in(page: Page, site: str, role: str) -> None:
    email, password = PASSWORDS[role]
    page.goto(site + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("form.account-form").get_by_role("button", name="Log in").click()
    account_nav = page.get_by_role("navigation", name="Your account")
    expect(account_nav.get_by_role("button", name="Log out")).to_be_visible()


def raw(page: Page, url: str) -> str:
    """The response's bytes as served, not the DOM: no script may even arrive."""
    response = page.goto(url)
    assert response is not None and response.ok, url
    return response.text()


def test_the_demo_subscriber_reads_every_benefit_without_a_single_ad(
    site: str, page_factory: Any, shoot: Any
) -> None:
    premium = Article.objects.filter(premium_pick=1).select_related("section").get()
    old = (
        Article.objects.filter(access_level="metered", published_at__year__lt=2010)
        .select_related("section")
        .order_by("published_at")
        .first()
    )
    assert old is not None
    analysis = market_analysis_story()
    pages = ["/", "/market-analysis/", premium.get_absolute_url(), old.get_absolute_url()]

    page = page_factory(**DESKTOP)
    log_in(page, site, "subscriber")
    for path in pages:
        html = raw(page, site + path)
        for marker in ("ad-slot", "Advertisement", 'rel="sponsored'):
            assert marker not in html, (path, marker)
    # Premium, market analysis and the archives open in full for the demo subscriber.
    for story in (premium, analysis, old):
        page.goto(site + story.get_absolute_url())
        expect(page.locator("section.prompt")).to_have_count(0)
        expect(
            page.locator(".story-body p").filter(has_text=story_snippets(story)[-1])
        ).to_be_visible()
    page.goto(site + "/accounts/benefits/")
    included = page.get_by_role("list", name="Included in your plan")
    expect(included.get_by_role("link", name="Today's premium stories")).to_be_visible()
    expect(included.get_by_role("link", name="Browse the archive")).to_be_visible()
    expect(included.get_by_role("link", name="Market analysis")).to_be_visible()
    for way_in in (
        "Read today's e-paper",
        "Choose your newsletters",
        "Your partner subscription code",
        "Your devices",
        "Give a story",
    ):
        expect(included.get_by_role("link", name=way_in)).to_be_visible()
    shoot(page, "benefits-subscriber")
    # The bundled partner subscription: the demo pool hands the subscriber one code, the same
    # one on every visit.
    included.get_by_role("link", name="Your partner subscription code").click()
    code = page.locator(".partner-code code")
    expect(code).to_have_count(1)
    first = code.inner_text()
    assert len(first) >= 6, first
    page.reload()
    expect(page.locator(".partner-code code")).to_have_text(first)


def market_analysis_story() -> Article:
    story = (
        Article.objects.filter(section__is_market_analysis=True, access_level="metered")
        .select_related("section")
        .order_by("-published_at")
        .first()
    )
    assert story is not None, "the demo names a market-analysis vertical with stories"
    return story


def test_a_reader_without_the_benefits_sees_the_ads_and_the_right_prompts(
    site: str, page_factory: Any
) -> None:
    old = (
        Article.objects.filter(access_level="metered", published_at__year__lt=2010)
        .select_related("section")
        .order_by("published_at")
        .first()
    )
    assert old is not None
    page = page_factory(**DESKTOP)
    log_in(page, site, "reader")
    page.goto(site + "/")
    expect(page.get_by_role("complementary", name="Advertisement")).to_be_visible()
    page.goto(site + old.get_absolute_url())
    expect(page.get_by_role("complementary", name="Advertisement")).to_be_visible()
    expect(page.get_by_role("heading", name="This story is from our archives.")).to_be_visible()
    html = raw(page, site + old.get_absolute_url())
    for paragraph in story_snippets(old):
        assert paragraph not in html
    # Market analysis needs its own benefit, however many free stories are left.
    analysis = market_analysis_story()
    html = raw(page, site + analysis.get_absolute_url())
    expect(page.locator("section.prompt")).to_be_visible()
    assert story_snippets(analysis)[-1] not in html
    # No partner code without a plan that includes it; the page says how to get one.
    page.goto(site + "/partner/")
    expect(page.locator(".partner-code")).to_have_count(0)
    expect(page.get_by_role("link", name="See the plans")).to_be_visible()

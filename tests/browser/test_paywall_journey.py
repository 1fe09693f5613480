"""The paywall issue's acceptance, in a real browser: three free stories, the prompt with the
plans and only the lead (in the DOM and in the bytes), registering for two more, the signed-in
prompt, and a complimentary grant from the back office opening everything."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from masthead.newsroom.models import Article
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    STRONG_PASSWORD,
    expect_full_story,
    expect_meter,
    first_paragraph,
    horizontal_overflow,
    new_email,
    snippet,
    stories_with_later_paragraphs,
    story_snippets,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANON_HEADING = "You’ve reached your limit of 3 free articles this month"
REGISTER = "Register free for 2 more stories this month"
PLANS = [("₹900", "₹300/Month"), ("₹2,700", "₹225/Month"), ("₹3,900", "₹162/Month")]
FOOTNOTE = "Renews automatically, cancel anytime"


def expect_only_the_lead(page: Page, article: Article) -> None:
    """The prompt stands where the rest of the story would be, and the rest is nowhere: not in
    the page, not in the bytes a plain GET with the reader's cookies receives, not in JSON-LD."""
    url = page.url
    expect(page.locator("h1#headline")).to_have_text(article.headline)
    expect(page.locator("section.prompt")).to_be_visible()
    expect(
        page.locator(".story-body p").filter(has_text=snippet(first_paragraph(article))).first
    ).to_be_visible()

    later = story_snippets(article)
    dom = page.content()
    for text in later:
        assert text not in dom, f"gated page's DOM carries {text!r}"
    response = page.context.request.get(url)
    assert response.status == 200
    raw = response.text()
    assert 'section class="prompt' in raw, "the plain GET was not shown the prompt"
    for text in later:
        assert text not in raw, f"gated page's bytes carry {text!r}"
    # Each reader's page differs: no shared cache may keep it.
    assert "private" in response.headers.get("cache-control", "")

    ld = json.loads(page.locator('script[type="application/ld+json"]').text_content() or "")
    assert ld["isAccessibleForFree"] is False
    assert ld["hasPart"]["isAccessibleForFree"] is False
    assert "articleBody" not in ld


def expect_anonymous_prompt(page: Page) -> None:
    prompt = page.locator("section.prompt")
    expect(prompt.locator(".prompt-heading")).to_contain_text(ANON_HEADING)
    plans = prompt.locator(".plans .plan")
    expect(plans).to_have_count(3)
    for plan, (price, monthly) in zip(plans.all(), PLANS, strict=True):
        expect(plan.locator(".plan-price")).to_have_text(price)
        expect(plan.locator(".plan-monthly")).to_have_text(monthly)
        expect(plan).to_be_visible()
    expect(prompt.locator(".prompt-footnote")).to_have_text(FOOTNOTE)
    expect(prompt.get_by_role("link", name=REGISTER)).to_be_visible()


def test_meter_prompt_registration_and_complimentary_access(
    site: str, page_factory: Any, shoot: Any
) -> None:
    metered = Article.objects.filter(access_level="metered", agency__isnull=True).order_by(
        "-published_at"
    )
    stories = stories_with_later_paragraphs(metered.select_related("section"), 6)
    premium = stories_with_later_paragraphs(
        Article.objects.filter(access_level="premium").order_by("-published_at"), 1
    )[0]
    page = page_factory(**DESKTOP)

    # An anonymous reader reads three stories in full, the meter counting down.
    for story, line in zip(
        stories[:3],
        [
            "2 free stories left this month",
            "1 free story left this month",
            "This is your last free story this month",
        ],
        strict=True,
    ):
        page.goto(site + story.get_absolute_url())
        expect_full_story(page, story)
        expect_meter(page, line)

    # The fourth: the prompt, the plans, and only the lead.
    fourth = stories[3]
    page.goto(site + fourth.get_absolute_url())
    expect_anonymous_prompt(page)
    expect_meter(page, None)
    expect_only_the_lead(page, fourth)
    shoot(page, "prompt-desktop")

    # The same reader on a phone (same browser cookies): the same prompt, fitting the screen.
    phone = page_factory(**PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(site + fourth.get_absolute_url())
    expect_anonymous_prompt(phone)
    expect_only_the_lead(phone, fourth)
    assert horizontal_overflow(phone) <= 0, "the phone prompt scrolls sideways"
    shoot(phone, "prompt-phone")

    # Registering from the prompt brings the reader back to the story, now in full.
    email = new_email("paywall")
    page.locator("section.prompt").get_by_role("link", name=REGISTER).click()
    expect(page.get_by_role("heading", name="Create your free account", level=1)).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.get_by_label("Type the password again").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(
        page.get_by_role("navigation", name="Your account").get_by_role("button", name="Log out")
    ).to_be_visible()
    if not page.url.endswith(fourth.get_absolute_url()):
        pytest.fail(
            f"after registering from the prompt the reader is at {page.url}, "
            f"not back on {fourth.get_absolute_url()}"
        )
    expect_full_story(page, fourth)
    expect_meter(page, "1 free story left this month")

    fifth = stories[4]
    page.goto(site + fifth.get_absolute_url())
    expect_full_story(page, fifth)
    expect_meter(page, "This is your last free story this month")

    # The sixth: the signed-in prompt (subscribe: a reader with no plan has nothing to
    # upgrade; no register or log-in offer).
    sixth = stories[5]
    page.goto(site + sixth.get_absolute_url())
    prompt = page.locator("section.prompt")
    expect(prompt.locator(".prompt-heading")).to_contain_text(
        "You’ve read your 5 free articles this month"
    )
    expect(prompt.get_by_role("link", name="Subscribe to read the full story")).to_be_visible()
    expect(prompt).not_to_contain_text("Upgrade")
    expect(prompt.get_by_role("link", name=REGISTER)).to_have_count(0)
    expect(prompt.locator(".prompt-login")).to_have_count(0)
    expect(prompt.locator(".plans .plan")).to_have_count(3)
    expect_only_the_lead(page, sixth)

    # A story already read this month stays open.
    page.goto(site + stories[0].get_absolute_url())
    expect_full_story(page, stories[0])

    # Premium stories need a subscription whatever the meter says.
    page.goto(site + premium.get_absolute_url())
    expect(page.locator("section.prompt .prompt-heading")).to_have_text("This is a premium story.")
    expect_only_the_lead(page, premium)

    # Staff grant complimentary access in the back office...
    get_user_model().objects.create_superuser(
        username="desk", email="desk@example.com", password=STRONG_PASSWORD
    )
    staff = page_factory(**DESKTOP)
    staff.goto(site + "/admin/access/grant/complimentary/")
    # The admin's login page sends staff to the site's sign-in (issue 15).
    staff.get_by_label("Email address").fill("desk@example.com")
    staff.get_by_label("Password").fill(STRONG_PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    expect(staff.get_by_role("heading", name="Grant complimentary access")).to_be_visible()
    staff.get_by_label("Reader's email").fill(email)
    staff.get_by_label("Duration").select_option(label="Forever")
    staff.get_by_role("button", name="Grant access").click()
    expect(staff.locator(".messagelist")).to_contain_text(
        "now has complimentary access with no end date"
    )

    # ...and the reader's gated and premium stories open in full, with no meter line.
    for story in (sixth, premium):
        page.goto(site + story.get_absolute_url())
        expect_full_story(page, story)
        expect_meter(page, None)
    page.goto(site + stories[0].get_absolute_url())
    expect_full_story(page, stories[0])
    expect_meter(page, None)

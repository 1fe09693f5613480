"""The foundation issue's acceptance, in a real browser: the front page on a phone and a desktop,
the seed wire story with its credit and disclaimer, registering, and logging back in from a
story to land on that story again."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from masthead.newsroom import selectors
from masthead.newsroom.models import Article
from tests.browser.helpers import (
    DESKTOP,
    DISCLAIMER,
    PHONE,
    SEED_SLUG,
    STRONG_PASSWORD,
    expect_full_story,
    horizontal_overflow,
    new_email,
    published_recently,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("window", "name"), [(PHONE, "home-phone"), (DESKTOP, "home-desktop")], ids=["phone", "desktop"]
)
def test_front_page_shows_nameplate_sections_and_lead(
    site: str, page_factory: Any, shoot: Any, window: dict[str, Any], name: str
) -> None:
    lead = selectors.front_page().lead
    assert lead is not None
    page = page_factory(**window)
    page.goto(site + "/")

    expect(page.locator(".nameplate")).to_have_text("The Meridian Ledger")
    expect(page.locator(".nameplate")).to_be_visible()
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav).to_be_visible()
    for section in ("Politics", "Markets", "World"):
        expect(nav.get_by_role("link", name=section, exact=True)).to_be_attached()
    headline = page.locator(".front-lead .card-headline")
    expect(headline).to_have_text(lead.headline)
    expect(headline).to_be_visible()
    if window.get("mobile"):
        assert horizontal_overflow(page) <= 0, "the phone front page scrolls sideways"
    shoot(page, name)


@pytest.mark.parametrize(
    ("window", "name"),
    [(PHONE, "seed-story-phone"), (DESKTOP, "seed-story-desktop")],
    ids=["phone", "desktop"],
)
def test_seed_wire_story_carries_credit_and_disclaimer(
    site: str, page_factory: Any, shoot: Any, window: dict[str, Any], name: str
) -> None:
    seed = published_recently(SEED_SLUG)
    assert seed.section.slug == "world"
    page = page_factory(**window)
    page.goto(site + seed.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Azerbaijan says it destroyed Armenian air defence system in Karabakh"
    )
    expect(page.locator(".agency-credit")).to_have_text("Agence France-Presse (AFP)")
    expect(page.locator(".wire-credit")).to_contain_text("AFP")
    original = page.locator(".wire-credit").get_by_role("link", name="Original story")
    expect(original).to_have_attribute("href", seed.canonical_url)
    disclaimer = page.get_by_text(DISCLAIMER, exact=True)
    expect(disclaimer).to_be_visible()
    # First story of the month for this reader: read in full.
    expect_full_story(page, seed)
    if window.get("mobile"):
        assert horizontal_overflow(page) <= 0, "the phone story page scrolls sideways"
    shoot(page, name)


def test_register_log_out_and_log_in_back_to_the_story(site: str, page_factory: Any) -> None:
    seed = Article.objects.get(slug=SEED_SLUG)
    path = seed.get_absolute_url()
    email = new_email()
    page = page_factory(**DESKTOP)
    page.goto(site + path)

    # From the story: Log in -> "Create your free account" -> the sign-up form.
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_role("link", name="Create your free account").click()
    expect(page.get_by_role("heading", name="Create your free account", level=1)).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.get_by_label("Type the password again").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # Signed up and signed in, back on the story.
    account_nav = page.get_by_role("navigation", name="Your account")
    expect(account_nav.get_by_role("button", name="Log out")).to_be_visible()
    assert page.url.endswith(path), f"after sign-up the reader is at {page.url}, not {path}"
    assert get_user_model().objects.filter(email=email).exists()

    account_nav.get_by_role("button", name="Log out").click()
    expect(account_nav.get_by_role("link", name="Log in")).to_be_visible()

    page.goto(site + path)
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.locator("form.account-form").get_by_role("button", name="Log in").click()

    expect(page.locator("h1#headline")).to_have_text(seed.headline)
    expect(account_nav.get_by_role("button", name="Log out")).to_be_visible()
    assert page.url.endswith(path), f"after logging in the reader is at {page.url}, not {path}"


def test_first_tab_focuses_the_skip_link(site: str, page_factory: Any) -> None:
    page = page_factory(**DESKTOP)
    page.goto(site + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the stories")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

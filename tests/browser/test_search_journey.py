"""Archive search in a real browser: from the header box on a phone and a desktop, the demo's
AFP Karabakh story is found by "Osa air defence", with the phrase highlighted."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KARABAKH = "Azerbaijan says it destroyed Armenian air defence system in Karabakh"


@pytest.mark.parametrize(
    ("window", "name"),
    [(PHONE, "search-phone"), (DESKTOP, "search-desktop")],
    ids=["phone", "desktop"],
)
def test_a_reader_finds_the_karabakh_story_from_the_header_search_box(
    site: str, page_factory: Any, shoot: Any, window: dict[str, Any], name: str
) -> None:
    page = page_factory(**window)
    page.goto(site + "/")

    box = page.get_by_role("search").get_by_role("searchbox")
    expect(box).to_be_visible()
    box.fill("Osa air defence")
    box.press("Enter")

    page.wait_for_url("**/search/?q=Osa+air+defence")
    first = page.locator(".search-result").first
    expect(first.locator(".card-headline")).to_have_text(KARABAKH)
    expect(first.locator(".kicker")).to_contain_text("AFP")
    # The phrase is highlighted as one run in the snippet.
    expect(first.locator(".search-snippet mark").first).to_have_text("Osa air defence")
    expect(page.get_by_role("searchbox").first).to_have_value("Osa air defence")
    if window.get("mobile"):
        assert horizontal_overflow(page) <= 0, "the phone search page scrolls sideways"
    shoot(page, name)

    first.locator(".card-headline a").click()
    expect(page.locator("h1")).to_have_text(KARABAKH)

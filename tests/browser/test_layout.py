"""Layout a reader can see: the phone's section menu on one row, no empty gap beside the
desktop home page's right rail. Screenshots in test-artifacts/screenshots/layout-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import DESKTOP, PHONE, horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_phone_section_menu_is_one_row_that_scrolls_sideways(
    site: str, page_factory: Any, shoot: Any
) -> None:
    page = page_factory(**PHONE)
    page.goto(site + "/")
    shoot(page, "layout-home-phone")

    menu = page.locator(".sections-nav ul")
    rows = page.evaluate(
        "() => new Set([...document.querySelectorAll('.sections-nav li')]"
        ".map(li => Math.round(li.getBoundingClientRect().top))).size"
    )
    assert rows == 1
    assert menu.evaluate("ul => ul.scrollWidth > ul.clientWidth")  # the rest is a swipe away
    assert not horizontal_overflow(page)  # the page itself does not scroll sideways


def test_the_desktop_home_leaves_no_empty_gap_beside_the_right_rail(
    site: str, page_factory: Any, shoot: Any
) -> None:
    page = page_factory(**DESKTOP)
    page.goto(site + "/")
    shoot(page, "layout-home-desktop")

    gap = page.evaluate(
        """() => {
            const lead = document.querySelector('.front-main');
            const rail = document.querySelector('.front-more');
            const last = el =>
                Math.max(...[...el.children].map(c => c.getBoundingClientRect().bottom));
            return last(rail) - last(lead);
        }"""
    )
    # The lead column ends within a line or two of the rail (it left ~230 px empty before).
    assert gap < 120, gap

"""The main pages work in Chromium under the Content-Security-Policy: nothing of ours is blocked.

page_factory (conftest.py) fails any browser test on a violation; this journey walks the main
pages on purpose, checks the watch itself can see a violation, and that the publisher's ad tag
runs with the page's nonce.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from masthead.ads import services as ads_services
from masthead.ads.models import AdKind, AdSlot, Placement
from masthead.epaper.models import Edition, EditionStatus
from masthead.newsroom.models import Article
from tests.browser.helpers import DESKTOP, PHONE

pytestmark = pytest.mark.browser

READER_PAGES = [
    "/",
    "/premium/",
    "/market-analysis/",
    "/archive/",
    "/subscribe/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/login/code/",
    "/epaper/",
    "/newsletters/",
    "/no-such-page/",
]
SUBSCRIBER_PAGES = [
    "/accounts/me/",
    "/accounts/benefits/",
    "/accounts/devices/",
    "/subscribe/my/",
    "/subscribe/checkout/smart-quarterly/",
    "/gift/mine/",
    "/partner/",
]
STAFF_PAGES = [
    "/admin/",
    "/admin/newsroom/article/",
    "/admin/newsroom/article/add/",
    "/admin/newsletters/issue/add/",
    "/admin/billing/subscription/",
    "/admin/ads/adslot/",
]


def sign_in(page: Any, site: str, email: str, password: str) -> None:
    page.goto(site + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".account-nav")).to_contain_text("Log out")


def visit(page: Any, site: str, path: str) -> None:
    response = page.goto(site + path)
    assert response is not None, path
    assert response.status < 500, (path, response.status)
    assert "Content-Security-Policy" in {h.title() for h in response.headers}, path
    page.wait_for_load_state("load")


def test_the_main_pages_load_with_nothing_of_ours_blocked(
    site: str, page_factory: Any, shoot: Any
) -> None:
    story = Article.objects.published().select_related("section").order_by("-published_at")[0]
    AdSlot.objects.create(
        name="publisher tag",
        placement=Placement.HOME,
        kind=AdKind.TAG,
        tag_html="<script>document.documentElement.dataset.adTagRan = 'yes';</script>",
    )
    ads_services.ads_changed()

    reader = page_factory(**PHONE)
    for path in [*READER_PAGES, story.section.get_absolute_url(), story.get_absolute_url()]:
        visit(reader, site, path)
    # The publisher's inline ad script ran: it carries the page's nonce.
    reader.goto(site + "/")
    expect(reader.locator("html")).to_have_attribute("data-ad-tag-ran", "yes")

    subscriber = page_factory(**DESKTOP)
    sign_in(subscriber, site, "subscriber@example.com", "subscribe-to-the-ledger-1997")
    edition = Edition.objects.filter(status=EditionStatus.READY).order_by("-date")[0]
    reader_page = f"/epaper/{edition.date.isoformat()}/{edition.slug}/1/"  # the viewer's script
    for path in [*SUBSCRIBER_PAGES, story.get_absolute_url(), reader_page]:
        visit(subscriber, site, path)

    staff = page_factory(**DESKTOP)
    sign_in(staff, site, "admin@example.com", "run-the-ledger-1997")
    for path in STAFF_PAGES:
        visit(staff, site, path)
    shoot(staff, "csp-admin-under-policy")

    assert page_factory.csp_violations == []


def test_the_watch_sees_a_script_the_policy_blocks(site: str, page_factory: Any) -> None:
    page = page_factory(**DESKTOP)
    page.goto(site + "/")

    # A script without the nonce, as an injected one would be: refused, and seen.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'document.documentElement.dataset.injected = 1';"
        " document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)

    assert page.locator("html").get_attribute("data-injected") is None
    assert page_factory.csp_violations, "the violation was not seen"
    assert any("script-src" in v for v in page_factory.csp_violations)
    page_factory.csp_violations.clear()  # provoked on purpose

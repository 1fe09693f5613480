"""axe-core (npm, the engine behind Lighthouse's accessibility audit) in a real Chromium over the
newspaper's page kinds, at phone and desktop widths: no serious or critical violation.

Screenshots of the home page, a story and the paywall prompt at both widths are kept in
test-artifacts/screenshots/ (a11y-*.png)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from masthead.newsroom.models import AccessLevel, Article
from tests.browser.helpers import DESKTOP, PHONE
from tests.standards.checkers import axe_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def violations(page: Any) -> list[str]:
    # Through the DevTools protocol, not an inline <script>: the page's Content-Security-Policy
    # (rightly) refuses inline scripts, and the suite fails on any refusal.
    page.evaluate(axe_js().read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def _story(**filters: Any) -> str:
    story = Article.objects.filter(status="published", **filters).order_by("-published_at").first()
    assert story is not None
    return story.get_absolute_url()


@pytest.mark.parametrize(("window", "width"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_the_page_kinds_have_no_serious_accessibility_violations(
    site: str, page_factory: Any, shoot: Any, window: dict[str, Any], width: str
) -> None:
    premium = _story(access_level=AccessLevel.PREMIUM)
    free = _story(access_level=AccessLevel.FREE, agency__isnull=True)
    pages = {
        "home": "/",
        "section": "/economy/",
        "story": free,
        "prompt": premium,
        "archive": "/archive/",
        "subscribe": "/subscribe/",
        "e-paper": "/epaper/",
        "sign-in": "/accounts/login/",
    }
    page = page_factory(**window)
    found: dict[str, list[str]] = {}
    for name, path in pages.items():
        page.goto(site + path)
        if name in {"home", "story", "prompt"}:
            shoot(page, f"a11y-{name}-{width}")
        found[name] = violations(page)

    assert len(found) == len(pages)
    assert {name: v for name, v in found.items() if v} == {}


def test_a_subscribers_pages_have_no_serious_accessibility_violations(
    site: str, page_factory: Any
) -> None:
    page = page_factory(**DESKTOP)
    page.goto(site + "/accounts/login/")
    page.fill("input[name=login]", "subscriber@example.com")
    page.fill("input[name=password]", "subscribe-to-the-ledger-1997")
    page.locator("form.login button[type=submit], form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert get_user_model().objects.filter(email="subscriber@example.com").exists()
    found = {}
    for path in ["/accounts/me/", "/accounts/benefits/", "/subscribe/my/", "/epaper/"]:
        page.goto(site + path)
        found[path] = violations(page)

    assert {path: v for path, v in found.items() if v} == {}

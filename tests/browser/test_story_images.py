"""A story with its lead image in Chromium, at phone and desktop widths: the browser loads the
picture it should (WebP, the width ``sizes`` asks for), under the site's Content-Security-Policy,
with no serious accessibility violation. Screenshots: test-artifacts/screenshots/story-image-*.png
(and the prompt under a premium story's image, story-image-prompt-*.png)."""

from __future__ import annotations

from typing import Any

import pytest

from masthead.newsroom.models import AccessLevel, Article
from tests.browser.helpers import DESKTOP, PHONE
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAD_IMAGE = """() => {
  const img = document.querySelector('figure.lead-figure img');
  return {complete: img.complete, naturalWidth: img.naturalWidth, currentSrc: img.currentSrc,
          lazy: img.loading, priority: img.getAttribute('fetchpriority'),
          top: img.getBoundingClientRect().top, viewport: window.innerHeight};
}"""


def _story(access_level: str) -> Article:
    story = (
        Article.objects.filter(status="published", access_level=access_level)
        .exclude(lead_image="")
        .order_by("-published_at")
        .first()
    )
    assert story is not None, f"the demo has a {access_level} story with a lead image"
    return story


@pytest.mark.parametrize(("window", "width"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_story_shows_its_lead_image(
    site: str, page_factory: Any, shoot: Any, window: dict[str, Any], width: str
) -> None:
    metered, premium = _story(AccessLevel.METERED), _story(AccessLevel.PREMIUM)
    page = page_factory(**window)

    page.goto(site + metered.get_absolute_url())
    page.wait_for_function("document.querySelector('figure.lead-figure img').complete")
    shown = page.evaluate(LEAD_IMAGE)
    shoot(page, f"story-image-{width}")

    # Phone: 390 px less the margins at 2× is ~716 device pixels; desktop: the 40rem column
    # (640 px) at 1×. Both are served best by the 800 px WebP. (naturalWidth is in CSS pixels:
    # 800 / the density srcset chose, so it is the displayed width, not the file's.)
    assert shown["currentSrc"].endswith("/picture-800.webp")
    assert shown["naturalWidth"] == {"phone": 358, "desktop": 640}[width]
    assert shown["lazy"] == "auto" and shown["priority"] == "high"
    assert shown["top"] < shown["viewport"]  # above the fold
    assert page.locator("figure.lead-figure figcaption").inner_text().strip()
    assert violations(page) == []

    page.goto(site + premium.get_absolute_url())
    page.wait_for_function("document.querySelector('figure.lead-figure img').complete")
    assert page.evaluate(LEAD_IMAGE)["naturalWidth"] > 0
    assert page.locator("section.prompt").count() == 1
    shoot(page, f"story-image-prompt-{width}")

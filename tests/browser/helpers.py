"""What the browser journeys share: reading stories' text from the database, page checks."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from masthead.newsroom.models import Article

SEED_SLUG = "azerbaijan-says-it-destroyed-armenian-air-defence-system"
DISCLAIMER = "Disclaimer: No Meridian Ledger journalist was involved in creation of this content"
STRONG_PASSWORD = "Ledger-reader-Monsoon-2031!"
PHONE = {"width": 390, "height": 844, "mobile": True}
DESKTOP = {"width": 1280, "height": 900}

_PLAIN_WORD = re.compile(r"^[A-Za-z0-9]+$")


def published_recently(slug: str) -> Article:
    """Date a demo story yesterday. The seed wire story is from 2017, so the archive rule (older
    than a year needs the archives benefit) would gate it; journeys about a reader's metered
    stories move it out of the archive instead."""
    from django.utils import timezone

    from masthead.newsroom.services import forget_article

    Article.objects.filter(slug=slug).update(published_at=timezone.now() - dt.timedelta(days=1))
    forget_article(slug=slug)
    return Article.objects.select_related("section").get(slug=slug)


def new_email(prefix: str = "reader") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def paragraph_html(block: dict[str, Any]) -> str:
    return str(block.get("html", ""))


def later_paragraphs(article: Article) -> list[str]:
    """Paragraphs only a reader with access may see: past the first two paragraph blocks and
    after the editor's cut, if the story has one."""
    blocks = article.body
    has_cut = any(b.get("type") == "cut" for b in blocks)
    seen_cut = False
    paragraphs_before = 0
    later: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "cut":
            seen_cut = True
        elif kind == "paragraph":
            if paragraphs_before >= 2 and (seen_cut or not has_cut):
                later.append(paragraph_html(block))
            paragraphs_before += 1
    return later


def first_paragraph(article: Article) -> str:
    return next(paragraph_html(b) for b in article.body if b.get("type") == "paragraph")


def snippet(paragraph: str, words: int = 6) -> str:
    """A run of plain words from a paragraph's stored HTML (letters and digits only, no tag or
    entity between them), so the very same characters are in the page source and on screen:
    used both to find the paragraph on screen and to prove it is absent from the bytes."""
    tokens = paragraph.split()
    best: list[str] = []
    run: list[str] = []
    for token in tokens:
        if _PLAIN_WORD.match(token):
            run.append(token)
            if len(run) > len(best):
                best = list(run)
            if len(best) >= words:
                break
        else:
            run = []
    assert len(best) >= 4, f"no plain run of words to look for in {paragraph!r}"
    return " ".join(best[:words])


def story_snippets(article: Article) -> list[str]:
    return [snippet(p) for p in later_paragraphs(article)]


def stories_with_later_paragraphs(queryset: Any, count: int) -> list[Article]:
    chosen = [a for a in queryset if later_paragraphs(a)]
    assert len(chosen) >= count, f"the demo has only {len(chosen)} such stories"
    return chosen[:count]


def expect_full_story(page: Page, article: Article) -> None:
    """The headline, and a paragraph from after the lead, are on screen; no prompt."""
    expect(page.locator("h1#headline")).to_have_text(article.headline)
    last = story_snippets(article)[-1]
    expect(page.locator(".story-body p").filter(has_text=last).first).to_be_visible()
    expect(page.locator("section.prompt")).to_have_count(0)
    # The control for the gated pages' "absent from the source" checks: when the reader may
    # read, the very same words are in the source.
    assert last in page.content()


def expect_meter(page: Page, line: str | None) -> None:
    if line is None:
        expect(page.locator(".meter-note")).to_have_count(0)
    else:
        expect(page.locator(".meter-note")).to_have_text(line)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - window.innerWidth"),
    )


def wait_until_true(page: Page, expression: str, *, timeout_ms: int = 15_000) -> None:
    """Poll a JavaScript expression until it is true.

    Playwright's ``wait_for_function`` polls with ``eval`` inside the page, which the site's
    Content-Security-Policy (no 'unsafe-eval') refuses; ``page.evaluate`` runs through the
    DevTools protocol instead, as a reader's browser extensions would not.
    """
    waited = 0
    while not page.evaluate(expression):
        assert waited < timeout_ms, f"never true: {expression}"
        page.wait_for_timeout(100)
        waited += 100

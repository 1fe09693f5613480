"""The demo e-paper: a few days of Mumbai and Delhi editions laid out from the demo stories.

Called from ``masthead load_demo``. Real PDFs (reportlab), imported through the same service
as a staff upload; days already published are kept, so running it again is quick.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from masthead.epaper import services
from masthead.epaper.layout import PrintStory, lay_out_edition
from masthead.epaper.models import Edition, EditionStatus
from masthead.newsroom.blocks import plain_text
from masthead.newsroom.models import Article

EDITIONS = ("Mumbai", "Delhi")
DAYS = 3
PAGES = 4


def _print_stories() -> list[PrintStory]:
    articles = (
        Article.objects.published()
        .select_related("section", "agency")
        .prefetch_related("authors")
        .order_by("-published_at")[:40]
    )
    stories = []
    for article in articles:
        names = [author.name for author in article.authors.all()]
        byline = ", ".join(names) or (article.agency.short_name if article.agency else "")
        stories.append(
            PrintStory(
                headline=article.headline,
                section=article.section.name,
                standfirst=article.standfirst,
                byline=f"By {byline}" if byline else "",
                paragraphs=[p for p in plain_text(article.body).split("\n\n") if p],
            )
        )
    return stories


def load(
    *,
    days: int = DAYS,
    editions: Sequence[str] = EDITIONS,
    pages: int = PAGES,
    progress: Callable[[str], None] = lambda _m: None,
) -> int:
    """Publish the last ``days`` days of each demo edition; returns how many were made now."""
    stories = _print_stories()
    if not stories:
        return 0
    today = timezone.localdate()
    made = 0
    for days_ago in range(days - 1, -1, -1):
        date = today - dt.timedelta(days=days_ago)
        for position, name in enumerate(editions):
            published = Edition.objects.filter(
                date=date, name=name, status=EditionStatus.READY
            ).exists()
            if published:
                continue
            # Each day and edition leads with different stories, as real ones would.
            shift = (days_ago * len(editions) + position) * 3 % len(stories)
            pdf = lay_out_edition(
                publisher=settings.PUBLISHER_NAME,
                tagline=settings.PUBLISHER_TAGLINE,
                edition=name,
                date=date,
                stories=stories[shift:] + stories[:shift],
                pages=pages,
            )
            with tempfile.TemporaryDirectory(prefix="demo-edition-") as scratch:
                path = Path(scratch) / f"{name.lower()}-{date.isoformat()}.pdf"
                path.write_bytes(pdf)
                services.receive_edition(
                    path=path,
                    filename=path.name,
                    date=date,
                    name=name,
                    uploaded_by=None,
                    render_now=True,
                )
            made += 1
            progress(f"  e-paper: {name} edition, {date:%d %b}")
    return made

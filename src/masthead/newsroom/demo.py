"""The demo newsroom: sections, authors, agencies and the stories in ``demo_stories``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masthead.newsroom import demo_benefits, demo_images, services
from masthead.newsroom.demo_stories import AUTHORS
from masthead.newsroom.demo_stories import STORIES as NEWS_STORIES
from masthead.newsroom.models import Article, Section

STORIES = [*NEWS_STORIES, *demo_benefits.STORIES]
SECTIONS = [
    ("politics", "Politics", "Parliament, the states and the policy that shapes business.", 10),
    ("markets", "Markets", "Stocks, bonds, currencies and commodities.", 20),
    ("economy", "Economy", "Growth, prices, jobs, trade and the public purse.", 30),
    ("technology", "Technology", "The companies, the code and the rules.", 40),
    ("world", "World", "The news from abroad that moves India's markets and policy.", 50),
    ("opinion", "Opinion", "Columns and arguments from our writers.", 60),
]
AGENCIES = [
    ("afp", "Agence France-Presse", "AFP"),
    ("reuters", "Reuters", "Reuters"),
    ("pti", "Press Trust of India", "PTI"),
]


def _published_at(value: str, *, now: dt.datetime) -> dt.datetime:
    tz = ZoneInfo(settings.TIME_ZONE)
    if value.startswith("days_ago:"):
        days = int(value.split(":", 1)[1])
        local_now = now.astimezone(tz)
        # Spread recent stories over the working day, never in the future.
        moment = local_now - dt.timedelta(days=days)
        return min(moment.replace(hour=9 if days else max(local_now.hour - 1, 0), minute=30), now)
    return dt.datetime.fromisoformat(value).replace(tzinfo=tz)


@transaction.atomic
def load(*, progress: Callable[[str], None] = lambda _m: None) -> int:
    """Create or refresh the demo newsroom. Safe to run again: it updates by slug."""
    now = timezone.now()
    sections: dict[str, Section] = {}
    for slug, name, description, position in SECTIONS:
        sections[slug] = services.upsert_section(
            name=name, slug=slug, description=description, position=position
        )
    slug, name, description, position = demo_benefits.MARKET_ANALYSIS_SECTION
    sections[slug] = services.upsert_section(
        name=name, slug=slug, description=description, position=position, is_market_analysis=True
    )
    agencies = {
        slug: services.upsert_agency(slug=slug, name=name, short_name=short)
        for slug, name, short in AGENCIES
    }
    authors = {
        a["slug"]: services.upsert_author(
            slug=a["slug"], name=a["name"], role=a.get("role", ""), bio=a.get("bio", "")
        )
        for a in AUTHORS
    }
    saved: dict[str, Article] = {}
    for number, story in enumerate(STORIES, start=1):
        agency_slug = story.get("agency")
        saved[story["slug"]] = services.save_article(
            slug=story["slug"],
            headline=story["headline"],
            standfirst=story["standfirst"],
            section=sections[story["section"]],
            body_text="\n\n".join(story["body"]),
            authors=[authors[s] for s in story["authors"]],
            agency=agencies[agency_slug] if agency_slug else None,
            canonical_url=story.get("canonical_url", ""),
            dateline=story["dateline"],
            access_level=story["access"],
            published_at=_published_at(story["published"], now=now),
            premium_pick=demo_benefits.PREMIUM_PICKS.get(story["slug"]),
        )
        if number % 10 == 0:
            progress(f"  stories: {number}/{len(STORIES)}")
    pictured = demo_images.attach(articles=saved)
    progress(f"  lead images drawn: {pictured}")
    return len(STORIES)

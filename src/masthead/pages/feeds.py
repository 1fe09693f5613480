"""RSS: the whole site (/rss.xml) and each section (/rss/<section>.xml). Feeds cannot meter
anyone, so items carry what the gate gives a feed — the same for everyone, so each feed is kept
whole in the listings' cache (``pages.listing_cache``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.html import escape

from masthead.access.gate import Context, Surface, decide
from masthead.access.identity import Reader
from masthead.core.web import absolute_url
from masthead.newsroom import images, selectors
from masthead.newsroom.blocks import plain_text, split_lead, without_cut
from masthead.newsroom.models import Article, Section
from masthead.pages import listing_cache

_FEED_READER = Reader(user_id=None, anonymous_id=None)


class _StoryItems:
    """What every feed's items say: the gate's feed answer, the author, the section."""

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_link(self, item: Article) -> str:
        # From MASTHEAD_SITE_URL, not the request's host: one set of addresses everywhere.
        return absolute_url(item.get_absolute_url())

    def item_description(self, item: Article) -> str:
        return _description(item)

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime | None:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        names = [a.name for a in item.authors.all()]
        if names:
            return ", ".join(names)
        return item.agency.short_name if item.agency else settings.PUBLISHER_NAME

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name]

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        # The lead image is free for everyone, like the headline (RSS 2.0 <enclosure>).
        pic = images.picture(item)
        if pic is None:
            return []
        return [Enclosure(absolute_url(pic.enclosure_url), str(pic.enclosure_bytes), "image/jpeg")]


class _KeptWhole:
    """A feed is the same for every reader: kept whole in the listings' cache, keyed on its
    address (an unknown section's Http404 is never kept)."""

    cache_name = ""

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = ":".join(["feed", self.cache_name, *(f"{k}={v}" for k, v in sorted(kwargs.items()))])
        render = super().__call__  # type: ignore[misc]
        entry = listing_cache.listing(
            key=key, build=lambda: listing_cache.from_response(render(request, *args, **kwargs))
        )
        return listing_cache.whole_response(entry)


class LatestFeed(_KeptWhole, _StoryItems, Feed[Article, None]):
    """The newest stories of every section."""

    feed_type = Rss201rev2Feed
    cache_name = "latest"

    def title(self) -> str:
        return settings.PUBLISHER_NAME

    def link(self) -> str:
        return absolute_url("/")

    def feed_url(self) -> str:
        return absolute_url(reverse("latest_feed"))

    def description(self) -> str:
        return settings.PUBLISHER_TAGLINE

    def items(self) -> list[Article]:
        return selectors.latest()


class SectionFeed(_KeptWhole, _StoryItems, Feed[Article, Section]):
    feed_type = Rss201rev2Feed
    cache_name = "section"

    def get_object(self, request: HttpRequest, section_slug: str) -> Section:
        return selectors.section_by_slug(slug=section_slug)

    def title(self, obj: Section) -> str:
        return f"{settings.PUBLISHER_NAME}: {obj.name}"

    def link(self, obj: Section) -> str:
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj: Section) -> str:
        return absolute_url(reverse("newsroom:section_feed", args=[obj.slug]))

    def description(self, obj: Section) -> str:
        return obj.description or f"The latest from {obj.name}."

    def items(self, obj: Section) -> list[Article]:
        return selectors.latest_in_section(section=obj)


def _description(item: Article) -> str:
    decision = decide(
        reader=_FEED_READER, article=item, context=Context(surface=Surface.FEED, count=False)
    )
    if decision.full:
        blocks = without_cut(item.body)
    else:
        blocks = without_cut(
            split_lead(item.body, default_paragraphs=settings.LEAD_PARAGRAPHS).lead
        )
    text = plain_text(blocks)
    summary = escape(item.standfirst)
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p)
    more = "" if decision.full else "<p>Read the full story on the site.</p>"
    return f"<p><strong>{summary}</strong></p>{paragraphs}{more}"

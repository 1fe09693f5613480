"""RSS per section. Feeds cannot meter anyone, so items carry what the gate gives a feed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape

from masthead.access.gate import Context, Surface, decide
from masthead.access.identity import Reader
from masthead.newsroom import selectors
from masthead.newsroom.blocks import plain_text, split_lead, without_cut
from masthead.newsroom.models import Article, Section

_FEED_READER = Reader(user_id=None, anonymous_id=None)


class SectionFeed(Feed[Article, Section]):
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, section_slug: str) -> Section:
        return selectors.section_by_slug(slug=section_slug)

    def title(self, obj: Section) -> str:
        return f"{settings.PUBLISHER_NAME}: {obj.name}"

    def link(self, obj: Section) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Section) -> str:
        return obj.description or f"The latest from {obj.name}."

    def items(self, obj: Section) -> list[Article]:
        return selectors.latest_in_section(section=obj)

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
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

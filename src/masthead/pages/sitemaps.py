from __future__ import annotations

import datetime as dt

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from masthead.newsroom import selectors
from masthead.newsroom.models import Article, Section


class ArticleSitemap(Sitemap[Article]):
    limit = 5000

    def items(self) -> QuerySet[Article]:
        return selectors.sitemap_articles().order_by("-published_at")

    def lastmod(self, item: Article) -> dt.datetime | None:
        return item.updated_at or item.published_at


class SectionSitemap(Sitemap[Section]):
    changefreq = "hourly"

    def items(self) -> list[Section]:
        return selectors.sections()

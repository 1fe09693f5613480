"""Sitemaps for search engines, every address absolute from ``MASTHEAD_SITE_URL``.

* ``/sitemap.xml`` — the index: the site's pages, the Google News sitemap, and one sitemap per
  year of stories (the archive goes back to 1997; a year stays far below the protocol's 50,000
  URLs per file).
* ``/sitemaps/pages.xml`` — the home page, sections and the other listings.
* ``/sitemaps/news.xml`` — Google News: this site's stories of the last two days
  (developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap).
* ``/sitemaps/stories-<year>.xml`` — every story of that year.

``lastmod`` is a W3C datetime with the time (sitemaps.org: "YYYY-MM-DDThh:mm:ssTZD"). Wire stories
whose canonical address is the agency's are left out: a sitemap lists canonical URLs only.

Each is the same for everyone: kept whole in the listings' cache (``pages.listing_cache``),
rendered afresh after an edit to the newsroom.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from masthead.core.web import absolute_url, machine_datetime
from masthead.newsroom import selectors
from masthead.pages.listing_cache import cached_whole

NEWS_WINDOW = dt.timedelta(days=2)
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class Entry:
    loc: str
    lastmod: str = ""


def _xml(template: str, **context: object) -> HttpResponse:
    return HttpResponse(render_to_string(f"sitemaps/{template}", context), content_type=XML)


@cached_whole("sitemap-index")
def index(request: HttpRequest) -> HttpResponse:
    years = selectors.sitemap_years()
    newest = max((changed for _, changed in years), default=None)
    entries = [
        Entry(absolute_url(reverse("sitemap_pages")), machine_datetime(newest)),
        Entry(absolute_url(reverse("sitemap_news")), machine_datetime(newest)),
    ] + [
        Entry(absolute_url(reverse("sitemap_year", args=[year])), machine_datetime(changed))
        for year, changed in years
    ]
    return _xml("index.xml", entries=entries)


@cached_whole("sitemap-pages")
def pages(request: HttpRequest) -> HttpResponse:
    years = selectors.sitemap_years()
    newest = machine_datetime(max((changed for _, changed in years), default=None))
    listings = ["newsroom:home", "newsroom:premium", "newsroom:market_analysis", "newsroom:archive"]
    entries = [Entry(absolute_url(reverse(name)), newest) for name in listings] + [
        Entry(absolute_url(section.get_absolute_url()), newest) for section in selectors.sections()
    ]
    return _xml("urlset.xml", entries=entries)


@cached_whole("sitemap-news")
def news(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - NEWS_WINDOW
    stories = [
        {
            "loc": absolute_url(story.get_absolute_url()),
            "published": machine_datetime(story.published_at),
            "title": story.headline,
        }
        for story in selectors.news_sitemap_articles(since=since)
    ]
    return _xml(
        "news.xml",
        stories=stories,
        publication=settings.PUBLISHER_NAME,
        language=settings.LANGUAGE_CODE.split("-")[0],
    )


@cached_whole("sitemap-year")
def stories_of_year(request: HttpRequest, year: int) -> HttpResponse:
    stories = selectors.sitemap_articles(year=year)
    entries = [
        Entry(
            absolute_url(story.get_absolute_url()),
            machine_datetime(story.updated_at or story.published_at),
        )
        for story in stories.iterator(chunk_size=2000)
    ]
    if not entries:
        raise Http404(f"No stories from {year}.")
    return _xml("urlset.xml", entries=entries)

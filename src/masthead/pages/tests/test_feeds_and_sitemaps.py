"""Feeds and sitemaps as feed readers and search engines read them: parsed by feedparser and by
an XML parser against the protocols (sitemaps.org, Google News sitemaps, RSS 2.0)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from masthead.ops import testing

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"  # MASTHEAD_SITE_URL in tests
NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
}
# sitemaps.org: W3C Datetime; with the time: YYYY-MM-DDThh:mm:ssTZD
W3C_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$")


@pytest.fixture(autouse=True)
def _another_host_answers(settings):
    """Requests come to another host name than MASTHEAD_SITE_URL's (a proxy, a CDN): the
    addresses in feeds and sitemaps must still be the configured ones."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "elsewhere.example"]


@pytest.fixture
def stories() -> dict[str, object]:
    now = timezone.now()
    economy, markets = testing.section("economy"), testing.section("markets")
    return {
        "today": testing.article(in_section=economy, published_at=now - dt.timedelta(hours=3)),
        "last_week": testing.article(in_section=markets, published_at=now - dt.timedelta(days=7)),
        "in_1997": testing.article(
            in_section=economy, published_at=dt.datetime(1997, 7, 2, 14, 45, tzinfo=dt.UTC)
        ),
        "wire": testing.article(
            in_section=markets,
            wire=testing.agency(),
            canonical_url="https://www.afp.com/en/news/1234",
            published_at=now - dt.timedelta(hours=1),
        ),
    }


def xml(client: Client, path: str) -> ET.Element:
    response = client.get(path, HTTP_HOST="elsewhere.example")
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locs(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iterfind(".//s:loc", NS)]


def test_the_sitemap_index_lists_pages_news_and_one_sitemap_per_year(client, stories):
    index = xml(client, "/sitemap.xml")

    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    year = timezone.localtime(stories["today"].published_at).year
    assert locs(index) == [
        f"{SITE}/sitemaps/pages.xml",
        f"{SITE}/sitemaps/news.xml",
        f"{SITE}/sitemaps/stories-1997.xml",
        f"{SITE}/sitemaps/stories-{year}.xml",
    ]
    for lastmod in index.iterfind(".//s:lastmod", NS):
        assert W3C_DATETIME.match(lastmod.text or ""), lastmod.text


def test_a_years_sitemap_lists_its_stories_with_time_and_never_a_wire_storys_local_copy(
    client, stories
):
    year = timezone.localtime(stories["today"].published_at).year
    root = xml(client, f"/sitemaps/stories-{year}.xml")

    listed = locs(root)
    assert f"{SITE}{stories['today'].get_absolute_url()}" in listed
    assert f"{SITE}{stories['last_week'].get_absolute_url()}" in listed
    assert not any(stories["wire"].slug in url for url in listed)
    assert all(W3C_DATETIME.match(e.text or "") for e in root.iterfind(".//s:lastmod", NS))
    assert locs(xml(client, "/sitemaps/stories-1997.xml")) == [
        f"{SITE}{stories['in_1997'].get_absolute_url()}"
    ]
    assert client.get("/sitemaps/stories-1900.xml").status_code == 404


def test_the_pages_sitemap_lists_the_home_page_and_the_sections(client, stories):
    listed = locs(xml(client, "/sitemaps/pages.xml"))

    assert listed[0] == f"{SITE}/"
    assert f"{SITE}/economy/" in listed
    assert f"{SITE}/markets/" in listed


def test_the_google_news_sitemap_holds_the_last_two_days_of_our_own_stories(client, stories):
    root = xml(client, "/sitemaps/news.xml")

    urls = root.findall("s:url", NS)
    assert [u.findtext("s:loc", namespaces=NS) for u in urls] == [
        f"{SITE}{stories['today'].get_absolute_url()}"
    ]
    news = urls[0].find("n:news", NS)
    assert news is not None
    assert news.findtext("n:publication/n:name", namespaces=NS) == "The Meridian Ledger"
    assert news.findtext("n:publication/n:language", namespaces=NS) == "en"
    assert news.findtext("n:title", namespaces=NS) == stories["today"].headline
    assert W3C_DATETIME.match(news.findtext("n:publication_date", namespaces=NS) or "")


def test_robots_blocks_only_the_back_office_and_the_api(client):
    robots = client.get("/robots.txt").content.decode()

    assert robots.splitlines() == [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        f"Sitemap: {SITE}/sitemap.xml",
    ]


def test_the_site_wide_feed_and_a_section_feed_parse_and_link_to_the_site(client, stories):
    site = feedparser.parse(client.get("/rss.xml", HTTP_HOST="elsewhere.example").content)
    section = feedparser.parse(client.get("/rss/economy.xml").content)

    assert not site.bozo, site.get("bozo_exception")
    assert not section.bozo, section.get("bozo_exception")
    assert site.version == "rss20"
    assert site.feed.title == "The Meridian Ledger"
    assert site.feed.link == f"{SITE}/"
    assert f"{SITE}{stories['today'].get_absolute_url()}" in [e.link for e in site.entries]
    assert f"{SITE}{stories['last_week'].get_absolute_url()}" in [e.link for e in site.entries]
    assert section.feed.title == "The Meridian Ledger: Economy"
    assert {e.link for e in section.entries} == {
        f"{SITE}{stories['today'].get_absolute_url()}",
        f"{SITE}{stories['in_1997'].get_absolute_url()}",
    }


def test_every_listing_page_links_its_feeds_and_the_site_feed(client, stories):
    analysis = testing.section("market-analysis")
    analysis.is_market_analysis = True
    analysis.save()

    home = client.get("/").content.decode()
    economy = client.get("/economy/").content.decode()
    market = client.get("/market-analysis/").content.decode()

    site_feed = (
        '<link rel="alternate" type="application/rss+xml" title="The Meridian Ledger" '
        'href="/rss.xml">'
    )
    assert site_feed in home
    assert site_feed in economy
    assert f'title="Economy" href="{SITE}/rss/economy.xml"' in economy
    assert f'href="{SITE}/rss/market-analysis.xml"' in market


def test_the_favicon_is_found_where_browsers_ask_for_it(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    home = client.get("/").content.decode()
    assert 'rel="apple-touch-icon"' in home
    assert 'type="image/svg+xml"' in home

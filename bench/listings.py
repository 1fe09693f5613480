"""Seeds the listings benchmark's database, then counts each listing's SQL queries.

Run by bench/run.py as ``python -m bench.listings --out result.json`` (DJANGO_SETTINGS_MODULE=
bench.settings) before gunicorn starts on the same database. It migrates and loads the demo
newsroom (sections, authors, agencies, every demo story with its lead image), the demo paywall
and the demo house ads, so each listing is as full as on the demo site; then, through Django's
test client as an anonymous reader, counts the SQL queries of each listing rendered afresh
(cold: the listings' cache forgotten first) and served from the cache (warm), and checks each
page answers 200 with its stories.
"""

from __future__ import annotations

import argparse
from typing import Any

from bench.common import describe_config, fail, migrate, say, setup_django, write_result

SECTION = "economy"  # a section page and its feed


def listing_paths() -> list[tuple[str, str, str]]:
    """(label, path, what the page must contain) of every listing the benchmark measures."""
    card = 'class="card-headline"'
    return [
        ("home", "/", card),
        ("section", f"/{SECTION}/", card),
        ("premium", "/premium/", card),
        ("market analysis", "/market-analysis/", card),
        ("archive", "/archive/", 'class="archive-list"'),
        ("RSS, site", "/rss.xml", "<item>"),
        ("RSS, section", f"/rss/{SECTION}.xml", "<item>"),
        ("sitemap index", "/sitemap.xml", "<sitemap>"),
        ("news sitemap", "/sitemaps/news.xml", "<news:news>"),
    ]


def seed() -> dict[str, Any]:
    from masthead.access import demo as access_demo
    from masthead.ads import demo as ads_demo
    from masthead.newsroom import demo as newsroom_demo
    from masthead.newsroom.models import Article

    stories = newsroom_demo.load()
    access_demo.load()
    ads_demo.load()
    # A metered story: its first visit gives the reader the cookie they return with.
    story = Article.objects.published().filter(access_level="metered").first()
    if story is None:
        fail("the demo newsroom has no metered story")
    return {"stories": stories, "story_url": story.get_absolute_url()}


def count_queries() -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from masthead.pages import listing_cache

    client = Client()
    client.get("/")  # the reader cookie; per-process caches (rules, chrome) as a warm worker
    counted = []
    for label, path, expected in listing_paths():
        queries = []
        listing_cache.forget_listings()  # cold: rendered from the database
        for _ in ("cold", "warm"):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200 or expected.encode() not in response.content:
                fail(f"GET {path} answered {response.status_code} without {expected}")
            queries.append(len(captured.captured_queries))
        counted.append(
            {
                "label": label,
                "path": path,
                "expected": expected,
                "cold": queries[0],
                "warm": queries[1],
            }
        )
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    migrate_seconds = migrate()
    seeded = seed()
    config = describe_config()
    say(
        f"{config['vendor']}: migrated in {migrate_seconds:.1f}s, loaded the demo newsroom "
        f"({seeded['stories']} stories), paywall and house ads"
    )
    queries = count_queries()
    say(
        "SQL queries per anonymous listing request, cold/warm: "
        + ", ".join(f"{q['label']} {q['cold']}/{q['warm']}" for q in queries)
    )
    write_result(args.out, {**config, **seeded, "pages": queries})


if __name__ == "__main__":
    main()

"""Seeds the page benchmark's database, then looks inside one metered article request.

Run by bench/run.py as ``python -m bench.page --out result.json`` (DJANGO_SETTINGS_MODULE=
bench.settings) before gunicorn starts on the same database. It migrates, seeds the demo meter
rules and one metered story with an eight-paragraph body (plus a few stories in the same
section, for the page's "More from" list), then, through Django's test client:

* counts the SQL queries of the first visit and of a returning reader's re-read;
* optionally profiles a few hundred re-reads to show where a request's time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from typing import Any

from bench.common import (
    MARKER,
    STORY_PARAGRAPHS,
    describe_config,
    fail,
    migrate,
    say,
    setup_django,
    write_result,
)

# (label, module file suffix, function name): the parts of a request worth timing.
PROFILE_PARTS = [
    ("whole request (Django handler)", "django/core/handlers/base.py", "get_response"),
    ("  URL resolving", "django/core/handlers/base.py", "resolve_request"),
    ("  reader cookie check (middleware)", "masthead/access/middleware.py", "_read_cookie"),
    ("  CSP header (middleware)", "csp/middleware.py", "process_response"),
    ("  article view", "masthead/pages/views.py", "article"),
    ("    kit from the page cache", "masthead/pages/page_cache.py", "article_kit"),
    ("    decide() (the gate)", "masthead/access/gate.py", "decide"),
    ("      meter store record_view()", "masthead/access/stores.py", "record_view"),
    ("    reader event (insights)", "masthead/insights/events.py", "story_decided"),
    ("      writing a batch of events", "masthead/insights/events.py", "flush"),
    ("    page filled for the reader", "masthead/pages/presenters.py", "render_article_page"),
    ("    site chrome", "masthead/core/context_processors.py", "chrome_for"),
    ("    ad slot", "masthead/ads/presenters.py", "ad_slot_html"),
    ("SQL execution (all)", "django/db/backends/utils.py", "_execute"),
]


def seed() -> dict[str, Any]:
    from masthead.newsroom import services
    from masthead.ops import testing

    testing.demo_rules()
    economy, markets = testing.section("economy"), testing.section("markets")
    for slug in ("world", "companies", "opinion"):
        testing.section(slug)
    author = services.upsert_author(
        slug="asha-menon", name="Asha Menon", role="Economics editor", bio="Covers the RBI."
    )
    stories = {}
    # The metered story, and a free twin in a section of its own (same body, same number of
    # related stories), so the gate's own cost can be told apart from the page's.
    for access, section, slug in (
        ("metered", economy, "rbi-holds-rates-signals-cut"),
        ("free", markets, "rbi-holds-rates-signals-cut-free"),
    ):
        for number in range(5):
            testing.article(
                access_level="metered",
                in_section=section,
                headline=f"Earlier {section.name.lower()} story {number + 1}",
            )
        stories[access] = services.save_article(
            slug=slug,
            headline="RBI holds rates but signals a cut is coming as inflation cools",
            standfirst="The central bank's tone shifted; bond markets rallied on the news.",
            section=section,
            body_text="\n\n".join(STORY_PARAGRAPHS),
            authors=[author],
            dateline="Mumbai",
            access_level=access,
        )
    return {
        "url": stories["metered"].get_absolute_url(),
        "article_id": stories["metered"].pk,
        "free_url": stories["free"].get_absolute_url(),
    }


def count_queries(url: str, free_url: str) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from masthead.access.identity import dump_cookie, load_cookie
    from masthead.access.selectors import forget_cached_rules

    # Cold start for the first visit. (No cache.clear(): on Redis that flushes the whole db.)
    forget_cached_rules()
    client = Client()
    visits = []
    for label in ("first visit (cold caches)", "re-read 1", "re-read 2", "re-read 3"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        body = response.content.decode()
        if response.status_code != 200 or MARKER not in body:
            fail(f"{label}: {url} answered {response.status_code} without the full story")
        visits.append(
            {
                "label": label,
                "queries": len(captured.captured_queries),
                "sql": [q["sql"][:200] for q in captured.captured_queries],
            }
        )
        if settings.READER_COOKIE_NAME not in client.cookies:
            fail("the first visit set no reader cookie")
    # The same reader's cookie without its meter proof: every re-read with it asks the store,
    # the path a browser takes the first time it comes back (ADR 0029).
    cookie = load_cookie(client.cookies[settings.READER_COOKIE_NAME].value)
    store_cookie = f"{settings.READER_COOKIE_NAME}={dump_cookie(cookie.with_proof(None))}"
    with CaptureQueriesContext(connection) as captured:
        response = client.get(free_url)
    if response.status_code != 200 or MARKER not in response.content.decode():
        fail(f"the free twin {free_url} answered {response.status_code} without the full story")
    free_queries = len(captured.captured_queries)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/bench/bare/1000/")
    if response.status_code != 200 or len(response.content) != 1000:
        fail("the bare page did not answer 200 with exactly 1000 bytes")
    return {
        "visits": visits,
        "store_cookie": store_cookie,
        "free_queries": free_queries,
        "bare_queries": len(captured.captured_queries),
    }


def profile(url: str, requests: int, *, with_proof: bool) -> dict[str, Any]:
    """cProfile ``requests`` re-reads: with the meter proof in the cookie, or without it (each
    request then asks the store, the way the page worked before ADR 0029)."""
    from django.conf import settings
    from django.test import Client

    from masthead.access.identity import dump_cookie, load_cookie

    client = Client()
    client.get(url)  # counts the story and sets the reader cookie
    name = settings.READER_COOKIE_NAME
    cookie = client.cookies[name].value
    if not with_proof:
        cookie = dump_cookie(load_cookie(cookie).with_proof(None))

    def reread() -> None:
        client.cookies[name] = cookie  # the store's answer would put a proof back
        client.get(url)

    for _ in range(20):
        reread()
    started = time.perf_counter()
    for _ in range(requests):
        reread()
    plain_ms = (time.perf_counter() - started) * 1000 / requests

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        reread()
    profiler.disable()
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    parts = []
    for label, suffix, func_name in PROFILE_PARTS:
        cumulative = sum(
            entry[3]
            for (path, _line, func), entry in table.items()
            if path.endswith(suffix) and func == func_name
        )
        parts.append({"label": label, "ms": cumulative * 1000 / requests})
    return {"requests": requests, "ms_per_request_unprofiled": plain_ms, "parts": parts}


def gate_share(url: str, free_url: str, requests: int) -> dict[str, float]:
    """Median milliseconds per request: the metered re-read and its free twin, alternated
    request by request in process (medians shrug off moments the machine is busy elsewhere)."""
    from django.test import Client

    client = Client()
    client.get(url)  # counts the story and sets the reader cookie
    spent: dict[str, list[float]] = {url: [], free_url: []}
    for _ in range(10):
        client.get(url)
        client.get(free_url)
    for _ in range(requests):
        for target in (url, free_url):
            started = time.perf_counter()
            client.get(target)
            spent[target].append(time.perf_counter() - started)
    return {
        "metered_ms": statistics.median(spent[url]) * 1000,
        "free_ms": statistics.median(spent[free_url]) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--profile-requests", type=int, default=0)
    parser.add_argument("--timed-requests", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    migrate_seconds = migrate()
    seeded = seed()
    config = describe_config()
    say(
        f"{config['meter_store']} store on {config['vendor']}: migrated in {migrate_seconds:.1f}s,"
        f" seeded the demo rules and {seeded['url']}"
    )
    queries = count_queries(seeded["url"], seeded["free_url"])
    counts = ", ".join(f"{v['label']}: {v['queries']}" for v in queries["visits"])
    say(
        f"SQL queries per metered page request — {counts}; free twin: "
        f"{queries['free_queries']}; bare page: {queries['bare_queries']}"
    )
    result: dict[str, Any] = {**config, **seeded, "queries": queries}
    share = gate_share(seeded["url"], seeded["free_url"], args.timed_requests)
    result["gate_share"] = share
    say(
        f"test client, {args.timed_requests} requests each, median: metered re-read "
        f"{share['metered_ms']:.2f} ms, same story free {share['free_ms']:.2f} ms "
        f"-> the gate adds {share['metered_ms'] - share['free_ms']:.2f} ms per page"
    )
    if args.profile_requests:
        for key, with_proof in (("profile", True), ("profile_store", False)):
            result[key] = profile(seeded["url"], args.profile_requests, with_proof=with_proof)
            say(
                f"profiled {args.profile_requests} re-reads {'with' if with_proof else 'without'}"
                f" the meter proof through the test client "
                f"({result[key]['ms_per_request_unprofiled']:.2f} ms each unprofiled)"
            )
    write_result(args.out, result)


if __name__ == "__main__":
    main()

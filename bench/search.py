"""Archive search at scale: build the index for N generated stories, then time 200 fixed queries.

Run by bench/run.py (``make bench``; ``--only search``) in a database of its own, as
``python -m bench.search --stories N --out s.json``, with the configuration in the environment
(DATABASE_URL selects the engine).

The generator (``generate``), deterministic from ``--seed``:
* Stories spread over 1997-2026, more each year as the paper grew (weight 1 + year index / 6,
  so 2026 has about six times as many as 1997), at a uniform time of day; published.
* A headline of 6-12 words, a standfirst of 18-30, and a body of 6-14 paragraphs of 40-90
  words (about 400-900 words, a business daily's usual range). Words are drawn from a
  vocabulary of 4,000 with Zipf weights (1/rank), as word frequencies in news text are: the
  first hundred are everyday newsroom words, then business and place words, then made-up
  names. Every story also carries two names of its own (``rare`` words, found in one story).
* 12 sections (one of them the market-analysis vertical), a fifth of stories from wire
  agencies, a tenth premium.

Loading and the index (``generate``, ``build_index``): the stories go in by COPY on PostgreSQL
(one executemany a batch on SQLite) with the per-story trigger off; the index is then built by
``services.reindex`` (set-based, the triggers' own SQL), on PostgreSQL with the GIN index made
once afterwards; ``same_as_triggers`` then fails the run unless 200 sampled entries equal what
the per-story trigger makes. ``--again`` times the queries again on what a run left.

The 200 queries (``fixed_queries``), also from the seed: 50 common single words, 30 rare
words, 40 two- or three-word phrases taken from stories, 40 common words with a filter (a
section, a year, wire only, premium only, newest first), 20 two-word searches and 20 with OR or
an exclusion. Each is run once to warm up, then timed twice: the engine's query alone
(``engines.find``: match, filters, rank, the first page of ids) and the whole search a reader
waits for (``selectors.search``: that, plus the rows, the gate for each result and the
snippets).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bench.common import describe_config, fail, migrate, say, setup_django, write_result  # noqa: E402

FIRST_YEAR, LAST_YEAR = 1997, 2026
SECTIONS = [
    "economy", "markets", "companies", "banking", "politics", "world", "technology", "energy",
    "agriculture", "opinion", "sport", "market-analysis",
]  # fmt: skip


def _words(text: str) -> list[str]:
    return text.split()


COMMON = _words(
    """
    said year government market company per cent india new would also percent rupees billion
    crore first two last three million prices growth bank minister state people shares week
    month sector policy quarter since rate investors report officials demand data higher lower
    country world plan rise fall trade business according time early years told exports imports
    oil gold funds capital central analysts companies expected however added industry public tax
    budget price sales profit loss revenue earlier including period support increase decline
    rates global economy inflation interest loans credit stock index sensex nifty rbi reserve
    monsoon farmers power coal steel auto telecom banks deal billionaire
    """
)
DOMAIN = _words(
    """
    repo liquidity bond yield rupee dollar deficit fiscal subsidy tariff export import merger
    acquisition startup unicorn fintech insurer lender borrower refinery pipeline turbine solar
    wind hydro nuclear grid discom railway airport port highway metro cement textile pharma
    vaccine hospital drone satellite rocket semiconductor chip smartphone broadband spectrum
    auction regulator tribunal court verdict election parliament assembly coalition opposition
    ministry cabinet governor treasury sebi ipo listing dividend buyback rally slump volatility
    hedge derivative futures options commodity wheat rice sugar cotton pulses onion tomato
    fertiliser irrigation drought flood cyclone heatwave mumbai delhi kolkata chennai bengaluru
    hyderabad pune ahmedabad gujarat maharashtra punjab kerala bihar odisha assam karnataka
    tamil telangana beijing washington london tokyo moscow dubai karabakh baku yerevan kyiv gaza
    tehran riyadh opec nato brics imf wto g20
    """
)
SYLLABLES = _words(
    """
    ka ra mi to su ve lo na pe di ho ban tar vin sha gul dev pra mo ze ri an el
    """
)


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    words = list(dict.fromkeys(COMMON + DOMAIN))
    seen = set(words)
    while len(words) < size:
        name = _name(rng).lower()
        if name not in seen:
            seen.add(name)
            words.append(name)
    return words


class Writer:
    """Sentences from a Zipf-weighted vocabulary."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        self.cumulative: list[float] = []
        total = 0.0
        for rank in range(1, len(self.words) + 1):
            total += 1 / rank
            self.cumulative.append(total)

    def words_n(self, n: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=n)

    def sentence(self, n: int) -> str:
        words = self.words_n(n)
        return " ".join(words).capitalize() + "."

    def text(self, n: int) -> str:
        out: list[str] = []
        while n > 0:
            length = min(n, self.rng.randint(10, 24))
            out.append(self.sentence(length))
            n -= length
        return " ".join(out)


def _years(rng: random.Random) -> list[int]:
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    weights = [1 + i / 6 for i in range(len(years))]
    return rng.choices(years, weights=weights, k=1)


ARTICLE_COLUMNS = (
    "headline, slug, standfirst, canonical_url, dateline, body, access_level, status, "
    "published_at, created_at, modified_at, section_id, agency_id"
)


def _load(rows: list[tuple[Any, ...]]) -> None:
    """Write a batch of stories: COPY on PostgreSQL (psycopg 3), one executemany on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        with connection.cursor() as cursor:
            raw = cursor.cursor  # Django's wrapper hides psycopg's copy()
            with raw.copy(f"COPY newsroom_article ({ARTICLE_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row[:5], Jsonb(row[5]), *row[6:]))
        return
    marks = ", ".join(["%s"] * len(ARTICLE_COLUMNS.split(", ")))
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO newsroom_article ({ARTICLE_COLUMNS}) VALUES ({marks})",  # noqa: S608
            [
                (
                    *row[:5],
                    json.dumps(row[5]),
                    *row[6:8],
                    adapt(row[8]),
                    adapt(row[9]),
                    adapt(row[10]),
                    *row[11:],
                )
                for row in rows
            ],
        )


def generate(*, count: int, seed: int, batch: int = 5000) -> dict[str, Any]:
    """Insert ``count`` published stories; returns what the queries need (rare words, phrases).

    The rows go straight to the table (COPY on PostgreSQL) with the per-story trigger off (see
    ``_without_story_trigger``): the index is then built in one pass by ``build_index``."""
    from django.db import transaction
    from django.utils import timezone

    from masthead.newsroom import services
    from masthead.newsroom.models import AccessLevel, ArticleStatus

    rng = random.Random(seed)
    writer = Writer(rng)
    sections = [
        services.upsert_section(
            name=slug.replace("-", " ").title(),
            slug=slug,
            is_market_analysis=slug == "market-analysis",
        ).pk
        for slug in SECTIONS
    ]
    agencies = [
        services.upsert_agency(slug="afp", name="Agence France-Presse", short_name="AFP").pk,
        services.upsert_agency(slug="pti", name="Press Trust of India", short_name="PTI").pk,
    ]
    utc = dt.UTC
    now = timezone.now()
    rare: list[str] = []
    phrases: list[str] = []
    made = 0
    started = time.perf_counter()
    while made < count:
        rows: list[tuple[Any, ...]] = []
        for number in range(made, min(count, made + batch)):
            year = _years(rng)[0]
            start = dt.datetime(year, 1, 1, tzinfo=utc).timestamp()
            end = min(dt.datetime(year + 1, 1, 1, tzinfo=utc).timestamp(), now.timestamp() - 3600)
            published = dt.datetime.fromtimestamp(rng.uniform(start, end), tz=utc)
            names = [_name(rng) + str(number % 97) for _ in range(2)]
            paragraphs = [writer.text(rng.randint(40, 90)) for _ in range(rng.randint(6, 14))]
            paragraphs[rng.randrange(len(paragraphs))] += f" {names[0]} and {names[1]} said so."
            if number % 500 == 0:
                rare.append(names[0])
                words = paragraphs[0].rstrip(".").split()
                at = rng.randrange(max(1, len(words) - 3))
                phrases.append(" ".join(words[at : at + rng.randint(2, 3)]).lower())
            roll = rng.random()
            rows.append(
                (
                    writer.sentence(rng.randint(6, 12)).rstrip(".")[:200],
                    f"bench-story-{number}",
                    writer.sentence(rng.randint(18, 30))[:400],
                    "",
                    "",
                    [{"type": "paragraph", "html": p} for p in paragraphs],
                    AccessLevel.PREMIUM.value if roll > 0.9 else AccessLevel.METERED.value,
                    ArticleStatus.PUBLISHED.value,
                    published,
                    now,
                    now,
                    sections[rng.randrange(len(sections))],
                    agencies[rng.randrange(2)] if roll < 0.2 else None,
                )
            )
        with transaction.atomic():
            _load(rows)
        made += len(rows)
        if made % (batch * 10) == 0 or made == count:
            say(f"generated {made:,} stories ({time.perf_counter() - started:.0f}s)")
    return {"rare": rare, "phrases": phrases, "common": writer.words[10:200]}


def fixed_queries(material: dict[str, Any], seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed + 1)
    common, rare, phrases = material["common"], material["rare"], material["phrases"]
    queries: list[dict[str, str]] = []
    queries += [{"q": rng.choice(common)} for _ in range(50)]
    queries += [{"q": rng.choice(rare)} for _ in range(30)]
    queries += [{"q": f'"{rng.choice(phrases)}"'} for _ in range(40)]
    for i in range(40):
        word = rng.choice(common)
        choice = i % 5
        if choice == 0:
            queries.append({"q": word, "section": rng.choice(SECTIONS)})
        elif choice == 1:
            queries.append({"q": word, "year": str(rng.randint(FIRST_YEAR, LAST_YEAR))})
        elif choice == 2:
            queries.append({"q": word, "type": "wire"})
        elif choice == 3:
            queries.append({"q": word, "type": "premium"})
        else:
            queries.append({"q": word, "sort": "newest"})
    queries += [{"q": f"{rng.choice(common)} {rng.choice(common)}"} for _ in range(20)]
    for i in range(20):
        a, b = rng.choice(common), rng.choice(common)
        queries.append({"q": f"{a} OR {rng.choice(rare)}" if i % 2 else f"{a} -{b}"})
    return queries


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return {
        "p50_ms": at(0.50) * 1000,
        "p95_ms": at(0.95) * 1000,
        "p99_ms": at(0.99) * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000,
    }


def time_queries(queries: list[dict[str, str]]) -> dict[str, Any]:
    from masthead.access.identity import Reader
    from masthead.search import params, selectors
    from masthead.search.engines import engine

    searcher = engine()
    reader = Reader(user_id=None, anonymous_id="bench-reader")
    wanted = [params.read(q) for q in queries]
    found_any = 0
    for w in wanted:  # warm-up, not timed
        found_any += bool(
            searcher.find(query=w.query, filters=w.filters, sort=w.sort, offset=0, limit=10).ids
        )
    engine_times, page_times = [], []
    for w in wanted:
        started = time.perf_counter()
        searcher.find(query=w.query, filters=w.filters, sort=w.sort, offset=0, limit=10)
        engine_times.append(time.perf_counter() - started)
    for w in wanted:
        started = time.perf_counter()
        selectors.search(reader=reader, query=w.query, filters=w.filters, sort=w.sort)
        page_times.append(time.perf_counter() - started)
    return {
        "queries": len(wanted),
        "with_results": found_any,
        "engine": percentiles(engine_times),
        "search": percentiles(page_times),
    }


def _without_story_trigger() -> Any:
    """Load stories with the per-story trigger off, so the rebuild is measured on its own."""
    from contextlib import contextmanager

    from django.db import connection

    @contextmanager
    def off() -> Any:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE newsroom_article DISABLE TRIGGER search_sync_story")
                try:
                    yield
                finally:
                    cursor.execute("ALTER TABLE newsroom_article ENABLE TRIGGER search_sync_story")
                return
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name = 'search_story_inserted'"
            )
            (definition,) = cursor.fetchone()
            cursor.execute("DROP TRIGGER search_story_inserted")
            try:
                yield
            finally:
                cursor.execute(definition)

    return off()


def build_index(*, progress: Any) -> Any:
    """``services.reindex`` (the entries in batches, set-based); on PostgreSQL with the GIN
    index made once after the load, in memory, instead of grown entry by entry."""
    from django.db import connection, transaction

    from masthead.search import services

    if connection.vendor != "postgresql":
        return services.reindex(progress=progress)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("DROP INDEX search_entry_document_idx")
        rebuilt = services.reindex(progress=progress)
        say("creating the GIN index")
        # As migration 0003 leaves it: no pending list.
        cursor.execute(
            "CREATE INDEX search_entry_document_idx ON search_entry USING gin (document) "
            "WITH (fastupdate = off)"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_entry")
    return rebuilt


def same_as_triggers(*, seed: int, sample: int = 200) -> None:
    """Fail unless a sample of the bulk-built entries equals what the per-story trigger makes:
    the sample's stories are touched (the trigger deletes and re-inserts their entries), the
    entries compared, and the touch rolled back. On SQLite FTS5's integrity check also compares
    the full-text index with the entries."""
    from django.db import connection, transaction

    columns = "article_id, section_id, agency_id, access_level, published_at, headline, standfirst"
    document = "document::text" if connection.vendor == "postgresql" else "body"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM newsroom_article ORDER BY id")
        ids = [int(r[0]) for r in cursor.fetchall()]
    chosen = sorted(random.Random(seed + 2).sample(ids, min(sample, len(ids))))
    marks = ", ".join(["%s"] * len(chosen))
    read = (
        f"SELECT {columns}, {document} FROM search_entry "  # noqa: S608 - fixed names
        f"WHERE article_id IN ({marks}) ORDER BY article_id"
    )

    class Undo(Exception):
        pass

    with connection.cursor() as cursor:
        cursor.execute(read, chosen)
        built = cursor.fetchall()
        try:
            with transaction.atomic():
                cursor.execute(
                    f"UPDATE newsroom_article SET headline = headline WHERE id IN ({marks})",  # noqa: S608
                    chosen,
                )
                cursor.execute(read, chosen)
                by_trigger = cursor.fetchall()
                raise Undo
        except Undo:
            pass
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)"
            )
            cursor.execute(
                "INSERT INTO search_words (search_words, rank) VALUES ('integrity-check', 1)"
            )
    if len(built) != len(chosen) or built != by_trigger:
        fail(f"the bulk-built index differs from the triggers' for a sample of {len(chosen)}")
    say(f"{len(chosen)} entries as the triggers make them")


def _generate_and_build(
    *, config: dict[str, Any], stories: int, seed: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    from masthead.search.engines import engine

    say(f"{config['vendor']}: generating {stories:,} stories, {FIRST_YEAR}-{LAST_YEAR}")
    started = time.perf_counter()
    with _without_story_trigger():
        material = generate(count=stories, seed=seed)
    generated = time.perf_counter() - started

    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 15 or done == total:
            last[0] = time.perf_counter()
            say(f"indexing {done:,}/{total:,}")

    started = time.perf_counter()
    rebuilt = build_index(progress=progress)
    build_seconds = time.perf_counter() - started
    say(f"index built in {build_seconds:.1f}s; checking 200 entries against the triggers")
    same_as_triggers(seed=seed)
    size = engine().index_bytes()
    say(
        f"index built in {build_seconds:.1f}s for {rebuilt.stories:,} stories; {size / 1e6:,.0f} MB"
    )
    built = {
        "stories": rebuilt.stories,
        "generate_seconds": generated,
        "build_seconds": build_seconds,
        "index_bytes": size,
    }
    return built, material


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1997)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--again",
        action="store_true",
        help="time the queries again on the stories and index a previous run left (its --out)",
    )
    args = parser.parse_args()
    setup_django()

    from masthead.access.demo import load as load_paywall

    config = describe_config()
    kept = Path(args.out + ".built.json")
    if args.again:
        built = json.loads(kept.read_text())
        material = built.pop("material")
        say(f"{config['vendor']}: timing again on {built['stories']:,} stories")
    else:
        migrate()
        load_paywall()
        built, material = _generate_and_build(config=config, stories=args.stories, seed=args.seed)
        kept.write_text(json.dumps({**built, "material": material}))
    queries = fixed_queries(material, args.seed)
    timed = time_queries(queries)
    say(
        f"200 queries, engine p50/p95/p99 {timed['engine']['p50_ms']:.1f}/"
        f"{timed['engine']['p95_ms']:.1f}/{timed['engine']['p99_ms']:.1f} ms; whole search "
        f"{timed['search']['p50_ms']:.1f}/{timed['search']['p95_ms']:.1f}/"
        f"{timed['search']['p99_ms']:.1f} ms"
    )
    write_result(
        args.out,
        {
            **config,
            **built,
            "page_query": "/search/?q=" + material["common"][5] + "+" + material["common"][30],
            **timed,
        },
    )


if __name__ == "__main__":
    main()

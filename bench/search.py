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
* Stories are made in chunks of 5,000, each from a random generator seeded by the seed and the
  chunk, so the first N stories of a larger run are exactly a run of N (a run can be cut down
  by deleting the later stories and the later rare words and phrases).

Loading and the index (``generate``, ``build_index``): ``--workers`` processes write the text
(one draw of the Zipf vocabulary a story) while the main process COPYs each chunk in
(PostgreSQL, lz4 TOAST compression; one executemany a chunk on SQLite), with the per-story
trigger off. On SQLite the index is then built by ``services.reindex``; on PostgreSQL the GIN
indexes are dropped, the entries filled by ``--workers`` connections at once (the source
view and the entry's own triggers make each entry, as on a publish) and the GIN indexes made
again from their own definitions. ``same_as_triggers`` then fails the run unless 200 sampled
entries equal what the per-story trigger makes. ``--stage generate`` stops after the stories;
``--stage index`` builds and times on what it left; ``--stage queries`` (``--again``) times the
queries again on what a run left.

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


YEARS = list(range(FIRST_YEAR, LAST_YEAR + 1))
# More stories each year as the paper grew: 2026 has about six times as many as 1997.
YEAR_WEIGHTS = [1 + i / 6 for i in range(len(YEARS))]
ARTICLE_COLUMNS = (
    "headline, slug, standfirst, canonical_url, dateline, body, access_level, status, "
    "published_at, created_at, modified_at, section_id, agency_id"
)
# Columns the generator does not write (a lead image, say) get the model's own default, which
# Django applies in Python, not in the table: COPY and a raw INSERT must name them.


def _other_columns() -> list[tuple[str, Any]]:
    """Every other NOT NULL column of newsroom_article, with its model default (JSON as text)."""
    from masthead.newsroom.models import Article

    written = set(ARTICLE_COLUMNS.split(", "))
    out: list[tuple[str, Any]] = []
    for field in Article._meta.concrete_fields:
        if field.primary_key or field.null or field.column in written:
            continue
        value = field.get_default()
        out.append((field.column, json.dumps(value) if isinstance(value, dict | list) else value))
    return out


CHUNK = 5000  # stories a worker makes at a time (one COPY); each chunk has its own seed


def _copy_text(value: Any) -> str:
    """A value in COPY's text format (our generated text holds no tab or newline)."""
    if value is None:
        return r"\N"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\")


def _chunk(job: tuple[int, int, int, dict[str, Any]]) -> tuple[Any, list[str], list[str]]:
    """Stories ``first`` to ``first + count - 1``, from a random generator of their own (the
    seed and the chunk's number), so the archive is the same whatever the number of workers.
    Returns the rows (COPY text on PostgreSQL, tuples on SQLite), rare names and phrases."""
    seed, first, count, ctx = job
    rng = random.Random(f"{seed}-{first}")
    words, cumulative = ctx["words"], ctx["cumulative"]
    choices, randint = rng.choices, rng.randint
    now: dt.datetime = ctx["now"]
    ceiling = now.timestamp() - 3600
    copy = ctx["copy"]
    rows: list[Any] = []
    rare: list[str] = []
    phrases: list[str] = []

    def text(drawn: list[str]) -> str:
        out: list[str] = []
        at = 0
        while at < len(drawn):
            length = randint(10, 24)
            sentence = " ".join(drawn[at : at + length])
            out.append(sentence[:1].upper() + sentence[1:] + ".")
            at += length
        return " ".join(out)

    for number in range(first, first + count):
        year = rng.choices(YEARS, weights=YEAR_WEIGHTS, k=1)[0]
        start = dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()
        end = min(dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC).timestamp(), ceiling)
        published = dt.datetime.fromtimestamp(rng.uniform(start, end), tz=dt.UTC)
        names = [_name(rng) + str(number % 97) for _ in range(2)]
        lengths = [randint(40, 90) for _ in range(randint(6, 14))]
        head_n, stand_n = randint(6, 12), randint(18, 30)
        # One draw for the whole story: most of the generator's time was many small draws.
        drawn = choices(words, cum_weights=cumulative, k=head_n + stand_n + sum(lengths))
        headline = " ".join(drawn[:head_n]).capitalize()[:200]
        standfirst = (" ".join(drawn[head_n : head_n + stand_n]).capitalize() + ".")[:400]
        at = head_n + stand_n
        paragraphs = []
        for length in lengths:
            paragraphs.append(text(drawn[at : at + length]))
            at += length
        paragraphs[rng.randrange(len(paragraphs))] += f" {names[0]} and {names[1]} said so."
        if number % 500 == 0:
            rare.append(names[0])
            first_words = paragraphs[0].rstrip(".").split()
            start_at = rng.randrange(max(1, len(first_words) - 3))
            phrases.append(" ".join(first_words[start_at : start_at + randint(2, 3)]).lower())
        roll = rng.random()
        row = (
            headline,
            f"bench-story-{number}",
            standfirst,
            "",
            "",
            json.dumps([{"type": "paragraph", "html": p} for p in paragraphs]),
            "premium" if roll > 0.9 else "metered",
            "published",
            published,
            now,
            now,
            ctx["sections"][rng.randrange(len(ctx["sections"]))],
            ctx["agencies"][rng.randrange(2)] if roll < 0.2 else None,
            *ctx["other"],
        )
        rows.append(row)
    if copy:
        return "".join("\t".join(map(_copy_text, r)) + "\n" for r in rows), rare, phrases
    return rows, rare, phrases


def _load(rows: Any, *, columns: str) -> None:
    """Write a chunk of stories: COPY on PostgreSQL (psycopg 3), one executemany on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # Django's wrapper hides psycopg's copy()
            with raw.copy(f"COPY newsroom_article ({columns}) FROM STDIN") as copy:
                copy.write(rows)
        return
    marks = ", ".join(["%s"] * len(columns.split(", ")))
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO newsroom_article ({columns}) VALUES ({marks})",  # noqa: S608
            [(*r[:8], adapt(r[8]), adapt(r[9]), adapt(r[10]), *r[11:]) for r in rows],
        )


def generate(*, count: int, seed: int, workers: int = 2) -> dict[str, Any]:
    """Insert ``count`` published stories; returns what the queries need (rare words, phrases).

    ``workers`` processes write the text, chunk by chunk, while this one COPYs the chunks in
    (on PostgreSQL; an executemany a chunk on SQLite), with the per-story trigger off (see
    ``_without_story_trigger``): the index is then built in one pass by ``build_index``."""
    import multiprocessing

    from django.db import connection, transaction
    from django.utils import timezone

    from masthead.newsroom import services

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
    ctx = {
        "words": writer.words,
        "cumulative": writer.cumulative,
        "now": timezone.now(),
        "sections": sections,
        "agencies": agencies,
        "copy": connection.vendor == "postgresql",
        "other": tuple(value for _column, value in _other_columns()),
    }
    columns = ", ".join([ARTICLE_COLUMNS, *(column for column, _value in _other_columns())])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # lz4 compresses a 5 KB body several times faster than the default pglz; and a
            # crash during a benchmark's load loses nothing worth keeping.
            cursor.execute("SET default_toast_compression = lz4")
            cursor.execute("SET synchronous_commit = off")
    jobs = [(seed, first, min(CHUNK, count - first), ctx) for first in range(0, count, CHUNK)]
    rare: list[str] = []
    phrases: list[str] = []
    made = 0
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for rows, chunk_rare, chunk_phrases in pool.imap(_chunk, jobs):
            with transaction.atomic():
                _load(rows, columns=columns)
            rare += chunk_rare
            phrases += chunk_phrases
            made += len(rows) if not ctx["copy"] else rows.count("\n")
            if made % (CHUNK * 10) == 0 or made == count:
                say(f"generated {made:,} stories ({time.perf_counter() - started:.0f}s)")
    return {"rare": rare, "phrases": phrases, "common": writer.words[10:200]}


# Where each kind of query stands in fixed_queries' list (for the figures by kind).
QUERY_KINDS = {
    "common word": (0, 50),
    "rare word": (50, 80),
    "phrase": (80, 120),
    "common word + filter or newest": (120, 160),
    "two words": (160, 180),
    "OR / exclusion": (180, 200),
}


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
    kinds = {
        name: percentiles(engine_times[start:end]) for name, (start, end) in QUERY_KINDS.items()
    }
    # The slowest ten by the engine's time: what the tail is made of.
    slowest = sorted(zip(engine_times, queries, strict=True), key=lambda t: t[0], reverse=True)
    return {
        "queries": len(wanted),
        "with_results": found_any,
        "slowest": [{"engine_ms": seconds * 1000, **q} for seconds, q in slowest[:10]],
        "engine": percentiles(engine_times),
        "search": percentiles(page_times),
        "engine_by_kind": kinds,
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


def _fill_in_parallel(*, workers: int, progress: Any) -> int:
    """The entries of every story, ``workers`` connections at once, each inserting ranges of
    story ids from the source view (the entry's own triggers make the tsvector, as for a publish).

    The bench fills an empty index this way because ``to_tsvector`` over a story's ~650 words is
    most of the build and one connection uses one core; ``masthead search reindex``
    (``services.reindex``) runs the same statements in one transaction, so readers meet the old
    index until the new one is complete."""
    import threading

    from django.db import connection, connections, transaction

    from masthead.search import services

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(article_id), max(article_id), count(*) FROM search_story_source")
        low, high, total = cursor.fetchone()
    if not total:
        return 0
    step = services.BATCH * 5
    ranges = [(lo, min(lo + step, high + 1)) for lo in range(low, high + 1, step)]
    lock = threading.Lock()
    done = [0]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            while True:
                with lock:
                    if not ranges or errors:
                        return
                    lo, hi = ranges.pop(0)
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL masthead.search_rebuild = 'on'")
                    cursor.execute(
                        f"INSERT INTO search_entry ({services.COLUMNS}) "  # noqa: S608
                        f"SELECT {services.COLUMNS} FROM search_story_source "
                        "WHERE article_id >= %s AND article_id < %s",
                        [lo, hi],
                    )
                    added = cursor.rowcount
                with lock:
                    done[0] += added
                    progress(done[0], total)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return int(total)


def build_index(*, progress: Any, workers: int = 2) -> Any:
    """On SQLite ``services.reindex`` (FTS5's 'rebuild' over all the entries). On PostgreSQL
    the GIN indexes are dropped, the entries filled in ``workers`` connections, the vocabulary
    made in one statement (as ``services.reindex`` does) and the GIN indexes created again from
    their own definitions, each in memory at once instead of grown entry by entry."""
    import threading

    from django.db import connection, connections, transaction

    from masthead.search import services

    if connection.vendor != "postgresql":
        return services.reindex(progress=progress)
    gin = services.postgres_gin_indexes()
    with connection.cursor() as cursor:
        if [name for name, _ in gin] != ["search_entry_document_idx", "search_entry_pairs_idx"]:
            fail(f"expected the document and pairs GIN indexes on search_entry, found {gin}")
        cursor.execute("DELETE FROM search_entry")
        for name, _ in gin:
            cursor.execute(f"DROP INDEX {name}")
    stories = _fill_in_parallel(workers=workers, progress=progress)
    with transaction.atomic(), connection.cursor() as cursor:
        say("the vocabulary")
        cursor.execute(services.POSTGRES_VOCABULARY)

    def create(definition: str) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"SET maintenance_work_mem = '{services.GIN_BUILD_MEMORY}'")
                cursor.execute(definition)
        finally:
            connections.close_all()

    say(f"creating the GIN indexes ({', '.join(name for name, _ in gin)}) side by side")
    threads = [threading.Thread(target=create, args=(definition,)) for _, definition in gin]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'search_entry' "
            "AND indexdef LIKE '%% USING gin %%'"
        )
        if cursor.fetchone()[0] != len(gin):
            fail("a GIN index was not created again")
        cursor.execute("VACUUM ANALYZE search_entry")
    return services.Rebuilt(stories=stories, pages=0)


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


def _generate(*, config: dict[str, Any], stories: int, seed: int, workers: int) -> dict[str, Any]:
    say(f"{config['vendor']}: generating {stories:,} stories, {FIRST_YEAR}-{LAST_YEAR}")
    started = time.perf_counter()
    with _without_story_trigger():
        material = generate(count=stories, seed=seed, workers=workers)
    return {"material": material, "generate_seconds": time.perf_counter() - started}


def _build(*, seed: int, workers: int) -> dict[str, Any]:
    from masthead.search.engines import engine

    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 30 or done == total:
            last[0] = time.perf_counter()
            say(f"indexing {done:,}/{total:,} ({time.perf_counter() - started:.0f}s)")

    started = time.perf_counter()
    rebuilt = build_index(progress=progress, workers=workers)
    build_seconds = time.perf_counter() - started
    say(f"index built in {build_seconds:.1f}s; checking 200 entries against the triggers")
    same_as_triggers(seed=seed)
    size = engine().index_bytes()
    say(
        f"index built in {build_seconds:.1f}s for {rebuilt.stories:,} stories; {size / 1e6:,.0f} MB"
    )
    return {"stories": rebuilt.stories, "build_seconds": build_seconds, "index_bytes": size}


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1997)
    parser.add_argument("--out", required=True)
    parser.add_argument(
        "--workers", type=int, default=2, help="processes writing stories, connections indexing"
    )
    parser.add_argument(
        "--stage",
        choices=["all", "generate", "index", "queries"],
        default="all",
        help="generate: the stories only (kept in <out>.generated.json); index: build the index "
        "on the stories a generate stage left, then time the queries; queries: time the queries "
        "again on what a run left (<out>.built.json)",
    )
    parser.add_argument("--again", action="store_true", help="the same as --stage queries")
    args = parser.parse_args()
    stage = "queries" if args.again else args.stage
    setup_django()

    from masthead.access.demo import load as load_paywall

    config = describe_config()
    generated_file = Path(args.out + ".generated.json")
    kept = Path(args.out + ".built.json")
    if stage == "queries":
        built = json.loads(kept.read_text())
        say(f"{config['vendor']}: timing again on {built['stories']:,} stories")
    else:
        if stage in ("all", "generate"):
            migrate()
            load_paywall()
            generated = _generate(
                config=config, stories=args.stories, seed=args.seed, workers=args.workers
            )
            generated_file.write_text(json.dumps(generated))
            if stage == "generate":
                say(f"generated in {generated['generate_seconds']:.0f}s (load {_load_average()})")
                return
        else:
            generated = json.loads(generated_file.read_text())
            migrate()  # the index's migrations since the stories were generated
        say(f"load average before the build: {_load_average()}")
        built = {**generated, **_build(seed=args.seed, workers=args.workers)}
        kept.write_text(json.dumps(built))
    material = built.pop("material")
    queries = fixed_queries(material, args.seed)
    say(f"load average before the queries: {_load_average()}")
    timed = time_queries(queries)
    say(
        f"200 queries, engine p50/p95/p99 {timed['engine']['p50_ms']:.1f}/"
        f"{timed['engine']['p95_ms']:.1f}/{timed['engine']['p99_ms']:.1f} ms; whole search "
        f"{timed['search']['p50_ms']:.1f}/{timed['search']['p95_ms']:.1f}/"
        f"{timed['search']['p99_ms']:.1f} ms"
    )
    for kind, figures in timed["engine_by_kind"].items():
        say(
            f"  {kind}: engine p50/p95/max-ish {figures['p50_ms']:.1f}/{figures['p95_ms']:.1f}/"
            f"{figures['p99_ms']:.1f} ms"
        )
    say(
        "the slowest ten: "
        + "; ".join(
            f"{s.pop('engine_ms'):.0f} ms {json.dumps(s)}"
            for s in [dict(slow) for slow in timed["slowest"]]
        )
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

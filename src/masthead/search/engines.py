"""The two engines behind one behaviour: PostgreSQL full-text search and SQLite FTS5.

Each engine turns a parsed ``Query`` and ``Filters`` into one SQL statement over
``search_entry`` and its full-text structures (see the migration
``0002_full_text_index_and_triggers``) and returns entry ids in order. Filters are plain columns
of ``search_entry``, written once here for both. Ranking: the engine's text rank (headline
weighted above standfirst above body) times a recency factor that halves a story's score over
``RECENCY_HALF_YEARS`` years, so the 2024 story on a subject comes before the 2003 one of the
same strength.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection

from masthead.newsroom.models import Article, Section
from masthead.search.query import Query, Term

RECENCY_HALF_YEARS = 5
# Relevance ranks the newest RELEVANCE_WINDOW matches of a query (after its filters); later
# pages, and the older matches of a very common word, follow newest first. Ranking every match
# of a word found in half a million stories would read every one of them on each search: the
# window keeps a search of a common word as cheap as one of a rare word (bench/search.py).
RELEVANCE_WINDOW = 300
# Counting every match of a common word costs as much as finding them all: the count stops
# here ("more than 100 results"); the pages go on while there are more.
COUNT_LIMIT = 100
# A phrase's matches are looked for in these ranges of publication time, newest first (days
# back from now; None: all before). Most searches of a common phrase end in the first ranges;
# a rare phrase reads every range, at the cost of its few candidates (PostgresEngine).
PHRASE_RANGE_DAYS: tuple[int | None, ...] = (90, 365, 3 * 365, 10 * 365, None)
# After a range, the rest of the archive is searched at once when the candidates met so far,
# spread over the stories the planner expects in the rest, come to at most this many: each
# range costs a scan of the publication-time index and the pairs' posting lists, and a rare
# phrase meets most of its few candidates in the older ranges (ADR 0021, fourth measurement).
PHRASE_ONE_PASS_CANDIDATES = 4000
# ...unless the planner expects the phrase's word pairs in at least this share of all entries:
# the phrase is then common enough that walking the stories by date meets its newest matches
# soonest (and the pairs index's posting list alone would cost more).
PHRASE_WALK_SHARE = 0.2


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"


class StoryType:
    STAFF = "staff"
    WIRE = "wire"
    PREMIUM = "premium"
    MARKET_ANALYSIS = "market"
    EPAPER = "epaper"


@dataclass(frozen=True, slots=True)
class Filters:
    now: dt.datetime
    include_epaper: bool = False  # the reader holds the e-paper benefit
    section_id: int | None = None
    author_id: int | None = None
    published_from: dt.datetime | None = None  # inclusive
    published_before: dt.datetime | None = None  # exclusive
    story_type: str | None = None


@dataclass(frozen=True, slots=True)
class Found:
    ids: list[int]  # entry ids, best first
    total: int  # exact up to COUNT_LIMIT; above it, some number past COUNT_LIMIT
    more: bool = False  # there is a next page


def _dt(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def filter_sql(filters: Filters) -> tuple[list[str], list[Any]]:
    """WHERE conditions on ``search_entry e`` for the filters (the same on both engines)."""
    where = ["e.published_at <= %s"]
    params: list[Any] = [_dt(filters.now)]
    if filters.story_type == StoryType.EPAPER:
        where.append("e.kind = 'epaper_page'")
    elif not filters.include_epaper or filters.story_type:
        where.append("e.kind = 'story'")
    if filters.story_type == StoryType.STAFF:
        where.append("e.agency_id IS NULL")
    elif filters.story_type == StoryType.WIRE:
        where.append("e.agency_id IS NOT NULL")
    elif filters.story_type == StoryType.PREMIUM:
        where.append("e.access_level = 'premium'")
    elif filters.story_type == StoryType.MARKET_ANALYSIS:
        where.append(
            # A table name from the model, never input.
            f"e.section_id IN (SELECT id FROM {Section._meta.db_table} WHERE is_market_analysis)"  # noqa: S608
        )
    if filters.section_id is not None:
        where.append("e.section_id = %s")
        params.append(filters.section_id)
    if filters.author_id is not None:
        authors = Article.authors.through._meta.db_table
        where.append(
            f"e.article_id IN (SELECT article_id FROM {authors} WHERE author_id = %s)"  # noqa: S608
        )
        params.append(filters.author_id)
    if filters.published_from is not None:
        where.append("e.published_at >= %s")
        params.append(_dt(filters.published_from))
    if filters.published_before is not None:
        where.append("e.published_at < %s")
        params.append(_dt(filters.published_before))
    return where, params


class Engine(Protocol):
    name: str

    def find(
        self, *, query: Query, filters: Filters, sort: str, offset: int, limit: int
    ) -> Found: ...

    def vocabulary_near(self, *, word: str) -> list[str]: ...

    def index_bytes(self) -> int: ...


def _run(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _found(
    rows: list[tuple[Any, ...]], *, offset: int, limit: int, count: Callable[[], int]
) -> Found:
    """The page's ids (the query asked for one more than the page, to know if there is a next)
    and the total: known from the page when it is the last, else ``count()`` (up to
    COUNT_LIMIT + 1)."""
    ids = [int(r[0]) for r in rows[:limit]]
    more = len(rows) > limit
    if not more and (ids or offset == 0):
        return Found(ids=ids, total=offset + len(ids))
    if offset + limit > COUNT_LIMIT:
        return Found(ids=ids, total=max(COUNT_LIMIT + 1, offset + len(ids) + 1), more=more)
    return Found(ids=ids, total=count(), more=more)


def _count(from_where: str, params: list[Any]) -> int:
    rows = _run(
        # from_where is this module's SQL; every value in it is a parameter.
        f"SELECT count(*) FROM (SELECT 1 {from_where} LIMIT {COUNT_LIMIT + 1}) AS m",  # noqa: S608
        params,
    )
    return int(rows[0][0])


def _planned_rows(where: str, params: list[Any]) -> float:
    """The rows PostgreSQL's planner expects ``search_entry e`` to give under ``where``."""
    plan = _run(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM search_entry e WHERE {where}", params)[0][0]  # noqa: S608
    if isinstance(plan, str | bytes):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


class PostgresEngine:
    """A maintained, weighted tsvector with a GIN index; each term is ``phraseto_tsquery`` in
    the ``masthead_search`` configuration (unaccent, English stemming, stop words)."""

    name = "postgresql"

    def _tsquery(self, query: Query) -> tuple[str, list[str]]:
        def term(t: Term) -> str:
            return "phraseto_tsquery('masthead_search', %s)"

        parts = ["(" + " || ".join(term(t) for t in clause) + ")" for clause in query.clauses]
        parts += [f"!!{term(t)}" for t in query.excluded]
        params = [t.text for clause in query.clauses for t in clause]
        params += [t.text for t in query.excluded]
        return "(" + " && ".join(parts) + ")", params

    def _phrase_pairs(self, query: Query) -> tuple[list[str], list[str]]:
        """For each clause made only of phrases that each hold an adjacent word pair: the entry
        holds every pair, and every triple, of one of them (migrations 0004, 0006). A
        prefilter for the pairs' GIN index, never the decision: ``document @@`` decides.
        ``search_pairs`` of a constant is worked out when the query is planned. A phrase with
        no pair left (``"the company"``: a stop word leaves a gap) cannot narrow anything, so
        its clause gets no condition."""
        phrases = sorted({t.text for clause in query.clauses for t in clause if t.is_phrase})
        if not phrases:
            return [], []
        pairs = "search_pairs(to_tsvector('masthead_search', %s))"
        rows = _run(
            "SELECT p, cardinality(search_pairs(to_tsvector('masthead_search', p))) "
            "FROM unnest(%s::text[]) AS p",
            [phrases],
        )
        has_pairs = {str(text) for text, count in rows if count}
        conditions: list[str] = []
        params: list[str] = []
        for clause in query.clauses:
            if not all(t.is_phrase and t.text in has_pairs for t in clause):
                continue
            conditions.append("(" + " OR ".join(f"e.pairs @> {pairs}" for _ in clause) + ")")
            params += [t.text for t in clause]
        return conditions, params

    def find(self, *, query: Query, filters: Filters, sort: str, offset: int, limit: int) -> Found:
        tsquery, tsparams = self._tsquery(query)
        pair_conditions, pair_params = self._phrase_pairs(query)
        where, params = filter_sql(filters)
        # The planner's own count of all entries (its statistics, so like is compared with
        # like, even before the table's first ANALYZE).
        archive = max(_planned_rows("TRUE", []), 1.0) if pair_conditions else 1.0
        if pair_conditions and not self._pairs_are_common(pair_conditions, pair_params, archive):
            return self._find_phrases(
                tsquery=(tsquery, tsparams),
                pairs=(pair_conditions, pair_params),
                filters=(where, params),
                now=filters.now,
                archive=archive,
                sort=sort,
                offset=offset,
                limit=limit,
            )
        from_where = f"FROM search_entry e WHERE e.document @@ {tsquery} AND " + " AND ".join(where)
        base_params = [*tsparams, *params]
        newest = "ORDER BY e.published_at DESC, e.id DESC"
        if sort == Sort.NEWEST or offset + limit > RELEVANCE_WINDOW:
            sql = f"SELECT e.id {from_where} {newest} LIMIT %s OFFSET %s"
            run_params = [*base_params, limit + 1, offset]
        else:
            sql = (
                # This module's SQL throughout; every value in it is a parameter.
                f"SELECT id FROM (SELECT e.id, e.published_at, e.document {from_where} {newest} "  # noqa: S608
                f"LIMIT {RELEVANCE_WINDOW}) AS e ORDER BY {self._score(tsquery)} DESC, "
                "e.published_at DESC, e.id DESC LIMIT %s OFFSET %s"
            )
            run_params = [*base_params, *tsparams, _dt(filters.now), limit + 1, offset]
        rows = _run(sql, run_params)
        return _found(
            rows, offset=offset, limit=limit, count=lambda: _count(from_where, base_params)
        )

    def _pairs_are_common(self, conditions: list[str], params: list[str], archive: float) -> bool:
        """Whether the planner expects the phrase's word pairs in at least PHRASE_WALK_SHARE of
        the entries (its statistics of the pairs' most common elements). Then the newest
        matches are found soonest by walking the stories by date, as for plain words: at
        1,000,000 stories ``"would said"``, its pair in 57 % of them, takes 5 ms that way
        against 388 ms through the pairs index (ADR 0021)."""
        expected = _planned_rows(" AND ".join(conditions), params)
        return expected / archive >= PHRASE_WALK_SHARE

    @staticmethod
    def _score(tsquery: str) -> str:
        """Text rank times recency (its parameters: the tsquery's, then the moment "now")."""
        return (
            f"ts_rank(e.document, {tsquery}) / (1 + GREATEST(0, EXTRACT(EPOCH FROM "
            f"(%s - e.published_at))) / {86400 * 365.25 * RECENCY_HALF_YEARS})"
        )

    def _find_phrases(
        self,
        *,
        tsquery: tuple[str, list[str]],
        pairs: tuple[list[str], list[str]],
        filters: tuple[list[str], list[Any]],
        now: dt.datetime,
        archive: float,
        sort: str,
        offset: int,
        limit: int,
    ) -> Found:
        """A search with a phrase: its matches found newest first, a range of publication time
        at a time, each range's candidates taken from the pairs index and only they checked
        against the document (ADR 0021).

        The planner cannot tell a phrase's matches from its words' (it estimated
        ``"also treasury said"`` at 36,397 rows; 59 were found): left to itself it either walks
        every story by date checking the phrase on each (911 ms for a rare phrase) or fetches
        and sorts every match (319 ms for ``"port said"``). Here a rare phrase costs its
        candidates, and a common one the few ranges that hold the newest matches wanted. The
        matches, their order and the count are those of the plain query: each range's matches
        are all newer than the next range's."""
        tsquery_sql, tsparams = tsquery
        pair_conditions, pair_params = pairs
        where, params = filters
        # Matches wanted: the page and one more, the count's, and the relevance window's.
        wanted = max(offset + limit + 1, COUNT_LIMIT + 1)
        ranked = sort != Sort.NEWEST and offset + limit <= RELEVANCE_WINDOW
        if ranked:
            wanted = max(wanted, RELEVANCE_WINDOW)
        candidates = " AND ".join([*pair_conditions, *where])
        matches: list[int] = []
        candidates_met = 0
        newer_than: dt.datetime | None = None
        ranges = iter(PHRASE_RANGE_DAYS)
        days = next(ranges)
        while True:
            since = now - dt.timedelta(days=days) if days is not None else None
            bounds: list[str] = []
            bound_params: list[Any] = []
            if since is not None:
                bounds.append("AND e.published_at >= %s")
                bound_params.append(_dt(since))
            if newer_than is not None:
                bounds.append("AND e.published_at < %s")
                bound_params.append(_dt(newer_than))
            met, found = _run(
                # This module's SQL throughout; every value in it is a parameter. The range's
                # candidates are gathered into an array first, so each is read once, by
                # primary key; the row also says how many there were.
                "SELECT cardinality(c.ids), ARRAY(SELECT e.id FROM search_entry e "  # noqa: S608
                f"WHERE e.id = ANY(c.ids) AND e.document @@ {tsquery_sql} "
                "ORDER BY e.published_at DESC, e.id DESC LIMIT %s) "
                "FROM (SELECT ARRAY(SELECT e.id FROM search_entry e "
                f"WHERE {candidates} {' '.join(bounds)}) AS ids) AS c",
                [*tsparams, wanted - len(matches), *pair_params, *params, *bound_params],
            )[0]
            matches += [int(match) for match in found]
            candidates_met += int(met)
            if len(matches) >= wanted or since is None:
                break
            newer_than = since
            days = next(ranges)
            # The candidates met so far, per story searched, over the stories left: few, and
            # the rest is one search (ranges would each pay for the index scans again).
            searched = max(_planned_rows("e.published_at >= %s", [_dt(since)]), 1.0)
            left = candidates_met / searched * max(archive - searched, 0.0)
            if left <= PHRASE_ONE_PASS_CANDIDATES:
                days = None
        if ranked:
            rows = _run(
                # This module's SQL; every value in it is a parameter.
                "SELECT e.id FROM search_entry e WHERE e.id = ANY(%s) "  # noqa: S608
                f"ORDER BY {self._score(tsquery_sql)} DESC, e.published_at DESC, e.id DESC "
                "LIMIT %s OFFSET %s",
                [matches[:RELEVANCE_WINDOW], *tsparams, _dt(now), limit + 1, offset],
            )
        else:
            rows = [(match,) for match in matches[offset : offset + limit + 1]]
        return _found(
            rows, offset=offset, limit=limit, count=lambda: min(len(matches), COUNT_LIMIT + 1)
        )

    def vocabulary_near(self, *, word: str) -> list[str]:
        rows = _run(
            "SELECT word FROM search_word WHERE word %% %s "
            "ORDER BY similarity(word, %s) DESC, word LIMIT 30",
            [word, word],
        )
        return [str(r[0]) for r in rows]

    def index_bytes(self) -> int:
        rows = _run(
            "SELECT pg_total_relation_size('search_entry') + pg_total_relation_size('search_word')",
            [],
        )
        return int(rows[0][0])


def fts5_expression(query: Query) -> str:
    """The FTS5 MATCH string: every term double-quoted (words come from ``words_of``, so they
    hold no quote), clauses ANDed, alternatives ORed, exclusions NOTed."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"'

    positive = " AND ".join("(" + " OR ".join(term(t) for t in c) + ")" for c in query.clauses)
    expression = f"({positive})"
    for excluded in query.excluded:
        expression += f" NOT {term(excluded)}"
    return expression


def _sqlite_key(moment: dt.datetime) -> int:
    """The first entry id of a moment's second on SQLite (migration 0002's sort_key)."""
    return int(moment.timestamp()) * 1_000_000


class SqliteEngine:
    """FTS5 (porter stemming over unicode61 with diacritics removed).

    An entry's id orders it newest first (the migration's SQLITE_ENTRY_ID), so "newest" reads
    the index backwards and stops at the page. Relevance within the window: a match in the
    headline counts 3, in the standfirst 1.5, anywhere 1, times the recency factor; the column
    matches are FTS5 column filters over the window's rows only. (bm25 would first count every
    story holding each word, which for a common word is most of the archive.)"""

    name = "sqlite"

    def find(self, *, query: Query, filters: Filters, sort: str, offset: int, limit: int) -> Found:
        where, params = filter_sql(filters)
        # The id is the publication time (see the class docstring): the date filters become a
        # range of the full-text index's rowids, so a 2007 search never reads 2026's matches.
        where.append("search_fts.rowid < %s")
        params.append(_sqlite_key(filters.now) + 1_000_000)
        if filters.published_from is not None:
            where.append("search_fts.rowid >= %s")
            params.append(_sqlite_key(filters.published_from))
        if filters.published_before is not None:
            where.append("search_fts.rowid < %s")
            params.append(_sqlite_key(filters.published_before))
        expression = fts5_expression(query)
        from_where = (
            # CROSS JOIN keeps the full-text index driving: SQLite would otherwise walk a filter's
            # index (a section's stories) and run the full-text query once for each row.
            "FROM search_fts CROSS JOIN search_entry e ON e.id = search_fts.rowid "
            "WHERE search_fts MATCH %s AND " + " AND ".join(where)
        )
        base_params = [expression, *params]
        newest = "ORDER BY search_fts.rowid DESC"
        if sort == Sort.NEWEST or offset + limit > RELEVANCE_WINDOW:
            sql = f"SELECT e.id {from_where} {newest} LIMIT %s OFFSET %s"
            run_params = [*base_params, limit + 1, offset]
        else:
            # The window's oldest id, found once: the ranking query then reads only the
            # window's rows of the index (ids from it up).
            (window,) = _run(
                f"SELECT min(id) FROM (SELECT e.id {from_where} {newest} "  # noqa: S608
                f"LIMIT {RELEVANCE_WINDOW}) AS w",
                base_params,
            )[0]
            if window is None:
                return Found(ids=[], total=0)
            hits = (
                "(e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid >= %s))"
            )
            sql = (
                # This module's SQL throughout; every value in it is a parameter.
                f"SELECT e.id, (3.0 * {hits} + 1.5 * {hits} + 1) "
                f"/ (1 + max(0, julianday(%s) - julianday(e.published_at)) / "
                f"{365.25 * RECENCY_HALF_YEARS}) AS score {from_where} "
                "AND search_fts.rowid >= %s "
                "ORDER BY score DESC, search_fts.rowid DESC LIMIT %s OFFSET %s"
            )
            run_params = [
                "{headline} : " + expression,
                window,
                "{standfirst} : " + expression,
                window,
                _dt(filters.now),
                *base_params,
                window,
                limit + 1,
                offset,
            ]
        rows = _run(sql, run_params)
        return _found(
            rows, offset=offset, limit=limit, count=lambda: _count(from_where, base_params)
        )

    def vocabulary_near(self, *, word: str) -> list[str]:
        # Candidates share the first letter and are within two letters of the length; the
        # caller measures the edit distance.
        first = word[0]
        rows = _run(
            "SELECT term FROM search_word WHERE term >= %s AND term < %s "
            "AND length(term) BETWEEN %s AND %s",
            [first, chr(ord(first) + 1), max(3, len(word) - 2), len(word) + 2],
        )
        return [str(r[0]) for r in rows]

    def index_bytes(self) -> int:
        try:
            rows = _run(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN ('search_entry') "
                "OR name LIKE 'search_fts%%' OR name LIKE 'search_words%%' "
                "OR name LIKE 'search_entry%%'",
                [],
            )
        except Exception:  # dbstat is a compile-time option of SQLite
            return 0
        return int(rows[0][0] or 0)


def engine() -> Engine:
    if connection.vendor == "postgresql":
        return PostgresEngine()
    return SqliteEngine()

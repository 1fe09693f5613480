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
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection

from masthead.newsroom.models import Article, Section
from masthead.search.query import Query, Term

RECENCY_HALF_YEARS = 5
# Counting every match of a common word costs as much as finding them: the count stops here
# ("more than 1,000 results") and so do the pages.
COUNT_LIMIT = 1000


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
    total: int  # capped at COUNT_LIMIT + 1 ("more than")


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


def _count(from_where: str, params: list[Any]) -> int:
    rows = _run(
        # from_where is this module's SQL; every value in it is a parameter.
        f"SELECT count(*) FROM (SELECT 1 {from_where} LIMIT {COUNT_LIMIT + 1}) AS m",  # noqa: S608
        params,
    )
    return int(rows[0][0])


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

    def find(self, *, query: Query, filters: Filters, sort: str, offset: int, limit: int) -> Found:
        tsquery, tsparams = self._tsquery(query)
        where, params = filter_sql(filters)
        from_where = f"FROM search_entry e WHERE e.document @@ {tsquery} AND " + " AND ".join(where)
        base_params = [*tsparams, *params]
        if sort == Sort.NEWEST:
            order, order_params = "e.published_at DESC, e.id DESC", []
        else:
            order = (
                f"ts_rank(e.document, {tsquery}) / (1 + GREATEST(0, EXTRACT(EPOCH FROM "
                f"(%s - e.published_at))) / {86400 * 365.25 * RECENCY_HALF_YEARS}) DESC, "
                "e.published_at DESC, e.id DESC"
            )
            order_params = [*tsparams, _dt(filters.now)]
        rows = _run(
            f"SELECT e.id {from_where} ORDER BY {order} LIMIT %s OFFSET %s",
            [*base_params, *order_params, limit, offset],
        )
        ids = [int(r[0]) for r in rows]
        total = offset + len(ids) if len(ids) < limit and (ids or offset == 0) else None
        return Found(ids=ids, total=total if total is not None else _count(from_where, base_params))

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


class SqliteEngine:
    """FTS5 (porter stemming over unicode61 with diacritics removed), ranked by bm25 with the
    columns weighted 10 (headline), 4 (standfirst) and 1 (body), as PostgreSQL's A, B and D."""

    name = "sqlite"

    def find(self, *, query: Query, filters: Filters, sort: str, offset: int, limit: int) -> Found:
        where, params = filter_sql(filters)
        from_where = (
            "FROM search_fts JOIN search_entry e ON e.id = search_fts.rowid "
            "WHERE search_fts MATCH %s AND " + " AND ".join(where)
        )
        base_params = [fts5_expression(query), *params]
        if sort == Sort.NEWEST:
            order, order_params = "e.published_at DESC, e.id DESC", []
        else:
            order = (
                "-bm25(search_fts, 10.0, 4.0, 1.0) / (1 + max(0, julianday(%s) - "
                f"julianday(e.published_at)) / {365.25 * RECENCY_HALF_YEARS}) DESC, "
                "e.published_at DESC, e.id DESC"
            )
            order_params = [_dt(filters.now)]
        rows = _run(
            f"SELECT e.id {from_where} ORDER BY {order} LIMIT %s OFFSET %s",
            [*base_params, *order_params, limit, offset],
        )
        ids = [int(r[0]) for r in rows]
        total = offset + len(ids) if len(ids) < limit and (ids or offset == 0) else None
        return Found(ids=ids, total=total if total is not None else _count(from_where, base_params))

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

"""Rebuilding the index (``masthead search reindex``). Day to day the database's triggers keep
it; a rebuild is for a restored backup, a changed index definition or peace of mind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

BATCH = 2000
# The entry columns the views ``search_story_source`` and ``search_page_source`` give (the
# migration 0002_full_text_index_and_triggers defines both).
COLUMNS = (
    "kind, article_id, page_id, section_id, agency_id, access_level, published_at, "
    "headline, standfirst, body"
)


@dataclass(frozen=True, slots=True)
class Rebuilt:
    stories: int
    pages: int


def _count(view: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {view}")  # noqa: S608 - a fixed view name
        return int(cursor.fetchone()[0])


def _copy(
    *, view: str, key: str, done: int, total: int, progress: Callable[[int, int], None]
) -> int:
    """Insert the view's rows in batches of BATCH by key (PostgreSQL)."""
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {key} FROM {view} WHERE {key} > %s ORDER BY {key} "  # noqa: S608
                "LIMIT 1 OFFSET %s",
                [last, BATCH - 1],
            )
            row = cursor.fetchone()
            upper = int(row[0]) if row else None
            bound = f"AND {key} <= %s" if upper is not None else ""
            cursor.execute(
                f"INSERT INTO search_entry ({COLUMNS}) SELECT {COLUMNS} FROM {view} "  # noqa: S608
                f"WHERE {key} > %s {bound}",
                [last, upper] if upper is not None else [last],
            )
            done += max(cursor.rowcount, 0)
            progress(min(done, total), total)
            if upper is None:
                return done
            last = upper


# The SQLite entry id the triggers give (migration 0002's SQLITE_ENTRY_ID): the publication
# time's range, first free number. One row a statement, so each sees the ids before it.
SQLITE_INSERT = (
    "INSERT INTO search_entry (id, {columns}) SELECT coalesce((SELECT max(x.id) + 1 FROM "
    "search_entry x WHERE x.id >= s.sort_key AND x.id < s.sort_key + 1000), s.sort_key), "
    "{columns} FROM {view} s WHERE {key} = %s"
)


def _copy_one_by_one(
    *, view: str, key: str, done: int, total: int, progress: Callable[[int, int], None]
) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {view} ORDER BY {key}")  # noqa: S608
        keys = [row[0] for row in cursor.fetchall()]
        insert = SQLITE_INSERT.format(columns=COLUMNS, view=view, key=key)
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            cursor.executemany(insert, [[k] for k in batch])
            done += len(batch)
            progress(min(done, total), total)
    return done


# PostgreSQL's "did you mean" vocabulary (the words of headlines and standfirsts), in one
# statement.
POSTGRES_VOCABULARY = """
INSERT INTO search_word (word)
SELECT DISTINCT w FROM search_entry,
  regexp_split_to_table(lower(unaccent(headline || ' ' || standfirst)), '[^[:alnum:]]+') AS w
WHERE length(w) BETWEEN 3 AND 40
ON CONFLICT DO NOTHING
"""


# The SQLite triggers that copy each entry into the FTS5 tables (migration 0002). A rebuild sets
# them aside and has FTS5 read all the entries at once ('rebuild'), several times faster than
# row by row; it all happens in the rebuild's transaction.
SQLITE_ENTRY_TRIGGERS = ("search_entry_inserted", "search_entry_deleted")


def _sqlite_set_aside() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s) "
            "ORDER BY name",
            list(SQLITE_ENTRY_TRIGGERS),
        )
        definitions = [str(r[0]) for r in cursor.fetchall()]
        for name in SQLITE_ENTRY_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    return definitions


def _sqlite_rebuilt(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
        cursor.execute("INSERT INTO search_words (search_words) VALUES ('rebuild')")
        for definition in definitions:
            cursor.execute(definition)


# PostgreSQL's GIN indexes on the entries are dropped for a rebuild and made again after it,
# each in one pass with this much memory: written entry by entry they cost 57 ms an entry at
# 1,000,000 stories (about 16 hours for that archive; ADR 0021), made at once about 35 minutes.
GIN_BUILD_MEMORY = "512MB"


def postgres_gin_indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'search_entry' AND indexdef LIKE '%% USING gin %%' "
            "ORDER BY indexname"
        )
        return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def reindex(*, progress: Callable[[int, int], None] = lambda done, total: None) -> Rebuilt:
    """Empty the index and fill it again from the stories and e-paper pages, in one transaction:
    nothing is ever half-indexed. On PostgreSQL the rebuild holds the index table, so searches
    and publishes wait for it (328 s at 100,000 stories on 2 cores; the bench's two-connection
    build of 1,000,000 took 47 minutes); on SQLite a writer waits as for any write."""
    with transaction.atomic():
        stories = _count("search_story_source")
        pages = _count("search_page_source")
        total = stories + pages
        postgres = connection.vendor == "postgresql"
        gin = postgres_gin_indexes() if postgres else []
        with connection.cursor() as cursor:
            if postgres:
                # The per-row vocabulary trigger stands aside for this transaction only.
                cursor.execute("SET LOCAL masthead.search_rebuild = 'on'")
                for name, _ in gin:
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                # Not DELETE: that would leave every old entry behind as dead rows.
                cursor.execute("TRUNCATE search_entry")
            else:
                triggers = _sqlite_set_aside()
                cursor.execute("DELETE FROM search_entry")
        progress(0, total)
        copy = _copy if postgres else _copy_one_by_one
        done = copy(
            view="search_story_source", key="article_id", done=0, total=total, progress=progress
        )
        copy(view="search_page_source", key="page_id", done=done, total=total, progress=progress)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(POSTGRES_VOCABULARY)
                cursor.execute("SET LOCAL masthead.search_rebuild = 'off'")
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{GIN_BUILD_MEMORY}'")
                for _, definition in gin:
                    cursor.execute(definition)
                # The planner's statistics of the new entries (a phrase's plan reads them).
                cursor.execute("ANALYZE search_entry")
        else:
            _sqlite_rebuilt(triggers)
    return Rebuilt(stories=stories, pages=pages)

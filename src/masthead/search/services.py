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


def reindex(*, progress: Callable[[int, int], None] = lambda done, total: None) -> Rebuilt:
    """Empty the index and fill it again from the stories and e-paper pages, in one transaction:
    searches go on meeting the old index until the new one is complete."""
    with transaction.atomic():
        stories = _count("search_story_source")
        pages = _count("search_page_source")
        total = stories + pages
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_entry")
        progress(0, total)
        done = _copy(
            view="search_story_source", key="article_id", done=0, total=total, progress=progress
        )
        _copy(view="search_page_source", key="page_id", done=done, total=total, progress=progress)
    return Rebuilt(stories=stories, pages=pages)

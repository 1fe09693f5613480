"""Reading a search request's parameters (the page, its JSON form and the API share them).

``q`` the query; ``section`` and ``author`` by slug; ``from`` and ``to`` dates (YYYY-MM-DD,
both days included, in the publisher's time zone) or ``year``; ``type`` one of staff, wire,
premium, market, epaper; ``sort`` relevance or newest; ``page`` from 1. Anything wrong raises
``ParamError`` with a message that says what to send instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone

from masthead.newsroom.models import Author, Section
from masthead.search.engines import Filters, Sort, StoryType
from masthead.search.query import Query, QueryError, parse
from masthead.search.selectors import MAX_PAGE

FIRST_YEAR = 1900
STORY_TYPES = {
    StoryType.STAFF: "Staff stories",
    StoryType.WIRE: "Wire stories",
    StoryType.PREMIUM: "Premium stories",
    StoryType.MARKET_ANALYSIS: "Market analysis",
    StoryType.EPAPER: "E-paper pages",
}
SORTS = {Sort.RELEVANCE: "Relevance", Sort.NEWEST: "Newest first"}


class ParamError(ValueError):
    """A parameter cannot be used; the message is for the reader."""


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: Query
    filters: Filters
    sort: str
    page: int


def _date(name: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ParamError(
            f"{value!r} is not a date for {name!r}: write it as YYYY-MM-DD, e.g. 2008-10-20."
        ) from exc


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone())


def _dates(data: Mapping[str, str]) -> tuple[dt.datetime | None, dt.datetime | None]:
    year, start, end = (data.get(k, "").strip() for k in ("year", "from", "to"))
    if year and (start or end):
        raise ParamError("Choose a year or a date range (from, to), not both.")
    if year:
        this_year = timezone.localdate().year
        if not year.isdigit() or not FIRST_YEAR <= int(year) <= this_year:
            raise ParamError(f"The year must be a number from {FIRST_YEAR} to {this_year}.")
        return _local_midnight(dt.date(int(year), 1, 1)), _local_midnight(
            dt.date(int(year) + 1, 1, 1)
        )
    first = _date("from", start) if start else None
    last = _date("to", end) if end else None
    if first and last and first > last:
        raise ParamError(f"The 'from' date ({first}) is after the 'to' date ({last}).")
    return (
        _local_midnight(first) if first else None,
        _local_midnight(last + dt.timedelta(days=1)) if last else None,
    )


def read(data: Mapping[str, str], *, now: dt.datetime | None = None) -> SearchRequest:
    try:
        query = parse(data.get("q", ""))
    except QueryError as exc:
        raise ParamError(str(exc)) from exc
    section_id = author_id = None
    if section := data.get("section", "").strip():
        section_id = Section.objects.filter(slug=section).values_list("pk", flat=True).first()
        if section_id is None:
            raise ParamError(f"There is no section called {section!r}.")
    if author := data.get("author", "").strip():
        author_id = Author.objects.filter(slug=author).values_list("pk", flat=True).first()
        if author_id is None:
            raise ParamError(f"There is no author called {author!r}.")
    story_type = data.get("type", "").strip() or None
    if story_type is not None and story_type not in STORY_TYPES:
        raise ParamError(f"The story type must be one of: {', '.join(STORY_TYPES)}.")
    sort = data.get("sort", "").strip() or Sort.RELEVANCE
    if sort not in SORTS:
        raise ParamError("Sort by relevance or newest.")
    page_text = data.get("page", "").strip() or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise ParamError(f"The page must be a number from 1 to {MAX_PAGE}.")
    published_from, published_before = _dates(data)
    return SearchRequest(
        query=query,
        filters=Filters(
            now=now or timezone.now(),
            section_id=section_id,
            author_id=author_id,
            published_from=published_from,
            published_before=published_before,
            story_type=story_type,
        ),
        sort=sort,
        page=int(page_text),
    )

"""Reading the e-paper: published editions, the calendar, page files."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.http import Http404

from masthead.epaper import services
from masthead.epaper.models import Edition, EditionPage, EditionStatus


def published_edition(*, date: dt.date, slug: str) -> Edition:
    edition = Edition.objects.filter(status=EditionStatus.READY, date=date, slug=slug).first()
    if edition is None:
        raise Http404("No such edition.")
    return edition


def edition_page(*, edition: Edition, number: int) -> EditionPage:
    page = EditionPage.objects.filter(edition=edition, number=number).first()
    if page is None:
        raise Http404("No such page.")
    return page


def latest_editions(*, today: dt.date) -> list[Edition]:
    """The editions of the latest day that has any, up to today (the publisher's today)."""
    ready = Edition.objects.filter(status=EditionStatus.READY, date__lte=today)
    latest = ready.order_by("-date").values_list("date", flat=True).first()
    if latest is None:
        return []
    return list(ready.filter(date=latest).order_by("name"))


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    editions: list[Edition]


@dataclass(frozen=True)
class Month:
    first: dt.date
    weeks: list[list[Day]]
    previous: dt.date | None  # first of the previous month, if it has editions
    next: dt.date | None


def month_calendar(*, year: int, month: int, today: dt.date) -> Month:
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    by_day: dict[dt.date, list[Edition]] = defaultdict(list)
    ready = Edition.objects.filter(status=EditionStatus.READY, date__lte=today)
    for edition in ready.filter(date__range=(first, last)).order_by("name"):
        by_day[edition.date].append(edition)
    weeks = [
        [Day(date=day, in_month=day.month == month, editions=by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    earlier = ready.filter(date__lt=first).order_by("-date").values_list("date", flat=True).first()
    later = ready.filter(date__gt=last).order_by("date").values_list("date", flat=True).first()
    return Month(
        first=first,
        weeks=weeks,
        previous=earlier.replace(day=1) if earlier else None,
        next=later.replace(day=1) if later else None,
    )


def page_image(*, edition: Edition, number: int, size: str) -> bytes:
    if size not in services.SIZES or not 1 <= number <= edition.page_count:
        raise Http404("No such image.")
    with services.storage().open(services.page_path(edition, number, size), "rb") as handle:
        content: bytes = handle.read()
    return content


def blurred_cover(*, edition: Edition) -> bytes:
    with services.storage().open(services.cover_path(edition), "rb") as handle:
        content: bytes = handle.read()
    return content

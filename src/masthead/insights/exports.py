"""CSV exports: readers, subscribers, payments, invoices (billing's rows via billing.revenue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model

from masthead.billing import revenue

Rows = tuple[list[str], Iterator[tuple[object, ...]]]


def cell(value: object) -> object:
    """Dates in the publisher's time zone (ISO 8601); a leading = + - @ is quoted so a
    spreadsheet never runs a cell as a formula (OWASP's CSV injection advice)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def readers() -> Rows:
    users = (
        get_user_model()
        .objects.order_by("pk")
        .values_list(
            "pk", "email", "first_name", "last_name", "date_joined", "last_login", "is_active"
        )
    )
    return (
        ["id", "email", "first_name", "last_name", "joined", "last_sign_in", "active"],
        iter(users.iterator(chunk_size=2000)),
    )


def subscribers() -> Rows:
    return revenue.export_rows("subscribers")


def payments() -> Rows:
    return revenue.export_rows("payments")


def invoices() -> Rows:
    return revenue.export_rows("invoices")


EXPORTS: dict[str, Callable[[], Rows]] = {
    "readers": readers,
    "subscribers": subscribers,
    "payments": payments,
    "invoices": invoices,
}

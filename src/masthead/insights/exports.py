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
    return (
        [
            "subscription",
            "email",
            "plan",
            "status",
            "currency",
            "amount_minor",
            "gateway",
            "created",
            "paid_until",
            "cancel_at_period_end",
            "ended",
            "end_reason",
        ],
        revenue.subscriber_rows(),
    )


def payments() -> Rows:
    return (
        [
            "payment",
            "invoice",
            "email",
            "status",
            "currency",
            "amount_minor",
            "refunded_minor",
            "gateway",
            "failure_code",
            "created",
            "settled",
        ],
        revenue.payment_rows(),
    )


def invoices() -> Rows:
    return (
        [
            "invoice",
            "number",
            "email",
            "kind",
            "status",
            "currency",
            "taxable_minor",
            "cgst_minor",
            "sgst_minor",
            "igst_minor",
            "total_minor",
            "period_start",
            "period_end",
            "issued",
        ],
        revenue.invoice_rows(),
    )


EXPORTS: dict[str, Callable[[], Rows]] = {
    "readers": readers,
    "subscribers": subscribers,
    "payments": payments,
    "invoices": invoices,
}

"""The accountant's exchange rates (CGST Rule 34(2)): entered, never edited once they convert
an issued document; a mistaken rate nothing has used yet may be deleted and entered again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from masthead.billing.models import ExchangeRate, Invoice, InvoiceStatus

# One day (a reference rate) up to a CBIC customs notification's fortnight (its first and
# third Thursdays can be 16 days apart); a longer span is refused as stale (ADR 0017).
LONGEST_SPAN_DAYS = 16


class ExchangeRateRefused(ValueError):
    """What was wrong with a rate and what to do instead, for staff."""


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=tz),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def documents_converted_by(*, rate: ExchangeRate) -> int:
    """How many issued invoices this rate converts (their credit notes follow them)."""
    since, until = _bounds(rate.valid_from, rate.valid_until)
    return Invoice.objects.filter(
        currency=rate.currency,
        status=InvoiceStatus.PAID,
        issued_at__gte=since,
        issued_at__lt=until,
    ).count()


def validate_exchange_rate(
    *, currency: str, valid_from: dt.date, valid_until: dt.date, inr_per_unit: Decimal
) -> None:
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ExchangeRateRefused(f"{currency!r} is not an ISO currency code like USD.")
    if currency == "INR":
        raise ExchangeRateRefused("Rupee documents need no rate; enter a foreign currency.")
    try:
        positive = inr_per_unit > 0
        four_places = inr_per_unit == inr_per_unit.quantize(Decimal("0.0001"))
    except InvalidOperation as exc:
        raise ExchangeRateRefused(f"{inr_per_unit} is not a rate like 84.1234.") from exc
    if not positive:
        raise ExchangeRateRefused("A rate must be more than ₹0.")
    if not four_places:
        raise ExchangeRateRefused(
            f"Enter the rate as notified, with at most four decimals; {inr_per_unit} has more."
        )
    if valid_until < valid_from:
        raise ExchangeRateRefused("The last day comes before the first; swap them.")
    if (valid_until - valid_from).days + 1 > LONGEST_SPAN_DAYS:
        raise ExchangeRateRefused(
            f"A rate covers one day or a notified fortnight (at most {LONGEST_SPAN_DAYS} days); "
            "enter the next period's rate as its own record."
        )
    clash = ExchangeRate.objects.filter(
        currency=currency, valid_from__lte=valid_until, valid_until__gte=valid_from
    ).first()
    if clash is not None:
        raise ExchangeRateRefused(
            f"{clash} already covers some of these days; every day has one rate. "
            "Choose days it does not cover."
        )


@transaction.atomic
def record_exchange_rate(
    *,
    currency: str,
    valid_from: dt.date,
    valid_until: dt.date,
    inr_per_unit: Decimal,
    source: str,
    entered_by: str,
) -> ExchangeRate:
    """Record a rate; from then on every issued document of that currency dated within it
    shows its rupee figures and goes into GSTR-1 (documents never store a converted copy, so
    a rate in use is frozen instead: see ``delete_exchange_rate``)."""
    # Lock the currency's rates so two staff entering overlapping spans cannot both succeed.
    list(ExchangeRate.objects.select_for_update().filter(currency=currency))
    validate_exchange_rate(
        currency=currency, valid_from=valid_from, valid_until=valid_until,
        inr_per_unit=inr_per_unit,
    )  # fmt: skip
    if not source.strip():
        raise ExchangeRateRefused("Say where the rate comes from (e.g. 'RBI reference rate').")
    return ExchangeRate.objects.create(
        currency=currency,
        valid_from=valid_from,
        valid_until=valid_until,
        inr_per_unit=inr_per_unit,
        source=source.strip(),
        entered_by=entered_by,
    )


@transaction.atomic
def delete_exchange_rate(*, rate: ExchangeRate) -> None:
    """Only a rate no issued document uses: once a tax invoice has been shown and reported in
    rupees at a rate, that rate is part of the record."""
    used = documents_converted_by(rate=rate)
    if used:
        raise ExchangeRateRefused(
            f"{rate} converts {used} issued invoice(s) and is part of the record; "
            "it cannot be deleted. Correct a reported figure with the accountant's amendment."
        )
    rate.delete()

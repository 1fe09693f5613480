"""A foreign-currency document's figures in rupees (CGST Rule 34(2), Rule 46; ADR 0017).

The value of a supply of services invoiced in a foreign currency is converted "at the
applicable rate of exchange determined as per the generally accepted accounting principles
for the date of time of supply" (Rule 34(2)); the accountant enters that rate
(``ExchangeRate``) and the invoice's issue date (publisher's time zone) picks it. Everything
here is integers: the rate is taken as ten-thousandths of a rupee per unit (four decimals,
exactly as entered) and each figure is rounded half up to the paisa:

- invoice value in rupees = the amount paid × rate;
- taxable value in rupees = the taxable value × rate (the value of supply, s.15 with Rule 34);
- each tax head = its rate on the rupee taxable value (CGST Act s.9), so CGST = SGST in
  rupees too, and the tax is what GSTR-1 computes from the taxable value;
- round off = what is left, so taxable + taxes + round off = invoice value.

A credit note is converted at its invoice's rate, so it reverses what that invoice reported.
No rate, no guess: the figures are ``None`` and the document is flagged for staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate

from masthead.billing.gst_states import normalise_code
from masthead.billing.models import CreditNote, ExchangeRate, Invoice, InvoiceStatus
from masthead.core.money import Money

RATE_SCALE = 10_000  # four decimals, as the rate is entered


@dataclass(frozen=True, slots=True)
class InrFigures:
    """A document's figures in paise at one exchange rate."""

    currency: str
    inr_per_unit: Decimal
    rate_from: dt.date
    rate_until: dt.date
    source: str
    total: int
    taxable: int
    cgst: int
    sgst: int
    igst: int
    round_off: int

    @property
    def tax(self) -> int:
        return self.cgst + self.sgst + self.igst


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (away from zero for negatives)."""
    sign = -1 if numerator < 0 else 1
    return sign * ((2 * abs(numerator) + denominator) // (2 * denominator))


def to_paise(*, minor: int, currency: str, inr_per_unit: Decimal) -> int:
    """``minor`` units of ``currency`` in paise at ``inr_per_unit``, rounded half up:
    $45.00 at ₹84.1234 is 4500 × 841234 / 10 000 = 378 555.3 → ₹3,785.55."""
    scaled = inr_per_unit * RATE_SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"A rate has at most four decimals; {inr_per_unit} has more.")
    exponent = Money(0, currency).exponent
    # paise = minor / 10^exponent units × rate_e4 / 10^4 rupees × 100 paise.
    return _half_up(minor * int(scaled) * 100, RATE_SCALE * 10**exponent)


def convert(
    *,
    currency: str,
    total: int,
    taxable: int,
    cgst: int,
    sgst: int,
    igst: int,
    rate_bp: int,
    intra_state: bool,
    rate: ExchangeRate,
) -> InrFigures:
    inr_per_unit = Decimal(rate.inr_per_unit)
    inr_total = to_paise(minor=total, currency=currency, inr_per_unit=inr_per_unit)
    inr_taxable = to_paise(minor=taxable, currency=currency, inr_per_unit=inr_per_unit)
    inr_cgst = inr_sgst = inr_igst = 0
    if intra_state:
        # Each head at half the rate on the rupee taxable value: equal by construction.
        inr_cgst = inr_sgst = _half_up(inr_taxable * rate_bp, 2 * 10_000)
    else:
        inr_igst = _half_up(inr_taxable * rate_bp, 10_000)
    return InrFigures(
        currency=currency,
        inr_per_unit=inr_per_unit,
        rate_from=rate.valid_from,
        rate_until=rate.valid_until,
        source=rate.source,
        total=inr_total,
        taxable=inr_taxable,
        cgst=inr_cgst,
        sgst=inr_sgst,
        igst=inr_igst,
        round_off=inr_total - inr_taxable - inr_cgst - inr_sgst - inr_igst,
    )


def _intra_state(invoice: Invoice) -> bool:
    """CGST + SGST or IGST, as the invoice was taxed (its heads, else its place of supply)."""
    if invoice.cgst_minor or invoice.sgst_minor:
        return True
    if invoice.igst_minor:
        return False
    return normalise_code(invoice.place_of_supply) == normalise_code(settings.PUBLISHER_STATE_CODE)


def supply_date(invoice: Invoice) -> dt.date:
    """The invoice's date in the publisher's time zone: the time of supply of a subscription
    paid when invoiced (CGST Act s.13(2)(a))."""
    moment = invoice.issued_at or invoice.created_at
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def rate_for(*, currency: str, on: dt.date) -> ExchangeRate | None:
    return ExchangeRate.objects.filter(
        currency=currency, valid_from__lte=on, valid_until__gte=on
    ).first()


def invoice_in_inr(invoice: Invoice) -> InrFigures | None:
    """The invoice's figures in rupees, or ``None`` when it is in rupees or no rate covers its
    date yet (the invoice is still issued; staff see it flagged)."""
    if invoice.currency == "INR":
        return None
    rate = rate_for(currency=invoice.currency, on=supply_date(invoice))
    if rate is None:
        return None
    return convert(
        currency=invoice.currency,
        total=int(invoice.total_minor),
        taxable=int(invoice.taxable_minor),
        cgst=int(invoice.cgst_minor),
        sgst=int(invoice.sgst_minor),
        igst=int(invoice.igst_minor),
        rate_bp=int(invoice.tax_rate_bp),
        intra_state=_intra_state(invoice),
        rate=rate,
    )


def credit_note_in_inr(note: CreditNote) -> InrFigures | None:
    """A credit note at its invoice's rate, so it reverses exactly what the invoice reported
    in rupees (a full refund reverses the invoice's rupee figures to the paisa)."""
    invoice = note.invoice
    if note.currency == "INR":
        return None
    rate = rate_for(currency=note.currency, on=supply_date(invoice))
    if rate is None:
        return None
    return convert(
        currency=note.currency,
        total=int(note.amount_minor),
        taxable=int(note.taxable_minor),
        cgst=int(note.cgst_minor),
        sgst=int(note.sgst_minor),
        igst=int(note.igst_minor),
        rate_bp=int(invoice.tax_rate_bp),
        intra_state=_intra_state(invoice),
        rate=rate,
    )


def invoices_awaiting_rate() -> QuerySet[Invoice]:
    """Issued foreign-currency invoices whose date (publisher's time zone) no rate covers:
    what staff must look at, since they print no rupee figures and GSTR-1 leaves them out."""
    day = TruncDate("issued_at", tzinfo=ZoneInfo(settings.TIME_ZONE))
    covered = ExchangeRate.objects.filter(
        currency=OuterRef("currency"),
        valid_from__lte=OuterRef("supply_day"),
        valid_until__gte=OuterRef("supply_day"),
    )
    return (
        Invoice.objects.filter(status=InvoiceStatus.PAID, issued_at__isnull=False)
        .exclude(currency="INR")
        .annotate(supply_day=day)
        .filter(~Exists(covered))
    )

"""GSTR-1 tables from the ledger (see the package docstring for the routing rules)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings

from masthead.billing.exchange import InrFigures, credit_note_in_inr, invoice_in_inr
from masthead.billing.gst_states import normalise_code
from masthead.billing.models import CreditNote, Invoice, InvoiceStatus
from masthead.billing.numbering import DEMO_FINANCIAL_YEAR
from masthead.billing.supply import SupplyType

K = TypeVar("K")
B2CL_ABOVE_MINOR = 10_000_000  # ₹1,00,000 (Notification 12/2024; the tool: > 100000)


@dataclass(frozen=True, slots=True)
class Amounts:
    """One document's (or one summary row's) figures, in paise."""

    value: int = 0  # invoice or note value, taxes included
    taxable: int = 0
    igst: int = 0
    cgst: int = 0
    sgst: int = 0

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(
            self.value + other.value,
            self.taxable + other.taxable,
            self.igst + other.igst,
            self.cgst + other.cgst,
            self.sgst + other.sgst,
        )

    def __neg__(self) -> Amounts:
        return Amounts(-self.value, -self.taxable, -self.igst, -self.cgst, -self.sgst)


@dataclass(frozen=True, slots=True)
class Row:
    """An invoice or credit note as GSTR-1 lists it."""

    number: str
    date: dt.date
    gstin: str
    name: str
    place_of_supply: str  # state code
    rate_bp: int
    amounts: Amounts
    kind: str = ""  # exports: WPAY / WOPAY; cdnur: B2CL / EXPWP / EXPWOP
    original_number: str = ""


@dataclass
class Gstr1:
    start: dt.date
    end: dt.date  # exclusive
    b2b: list[Row] = field(default_factory=list)
    b2cl: list[Row] = field(default_factory=list)
    exp: list[Row] = field(default_factory=list)
    cdnr: list[Row] = field(default_factory=list)
    cdnur: list[Row] = field(default_factory=list)
    # (place of supply, rate) -> net amounts
    b2cs: dict[tuple[str, int], Amounts] = field(default_factory=dict)
    # (rate) -> net amounts, per tab
    hsn_b2b: dict[int, Amounts] = field(default_factory=dict)
    hsn_b2c: dict[int, Amounts] = field(default_factory=dict)
    # series name -> (first number, last number, total, cancelled)
    docs: list[tuple[str, str, str, int, int]] = field(default_factory=list)
    # Foreign-currency documents no exchange rate covers yet (CGST Rule 34): left out until
    # the accountant records the rate, then reported in rupees like any other.
    unconverted: list[str] = field(default_factory=list)
    # The demo's made-up history in this period (series DEMO): never issued, so not reported.
    demo_left_out: int = 0
    invoices_total: Amounts = Amounts()
    credit_notes_total: Amounts = Amounts()

    @property
    def net(self) -> Amounts:
        return self.invoices_total + -self.credit_notes_total

    @property
    def period_label(self) -> str:
        last = self.end - dt.timedelta(days=1)
        if (self.start.year, self.start.month) == (last.year, last.month):
            return f"{self.start:%B %Y}"
        return f"{self.start:%B %Y} – {last:%B %Y}"


def _local(moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(settings.TIME_ZONE)
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end, dt.time(), tzinfo=tz),
    )


def _amounts(doc: Invoice | CreditNote) -> Amounts | None:
    """The document's figures in rupees: as issued, or converted at the exchange rate of the
    invoice's date (CGST Rule 34(2)); ``None`` while no rate covers it."""
    if doc.currency != "INR":
        inr: InrFigures | None = (
            invoice_in_inr(doc) if isinstance(doc, Invoice) else credit_note_in_inr(doc)
        )
        if inr is None:
            return None
        return Amounts(inr.total, inr.taxable, inr.igst, inr.cgst, inr.sgst)
    value = doc.total_minor if isinstance(doc, Invoice) else doc.amount_minor
    return Amounts(
        int(value), int(doc.taxable_minor), int(doc.igst_minor), int(doc.cgst_minor),
        int(doc.sgst_minor),
    )  # fmt: skip


def _place(invoice: Invoice) -> str:
    return normalise_code(invoice.place_of_supply or invoice.buyer.get("state_code", "")) or (
        normalise_code(settings.PUBLISHER_STATE_CODE)
    )


def table_for(invoice: Invoice, *, value_inr: int | None = None) -> str:
    """The GSTR-1 table an invoice belongs in: b2b, exp, b2cl or b2cs. The ₹1,00,000 line is
    tested on the invoice value in rupees (``value_inr`` for a foreign-currency invoice)."""
    if invoice.supply_type == SupplyType.B2B or invoice.buyer.get("gstin"):
        return "b2b"
    if invoice.supply_type in SupplyType.EXPORTS:
        return "exp"
    inter_state = _place(invoice) != normalise_code(settings.PUBLISHER_STATE_CODE)
    value = int(invoice.total_minor) if value_inr is None else value_inr
    if inter_state and value > B2CL_ABOVE_MINOR:
        return "b2cl"
    return "b2cs"


def _row(doc: Invoice | CreditNote, invoice: Invoice, amounts: Amounts, *, kind: str = "") -> Row:
    return Row(
        number=str(doc.number),
        date=_local(doc.issued_at) if doc.issued_at else _local(invoice.created_at),
        gstin=str(invoice.buyer.get("gstin", "")),
        name=str(invoice.buyer.get("name", "")),
        place_of_supply=_place(invoice),
        rate_bp=int(invoice.tax_rate_bp),
        amounts=amounts,
        kind=kind,
        original_number=str(invoice.number or "") if isinstance(doc, CreditNote) else "",
    )


def _inr_value(invoice: Invoice) -> int | None:
    found = _amounts(invoice)
    return None if found is None else found.value


def _add(into: dict[K, Amounts], key: K, amounts: Amounts) -> None:
    into[key] = into.get(key, Amounts()) + amounts


def _series_range(label: str, numbers: list[tuple[str, int]]) -> tuple[str, str, str, int, int]:
    ordered = sorted(numbers, key=lambda item: item[1])
    first, last = ordered[0], ordered[-1]
    total = last[1] - first[1] + 1
    return (label, first[0], last[0], total, total - len(ordered))


def build_return(*, start: dt.date, end: dt.date) -> Gstr1:
    """GSTR-1 for the documents issued from ``start`` up to (not including) ``end``."""
    since, until = _bounds(start, end)
    result = Gstr1(start=start, end=end)
    issued = Invoice.objects.filter(
        status=InvoiceStatus.PAID, issued_at__gte=since, issued_at__lt=until
    )
    noted = CreditNote.objects.filter(issued_at__gte=since, issued_at__lt=until)
    demo = {"financial_year": DEMO_FINANCIAL_YEAR}
    result.demo_left_out = issued.filter(**demo).count() + noted.filter(**demo).count()
    invoices = list(issued.exclude(**demo).order_by("financial_year", "sequence"))
    notes = list(
        noted.exclude(**demo).select_related("invoice").order_by("financial_year", "sequence")
    )
    b2cs, hsn_b2b, hsn_b2c = result.b2cs, result.hsn_b2b, result.hsn_b2c
    tables: dict[int, str] = {}
    for invoice in invoices:
        found = _amounts(invoice)
        if found is None:
            result.unconverted.append(str(invoice.number))
            continue
        amounts = found
        result.invoices_total += amounts
        table = tables[invoice.pk] = table_for(invoice, value_inr=amounts.value)
        rate = int(invoice.tax_rate_bp)
        _add(hsn_b2b if table == "b2b" else hsn_b2c, rate, amounts)
        if table == "b2cs":
            _add(b2cs, (_place(invoice), rate), amounts)
            continue
        kind = {"exp": "WOPAY" if rate == 0 else "WPAY"}.get(table, "")
        getattr(result, table).append(_row(invoice, invoice, amounts, kind=kind))
    for note in notes:
        invoice = note.invoice
        found = _amounts(note)
        if found is None:
            result.unconverted.append(str(note.number))
            continue
        amounts = found
        result.credit_notes_total += amounts
        table = tables.get(invoice.pk) or table_for(invoice, value_inr=_inr_value(invoice))
        rate = int(invoice.tax_rate_bp)
        _add(hsn_b2b if table == "b2b" else hsn_b2c, rate, -amounts)
        if table == "b2b":
            result.cdnr.append(_row(note, invoice, amounts))
        elif table == "b2cs":
            _add(b2cs, (_place(invoice), rate), -amounts)
        else:
            kind = "B2CL" if table == "b2cl" else str(invoice.supply_type)
            result.cdnur.append(_row(note, invoice, amounts, kind=kind))
    for label, docs in (
        ("Invoices for outward supply", [(str(i.number), int(i.sequence or 0)) for i in invoices]),
        ("Credit Note", [(str(n.number), int(n.sequence)) for n in notes]),
    ):
        by_year: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for number, sequence in docs:
            by_year[number.rsplit("/", 1)[0]].append((number, sequence))
        result.docs.extend(_series_range(label, numbers) for numbers in by_year.values())
    return result


def period_bounds(*, month: str = "", quarter: str = "") -> tuple[dt.date, dt.date]:
    """'2026-11' → 1 Nov to 1 Dec 2026; a quarter '2026-10' (its first month: April, July,
    October or January) → 1 Oct 2026 to 1 Jan 2027."""
    text = month or quarter
    try:
        year, mon = (int(part) for part in text.split("-"))
        start = dt.date(year, mon, 1)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a month like 2026-11.") from exc
    months = 1
    if quarter:
        if mon not in (1, 4, 7, 10):
            raise ValueError(
                f"GST quarters start in April, July, October or January; {text} does not."
            )
        months = 3
    end_month = mon + months
    end = dt.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, end

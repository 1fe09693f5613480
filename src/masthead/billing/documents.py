"""GST tax invoices and credit notes as A4 PDFs (reportlab).

The documents print what was frozen on the invoice when it was numbered, never today's
settings or today's customer record. The invoicing code fills two JSON snapshots with exactly
these keys (all strings)::

    invoice.seller = {
        "legal_name": "Meridian Ledger Media Private Limited",
        "address": "4th Floor, Ledger House, Nariman Point, Mumbai 400021",
        "gstin": "27AABCM1234F1ZX",
        "state_code": "27",
        "state_name": "Maharashtra",
    }
    invoice.buyer = {
        "name": "Asha Rao",
        "email": "asha@example.com",
        "state_code": "29",          # "" when the reader's state is unknown
        "state_name": "Karnataka",
        "gstin": "",                 # "" for a reader without GST registration
    }

A key that is missing or empty falls back to the publisher's settings (seller) or to the
GST state table (state names), so an older or half-filled snapshot still prints.

Place of supply is the buyer's state, or the seller's state when the buyer's is unknown.
The tax lines follow the amounts on the document: CGST + SGST (half the rate each) when either
is nonzero (an intra-state supply), otherwise IGST at the full rate, which is also how a
zero-rated supply abroad (USD, 0 %) is shown.

Amounts are integer minor units (paise, cents), shown with ``format_money`` in
``settings.LOCALE`` with the minor unit always printed (₹2,700.00). Dates are the publisher's
calendar days (``settings.TIME_ZONE``), printed like 25 Nov 2026.

The rupee sign needs a font that has it; the PDF embeds DejaVu Sans or Noto Sans when the
system has them (``settings.BILLING_PDF_FONTS = (regular_path, bold_path)`` overrides), and
otherwise falls back to Helvetica, printing "Rs." for ₹.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from masthead.billing.exchange import (
    InrFigures,
    credit_note_in_inr,
    invoice_in_inr,
    supply_date,
)
from masthead.billing.gst_states import country_name, normalise_code, pos_label, state_label
from masthead.billing.models import (
    CreditNote,
    EInvoiceRegistration,
    EInvoiceStatus,
    Invoice,
    InvoiceStatus,
)
from masthead.billing.supply import SupplyType
from masthead.core.money import Money, format_money

logger = logging.getLogger(__name__)

__all__ = [
    "attachment_filename",
    "local_date",
    "local_day_label",
    "render_credit_note_pdf",
    "render_invoice_pdf",
]

# The site's palette (static/css/site.css).
INK = colors.HexColor("#1a1a1a")
INK_SOFT = colors.HexColor("#4a4a4a")
RULE = colors.HexColor("#d9d4c7")
ACCENT = colors.HexColor("#8c1c13")
HIGHLIGHT = colors.HexColor("#f4efe2")

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RUPEE = "\u20b9"

MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN


# --- Dates and figures ---------------------------------------------------------------------


def local_date(moment: datetime) -> date:
    """The publisher's calendar day of an aware moment (settings.TIME_ZONE, e.g. IST)."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def local_day_label(moment: datetime) -> str:
    """'24 Feb 2027': the day in the publisher's time zone, month names never localised."""
    day = local_date(moment)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def attachment_filename(number: str) -> str:
    """A file name for a document number: 'ML/2627/000001' → 'ML-2627-000001.pdf'."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "document"
    return f"{safe}.pdf"


def _money(minor: int, currency: str) -> str:
    return format_money(
        Money(minor=int(minor), currency=currency), locale=settings.LOCALE, whole=False
    )


def _percent(basis_points: int | Decimal) -> str:
    """1800 → '18%', 900 → '9%', 625 → '6.25%' (exact; no float)."""
    value = (Decimal(basis_points) / 100).normalize()
    return f"{value:f}%"


_ONES = (
    "", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen",
    "Nineteen",
)  # fmt: skip
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")


def _below_thousand(n: int) -> str:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(f"{_ONES[hundreds]} Hundred")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{_TENS[tens]} {_ONES[ones]}".strip())
    elif rest:
        words.append(_ONES[rest])
    return " ".join(words)


def _indian_words(n: int) -> str:
    """Whole numbers in the Indian system: 2,28,813 → 'Two Lakh Twenty Eight Thousand …'."""
    if n == 0:
        return "Zero"
    words: list[str] = []
    crores, n = divmod(n, 10**7)
    if crores:
        words.append(f"{_indian_words(crores)} Crore")
    lakhs, n = divmod(n, 10**5)
    if lakhs:
        words.append(f"{_below_thousand(lakhs)} Lakh")
    thousands, n = divmod(n, 1000)
    if thousands:
        words.append(f"{_below_thousand(thousands)} Thousand")
    if n:
        words.append(_below_thousand(n))
    return " ".join(words)


_WORDS_UNITS = {
    # currency: (major unit as written before the figure, minor unit singular, plural)
    "INR": ("Indian Rupees", "Paisa", "Paise"),
    "USD": ("US Dollars", "Cent", "Cents"),
}


def amount_in_words(minor: int, currency: str) -> str:
    """'Indian Rupees Two Thousand Seven Hundred and One Paisa Only'; '' for a currency with
    no wording here. Paisa is singular, paise plural (and cent, cents)."""
    if currency not in _WORDS_UNITS:
        return ""
    major_name, one_minor, many_minor = _WORDS_UNITS[currency]
    major, cents = divmod(int(minor), 100)
    number = _indian_words(major) if currency == "INR" else _western_words(major)
    text = f"{major_name} {number}"
    if cents:
        text += f" and {_below_thousand(cents)} {one_minor if cents == 1 else many_minor}"
    return f"{text} Only"


def _western_words(n: int) -> str:
    """Whole numbers in thousands and millions, for dollar amounts."""
    if n == 0:
        return "Zero"
    words: list[str] = []
    for size, name in ((10**9, "Billion"), (10**6, "Million"), (1000, "Thousand")):
        count, n = divmod(n, size)
        if count:
            words.append(f"{_western_words(count)} {name}")
    if n:
        words.append(_below_thousand(n))
    return " ".join(words)


# --- What a document says ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Party:
    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Document:
    title: str
    number_label: str
    number: str
    issued_on: str
    seller: _Party
    seller_gstin: str
    buyer: _Party
    place_of_supply: str
    details: tuple[tuple[str, str], ...]
    description: str
    sac: str
    currency: str
    taxable_minor: int
    cgst_minor: int
    sgst_minor: int
    igst_minor: int
    total_minor: int
    rate_bp: int
    intra_state: bool
    notes: tuple[str, ...]
    lines: tuple[tuple[str, int], ...] = ()  # (description, amount) when more than one line
    round_off_minor: int = 0
    endorsement: str = ""
    irn: str = ""  # e-invoicing: the IRP's reference, acknowledgement and signed QR code
    ack: str = ""
    signed_qr: str = ""
    # A taxed document in a foreign currency: its figures in rupees (CGST Rule 34(2)), or
    # ``rupees_pending`` naming the date no exchange rate covers yet.
    inr: InrFigures | None = None
    rupees_pending: str = ""


def _rupees(doc: Invoice | CreditNote, invoice: Invoice) -> tuple[InrFigures | None, str]:
    """Rule 46 with Rule 34: a taxed supply invoiced in a foreign currency also states its
    value and each tax in rupees. Exports under LUT carry no tax and are left as they are."""
    if doc.currency == "INR" or not (invoice.tax_rate_bp or _tax_total(doc)):
        return None, ""
    inr = invoice_in_inr(doc) if isinstance(doc, Invoice) else credit_note_in_inr(doc)
    if inr is not None:
        return inr, ""
    return None, _day_label(supply_date(invoice))


def _day_label(day: date) -> str:
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"


def _text(snapshot: Any, key: str) -> str:
    if not isinstance(snapshot, dict):
        return ""
    value = snapshot.get(key)
    return str(value).strip() if value is not None else ""


def _seller_party(snapshot: Any) -> tuple[_Party, str, str, str]:
    """The supplier block, its GSTIN, its state code and its state label."""
    legal_name = _text(snapshot, "legal_name") or settings.PUBLISHER_LEGAL_NAME
    address = _text(snapshot, "address") or settings.PUBLISHER_ADDRESS
    gstin = _text(snapshot, "gstin") or settings.PUBLISHER_GSTIN
    code = normalise_code(_text(snapshot, "state_code") or settings.PUBLISHER_STATE_CODE)
    state = state_label(code, _text(snapshot, "state_name"))
    lines = [address]
    if gstin:
        lines.append(f"GSTIN: {gstin}")
    if state:
        lines.append(f"State: {state}")
    return _Party(name=legal_name, lines=tuple(lines)), gstin, code, state


def _buyer_party(snapshot: Any, fallback_name: str, fallback_email: str) -> tuple[_Party, str]:
    """The recipient block and the buyer's state code ('' when unknown): name, address on
    record, State name and code (Rule 46(e) and its proviso for online services), or the
    country for a recipient abroad (Rule 46 for exports), GSTIN (Rule 46(d))."""
    name = _text(snapshot, "name") or fallback_name
    email = _text(snapshot, "email") or fallback_email
    code = normalise_code(_text(snapshot, "state_code"))
    state = state_label(code, _text(snapshot, "state_name"))
    gstin = _text(snapshot, "gstin")
    country = (_text(snapshot, "country_code") or "IN").upper()
    lines: list[str] = []
    address = _text(snapshot, "address")
    if address:
        lines.append(address)
    town = " ".join(p for p in (_text(snapshot, "city"), _text(snapshot, "postal_code")) if p)
    if town:
        lines.append(town)
    if state:
        lines.append(f"State: {state}")
    if country != "IN":
        lines.append(f"Country: {country_name(country)}")
    if gstin:
        lines.append(f"GSTIN: {gstin}")
    if email:
        lines.append(email)
    return _Party(name=name or email or "Reader", lines=tuple(lines)), code


def _place_of_supply(invoice: Invoice, buyer_code: str, seller_code: str) -> str:
    """Rule 46(n): the place of supply with its State name, printed as '29-Karnataka'."""
    code = normalise_code(invoice.place_of_supply) or buyer_code or seller_code
    return pos_label(code)


def _intra_state(invoice: Invoice, seller_code: str) -> bool:
    if invoice.place_of_supply:
        return normalise_code(invoice.place_of_supply) == seller_code
    return bool(invoice.cgst_minor or invoice.sgst_minor)


def _endorsement(invoice: Invoice) -> str:
    """The export endorsement (CGST Rule 46, proviso; reference note §4)."""
    if invoice.supply_type == SupplyType.EXPORT_UNDER_LUT:
        lut = invoice.seller.get("lut_reference", "") if isinstance(invoice.seller, dict) else ""
        return (
            "SUPPLY MEANT FOR EXPORT UNDER LETTER OF UNDERTAKING WITHOUT PAYMENT OF INTEGRATED "
            f"TAX{f' (LUT ARN {lut})' if lut else ''}"
        )
    if invoice.supply_type == SupplyType.EXPORT_WITH_IGST:
        return "SUPPLY MEANT FOR EXPORT ON PAYMENT OF INTEGRATED TAX"
    return ""


def _einvoice(found: QuerySet[EInvoiceRegistration]) -> tuple[str, str, str]:
    """The IRN, acknowledgement and signed QR of a registered document ('' otherwise)."""
    registration = found.filter(status=EInvoiceStatus.REGISTERED).first()
    if registration is None:
        return "", "", ""
    ack_on = local_day_label(registration.ack_at) if registration.ack_at else ""
    ack = f"{registration.ack_no} dated {ack_on}".strip()
    return registration.irn, ack, registration.signed_qr


def _lines(invoice: Invoice) -> tuple[tuple[str, int], ...]:
    rows = invoice.lines if isinstance(invoice.lines, list) else []
    return tuple(
        (str(row.get("description", "")), int(row.get("amount_minor", 0)))
        for row in rows
        if isinstance(row, dict)
    )


def _customer_fallbacks(invoice: Invoice) -> tuple[str, str]:
    customer = invoice.customer
    return customer.name, customer.user.email


def _issue_moment(invoice: Invoice) -> datetime:
    return invoice.issued_at or invoice.created_at


def _invoice_document(invoice: Invoice) -> _Document:
    if not invoice.number:
        raise ValueError(
            f"Invoice #{invoice.pk} has no number yet; only issued invoices have a tax invoice."
        )
    seller, gstin, seller_code, _ = _seller_party(invoice.seller)
    buyer, buyer_code = _buyer_party(invoice.buyer, *_customer_fallbacks(invoice))
    issued_on = local_day_label(_issue_moment(invoice))
    place = _place_of_supply(invoice, buyer_code, seller_code)
    details = [
        ("Invoice number", invoice.number),
        ("Invoice date", issued_on),
        ("Place of supply", place),
        ("Reverse charge", "No"),
        ("Currency", invoice.currency),
        ("Status", InvoiceStatus(invoice.status).label if invoice.status else ""),
    ]
    export = invoice.supply_type in SupplyType.EXPORTS
    if export:
        under = "under LUT" if invoice.supply_type == SupplyType.EXPORT_UNDER_LUT else "with IGST"
        details.insert(3, ("Supply", f"Export of services, {under}"))
    einvoice = _einvoice(EInvoiceRegistration.objects.filter(invoice=invoice))
    inr, pending = _rupees(invoice, invoice)
    return _Document(
        title="Tax Invoice",
        number_label="Invoice number",
        number=invoice.number,
        issued_on=issued_on,
        seller=seller,
        seller_gstin=gstin,
        buyer=buyer,
        place_of_supply=place,
        details=tuple((k, v) for k, v in details if v),
        description=invoice.description,
        sac=settings.SAC_CODE,
        currency=invoice.currency,
        taxable_minor=invoice.taxable_minor,
        cgst_minor=invoice.cgst_minor,
        sgst_minor=invoice.sgst_minor,
        igst_minor=invoice.igst_minor,
        total_minor=invoice.total_minor,
        rate_bp=invoice.tax_rate_bp,
        intra_state=_intra_state(invoice, seller_code),
        notes=_notes(taxed=bool(invoice.tax_rate_bp or _tax_total(invoice))),
        lines=_lines(invoice),
        round_off_minor=int(invoice.round_off_minor),
        endorsement=_endorsement(invoice),
        irn=einvoice[0],
        ack=einvoice[1],
        signed_qr=einvoice[2],
        inr=inr,
        rupees_pending=pending,
    )


def _credit_note_document(note: CreditNote) -> _Document:
    invoice = note.invoice
    seller, gstin, seller_code, _ = _seller_party(invoice.seller)
    buyer, buyer_code = _buyer_party(invoice.buyer, *_customer_fallbacks(invoice))
    issued_on = local_day_label(note.issued_at)
    original = invoice.number or f"#{invoice.pk}"
    original_on = local_day_label(_issue_moment(invoice))
    place = _place_of_supply(invoice, buyer_code, seller_code)
    details = [
        ("Credit note number", note.number),
        ("Credit note date", issued_on),
        ("Original invoice", original),
        ("Original invoice date", original_on),
        ("Place of supply", place),
        ("Reverse charge", "No"),
        ("Currency", note.currency),
    ]
    intra = _intra_state(invoice, seller_code)
    einvoice = _einvoice(EInvoiceRegistration.objects.filter(credit_note=note))
    notes = [f"Issued against tax invoice {original} dated {original_on}."]
    if note.reason:
        notes.append(f"Reason: {note.reason}")
    inr, pending = _rupees(note, invoice)
    return _Document(
        title="Credit Note",
        number_label="Credit note number",
        number=note.number,
        issued_on=issued_on,
        seller=seller,
        seller_gstin=gstin,
        buyer=buyer,
        place_of_supply=place,
        details=tuple((k, v) for k, v in details if v),
        description=f"Credit against invoice {original}: {invoice.description}",
        sac=settings.SAC_CODE,
        currency=note.currency,
        taxable_minor=note.taxable_minor,
        cgst_minor=note.cgst_minor,
        sgst_minor=note.sgst_minor,
        igst_minor=note.igst_minor,
        total_minor=note.amount_minor,
        rate_bp=invoice.tax_rate_bp,
        intra_state=intra,
        notes=(*notes, *_notes(taxed=bool(invoice.tax_rate_bp or _tax_total(note)))),
        round_off_minor=int(note.round_off_minor),
        irn=einvoice[0],
        ack=einvoice[1],
        signed_qr=einvoice[2],
        inr=inr,
        rupees_pending=pending,
    )


def _tax_total(doc: Invoice | CreditNote) -> int:
    return doc.cgst_minor + doc.sgst_minor + doc.igst_minor


def _notes(*, taxed: bool) -> tuple[str, ...]:
    notes = []
    if not taxed:
        notes.append("No GST is charged on this supply.")
    elif settings.PRICES_INCLUDE_TAX:
        notes.append("Amounts include GST.")
    notes.append("This is a computer-generated document and needs no signature.")
    return tuple(notes)


# --- Fonts ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fonts:
    regular: str
    bold: str
    has_rupee: bool


_FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    ),
    ("/usr/share/fonts/noto/NotoSans-Regular.ttf", "/usr/share/fonts/noto/NotoSans-Bold.ttf"),
    ("/usr/local/share/fonts/DejaVuSans.ttf", "/usr/local/share/fonts/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans-Bold.ttf"),
)


@functools.cache
def _fonts() -> _Fonts:
    """Embed the first TrueType pair that has the rupee sign; else Helvetica and 'Rs.'."""
    configured = getattr(settings, "BILLING_PDF_FONTS", None)
    candidates: list[tuple[str, str]] = []
    if configured:
        regular, bold = configured
        candidates.append((str(regular), str(bold)))
    candidates.extend(_FONT_CANDIDATES)
    for regular_path, bold_path in candidates:
        if not (Path(regular_path).is_file() and Path(bold_path).is_file()):
            continue
        try:
            regular = TTFont("MastheadSans", regular_path)
            bold = TTFont("MastheadSans-Bold", bold_path)
        except Exception:  # a broken or unsupported font file: try the next one
            logger.warning("Cannot load PDF font %s", regular_path, exc_info=True)
            continue
        if ord(RUPEE) not in regular.face.charToGlyph or ord(RUPEE) not in bold.face.charToGlyph:
            continue
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        pdfmetrics.registerFontFamily(
            "MastheadSans",
            normal="MastheadSans",
            bold="MastheadSans-Bold",
            italic="MastheadSans",
            boldItalic="MastheadSans-Bold",
        )
        return _Fonts(regular="MastheadSans", bold="MastheadSans-Bold", has_rupee=True)
    logger.warning("No font with the rupee sign found; invoice PDFs print 'Rs.' instead.")
    return _Fonts(regular="Helvetica", bold="Helvetica-Bold", has_rupee=False)


# --- Layout --------------------------------------------------------------------------------


class _Writer:
    """Turns a _Document into flowables with the site's palette."""

    def __init__(self, fonts: _Fonts) -> None:
        self.fonts = fonts
        base = ParagraphStyle(
            "base", fontName=fonts.regular, fontSize=9, leading=12.5, textColor=INK
        )
        self.body = base
        self.small = ParagraphStyle(
            "small", parent=base, fontSize=8, leading=11, textColor=INK_SOFT
        )
        self.label = ParagraphStyle(
            "label", parent=base, fontName=fonts.bold, fontSize=7.5, leading=10,
            textColor=ACCENT, spaceAfter=2,
        )  # fmt: skip
        self.strong = ParagraphStyle(
            "strong", parent=base, fontName=fonts.bold, fontSize=10.5, leading=14
        )
        self.right = ParagraphStyle("right", parent=base, alignment=TA_RIGHT)
        self.right_bold = ParagraphStyle("right_bold", parent=self.right, fontName=fonts.bold)
        # The line table is dense: 8 pt, so ₹2,28,813.56 fits its column on one line.
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5)
        self.cell_right = ParagraphStyle("cell_right", parent=self.cell, alignment=TA_RIGHT)
        self.cell_right_bold = ParagraphStyle(
            "cell_right_bold", parent=self.cell_right, fontName=fonts.bold
        )
        self.head = ParagraphStyle(
            "head", parent=base, fontName=fonts.bold, fontSize=8, leading=10, textColor=colors.white
        )
        self.head_right = ParagraphStyle("head_right", parent=self.head, alignment=TA_RIGHT)
        self.head_center = ParagraphStyle("head_center", parent=self.head, alignment=TA_CENTER)
        self.nameplate = ParagraphStyle(
            "nameplate", fontName="Times-Bold", fontSize=22, leading=26, textColor=INK
        )
        self.title = ParagraphStyle(
            "title", parent=base, fontName=fonts.bold, fontSize=16, leading=20,
            textColor=ACCENT, alignment=TA_RIGHT,
        )  # fmt: skip
        self.subtitle = ParagraphStyle("subtitle", parent=self.small, alignment=TA_RIGHT)
        self.words = ParagraphStyle("words", parent=base, alignment=TA_LEFT, fontSize=8.5)

    def clean(self, text: str) -> str:
        """Escaped for reportlab's mini-markup; ₹ spelled out when the font lacks it."""
        if not self.fonts.has_rupee:
            text = text.replace(RUPEE, "Rs. ")
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(self.clean(text), style or self.body)

    def money(self, minor: int, currency: str) -> str:
        return _money(minor, currency)

    def build(self, doc: _Document) -> list[Any]:
        story: list[Any] = [self._header(doc)]
        story.append(HRFlowable(width="100%", thickness=2, color=INK, spaceBefore=6, spaceAfter=12))
        story.append(self._parties(doc))
        if doc.irn:
            story.append(Spacer(1, 4 * mm))
            story.append(self._einvoice(doc))
        story.append(Spacer(1, 10 * mm))
        story.append(self._lines(doc))
        story.append(Spacer(1, 4 * mm))
        if len(doc.lines) > 1:
            story.append(self._breakdown(doc))
            story.append(Spacer(1, 4 * mm))
        totals: list[Any] = [self._totals(doc), Spacer(1, 3 * mm)]
        if doc.inr is not None:
            totals.extend([self._in_rupees(doc, doc.inr), Spacer(1, 3 * mm)])
        elif doc.rupees_pending:
            totals.append(
                self.p(
                    f"Values in rupees (CGST Rule 34): the exchange rate for "
                    f"{doc.rupees_pending} is not yet recorded.",
                    self.small,
                )
            )
        story.append(KeepTogether([*totals, *self._after(doc)]))
        return story

    def _header(self, doc: _Document) -> Table:
        left = [self.p(settings.PUBLISHER_NAME, self.nameplate)]
        right = [
            self.p(doc.title, self.title),
            self.p(f"{doc.number_label} {doc.number}", self.subtitle),
        ]
        table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def _party(self, label: str, party: _Party) -> list[Paragraph]:
        cells = [self.p(label.upper(), self.label), self.p(party.name, self.strong)]
        cells.extend(self.p(line) for line in party.lines)
        return cells

    def _parties(self, doc: _Document) -> Table:
        left = [
            *self._party("Supplier", doc.seller),
            Spacer(1, 5 * mm),
            *self._party("Billed to", doc.buyer),
        ]
        detail_rows = [[self.p(k, self.small), self.p(v, self.right_bold)] for k, v in doc.details]
        details = Table(detail_rows, colWidths=[35 * mm, CONTENT_WIDTH * 0.45 - 35 * mm])
        details.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), HIGHLIGHT),
                    ("LINEABOVE", (0, 0), (-1, 0), 2, ACCENT),
                    ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        table = Table([[left, details]], colWidths=[CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 8),
                    ("RIGHTPADDING", (1, 0), (1, -1), 0),
                ]
            )
        )
        return table

    def _tax_columns(self, doc: _Document) -> list[tuple[str, str, int]]:
        if doc.intra_state:
            half = Decimal(doc.rate_bp) / 2
            return [
                ("CGST", _percent(half), doc.cgst_minor),
                ("SGST", _percent(half), doc.sgst_minor),
            ]
        return [("IGST", _percent(doc.rate_bp), doc.igst_minor)]

    def _lines(self, doc: _Document) -> Table:
        taxes = self._tax_columns(doc)
        head, head_right = self.head, self.head_right
        top = [
            self.p("Description", head),
            self.p("SAC", head),
            self.p("Taxable value", head_right),
        ]
        sub: list[Any] = ["", "", ""]
        row = [
            self.p(doc.description, self.cell),
            self.p(doc.sac, self.cell),
            self.p(self.money(doc.taxable_minor, doc.currency), self.cell_right),
        ]
        for name, rate, amount in taxes:
            top.extend([self.p(name, self.head_center), ""])
            sub.extend([self.p("Rate", head_right), self.p("Amount", head_right)])
            row.extend(
                [
                    self.p(rate, self.cell_right),
                    self.p(self.money(amount, doc.currency), self.cell_right),
                ]
            )
        top.append(self.p("Total", head_right))
        sub.append("")
        row.append(self.p(self.money(doc.total_minor, doc.currency), self.cell_right_bold))

        # Millimetres, summing to the 174 mm between A4's margins.
        two_taxes = [48, 15, 23, 10, 21, 10, 21, 26]
        widths = two_taxes if len(taxes) == 2 else [66, 15, 25, 12, 28, 28]
        table = Table([top, sub, row], colWidths=[w * mm for w in widths], repeatRows=2)
        style: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ("LINEBELOW", (0, -1), (-1, -1), 1, INK),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
            ("TOPPADDING", (0, 1), (-1, 1), 0),
        ]
        # Header cells that stand for both header rows, and each tax's name over rate + amount.
        for col in (0, 1, 2, len(widths) - 1):
            style.append(("SPAN", (col, 0), (col, 1)))
        for index in range(len(taxes)):
            first = 3 + 2 * index
            style.append(("SPAN", (first, 0), (first + 1, 0)))
        table.setStyle(TableStyle(style))
        return table

    def _totals(self, doc: _Document) -> Table:
        rows = [("Taxable value", doc.taxable_minor)]
        rows.extend((f"{name} @ {rate}", amount) for name, rate, amount in self._tax_columns(doc))
        if doc.round_off_minor:
            rows.append(("Round off", doc.round_off_minor))
        data = [
            [self.p(k, self.right), self.p(self.money(v, doc.currency), self.right)]
            for k, v in rows
        ]
        data.append(
            [
                self.p(f"Total ({doc.currency})", self.right_bold),
                self.p(self.money(doc.total_minor, doc.currency), self.right_bold),
            ]
        )
        table = Table(data, colWidths=[CONTENT_WIDTH - 40 * mm, 40 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("LINEABOVE", (0, -1), (-1, -1), 1, INK),
                    ("BACKGROUND", (1, -1), (1, -1), HIGHLIGHT),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, -1), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
                ]
            )
        )
        return table

    def _in_rupees(self, doc: _Document, inr: InrFigures) -> Table:
        """The taxable value and each tax in rupees at the rate for the date of supply
        (CGST Rules 34(2) and 46), with the rate, its date and its source."""
        span = _day_label(inr.rate_from)
        if inr.rate_until != inr.rate_from:
            span = f"{span} to {_day_label(inr.rate_until)}"
        heads = (
            [("CGST", inr.cgst), ("SGST", inr.sgst)] if doc.intra_state else [("IGST", inr.igst)]
        )
        rows = [("Taxable value", inr.taxable)]
        rows.extend(
            (f"{name} @ {rate}", amount)
            for (name, amount), (_, rate, _) in zip(heads, self._tax_columns(doc), strict=True)
        )
        if inr.round_off:
            rows.append(("Round off", inr.round_off))
        data = [
            [
                self.p(
                    f"In rupees at {RUPEE}{inr.inr_per_unit} per 1 {inr.currency} "
                    f"({inr.source}, {span}; CGST Rule 34)",
                    self.right,
                ),
                self.p("", self.right),
            ]
        ]
        data.extend(
            [self.p(k, self.right), self.p(self.money(v, "INR"), self.right)] for k, v in rows
        )
        data.append(
            [
                self.p("Total (INR)", self.right_bold),
                self.p(self.money(inr.total, "INR"), self.right_bold),
            ]
        )
        table = Table(data, colWidths=[CONTENT_WIDTH - 40 * mm, 40 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("SPAN", (0, 0), (-1, 0)),
                    ("LINEABOVE", (0, -1), (-1, -1), 1, INK),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return table

    def _einvoice(self, doc: _Document) -> Table:
        """IRN, acknowledgement and the IRP's signed QR code (e-invoicing, reference note §6)."""
        size = 34 * mm
        # The widget draws the whole code in barWidth × barHeight points.
        widget = QrCodeWidget(doc.signed_qr, barLevel="L", barWidth=size, barHeight=size)
        drawing = Drawing(size, size)
        drawing.add(widget)
        text = [
            self.p("E-INVOICE", self.label),
            self.p(f"IRN: {doc.irn}", self.small),
            self.p(f"Ack. no.: {doc.ack}", self.small),
            self.p(
                "Registered with the Invoice Registration Portal; scan the QR code to verify.",
                self.small,
            ),
        ]
        table = Table([[text, drawing]], colWidths=[CONTENT_WIDTH - size - 4 * mm, size + 4 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return table

    def _breakdown(self, doc: _Document) -> Table:
        """The invoice's lines when there is more than one (an upgrade and its credit)."""
        head = "Amount (incl. GST)" if settings.PRICES_INCLUDE_TAX else "Amount (before GST)"
        data = [[self.p("Lines", self.head), self.p(head, self.head_right)]]
        data.extend(
            [self.p(text, self.cell), self.p(self.money(amount, doc.currency), self.cell_right)]
            for text, amount in doc.lines
        )
        net = sum(amount for _text, amount in doc.lines)
        data.append(
            [
                self.p("Net value of this supply", self.cell),
                self.p(self.money(net, doc.currency), self.cell_right_bold),
            ]
        )
        table = Table(data, colWidths=[CONTENT_WIDTH - 40 * mm, 40 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), INK),
                    ("LINEABOVE", (0, -1), (-1, -1), 0.5, INK),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def _sac_summary(self, doc: _Document) -> Table:
        """The SAC-wise summary (Rule 46(g); GSTR-1 Table 12 reads the same figures)."""
        taxes = self._tax_columns(doc)
        data = [
            [
                self.p("SAC", self.head),
                self.p("Taxable value", self.head_right),
                *[self.p(f"{name} {rate}", self.head_right) for name, rate, _a in taxes],
                self.p("Total tax", self.head_right),
            ],
            [
                self.p(doc.sac, self.cell),
                self.p(self.money(doc.taxable_minor, doc.currency), self.cell_right),
                *[self.p(self.money(a, doc.currency), self.cell_right) for _n, _r, a in taxes],
                self.p(self.money(sum(a for _n, _r, a in taxes), doc.currency), self.cell_right),
            ],
        ]
        table = Table(data, colWidths=None, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), INK_SOFT),
                    ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def _after(self, doc: _Document) -> Sequence[Any]:
        flowables: list[Any] = [self._sac_summary(doc), Spacer(1, 3 * mm)]
        if doc.endorsement:
            flowables.append(self.p(doc.endorsement, self.strong))
            flowables.append(Spacer(1, 2 * mm))
        words = amount_in_words(doc.total_minor, doc.currency)
        if words:
            flowables.append(self.p(f"Amount in words: {words}", self.words))
            flowables.append(Spacer(1, 2 * mm))
        flowables.extend(self.p(note, self.small) for note in doc.notes)
        return flowables


def _render(doc: _Document) -> bytes:
    fonts = _fonts()
    writer = _Writer(fonts)
    buffer = io.BytesIO()
    footer = " · ".join(
        part
        for part in (
            doc.seller.name,
            f"GSTIN {doc.seller_gstin}" if doc.seller_gstin else "",
            settings.SITE_URL,
        )
        if part
    )

    def on_page(canvas: Any, template: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, 12 * mm, A4[0] - MARGIN, 12 * mm)
        canvas.setFont(fonts.regular, 7)
        canvas.setFillColor(INK_SOFT)
        canvas.drawString(MARGIN, 8 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 8 * mm, f"{doc.number} · page {template.page}")
        canvas.restoreState()

    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=f"{doc.title} {doc.number}",
        author=doc.seller.name,
        subject=f"{doc.title} {doc.number} for {doc.buyer.name}",
        creator=f"Masthead for {settings.PUBLISHER_NAME}",
    )
    pdf.build(writer.build(doc), onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


# --- Public --------------------------------------------------------------------------------


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The GST tax invoice for an issued (numbered) invoice, as PDF bytes."""
    return _render(_invoice_document(invoice))


def render_credit_note_pdf(note: CreditNote) -> bytes:
    """The credit note for a refund, naming the invoice it reduces, as PDF bytes."""
    return _render(_credit_note_document(note))

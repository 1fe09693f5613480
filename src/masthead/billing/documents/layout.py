"""The A4 page layout of a tax document: a Document turned into reportlab flowables in the
site's palette.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from masthead.billing.documents.content import Document, Party
from masthead.billing.documents.figures import RUPEE, day_label, money_label, percent_label
from masthead.billing.documents.fonts import Fonts
from masthead.billing.documents.words import amount_in_words
from masthead.billing.exchange import (
    InrFigures,
)

# The site's palette (static/css/site.css).
INK = colors.HexColor("#1a1a1a")
INK_SOFT = colors.HexColor("#4a4a4a")
RULE = colors.HexColor("#d9d4c7")
ACCENT = colors.HexColor("#8c1c13")
HIGHLIGHT = colors.HexColor("#f4efe2")


MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN


class Writer:
    """Turns a Document into flowables with the site's palette."""

    def __init__(self, fonts: Fonts) -> None:
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
        return money_label(minor, currency)

    def build(self, doc: Document) -> list[Any]:
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

    def _header(self, doc: Document) -> Table:
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

    def _party(self, label: str, party: Party) -> list[Paragraph]:
        cells = [self.p(label.upper(), self.label), self.p(party.name, self.strong)]
        cells.extend(self.p(line) for line in party.lines)
        return cells

    def _parties(self, doc: Document) -> Table:
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

    def _tax_columns(self, doc: Document) -> list[tuple[str, str, int]]:
        if doc.intra_state:
            half = Decimal(doc.rate_bp) / 2
            return [
                ("CGST", percent_label(half), doc.cgst_minor),
                ("SGST", percent_label(half), doc.sgst_minor),
            ]
        return [("IGST", percent_label(doc.rate_bp), doc.igst_minor)]

    def _lines(self, doc: Document) -> Table:
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
        # The line's own total is its taxable value plus its taxes (Rule 46(j)-(m)); the
        # round-off line below takes it to the document's total (the e-invoice's TotItemVal
        # and RndOffAmt), so every row adds up as printed.
        line_total = doc.total_minor - doc.round_off_minor
        row.append(self.p(self.money(line_total, doc.currency), self.cell_right_bold))

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

    def _totals(self, doc: Document) -> Table:
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

    def _in_rupees(self, doc: Document, inr: InrFigures) -> Table:
        """The taxable value and each tax in rupees at the rate for the date of supply
        (CGST Rules 34(2) and 46), with the rate, its date and its source."""
        span = day_label(inr.rate_from)
        if inr.rate_until != inr.rate_from:
            span = f"{span} to {day_label(inr.rate_until)}"
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

    def _einvoice(self, doc: Document) -> Table:
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

    def _breakdown(self, doc: Document) -> Table:
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

    def _sac_summary(self, doc: Document) -> Table:
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

    def _after(self, doc: Document) -> Sequence[Any]:
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

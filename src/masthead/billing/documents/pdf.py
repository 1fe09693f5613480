"""The tax invoice and credit note as PDF bytes: content, fonts and layout put together."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    SimpleDocTemplate,
)

from masthead.billing.documents.content import Document
from masthead.billing.documents.credit_note import credit_note_document
from masthead.billing.documents.fonts import embedded_fonts
from masthead.billing.documents.layout import INK_SOFT, MARGIN, RULE, Writer
from masthead.billing.documents.tax_invoice import invoice_document
from masthead.billing.models import (
    CreditNote,
    Invoice,
)


def _render(doc: Document) -> bytes:
    fonts = embedded_fonts()
    writer = Writer(fonts)
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
    return _render(invoice_document(invoice))


def render_credit_note_pdf(note: CreditNote) -> bytes:
    """The credit note for a refund, naming the invoice it reduces, as PDF bytes."""
    return _render(credit_note_document(note))

"""The credit note's content: the refund, naming the tax invoice it reduces (CGST Rule 53)."""

from __future__ import annotations

from django.conf import settings

from masthead.billing.documents.content import (
    Document,
    buyer_party,
    closing_notes,
    customer_fallbacks,
    einvoice_reference,
    intra_state,
    issue_moment,
    place_of_supply,
    rupee_figures,
    seller_party,
    tax_total,
)
from masthead.billing.documents.figures import local_day_label
from masthead.billing.models import (
    CreditNote,
    EInvoiceRegistration,
)


def credit_note_document(note: CreditNote) -> Document:
    invoice = note.invoice
    seller, gstin, seller_code, _ = seller_party(invoice.seller)
    buyer, buyer_code = buyer_party(invoice.buyer, *customer_fallbacks(invoice))
    issued_on = local_day_label(note.issued_at)
    original = invoice.number or f"#{invoice.pk}"
    original_on = local_day_label(issue_moment(invoice))
    place = place_of_supply(invoice, buyer_code, seller_code)
    details = [
        ("Credit note number", note.number),
        ("Credit note date", issued_on),
        ("Original invoice", original),
        ("Original invoice date", original_on),
        ("Place of supply", place),
        ("Reverse charge", "No"),
        ("Currency", note.currency),
    ]
    intra = intra_state(invoice, seller_code)
    einvoice = einvoice_reference(EInvoiceRegistration.objects.filter(credit_note=note))
    notes = [f"Issued against tax invoice {original} dated {original_on}."]
    if note.reason:
        notes.append(f"Reason: {note.reason}")
    inr, pending = rupee_figures(note, invoice)
    return Document(
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
        notes=(*notes, *closing_notes(taxed=bool(invoice.tax_rate_bp or tax_total(note)))),
        round_off_minor=int(note.round_off_minor),
        irn=einvoice[0],
        ack=einvoice[1],
        signed_qr=einvoice[2],
        inr=inr,
        rupees_pending=pending,
    )

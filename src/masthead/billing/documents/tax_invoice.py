"""The GST tax invoice's content for an issued (numbered) invoice (CGST Rule 46)."""

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
    EInvoiceRegistration,
    Invoice,
    InvoiceStatus,
)
from masthead.billing.supply import SupplyType


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


def _lines(invoice: Invoice) -> tuple[tuple[str, int], ...]:
    rows = invoice.lines if isinstance(invoice.lines, list) else []
    return tuple(
        (str(row.get("description", "")), int(row.get("amount_minor", 0)))
        for row in rows
        if isinstance(row, dict)
    )


def invoice_document(invoice: Invoice) -> Document:
    if not invoice.number:
        raise ValueError(
            f"Invoice #{invoice.pk} has no number yet; only issued invoices have a tax invoice."
        )
    seller, gstin, seller_code, _ = seller_party(invoice.seller)
    buyer, buyer_code = buyer_party(invoice.buyer, *customer_fallbacks(invoice))
    issued_on = local_day_label(issue_moment(invoice))
    place = place_of_supply(invoice, buyer_code, seller_code)
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
    einvoice = einvoice_reference(EInvoiceRegistration.objects.filter(invoice=invoice))
    inr, pending = rupee_figures(invoice, invoice)
    return Document(
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
        intra_state=intra_state(invoice, seller_code),
        notes=closing_notes(taxed=bool(invoice.tax_rate_bp or tax_total(invoice))),
        lines=_lines(invoice),
        round_off_minor=int(invoice.round_off_minor),
        endorsement=_endorsement(invoice),
        irn=einvoice[0],
        ack=einvoice[1],
        signed_qr=einvoice[2],
        inr=inr,
        rupees_pending=pending,
    )

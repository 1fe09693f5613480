"""What a tax document says, as plain data: the parties, place of supply, e-invoice
reference and rupee figures that the tax invoice and the credit note share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from masthead.billing.documents.figures import day_label, local_day_label
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
)


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    number_label: str
    number: str
    issued_on: str
    seller: Party
    seller_gstin: str
    buyer: Party
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


def rupee_figures(doc: Invoice | CreditNote, invoice: Invoice) -> tuple[InrFigures | None, str]:
    """Rule 46 with Rule 34: a taxed supply invoiced in a foreign currency also states its
    value and each tax in rupees. Exports under LUT carry no tax and are left as they are."""
    if doc.currency == "INR" or not (invoice.tax_rate_bp or tax_total(doc)):
        return None, ""
    inr = invoice_in_inr(doc) if isinstance(doc, Invoice) else credit_note_in_inr(doc)
    if inr is not None:
        return inr, ""
    return None, day_label(supply_date(invoice))


def _text(snapshot: Any, key: str) -> str:
    if not isinstance(snapshot, dict):
        return ""
    value = snapshot.get(key)
    return str(value).strip() if value is not None else ""


def seller_party(snapshot: Any) -> tuple[Party, str, str, str]:
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
    return Party(name=legal_name, lines=tuple(lines)), gstin, code, state


def buyer_party(snapshot: Any, fallback_name: str, fallback_email: str) -> tuple[Party, str]:
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
    return Party(name=name or email or "Reader", lines=tuple(lines)), code


def place_of_supply(invoice: Invoice, buyer_code: str, seller_code: str) -> str:
    """Rule 46(n): the place of supply with its State name, printed as '29-Karnataka'."""
    code = normalise_code(invoice.place_of_supply) or buyer_code or seller_code
    return pos_label(code)


def intra_state(invoice: Invoice, seller_code: str) -> bool:
    if invoice.place_of_supply:
        return normalise_code(invoice.place_of_supply) == seller_code
    return bool(invoice.cgst_minor or invoice.sgst_minor)


def einvoice_reference(found: QuerySet[EInvoiceRegistration]) -> tuple[str, str, str]:
    """The IRN, acknowledgement and signed QR of a registered document ('' otherwise)."""
    registration = found.filter(status=EInvoiceStatus.REGISTERED).first()
    if registration is None:
        return "", "", ""
    ack_on = local_day_label(registration.ack_at) if registration.ack_at else ""
    ack = f"{registration.ack_no} dated {ack_on}".strip()
    return registration.irn, ack, registration.signed_qr


def customer_fallbacks(invoice: Invoice) -> tuple[str, str]:
    customer = invoice.customer
    return customer.name, customer.user.email


def issue_moment(invoice: Invoice) -> datetime:
    return invoice.issued_at or invoice.created_at


def tax_total(doc: Invoice | CreditNote) -> int:
    return doc.cgst_minor + doc.sgst_minor + doc.igst_minor


def closing_notes(*, taxed: bool) -> tuple[str, ...]:
    notes = []
    if not taxed:
        notes.append("No GST is charged on this supply.")
    elif settings.PRICES_INCLUDE_TAX:
        notes.append("Amounts include GST.")
    notes.append("This is a computer-generated document and needs no signature.")
    return tuple(notes)


# --- Fonts ---------------------------------------------------------------------------------

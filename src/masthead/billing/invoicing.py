"""Tax invoices and credit notes: amounts split for GST, numbered without gaps when issued.

An invoice gets its number in the same transaction that records its payment, from a counter
row locked for that transaction: a rollback returns the number, so numbers have no gaps even
with many renewals in parallel. Once issued, an invoice is never changed (``InvoiceFrozen``).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from masthead.billing.gst_states import state_name
from masthead.billing.models import (
    CreditNote,
    Customer,
    DocumentSequence,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    Subscription,
)
from masthead.billing.tax import TaxSplit, financial_year, split_tax

INVOICE_SERIES = "INV"
CREDIT_SERIES = "CN"


class InvoiceFrozen(Exception):
    """An issued invoice cannot change; issue a credit note instead."""


def _tax_for(*, customer: Customer, amount_minor: int, currency: str) -> TaxSplit:
    if currency != "INR":
        # Readers abroad pay in their currency: an export of services, zero-rated.
        return split_tax(amount_minor=amount_minor, rate_bp=0, intra_state=False, inclusive=True)
    buyer_state = customer.state_code or settings.PUBLISHER_STATE_CODE
    return split_tax(
        amount_minor=amount_minor,
        rate_bp=settings.GST_RATE_BASIS_POINTS,
        intra_state=buyer_state == settings.PUBLISHER_STATE_CODE,
        inclusive=settings.PRICES_INCLUDE_TAX,
    )


def seller_snapshot() -> dict[str, str]:
    return {
        "legal_name": settings.PUBLISHER_LEGAL_NAME,
        "address": settings.PUBLISHER_ADDRESS,
        "gstin": settings.PUBLISHER_GSTIN,
        "state_code": settings.PUBLISHER_STATE_CODE,
        "state_name": state_name(settings.PUBLISHER_STATE_CODE),
    }


def buyer_snapshot(customer: Customer) -> dict[str, str]:
    email = str(getattr(customer.user, "email", ""))
    return {
        "name": customer.name or email,
        "email": email,
        "state_code": customer.state_code,
        "state_name": state_name(customer.state_code) if customer.state_code else "",
        "gstin": customer.gstin,
    }


def _describe(subscription: Subscription, start: dt.datetime, end: dt.datetime) -> str:
    tz = ZoneInfo(settings.TIME_ZONE)
    months = subscription.plan.period_months
    count, unit = (months // 12, "year") if months % 12 == 0 else (months, "month")
    length = f"{count} {unit}" + ("s" if count > 1 else "")
    last_day = end.astimezone(tz) - dt.timedelta(days=1)
    return (
        f"{subscription.plan.name} — {length} digital subscription, "
        f"{start.astimezone(tz):%d %b %Y} – {last_day:%d %b %Y}"
    )


def open_invoice(
    *,
    subscription: Subscription,
    kind: InvoiceKind,
    period_start: dt.datetime,
    period_end: dt.datetime,
    amount_minor: int,
) -> Invoice:
    """An unnumbered invoice awaiting payment (get-or-create for renewals)."""
    customer = subscription.customer
    split = _tax_for(customer=customer, amount_minor=amount_minor, currency=subscription.currency)
    defaults = {
        "customer": customer,
        "status": InvoiceStatus.OPEN,
        "period_end": period_end,
        "currency": subscription.currency,
        "total_minor": split.total,
        "taxable_minor": split.taxable,
        "cgst_minor": split.cgst,
        "sgst_minor": split.sgst,
        "igst_minor": split.igst,
        "tax_rate_bp": split.rate_bp,
        "description": _describe(subscription, period_start, period_end),
        "seller": seller_snapshot(),
        "buyer": buyer_snapshot(customer),
    }
    if kind == InvoiceKind.PRORATION:
        return Invoice.objects.create(
            subscription=subscription, kind=kind, period_start=period_start, **defaults
        )
    invoice, _ = Invoice.objects.get_or_create(
        subscription=subscription,
        kind=kind,
        period_start=period_start,
        defaults=defaults,
    )
    return invoice


def _next_number(*, series: str, fy: str) -> int:
    DocumentSequence.objects.bulk_create(
        [DocumentSequence(series=series, financial_year=fy, last_number=0)],
        ignore_conflicts=True,
    )
    counter = DocumentSequence.objects.select_for_update().get(series=series, financial_year=fy)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _fy(moment: dt.datetime) -> str:
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return financial_year(local.year, local.month)


def issue_invoice(*, invoice: Invoice, issued_at: dt.datetime) -> Invoice:
    """Mark paid and number it. Must run inside the transaction that records the payment."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_invoice must run inside the payment's transaction.")
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceFrozen(f"Invoice {invoice.number} is already issued.")
    fy = _fy(issued_at)
    sequence = _next_number(series=INVOICE_SERIES, fy=fy)
    invoice.status = InvoiceStatus.PAID
    invoice.financial_year = fy
    invoice.sequence = sequence
    invoice.number = f"{settings.INVOICE_PREFIX}/{fy}/{sequence:06d}"
    invoice.issued_at = issued_at
    invoice.save(update_fields=["status", "financial_year", "sequence", "number", "issued_at"])
    return invoice


def void_invoice(*, invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceFrozen(f"Invoice {invoice.number} is issued and cannot be voided.")
    Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.OPEN).update(
        status=InvoiceStatus.VOID
    )


def issue_credit_note(
    *,
    payment: Payment,
    amount_minor: int,
    reason: str,
    idempotency_key: str,
    gateway_refund_id: str,
    issued_at: dt.datetime,
) -> CreditNote:
    invoice = payment.invoice
    customer = invoice.customer
    split = _tax_for(customer=customer, amount_minor=amount_minor, currency=invoice.currency)
    fy = _fy(issued_at)
    sequence = _next_number(series=CREDIT_SERIES, fy=fy)
    return CreditNote.objects.create(
        invoice=invoice,
        payment=payment,
        amount_minor=split.total,
        taxable_minor=split.taxable,
        cgst_minor=split.cgst,
        sgst_minor=split.sgst,
        igst_minor=split.igst,
        currency=invoice.currency,
        reason=reason,
        idempotency_key=idempotency_key,
        gateway_refund_id=gateway_refund_id,
        number=f"{settings.INVOICE_PREFIX}/CN/{fy}/{sequence:06d}",
        financial_year=fy,
        sequence=sequence,
        issued_at=issued_at,
    )

"""Timelines, invoices, payments, credit notes and subscriptions shown inline, read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from masthead.billing import renewals
from masthead.billing.admin.common import EMPTY, ReadOnlyInline, money, money_back
from masthead.billing.models import (
    BillingEvent,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
)


class TimelineInline(ReadOnlyInline[BillingEvent, Any]):
    """The reader's billing timeline, newest first."""

    model = BillingEvent
    verbose_name = "timeline entry"
    verbose_name_plural = "Billing timeline (newest first)"
    fields = ("occurred_at", "kind", "message")
    readonly_fields = fields
    ordering = ("-occurred_at", "-pk")
    show_change_link = False


class InvoiceInline(ReadOnlyInline[Invoice, Any]):
    model = Invoice
    fields = ("number", "kind", "status", "period_start", "period_end", "total", "pdf")
    readonly_fields = fields
    ordering = ("-period_start", "-pk")

    @admin.display(description="Total")
    def total(self, obj: Invoice) -> str:
        return money(obj.total_minor, obj.currency)

    @admin.display(description="PDF")
    def pdf(self, obj: Invoice) -> str:
        return _pdf_link(obj)


class PaymentInline(ReadOnlyInline[Payment, Invoice]):
    model = Payment
    fields = ("idempotency_key", "attempt", "status", "amount", "refunded", "settled_at")
    readonly_fields = fields

    @admin.display(description="Amount")
    def amount(self, obj: Payment) -> str:
        return money(obj.amount_minor, obj.currency)

    @admin.display(description="Refunded")
    def refunded(self, obj: Payment) -> str:
        return money_back(obj.refunded_minor, obj.currency)


class CreditNoteInline(ReadOnlyInline[CreditNote, Any]):
    """Refunds against an invoice or a payment."""

    model = CreditNote
    fields = ("number", "issued_at", "amount", "reason")
    readonly_fields = fields

    @admin.display(description="Amount")
    def amount(self, obj: CreditNote) -> str:
        return money_back(obj.amount_minor, obj.currency)


class SubscriptionInline(ReadOnlyInline[Subscription, Customer]):
    model = Subscription
    fields = ("plan", "status", "current_period_end", "cancel_at_period_end", "renewal")
    readonly_fields = fields

    @admin.display(description="Renewal")
    def renewal(self, obj: Subscription) -> str:
        return _renewal(obj)


def _pdf_link(invoice: Invoice) -> str:
    if invoice.status != InvoiceStatus.PAID or not invoice.number:
        return EMPTY
    url = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
    return format_html('<a href="{}">Download PDF</a>', url)


def _renewal(sub: Subscription) -> str:
    if sub.status == SubscriptionStatus.ENDED or sub.cancel_at_period_end:
        return EMPTY
    return money(renewals.renewal_amount(sub), sub.currency)


def _gateway_trouble(exc: Exception, sub: Subscription) -> str:
    sub.refresh_from_db()
    state = "has ended" if sub.status == SubscriptionStatus.ENDED else "has not changed"
    return (
        f"The payment gateway did not answer ({exc}). The subscription {state}; check its "
        "payments below and, if a refund is missing, refund from the payment's Refund page."
    )


def _last_successful_payment(sub: Subscription) -> Payment | None:
    """The payment ``staff_end_now`` refunds from: the one for the latest paid period."""
    return (
        Payment.objects.filter(invoice__subscription=sub, status=PaymentStatus.SUCCEEDED)
        .select_related("invoice")
        .order_by("-invoice__period_end", "-pk")
        .first()
    )

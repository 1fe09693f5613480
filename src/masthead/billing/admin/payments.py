"""Payments and refunds."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from masthead.billing import services
from masthead.billing.admin.common import (
    EMPTY,
    Tool,
    ViewOnlyAdmin,
    _admin_url,
    _example,
    _reader,
    _staff,
    money,
    money_back,
    parse_amount,
)
from masthead.billing.admin.inlines import CreditNoteInline
from masthead.billing.models import CreditNote, Payment, PaymentStatus


def refund_key_prefix(payment: Payment) -> str:
    return f"admin-refund:{payment.pk}:"


class RefundForm(forms.Form):
    amount = forms.CharField(label="Amount to refund", max_length=24)
    reason = forms.CharField(max_length=300, help_text="Printed on the credit note.")
    # One key per form render: submitting the same page twice refunds once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args: Any, payment: Payment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.payment = payment
        currency = self.currency = payment.currency
        unit = "rupees with paise" if currency == "INR" else currency
        self.fields["amount"].help_text = f"In {unit}, e.g. {_example(currency)}."

    def clean_amount(self) -> int:
        return parse_amount(str(self.cleaned_data["amount"]), currency=self.currency)

    def clean_idempotency_key(self) -> str:
        key = str(self.cleaned_data["idempotency_key"])
        if not key.startswith(refund_key_prefix(self.payment)):
            raise forms.ValidationError("Open the refund page again and resubmit.")
        return key


@admin.register(Payment)
class PaymentAdmin(ViewOnlyAdmin[Payment]):
    list_display = (
        "created_at",
        "reader",
        "invoice",
        "status",
        "amount",
        "refunded",
        "gateway",
        "idempotency_key",
    )
    list_filter = ("status", "gateway", "currency")
    search_fields = (
        "idempotency_key",
        "gateway_payment_id",
        "invoice__number",
        "invoice__customer__user__email",
    )
    list_select_related = ("invoice__customer__user",)
    fields = (
        "invoice",
        "reader",
        "status",
        "amount",
        "refunded",
        "left_to_refund",
        "attempt",
        "gateway",
        "gateway_payment_id",
        "idempotency_key",
        "failure_code",
        "failure_message",
        "created_at",
        "settled_at",
    )
    readonly_fields = ("reader", "amount", "refunded", "left_to_refund", "created_at")
    inlines = (CreditNoteInline,)

    def has_refund_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return request.user.has_perm("billing.change_payment")

    @admin.display(description="Reader", ordering="invoice__customer__user__email")
    def reader(self, obj: Payment) -> str:
        return _reader(obj.invoice.customer)

    @admin.display(description="Amount", ordering="amount_minor")
    def amount(self, obj: Payment) -> str:
        return money(obj.amount_minor, obj.currency)

    @admin.display(description="Refunded", ordering="refunded_minor")
    def refunded(self, obj: Payment) -> str:
        return money_back(obj.refunded_minor, obj.currency)

    @admin.display(description="Left to refund")
    def left_to_refund(self, obj: Payment) -> str:
        if obj.status != PaymentStatus.SUCCEEDED:
            return EMPTY
        return money(int(obj.amount_minor) - int(obj.refunded_minor), obj.currency)

    def tools(self, request: HttpRequest, obj: Payment) -> list[Tool]:
        refundable = obj.status == PaymentStatus.SUCCEEDED and obj.refunded_minor < obj.amount_minor
        if refundable and self.has_refund_permission(request, obj):
            return [Tool("Refund", reverse("admin:billing_payment_refund", args=[obj.pk]))]
        return []

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<path:object_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="billing_payment_refund",
            )
        ]
        return [*extra, *super().get_urls()]

    def refund_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        payment = self._get(request, object_id)
        if not self.has_refund_permission(request, payment):
            raise PermissionDenied
        _staff(request)
        if request.method == "POST":
            form = RefundForm(request.POST, payment=payment)
            if form.is_valid():
                key = form.cleaned_data["idempotency_key"]
                try:
                    refunded = services.refund(
                        payment=payment,
                        amount_minor=form.cleaned_data["amount"],
                        reason=form.cleaned_data["reason"],
                        idempotency_key=key,
                    )
                except services.BillingError as exc:
                    # Nothing happened: the same page (and key) may be corrected and resent.
                    self.message_user(request, str(exc), messages.ERROR)
                except services.GatewayError as exc:
                    # Nothing recorded; resending the same page reuses the same key.
                    self.message_user(
                        request,
                        f"The payment gateway did not answer ({exc}); nothing was recorded. "
                        "Send this form again in a minute: it carries the same key, so the "
                        "gateway will not refund twice.",
                        messages.ERROR,
                    )
                else:
                    return self._refunded(request, payment, refunded, key)
        else:
            key = refund_key_prefix(payment) + secrets.token_urlsafe(18)
            form = RefundForm(initial={"idempotency_key": key}, payment=payment)
        payment.refresh_from_db()
        return self._page(
            request,
            "admin/billing/payment/refund.html",
            payment,
            title=f"Refund payment {payment.idempotency_key}",
            form=form,
            submit="Refund",
            payment=payment,
            reader=self.reader(payment),
            paid=self.amount(payment),
            refunded=self.refunded(payment),
            left=self.left_to_refund(payment),
        )

    def _refunded(
        self, request: HttpRequest, payment: Payment, refunded: int, key: str
    ) -> HttpResponse:
        if refunded == 0:
            self.message_user(
                request,
                "This refund was already made (the form was sent twice); nothing more was "
                "refunded.",
                messages.WARNING,
            )
        else:
            note = CreditNote.objects.filter(idempotency_key=key).first()
            done = f"Refunded {money(refunded, payment.currency)} of {payment.idempotency_key}" + (
                f"; credit note {note.number}." if note else "."
            )
            self.log_change(request, payment, done)
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(_admin_url(payment))

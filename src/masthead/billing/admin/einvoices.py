"""E-invoice registrations: staff see which documents the IRP has not registered, and why,
and can retry now (the worker retries on its own with a back-off)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from masthead.billing.admin.common import ViewOnlyAdmin
from masthead.billing.einvoice import services as einvoice
from masthead.billing.models import EInvoiceRegistration


@admin.register(EInvoiceRegistration)
class EInvoiceRegistrationAdmin(ViewOnlyAdmin[EInvoiceRegistration]):
    list_display = (
        "document",
        "created_at",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "irn",
    )
    list_filter = ("status",)
    search_fields = ("invoice__number", "credit_note__number", "irn")
    list_select_related = ("invoice", "credit_note")
    actions = ("retry_now",)

    @admin.display(description="Document")
    def document(self, obj: EInvoiceRegistration) -> str:
        doc = obj.invoice or obj.credit_note
        return str(doc.number if doc is not None else "")

    @admin.action(description="Retry registration now", permissions=["view"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[EInvoiceRegistration]) -> None:
        done = sum(
            einvoice.register(registration=r, now=timezone.now())
            for r in queryset.exclude(status="registered")
        )
        messages.info(request, f"{done} document(s) registered; see the list for the rest.")

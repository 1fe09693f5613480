"""Invoices and credit notes, with their PDFs."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse

from masthead.billing.admin.common import Tool, ViewOnlyAdmin, _link, _reader, money, money_back
from masthead.billing.admin.inlines import CreditNoteInline, PaymentInline, _pdf_link
from masthead.billing.documents import (
    attachment_filename,
    render_credit_note_pdf,
    render_invoice_pdf,
)
from masthead.billing.exchange import invoice_in_inr, invoices_awaiting_rate
from masthead.billing.models import CreditNote, Invoice, InvoiceStatus


def _pdf_response(content: bytes, number: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{attachment_filename(number)}"'
    return response


class AwaitingRateFilter(admin.SimpleListFilter):
    title = "exchange rate (Rule 34)"
    parameter_name = "awaiting_rate"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Waiting for an exchange rate")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
        if self.value() == "yes":
            return queryset.filter(pk__in=invoices_awaiting_rate().values("pk"))
        return queryset


@admin.register(Invoice)
class InvoiceAdmin(ViewOnlyAdmin[Invoice]):
    """A tax invoice never changes once issued: nothing here edits or deletes one."""

    list_display = (
        "__str__",
        "reader",
        "kind",
        "status",
        "total",
        "in_rupees",
        "financial_year",
        "issued_at",
        "pdf",
    )
    list_filter = ("status", "kind", "financial_year", AwaitingRateFilter)
    search_fields = ("number", "customer__user__email")
    list_select_related = ("customer__user",)
    fieldsets = (
        (None, {"fields": ("number", "status", "kind", "customer_link", "subscription_link")}),
        ("Period", {"fields": ("description", "period_start", "period_end")}),
        (
            "Amounts",
            {"fields": ("total", "taxable", "cgst", "sgst", "igst", "tax_rate_bp", "in_rupees")},
        ),
        ("Issue", {"fields": ("financial_year", "sequence", "issued_at", "pdf")}),
        ("Parties", {"fields": ("buyer", "seller")}),
    )
    readonly_fields = (
        "customer_link",
        "subscription_link",
        "total",
        "taxable",
        "cgst",
        "sgst",
        "igst",
        "in_rupees",
        "pdf",
    )
    inlines = (PaymentInline, CreditNoteInline)

    @admin.display(description="Reader", ordering="customer__user__email")
    def reader(self, obj: Invoice) -> str:
        return _reader(obj.customer)

    @admin.display(description="Customer")
    def customer_link(self, obj: Invoice) -> str:
        return _link(obj.customer, _reader(obj.customer))

    @admin.display(description="Subscription")
    def subscription_link(self, obj: Invoice) -> str:
        return _link(obj.subscription)

    @admin.display(description="Total", ordering="total_minor")
    def total(self, obj: Invoice) -> str:
        return money(obj.total_minor, obj.currency)

    @admin.display(description="Taxable value")
    def taxable(self, obj: Invoice) -> str:
        return money(obj.taxable_minor, obj.currency)

    @admin.display(description="CGST")
    def cgst(self, obj: Invoice) -> str:
        return money(obj.cgst_minor, obj.currency)

    @admin.display(description="SGST")
    def sgst(self, obj: Invoice) -> str:
        return money(obj.sgst_minor, obj.currency)

    @admin.display(description="IGST")
    def igst(self, obj: Invoice) -> str:
        return money(obj.igst_minor, obj.currency)

    @admin.display(description="In rupees (Rule 34)")
    def in_rupees(self, obj: Invoice) -> str:
        """A foreign-currency invoice's value in rupees, or the flag that no exchange rate
        covers its date yet (it is then missing from GSTR-1 and prints no rupee figures)."""
        if obj.currency == "INR":
            return ""
        inr = invoice_in_inr(obj)
        if inr is None:
            return "⚠ Waiting for an exchange rate" if obj.status == InvoiceStatus.PAID else ""
        return f"{money(inr.total, 'INR')} at ₹{inr.inr_per_unit}"

    @admin.display(description="PDF")
    def pdf(self, obj: Invoice) -> str:
        return _pdf_link(obj)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        waiting = list(invoices_awaiting_rate().values_list("number", "currency")[:11])
        if waiting:
            shown = ", ".join(f"{number} ({currency})" for number, currency in waiting[:10])
            more = " and more" if len(waiting) > 10 else ""
            messages.warning(
                request,
                f"Waiting for an exchange rate: {shown}{more}. They print no rupee figures and "
                "are left out of GSTR-1 until the rate for their date is entered under "
                "Billing › Exchange rates (CGST Rule 34).",
            )
        return super().changelist_view(request, extra_context)

    def tools(self, request: HttpRequest, obj: Invoice) -> list[Tool]:
        if obj.status == InvoiceStatus.PAID and obj.number:
            return [Tool("Download PDF", reverse("admin:billing_invoice_pdf", args=[obj.pk]))]
        return []

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<path:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="billing_invoice_pdf",
            )
        ]
        return [*extra, *super().get_urls()]

    def pdf_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        invoice = self._get(request, object_id)
        if invoice.status != InvoiceStatus.PAID or not invoice.number:
            raise Http404("Only a paid (numbered) invoice has a tax invoice PDF.")
        return _pdf_response(render_invoice_pdf(invoice), invoice.number)


@admin.register(CreditNote)
class CreditNoteAdmin(ViewOnlyAdmin[CreditNote]):
    list_display = ("number", "invoice", "reader", "amount", "reason", "issued_at")
    list_filter = ("financial_year", "currency")
    search_fields = ("number", "invoice__number", "invoice__customer__user__email")
    list_select_related = ("invoice__customer__user",)
    fields = (
        "number",
        "invoice",
        "payment",
        "amount",
        "taxable",
        "reason",
        "issued_at",
        "gateway_refund_id",
        "idempotency_key",
    )
    readonly_fields = ("amount", "taxable")

    @admin.display(description="Reader", ordering="invoice__customer__user__email")
    def reader(self, obj: CreditNote) -> str:
        return _reader(obj.invoice.customer)

    @admin.display(description="Amount", ordering="amount_minor")
    def amount(self, obj: CreditNote) -> str:
        return money_back(obj.amount_minor, obj.currency)

    @admin.display(description="Taxable value")
    def taxable(self, obj: CreditNote) -> str:
        return money_back(obj.taxable_minor, obj.currency)

    def tools(self, request: HttpRequest, obj: CreditNote) -> list[Tool]:
        return [Tool("Download PDF", reverse("admin:billing_creditnote_pdf", args=[obj.pk]))]

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<path:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="billing_creditnote_pdf",
            )
        ]
        return [*extra, *super().get_urls()]

    def pdf_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        note = self._get(request, object_id)
        return _pdf_response(render_credit_note_pdf(note), note.number)

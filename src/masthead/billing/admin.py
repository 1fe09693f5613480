"""The billing back office: plans, subscriptions, invoices, payments, refunds, timelines.

The admin only shows records and asks ``billing.services`` (and ``access.services``) to change
them: a subscription, invoice or payment is never saved from a form here, so staff cannot
hand-edit state and a stale page can never overwrite what a renewal wrote meanwhile.
Amounts are integer minor units, shown formatted (₹2,700.00) and typed in as decimals
("450.00") that are parsed with ``Decimal``, never float.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from babel.numbers import get_currency_symbol
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from masthead.access.models import Benefit
from masthead.access.services import COMP_DURATION_LABELS, CompDuration
from masthead.billing import clock, renewals, services
from masthead.billing.clock import now_for
from masthead.billing.documents import (
    attachment_filename,
    render_credit_note_pdf,
    render_invoice_pdf,
)
from masthead.billing.gateways.base import GatewayError
from masthead.billing.models import (
    LIVE_STATUSES,
    BillingEvent,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Plan,
    PlanPrice,
    PreDebitNotice,
    Subscription,
    SubscriptionStatus,
    TestClock,
    WebhookEvent,
)
from masthead.core.money import Money, format_money

_ChildT = TypeVar("_ChildT", bound=models.Model)
_ParentT = TypeVar("_ParentT", bound=models.Model)
_ModelT = TypeVar("_ModelT", bound=models.Model)

EMPTY = "—"
MAX_ADVANCE_DAYS = 1830  # five years: enough to watch a two-year plan renew twice


# --- Money --------------------------------------------------------------------------------


def money(minor: int | None, currency: str) -> str:
    """₹2,700.00: the exact amount, always with paise, for staff."""
    if minor is None or not currency:
        return EMPTY
    return format_money(Money(int(minor), currency), locale=settings.LOCALE, whole=False)


_AMOUNT = re.compile(r"^(\d+)(?:\.(\d+))?$")


def parse_amount(text: str, *, currency: str) -> int:
    """'450.00' (or '₹1,450.5') in major units → minor units, exactly, with ``Decimal``."""
    exponent = Money(0, currency).exponent
    cleaned = re.sub(r"[\s,\u00a0]", "", text)  # spaces and grouping: 1,00,000.00
    for prefix in (get_currency_symbol(currency, locale=settings.LOCALE), currency):
        cleaned = cleaned.removeprefix(prefix)
    found = _AMOUNT.match(cleaned)
    if found is None:
        raise forms.ValidationError(
            f"Enter an amount in {currency} like {_example(currency)}, digits and a point only."
        )
    if len(found.group(2) or "") > exponent:
        raise forms.ValidationError(
            f"{currency} has {exponent} digit(s) after the point; {text.strip()} has more."
        )
    minor = Decimal(cleaned).scaleb(exponent)  # exact: at most `exponent` decimals
    if minor <= 0:
        raise forms.ValidationError("Enter an amount above zero.")
    return int(minor)


def _example(currency: str) -> str:
    """450.00 for INR and USD, 450 for a currency without minor units."""
    return str(Decimal(450).quantize(Decimal(1).scaleb(-Money(0, currency).exponent)))


# --- Small helpers ------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_staff:
        raise PermissionDenied
    return user


def _reader(customer: Customer) -> str:
    return customer.user.email or str(customer.user)


def _admin_url(obj: models.Model, view: str = "change") -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def _link(obj: models.Model | None, text: str | None = None) -> str:
    if obj is None:
        return EMPTY
    return format_html('<a href="{}">{}</a>', _admin_url(obj), text or str(obj))


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return EMPTY
    return f"{timezone.localtime(moment):%d %b %Y %H:%M}"


@dataclass(frozen=True)
class Tool:
    """A button on a change page (see ``admin/billing/change_form.html``)."""

    label: str
    url: str


class ReadOnlyInline(admin.TabularInline[_ChildT, _ParentT]):
    """Shown, never edited: records here change only through the services."""

    template = "admin/billing/readonly_inline.html"
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return False


class ViewOnlyAdmin(admin.ModelAdmin[_ModelT]):
    """Staff may look; the records are written by billing alone (no add, change or delete)."""

    change_form_template = "admin/billing/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def tools(self, request: HttpRequest, obj: _ModelT) -> list[Tool]:
        return []

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if obj is not None:
            context["billing_tools"] = self.tools(request, obj)
        return super().change_view(request, object_id, form_url, context)

    def _get(self, request: HttpRequest, object_id: str) -> _ModelT:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def _page(
        self,
        request: HttpRequest,
        template: str,
        obj: models.Model,
        *,
        title: str,
        form: forms.Form,
        submit: str,
        **context: Any,
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "object": obj,
                "object_url": _admin_url(obj),
                "title": title,
                "form": form,
                "submit_label": submit,
                **context,
            },
        )


# --- Plans --------------------------------------------------------------------------------


class PlanForm(forms.ModelForm[Plan]):
    benefits = forms.MultipleChoiceField(
        choices=Benefit.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What a subscription to this plan grants.",
    )

    class Meta:
        model = Plan
        fields = (
            "name",
            "slug",
            "description",
            "period_months",
            "benefits",
            "trial_days",
            "display_order",
            "is_active",
        )


class PlanPriceInline(admin.TabularInline[PlanPrice, Plan]):
    model = PlanPrice
    extra = 0
    fields = ("currency", "amount_minor", "shown_as", "intro_amount_minor", "intro_shown_as")
    readonly_fields = ("shown_as", "intro_shown_as")

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name == "amount_minor":
            field.help_text = "In minor units (paise): ₹2,700 is 270000."
        elif field is not None and db_field.name == "intro_amount_minor":
            field.help_text = "Optional first-period price, in minor units: ₹999 is 99900."
        elif field is not None and db_field.name == "currency":
            field.help_text = "ISO code: INR, USD."
        return field

    @admin.display(description="Price")
    def shown_as(self, obj: PlanPrice) -> str:
        return money(obj.amount_minor, obj.currency) if obj.pk else EMPTY

    @admin.display(description="Intro price")
    def intro_shown_as(self, obj: PlanPrice) -> str:
        return money(obj.intro_amount_minor, obj.currency) if obj.pk else EMPTY


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    form = PlanForm
    list_display = (
        "name",
        "slug",
        "period_months",
        "prices",
        "trial_days",
        "is_active",
        "display_order",
    )
    list_filter = ("is_active",)
    list_editable = ("display_order",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PlanPriceInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        return super().get_queryset(request).prefetch_related("prices")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Plan | None = None
    ) -> list[str] | tuple[str, ...]:
        if obj is not None and obj.subscriptions.exists():
            # Every subscriber's period ends derive from it: retire the plan and make a new one.
            return ("period_months",)
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        if obj is not None and obj.subscriptions.exists():
            return False  # retire it instead (untick "active")
        return super().has_delete_permission(request, obj)

    @admin.display(description="Prices")
    def prices(self, obj: Plan) -> str:
        shown = []
        for price in obj.prices.all():
            text = money(price.amount_minor, price.currency)
            if price.intro_amount_minor is not None:
                text += f" (first period {money(price.intro_amount_minor, price.currency)})"
            shown.append(text)
        return ", ".join(shown) or EMPTY


# --- Timelines, invoices and payments shown inline ----------------------------------------


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
        return money(obj.refunded_minor, obj.currency)


class CreditNoteInline(ReadOnlyInline[CreditNote, Any]):
    """Refunds against an invoice or a payment."""

    model = CreditNote
    fields = ("number", "issued_at", "amount", "reason")
    readonly_fields = fields

    @admin.display(description="Amount")
    def amount(self, obj: CreditNote) -> str:
        return money(obj.amount_minor, obj.currency)


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


# --- Subscriptions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    title: str
    submit: str
    explain: str


OPERATIONS = {
    "end-refund": Operation(
        title="End now with pro-rata refund",
        submit="End now and refund",
        explain="Access stops now. The unused part of the last paid period is refunded "
        "to the reader's card with a credit note.",
    ),
    "end": Operation(
        title="End now without refund",
        submit="End now",
        explain="Access stops now and nothing is refunded.",
    ),
    "cancel": Operation(
        title="Cancel at period end",
        submit="Cancel at period end",
        explain="No further charge; the reader keeps access to the end of what was paid. "
        "A past-due subscription ends now instead.",
    ),
    "undo-cancel": Operation(
        title="Undo cancellation",
        submit="Turn renewal back on",
        explain="The subscription renews at the end of the period as before.",
    ),
}


class StaffNoteForm(forms.Form):
    note = forms.CharField(
        max_length=200,
        required=False,
        help_text="Why, for the reader's timeline (e.g. 'Duplicate account, ticket 4411').",
    )


@admin.register(Subscription)
class SubscriptionAdmin(ViewOnlyAdmin[Subscription]):
    list_display = (
        "reader",
        "plan",
        "status",
        "current_period_end",
        "renewal_amount",
        "cancel_at_period_end",
    )
    list_filter = ("status", "plan", "cancel_at_period_end")
    search_fields = ("customer__user__email",)
    list_select_related = ("customer__user", "plan", "next_plan")
    actions = ("cancel_at_period_end_action", "undo_cancellation_action")
    fieldsets = (
        (None, {"fields": ("customer_link", "plan", "status", "renewal_amount", "clock_now")}),
        (
            "Current period",
            {
                "fields": (
                    "current_period_start",
                    "current_period_end",
                    "period_index",
                    "anchor",
                    "next_action_at",
                    "next_plan",
                )
            },
        ),
        (
            "Cancellation and end",
            {
                "fields": (
                    "cancel_at_period_end",
                    "cancellation_reason",
                    "retry_count",
                    "grace_until",
                    "ended_at",
                    "end_reason",
                )
            },
        ),
        ("Payments", {"fields": ("payments_table",)}),
        ("Record", {"fields": ("price", "checkout_key", "created_at")}),
    )
    readonly_fields = (
        "customer_link",
        "renewal_amount",
        "price",
        "clock_now",
        "payments_table",
        "created_at",
    )
    inlines = (InvoiceInline, TimelineInline)

    # Staff act through the services; the model's change permission allows that.
    def has_manage_permission(self, request: HttpRequest, obj: Subscription | None = None) -> bool:
        return request.user.has_perm("billing.change_subscription")

    @admin.display(description="Reader", ordering="customer__user__email")
    def reader(self, obj: Subscription) -> str:
        return _reader(obj.customer)

    @admin.display(description="Customer")
    def customer_link(self, obj: Subscription) -> str:
        return _link(obj.customer, _reader(obj.customer))

    @admin.display(description="Renewal amount")
    def renewal_amount(self, obj: Subscription) -> str:
        return _renewal(obj)

    @admin.display(description="Price per period")
    def price(self, obj: Subscription) -> str:
        return money(obj.amount_minor, obj.currency)

    @admin.display(description="Billing clock now")
    def clock_now(self, obj: Subscription) -> str:
        test_clock = obj.customer.test_clock
        label = "test clock" if test_clock is not None else "real time"
        return f"{_when(now_for(obj.customer))} ({label})"

    @admin.display(description="Payments")
    def payments_table(self, obj: Subscription) -> str:
        payments = (
            Payment.objects.filter(invoice__subscription=obj)
            .select_related("invoice")
            .order_by("-created_at", "-pk")
        )
        rows = format_html_join(
            "",
            "<tr><td><a href='{}'>{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td></tr>",
            (
                (
                    _admin_url(p),
                    p.idempotency_key,
                    p.invoice.number or EMPTY,
                    p.get_status_display(),
                    money(p.amount_minor, p.currency),
                    money(p.refunded_minor, p.currency),
                    _when(p.settled_at),
                )
                for p in payments
            ),
        )
        if not rows:
            return EMPTY
        return format_html(
            "<table><thead><tr><th>Payment</th><th>Invoice</th><th>Status</th><th>Amount</th>"
            "<th>Refunded</th><th>Settled</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def tools(self, request: HttpRequest, obj: Subscription) -> list[Tool]:
        if not self.has_manage_permission(request, obj):
            return []
        found = []
        if obj.status in LIVE_STATUSES:
            found += ["end-refund", "end"]
        if obj.status == SubscriptionStatus.ACTIVE and not obj.cancel_at_period_end:
            found.append("cancel")
        if obj.status == SubscriptionStatus.ACTIVE and obj.cancel_at_period_end:
            found.append("undo-cancel")
        tools = [Tool(OPERATIONS[op].title, self._manage_url(obj, op)) for op in found]
        if request.user.has_perm("access.add_grant"):
            url = reverse("admin:billing_customer_complimentary", args=[obj.customer_id])
            tools.append(Tool("Complimentary extension", url))
        return tools

    def _manage_url(self, obj: Subscription, operation: str) -> str:
        return reverse("admin:billing_subscription_manage", args=[obj.pk, operation])

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<path:object_id>/manage/<slug:operation>/",
                self.admin_site.admin_view(self.manage_view),
                name="billing_subscription_manage",
            )
        ]
        return [*extra, *super().get_urls()]

    def manage_view(self, request: HttpRequest, object_id: str, operation: str) -> HttpResponse:
        """Confirm, then end, cancel or undo: GET shows what will happen, POST does it."""
        sub = self._get(request, object_id)
        if operation not in OPERATIONS:
            raise Http404("No such operation.")
        if not self.has_manage_permission(request, sub):
            raise PermissionDenied
        staff = _staff(request)
        form = StaffNoteForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            note = form.cleaned_data["note"]
            try:
                done = self._perform(sub, operation, note=note, staff=staff)
            except services.BillingError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            except GatewayError as exc:
                self.message_user(request, _gateway_trouble(exc, sub), messages.ERROR)
            else:
                self.log_change(request, sub, done)
                self.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(_admin_url(sub))
        payment = _last_successful_payment(sub) if operation == "end-refund" else None
        refund = services.unused_amount(payment=payment, at=now_for(sub.customer)) if payment else 0
        return self._page(
            request,
            "admin/billing/subscription/confirm.html",
            sub,
            title=OPERATIONS[operation].title,
            form=form,
            submit=OPERATIONS[operation].submit,
            operation=OPERATIONS[operation],
            refunds=operation == "end-refund",
            refund_payment=payment,
            refund_amount=money(refund, sub.currency),
            reader=_reader(sub.customer),
            renewal=_renewal(sub),
            clock_now=self.clock_now(sub),
        )

    def _perform(self, sub: Subscription, operation: str, *, note: str, staff: User) -> str:
        who = f"by {staff.get_username()}" + (f": {note}" if note else "")
        if operation in ("end-refund", "end"):
            refunded = services.staff_end_now(
                subscription=sub, refund_unused=operation == "end-refund", note=who
            )
            if operation == "end" or not refunded:
                return f"Ended {sub.plan} for {_reader(sub.customer)} now; nothing refunded."
            return (
                f"Ended {sub.plan} for {_reader(sub.customer)} now and refunded "
                f"{money(refunded, sub.currency)} with a credit note."
            )
        if operation == "cancel":
            done = services.cancel(subscription=sub, reason=f"Staff, {who}")
            if done.status == SubscriptionStatus.ENDED:
                return f"{_reader(sub.customer)} was past due: the subscription ended now."
            return (
                f"Cancelled at period end: {_reader(sub.customer)} keeps access until "
                f"{_when(done.current_period_end)}."
            )
        services.undo_cancel(subscription=sub)
        return f"Renewal is back on for {_reader(sub.customer)}."

    @admin.action(description="Cancel at period end", permissions=["manage"])
    def cancel_at_period_end_action(
        self, request: HttpRequest, queryset: QuerySet[Subscription]
    ) -> None:
        self._bulk(request, queryset, "cancel")

    @admin.action(description="Undo cancellation", permissions=["manage"])
    def undo_cancellation_action(
        self, request: HttpRequest, queryset: QuerySet[Subscription]
    ) -> None:
        self._bulk(request, queryset, "undo-cancel")

    def _bulk(self, request: HttpRequest, queryset: QuerySet[Subscription], operation: str) -> None:
        staff = _staff(request)
        for sub in queryset.select_related("customer__user", "plan"):
            try:
                done = self._perform(sub, operation, note="", staff=staff)
            except services.BillingError as exc:
                self.message_user(request, f"{_reader(sub.customer)}: {exc}", messages.ERROR)
            else:
                self.log_change(request, sub, done)
                self.message_user(request, done, messages.SUCCESS)


# --- Invoices and credit notes ------------------------------------------------------------


def _pdf_response(content: bytes, number: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{attachment_filename(number)}"'
    return response


@admin.register(Invoice)
class InvoiceAdmin(ViewOnlyAdmin[Invoice]):
    """A tax invoice never changes once issued: nothing here edits or deletes one."""

    list_display = (
        "__str__",
        "reader",
        "kind",
        "status",
        "total",
        "financial_year",
        "issued_at",
        "pdf",
    )
    list_filter = ("status", "kind", "financial_year")
    search_fields = ("number", "customer__user__email")
    list_select_related = ("customer__user",)
    fieldsets = (
        (None, {"fields": ("number", "status", "kind", "customer_link", "subscription_link")}),
        ("Period", {"fields": ("description", "period_start", "period_end")}),
        ("Amounts", {"fields": ("total", "taxable", "cgst", "sgst", "igst", "tax_rate_bp")}),
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

    @admin.display(description="PDF")
    def pdf(self, obj: Invoice) -> str:
        return _pdf_link(obj)

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
        return money(obj.amount_minor, obj.currency)

    @admin.display(description="Taxable value")
    def taxable(self, obj: CreditNote) -> str:
        return money(obj.taxable_minor, obj.currency)

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


# --- Payments and refunds -----------------------------------------------------------------


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
        return money(obj.refunded_minor, obj.currency) if obj.refunded_minor else EMPTY

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
                except GatewayError as exc:
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


# --- Customers and complimentary access ---------------------------------------------------


COMP_CHOICES = [
    (d.value, COMP_DURATION_LABELS[d])
    for d in (
        CompDuration.ONE_WEEK,
        CompDuration.ONE_MONTH,
        CompDuration.SIX_MONTHS,
        CompDuration.ONE_YEAR,
    )
]


class ComplimentaryExtensionForm(forms.Form):
    duration = forms.ChoiceField(choices=COMP_CHOICES, initial=CompDuration.ONE_MONTH.value)
    note = forms.CharField(
        max_length=200, required=False, help_text="Why (e.g. 'Delivery complaint, ticket 4411')."
    )


@admin.register(Customer)
class CustomerAdmin(ViewOnlyAdmin[Customer]):
    list_display = ("reader", "name", "gateway", "state_code", "gstin", "clock", "created_at")
    list_filter = ("gateway", ("test_clock", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "name", "gstin")
    list_select_related = ("user", "test_clock")
    fieldsets = (
        (None, {"fields": ("reader", "name", "created_at")}),
        ("Tax details", {"fields": ("state_code", "gstin")}),
        (
            "Gateway",
            {
                "fields": (
                    "gateway",
                    "gateway_customer_id",
                    "payment_method_label",
                    "mandate_limit",
                )
            },
        ),
        ("Clock", {"fields": ("clock", "clock_now")}),
    )
    readonly_fields = ("reader", "created_at", "mandate_limit", "clock", "clock_now")
    inlines = (SubscriptionInline, TimelineInline)
    actions = ("put_on_test_clock",)

    @admin.action(description="Put on a sandbox test clock (starting now)")
    def put_on_test_clock(self, request: HttpRequest, queryset: QuerySet[Customer]) -> None:
        done = 0
        for customer in queryset:
            try:
                services.attach_test_clock(customer=customer)
            except services.BillingError as exc:
                self.message_user(request, f"{customer}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                f"{done} customer(s) on a test clock; move it from Billing → Test clocks.",
                messages.SUCCESS,
            )

    @admin.display(description="Reader", ordering="user__email")
    def reader(self, obj: Customer) -> str:
        return _reader(obj)

    @admin.display(description="Mandate limit")
    def mandate_limit(self, obj: Customer) -> str:
        return money(obj.mandate_limit_minor, settings.CURRENCY)

    @admin.display(description="Test clock", ordering="test_clock__frozen_time")
    def clock(self, obj: Customer) -> str:
        return _link(obj.test_clock) if obj.test_clock_id else "Real time"

    @admin.display(description="Billing clock now")
    def clock_now(self, obj: Customer) -> str:
        return _when(now_for(obj))

    def has_comp_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("access.add_grant")

    def tools(self, request: HttpRequest, obj: Customer) -> list[Tool]:
        if not self.has_comp_permission(request):
            return []
        url = reverse("admin:billing_customer_complimentary", args=[obj.pk])
        return [Tool("Complimentary extension", url)]

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<path:object_id>/complimentary/",
                self.admin_site.admin_view(self.complimentary_view),
                name="billing_customer_complimentary",
            )
        ]
        return [*extra, *super().get_urls()]

    def complimentary_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        customer = self._get(request, object_id)
        if not self.has_comp_permission(request):
            raise PermissionDenied
        staff = _staff(request)
        form = ComplimentaryExtensionForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                given = services.give_complimentary(
                    customer=customer,
                    duration=CompDuration(form.cleaned_data["duration"]),
                    staff=staff,
                    note=form.cleaned_data["note"],
                )
            except services.BillingError as exc:
                form.add_error(None, str(exc))
            else:
                self.log_change(request, customer, given.message)
                self.message_user(request, given.message, messages.SUCCESS)
                return HttpResponseRedirect(_admin_url(customer))
        return self._page(
            request,
            "admin/billing/customer/complimentary.html",
            customer,
            title=f"Complimentary extension for {_reader(customer)}",
            form=form,
            submit="Grant access",
            reader=_reader(customer),
        )


# --- Test clocks --------------------------------------------------------------------------


def advance_test_clock(test_clock: TestClock, *, days: int) -> renewals.RunReport:
    """Move one test clock forward a day at a time, doing the due work after each day.

    Like ``operations.advance_clocks`` but for a single clock. The due work is the worker's
    usual sweep, so it also does whatever else happens to be due at that moment.
    """
    if days < 1:
        raise ValueError("Advance a test clock by at least one whole day.")
    total = renewals.RunReport()
    for _ in range(days):
        clock.advance(test_clock, by=dt.timedelta(days=1))
        report = renewals.run_due_work()
        total.processed += report.processed
        total.failed += report.failed
    return total


class AdvanceClockForm(forms.Form):
    days = forms.IntegerField(
        min_value=1, max_value=MAX_ADVANCE_DAYS, help_text="Whole days; the clock never goes back."
    )
    # The clock's time when the page was shown: a second submit of the same page is refused.
    from_time = forms.CharField(widget=forms.HiddenInput)


@admin.register(TestClock)
class TestClockAdmin(admin.ModelAdmin[TestClock]):
    change_form_template = "admin/billing/change_form.html"
    list_display = ("name", "frozen_time", "customer_count", "created_at", "advance_link")
    search_fields = ("name", "customers__user__email")

    def get_queryset(self, request: HttpRequest) -> QuerySet[TestClock]:
        return super().get_queryset(request).annotate(n_customers=Count("customers"))

    fields = ("name", "frozen_time", "created_at", "customer_list")

    def get_readonly_fields(
        self, request: HttpRequest, obj: TestClock | None = None
    ) -> list[str] | tuple[str, ...]:
        # Once made, a clock only moves forward, through "Advance".
        if obj is None:
            return ("created_at", "customer_list")
        return ("frozen_time", "created_at", "customer_list")

    def save_model(self, request: HttpRequest, obj: TestClock, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])  # never write back a stale frozen_time
        else:
            super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: TestClock | None = None) -> bool:
        if obj is not None and obj.customers.exists():
            return False  # its customers would jump to real time
        return super().has_delete_permission(request, obj)

    @admin.display(description="Customers")
    def customer_count(self, obj: TestClock) -> int:
        return int(getattr(obj, "n_customers", 0))

    @admin.display(description="Customers")
    def customer_list(self, obj: TestClock) -> SafeString | str:
        customers = list(obj.customers.select_related("user"))
        if not customers:
            return EMPTY
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((_admin_url(c), _reader(c)) for c in customers)
        )

    @admin.display(description="")
    def advance_link(self, obj: TestClock) -> str:
        url = reverse("admin:billing_testclock_advance", args=[obj.pk])
        return format_html('<a href="{}">Advance…</a>', url)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        tools = []
        if self.has_change_permission(request):
            url = reverse("admin:billing_testclock_advance", args=[unquote(object_id)])
            tools.append(Tool("Advance", url))
        context = {**(extra_context or {}), "billing_tools": tools}
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<path:object_id>/advance/",
                self.admin_site.admin_view(self.advance_view),
                name="billing_testclock_advance",
            )
        ]
        return [*extra, *super().get_urls()]

    def advance_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        test_clock = self.get_object(request, unquote(object_id))
        if test_clock is None:
            raise Http404("No such test clock.")
        if not self.has_change_permission(request, test_clock):
            raise PermissionDenied
        shown_at = test_clock.frozen_time.isoformat()
        form = AdvanceClockForm(
            request.POST if request.method == "POST" else None, initial={"from_time": shown_at}
        )
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["from_time"] != shown_at:
                self.message_user(
                    request,
                    "The clock has moved since that page was shown (sent twice?); it was not "
                    f"moved again. It is now {_when(test_clock.frozen_time)}.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(_admin_url(test_clock))
            days = int(form.cleaned_data["days"])
            report = advance_test_clock(test_clock, days=days)
            done = (
                f"Moved {test_clock.name} forward {days} day(s) to "
                f"{_when(test_clock.frozen_time)}; processed {report.processed} due item(s)"
                + (f", {report.failed} failed (gateway unavailable)." if report.failed else ".")
            )
            self.log_change(request, test_clock, done)
            self.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(_admin_url(test_clock))
        return TemplateResponse(
            request,
            "admin/billing/testclock/advance.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "object": test_clock,
                "object_url": _admin_url(test_clock),
                "title": f"Advance {test_clock.name}",
                "form": form,
                "submit_label": "Advance",
                "now": _when(test_clock.frozen_time),
                "customers": [_reader(c) for c in test_clock.customers.select_related("user")[:20]],
            },
        )


# --- Records kept for support and audit ---------------------------------------------------


@admin.register(PreDebitNotice)
class PreDebitNoticeAdmin(ViewOnlyAdmin[PreDebitNotice]):
    list_display = ("subscription", "reader", "amount", "period_start", "charge_on", "sent_at")
    search_fields = ("subscription__customer__user__email",)
    list_select_related = ("subscription__customer__user", "subscription__plan")
    fields = ("subscription", "reader", "amount", "period_start", "charge_on", "sent_at")
    readonly_fields = ("reader", "amount")

    @admin.display(description="Reader", ordering="subscription__customer__user__email")
    def reader(self, obj: PreDebitNotice) -> str:
        return _reader(obj.subscription.customer)

    @admin.display(description="Amount", ordering="amount_minor")
    def amount(self, obj: PreDebitNotice) -> str:
        return money(obj.amount_minor, obj.currency)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ViewOnlyAdmin[WebhookEvent]):
    list_display = (
        "received_at",
        "gateway",
        "event_type",
        "event_id",
        "object_id",
        "processed",
        "error",
    )
    list_filter = ("gateway", ("processed_at", admin.EmptyFieldListFilter), "event_type")
    search_fields = ("event_id", "object_id", "event_type")
    fields = (
        "gateway",
        "event_type",
        "event_id",
        "object_id",
        "received_at",
        "processed",
        "processed_at",
        "error",
        "payload",
    )
    readonly_fields = ("received_at", "processed")

    @admin.display(description="Processed", boolean=True, ordering="processed_at")
    def processed(self, obj: WebhookEvent) -> bool:
        return obj.processed_at is not None


@admin.register(BillingEvent)
class BillingEventAdmin(ViewOnlyAdmin[BillingEvent]):
    list_display = ("occurred_at", "reader", "kind", "message")
    list_filter = ("kind",)
    search_fields = ("customer__user__email", "message")
    list_select_related = ("customer__user",)
    fields = ("occurred_at", "customer", "subscription", "kind", "message", "data")

    @admin.display(description="Reader", ordering="customer__user__email")
    def reader(self, obj: BillingEvent) -> str:
        return _reader(obj.customer)

"""Subscriptions: their timeline and the staff operations (cancel, undo, end now, pay)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join

from masthead.billing import services
from masthead.billing.admin.common import (
    EMPTY,
    Tool,
    ViewOnlyAdmin,
    _admin_url,
    _link,
    _reader,
    _staff,
    _when,
    money,
)
from masthead.billing.admin.inlines import (
    InvoiceInline,
    TimelineInline,
    _gateway_trouble,
    _last_successful_payment,
    _renewal,
)
from masthead.billing.clock import now_for
from masthead.billing.models import LIVE_STATUSES, Payment, Subscription, SubscriptionStatus


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
            except services.GatewayError as exc:
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

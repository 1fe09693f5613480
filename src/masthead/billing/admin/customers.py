"""Customers and complimentary access."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from masthead.access.services import COMP_DURATION_LABELS, CompDuration
from masthead.billing import services
from masthead.billing.admin.common import (
    Tool,
    ViewOnlyAdmin,
    _admin_url,
    _link,
    _reader,
    _staff,
    _when,
    money,
)
from masthead.billing.admin.inlines import SubscriptionInline, TimelineInline
from masthead.billing.clock import now_for
from masthead.billing.models import Customer

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

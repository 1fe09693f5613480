"""Sandbox test clocks: advancing a customer's time to watch renewals happen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from masthead.billing import clock, renewals
from masthead.billing.admin.common import EMPTY, MAX_ADVANCE_DAYS, Tool, _admin_url, _reader, _when
from masthead.billing.models import TestClock


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

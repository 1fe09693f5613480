"""The dashboards' entries in the back office's index: a "Revenue" section, shown to staff
who may view revenue (``insights.view_revenue``), whose links open the dashboards."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from masthead.insights.models import ConversionDashboard, RevenueDashboard


class _DashboardLink(admin.ModelAdmin[Any]):
    url_name = ""

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.has_perm("insights.view_revenue"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponseRedirect:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse(self.url_name))


@admin.register(RevenueDashboard)
class RevenueDashboardLink(_DashboardLink):
    url_name = "insights:revenue"


@admin.register(ConversionDashboard)
class ConversionDashboardLink(_DashboardLink):
    url_name = "insights:conversion"

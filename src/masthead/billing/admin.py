from __future__ import annotations

from django.contrib import admin

from masthead.billing.models import Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = (
        "name",
        "price_minor",
        "currency",
        "period_months",
        "is_active",
        "display_order",
    )
    list_filter = ("is_active", "currency")
    prepopulated_fields = {"slug": ("name",)}

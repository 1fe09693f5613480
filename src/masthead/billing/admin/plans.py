"""Plans and their prices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from masthead.access.models import Benefit
from masthead.billing.admin.common import EMPTY, money
from masthead.billing.models import Plan, PlanPrice


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

"""Plans and their prices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from masthead.access.models import Benefit
from masthead.billing.admin.common import EMPTY, money, parse_amount
from masthead.billing.models import Plan, PlanPrice
from masthead.core.money import Money, currency_problem


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


def _major(minor: int | None, currency: str) -> str:
    """270000 paise → '2700.00' (exact; the form shows rupees, never paise)."""
    if minor is None:
        return ""
    exponent = Money(0, currency).exponent if currency else 2
    return f"{Decimal(int(minor)).scaleb(-exponent):.{exponent}f}"


class PlanPriceForm(forms.ModelForm[PlanPrice]):
    """Staff type prices in rupees (or dollars), like every other amount in the back office."""

    price = forms.CharField(
        label="Price", max_length=24, help_text="In rupees (or dollars), e.g. 2700 or 2,700.00."
    )
    intro_price = forms.CharField(
        label="First-period price", max_length=24, required=False, help_text="Optional."
    )

    class Meta:
        model = PlanPrice
        fields = ("currency",)
        help_texts = {"currency": "INR or USD."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            currency = self.instance.currency
            self.initial["price"] = _major(self.instance.amount_minor, currency)
            self.initial["intro_price"] = _major(self.instance.intro_amount_minor, currency)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = str(cleaned.get("currency") or "")
        problem = currency_problem(currency)
        if problem:
            self.add_error("currency", problem)
            return cleaned
        try:
            self.instance.amount_minor = parse_amount(
                str(cleaned.get("price", "")), currency=currency
            )
        except forms.ValidationError as exc:
            self.add_error("price", exc)
        intro = str(cleaned.get("intro_price") or "").strip()
        try:
            self.instance.intro_amount_minor = (
                parse_amount(intro, currency=currency) if intro else None
            )
        except forms.ValidationError as exc:
            self.add_error("intro_price", exc)
        return cleaned


class PlanPriceInline(admin.TabularInline[PlanPrice, Plan]):
    model = PlanPrice
    form = PlanPriceForm
    extra = 0
    fields = ("currency", "price", "shown_as", "intro_price", "intro_shown_as")
    readonly_fields = ("shown_as", "intro_shown_as")

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

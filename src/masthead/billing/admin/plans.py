"""Plans and their prices.

Prices are versioned, never edited in place (ADR 0014): the inline refuses a changed amount and
points at "Add a new price", which makes a new version (``services.add_price``); "Move
subscribers to the current price" schedules existing subscribers onto it, told ahead.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from masthead.access.models import Benefit
from masthead.billing import services
from masthead.billing.admin.common import EMPTY, money, parse_amount
from masthead.billing.models import Plan, PlanPrice
from masthead.core.money import Money, currency_problem

EDIT_IN_PLACE_REFUSED = (
    "Prices are never edited in place: existing subscribers keep the price they agreed to, "
    "and the gateway's plan for this price cannot change. Use “Add a new price” above the "
    "prices to make a new one; then “Move subscribers to the current price” if they should "
    "pay it too (they are told ahead)."
)


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


def _amounts(form: forms.BaseForm, cleaned: dict[str, Any]) -> tuple[str, int | None, int | None]:
    """The currency and the typed prices in minor units; errors go on their fields."""
    currency = str(cleaned.get("currency") or "").strip().upper()
    problem = currency_problem(currency)
    if problem:
        form.add_error("currency", problem)
        return currency, None, None
    amount = intro = None
    try:
        amount = parse_amount(str(cleaned.get("price", "")), currency=currency)
    except forms.ValidationError as exc:
        form.add_error("price", exc)
    typed_intro = str(cleaned.get("intro_price") or "").strip()
    try:
        intro = parse_amount(typed_intro, currency=currency) if typed_intro else None
    except forms.ValidationError as exc:
        form.add_error("intro_price", exc)
    return currency, amount, intro


class PlanPriceForm(forms.ModelForm[PlanPrice]):
    """Staff type prices in rupees (or dollars), like every other amount in the back office.
    A plan's first price in a currency is added here; a price that exists is never edited in
    place (ADR 0014): changing it is "Add a new price"."""

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
        existing = self.instance.pk is not None
        if existing and self.has_changed():
            raise ValidationError(EDIT_IN_PLACE_REFUSED)
        currency, amount, intro = _amounts(self, cleaned)
        if existing or amount is None:
            return cleaned
        plan_id = self.instance.plan_id
        if plan_id and PlanPrice.objects.filter(plan_id=plan_id, currency=currency).exists():
            raise ValidationError(EDIT_IN_PLACE_REFUSED)
        self.instance.amount_minor = amount
        self.instance.intro_amount_minor = intro
        return cleaned


class AddPriceForm(forms.Form):
    currency = forms.CharField(max_length=3, help_text="ISO code: INR or USD.")
    price = forms.CharField(
        label="Price", max_length=24, help_text="Per period, in rupees (or dollars): 2700."
    )
    intro_price = forms.CharField(
        label="First-period price", max_length=24, required=False, help_text="Optional."
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency, amount, intro = _amounts(self, cleaned)
        cleaned.update(currency=currency, amount_minor=amount, intro_amount_minor=intro)
        return cleaned


class PlanPriceInline(admin.TabularInline[PlanPrice, Plan]):
    model = PlanPrice
    form = PlanPriceForm
    extra = 0
    can_delete = False
    verbose_name_plural = "Current prices (to change one, use “Add a new price”)"
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
    actions = ("move_subscribers_to_current_price",)
    readonly_fields = ("price_versions",)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:plan_id>/add-price/",
                self.admin_site.admin_view(self.add_price_view),
                name="billing_plan_add_price",
            ),
            *super().get_urls(),
        ]

    def add_price_view(self, request: HttpRequest, plan_id: int) -> HttpResponse:
        plan = get_object_or_404(Plan, pk=plan_id)
        if not self.has_change_permission(request, plan):
            raise PermissionDenied
        form = AddPriceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                price = services.add_price(
                    plan=plan,
                    currency=form.cleaned_data["currency"],
                    amount_minor=form.cleaned_data["amount_minor"],
                    intro_amount_minor=form.cleaned_data["intro_amount_minor"],
                )
            except services.BillingError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    f"New price {money(price.amount_minor, price.currency)} for {plan}: new "
                    "readers pay it from now. Existing subscribers keep theirs until you move "
                    "them (action “Move subscribers to the current price”).",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:billing_plan_change", args=[plan.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Add a new price for {plan}",
            "form": form,
            "object": plan,
            "object_url": reverse("admin:billing_plan_change", args=[plan.pk]),
            "submit_label": "Add this price",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/billing/plan/add_price.html", context)

    @admin.display(description="Price history")
    def price_versions(self, obj: Plan) -> str:
        if obj.pk is None:
            return EMPTY
        link = format_html(
            '<a href="{}">Add a new price</a>',
            reverse("admin:billing_plan_add_price", args=[obj.pk]),
        )
        rows = [
            f"{money(p.amount_minor, p.currency)} from {p.created_at:%d %b %Y}"
            + (f" to {p.retired_at:%d %b %Y}" if p.retired_at else " (current)")
            for p in PlanPrice.versions.filter(plan=obj).order_by("currency", "created_at")
        ]
        return format_html("{}<br>{}", link, "; ".join(rows) or EMPTY)

    @admin.action(description="Move subscribers to the current price (told ahead)")
    def move_subscribers_to_current_price(
        self, request: HttpRequest, queryset: QuerySet[Plan]
    ) -> None:
        for plan in queryset:
            for price in PlanPrice.objects.filter(plan=plan):
                report = services.move_to_current_price(price=price)
                skipped = "; ".join(f"{n} {why}" for why, n in report.skipped.items())
                self.message_user(
                    request,
                    f"{plan} {price.currency}: {report.moved} moved and told, "
                    f"{report.already} already on it"
                    + (f"; not moved: {skipped}" if skipped else ""),
                    messages.WARNING if report.skipped else messages.SUCCESS,
                )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        return super().get_queryset(request).prefetch_related("prices")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Plan | None = None
    ) -> list[str] | tuple[str, ...]:
        if obj is not None and obj.subscriptions.exists():
            # Every subscriber's period ends derive from it: retire the plan and make a new one.
            return ("price_versions", "period_months")
        return ("price_versions",)

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

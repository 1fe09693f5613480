"""Reading the plan catalogue."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from masthead.access.offers import PlanOffer
from masthead.billing.models import Plan
from masthead.core.money import Money, format_money, per_month_floor


def offered_plans(*, currency: str | None = None) -> QuerySet[Plan]:
    return Plan.objects.filter(is_active=True, currency=currency or settings.CURRENCY)


def period_label(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} Year" if years == 1 else f"{years} Years"
    return f"{months} Month" if months == 1 else f"{months} Months"


def plan_offer(plan: Plan) -> PlanOffer:
    price = Money(minor=int(plan.price_minor), currency=plan.currency)
    monthly = per_month_floor(total=price, months=plan.period_months)
    locale = settings.LOCALE
    return PlanOffer(
        slug=plan.slug,
        name=plan.name,
        price=format_money(price, locale=locale),
        period=period_label(plan.period_months),
        per_month=f"{format_money(monthly, locale=locale, whole=True)}/Month",
        per_month_minor=monthly.minor,
        currency=plan.currency,
        subscribe_url=reverse("billing:subscribe") + f"?plan={plan.slug}",
    )


def plan_offers() -> list[PlanOffer]:
    """The plans on offer, as the prompt and the subscribe page show them."""
    return [plan_offer(plan) for plan in offered_plans()]

"""Reading billing: the plan catalogue, a reader's subscription, invoices."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from masthead.access.offers import PlanOffer
from masthead.billing.models import (
    LIVE_STATUSES,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    Plan,
    PlanPrice,
    Subscription,
)
from masthead.core.money import Money, format_money, per_month_floor


def offered_prices(*, currency: str | None = None) -> QuerySet[PlanPrice]:
    return (
        PlanPrice.objects.filter(plan__is_active=True, currency=currency or settings.CURRENCY)
        .select_related("plan")
        .order_by("plan__display_order", "plan__pk")
    )


def price_for(*, plan: Plan, currency: str) -> PlanPrice | None:
    return PlanPrice.objects.filter(plan=plan, currency=currency).first()


def period_label(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} Year" if years == 1 else f"{years} Years"
    return f"{months} Month" if months == 1 else f"{months} Months"


def plan_offer(price: PlanPrice) -> PlanOffer:
    plan = price.plan
    money = Money(minor=int(price.amount_minor), currency=price.currency)
    monthly = per_month_floor(total=money, months=plan.period_months)
    locale = settings.LOCALE
    return PlanOffer(
        slug=plan.slug,
        name=plan.name,
        price=format_money(money, locale=locale),
        period=period_label(plan.period_months),
        per_month=f"{format_money(monthly, locale=locale)}/Month",
        per_month_minor=monthly.minor,
        currency=price.currency,
        subscribe_url=reverse("billing:checkout", kwargs={"plan_slug": plan.slug}),
    )


def plan_offers() -> list[PlanOffer]:
    """The plans on offer, as the prompt and the subscribe page show them."""
    return [plan_offer(price) for price in offered_prices()]


def customer_for(*, user_id: int) -> Customer | None:
    return Customer.objects.filter(user_id=user_id).select_related("test_clock").first()


def live_subscription(*, user_id: int) -> Subscription | None:
    return (
        Subscription.objects.filter(customer__user_id=user_id, status__in=LIVE_STATUSES)
        .select_related("plan", "customer", "customer__test_clock", "next_plan")
        .first()
    )


def latest_subscription(*, user_id: int) -> Subscription | None:
    return (
        Subscription.objects.filter(customer__user_id=user_id)
        .select_related("plan", "customer", "customer__test_clock", "next_plan")
        .order_by("-created_at", "-pk")
        .first()
    )


def paid_invoices(*, user_id: int) -> QuerySet[Invoice]:
    return Invoice.objects.filter(customer__user_id=user_id, status=InvoiceStatus.PAID).order_by(
        "-issued_at"
    )


def credit_notes(*, user_id: int) -> QuerySet[CreditNote]:
    """The reader's credit notes (refunds), newest first, with the invoice each reduces."""
    return (
        CreditNote.objects.filter(invoice__customer__user_id=user_id)
        .select_related("invoice")
        .order_by("-issued_at", "-pk")
    )

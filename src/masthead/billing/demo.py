"""The demo plans from the seed page."""

from __future__ import annotations

from django.db import transaction

from masthead.access.models import Benefit
from masthead.billing.models import Plan

ALL_BENEFITS = [b.value for b in Benefit]
PLANS = [
    ("smart-quarterly", "Smart Quarterly", 90_000, 3, 10),
    ("smart-essential", "Smart Essential", 270_000, 12, 20),
    ("super-saver", "Super Saver", 390_000, 24, 30),
]


@transaction.atomic
def load() -> None:
    for slug, name, price_minor, months, order in PLANS:
        Plan.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "price_minor": price_minor,
                "currency": "INR",
                "period_months": months,
                "benefits": ALL_BENEFITS,
                "display_order": order,
                "is_active": True,
            },
        )

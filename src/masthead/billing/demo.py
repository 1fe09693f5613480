"""The demo plans from the seed page, priced in rupees, and in dollars for readers abroad."""

from __future__ import annotations

from django.db import transaction

from masthead.access.models import Benefit
from masthead.billing.models import Plan, PlanPrice

ALL_BENEFITS = [b.value for b in Benefit]
# slug, name, INR paise, USD cents, months, order
PLANS = [
    ("smart-quarterly", "Smart Quarterly", 90_000, 1_500, 3, 10),
    ("smart-essential", "Smart Essential", 270_000, 4_500, 12, 20),
    ("super-saver", "Super Saver", 390_000, 6_500, 24, 30),
]


@transaction.atomic
def load() -> None:
    for slug, name, inr, usd, months, order in PLANS:
        plan, _ = Plan.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "period_months": months,
                "benefits": ALL_BENEFITS,
                "display_order": order,
                "is_active": True,
                "description": f"{name}: every benefit, billed every {months} months.",
            },
        )
        PlanPrice.objects.update_or_create(
            plan=plan, currency="INR", defaults={"amount_minor": inr}
        )
        PlanPrice.objects.update_or_create(
            plan=plan, currency="USD", defaults={"amount_minor": usd}
        )

"""Plans and prices. (Subscriptions, payments and invoices arrive with the billing issue.)"""

from __future__ import annotations

from typing import Any

from django.db import models


class Plan(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    price_minor = models.PositiveBigIntegerField(
        help_text="Price for one billing period in minor units (paise): ₹2,700 is 270000."
    )
    currency = models.CharField(max_length=3, default="INR")
    period_months = models.PositiveSmallIntegerField(help_text="Billing period in months.")
    benefits: models.JSONField[Any, Any] = models.JSONField(
        default=list, blank=True, help_text="The benefits a subscription to this plan grants."
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(
        default=True, help_text="Retired plans keep their subscribers but are not offered."
    )

    class Meta:
        ordering = ("display_order", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_months__gte=1), name="plan_period_at_least_a_month"
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="plan_currency_iso"
            ),
        ]

    def __str__(self) -> str:
        return self.name

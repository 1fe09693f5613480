"""What a plan's price charges: today and each period after, as the checkout page shows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from masthead.billing.invoicing import _tax_for
from masthead.billing.models import Customer, PlanPrice


@dataclass(frozen=True)
class CheckoutTerms:
    """What a checkout charges today and each period after, as invoice totals (with GST
    added when prices exclude it): what the checkout page promises is what ``checkout`` does."""

    currency: str
    today_minor: int  # 0 during a free trial
    then_minor: int  # each later period (after the trial, or after the introductory period)
    today_price_minor: int  # the same before GST added on top (equal when prices include it)
    then_price_minor: int
    introductory: bool  # the first period is at an introductory price
    trial_days: int
    trial_end: dt.datetime | None  # when the first charge is made, after a trial
    period_months: int
    taxed: bool  # GST applies (prices in rupees)


def _first_period_price(price: PlanPrice) -> int:
    if price.intro_amount_minor is not None:
        return int(price.intro_amount_minor)
    return int(price.amount_minor)


def _invoice_total(*, amount_minor: int, currency: str) -> tuple[int, bool]:
    """The invoice total for a price, and whether GST is in it: the invoice's own tax rule
    (its total does not depend on the buyer's state, only the CGST/SGST/IGST split does)."""
    split = _tax_for(customer=Customer(state_code=""), amount_minor=amount_minor, currency=currency)
    return split.total, split.total != split.taxable


def checkout_terms(*, price: PlanPrice, now: dt.datetime) -> CheckoutTerms:
    """The amounts ``checkout`` would charge for ``price`` if the reader subscribed at ``now``.

    A trial charges nothing today and the full price from its end (the renewal charges the
    subscription's amount); otherwise the first period costs the introductory price, if any.
    """
    plan = price.plan
    then_price = int(price.amount_minor)
    today_price = 0 if plan.trial_days else _first_period_price(price)
    today_total, _ = _invoice_total(amount_minor=today_price, currency=price.currency)
    then_total, taxed = _invoice_total(amount_minor=then_price, currency=price.currency)
    return CheckoutTerms(
        currency=price.currency,
        today_minor=today_total,
        then_minor=then_total,
        today_price_minor=today_price,
        then_price_minor=then_price,
        introductory=not plan.trial_days and today_price != then_price,
        trial_days=int(plan.trial_days),
        trial_end=now + dt.timedelta(days=plan.trial_days) if plan.trial_days else None,
        period_months=int(plan.period_months),
        taxed=taxed,
    )

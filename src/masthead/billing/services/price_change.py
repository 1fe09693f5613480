"""Moving existing subscribers to a plan's current price, told ahead (ADR 0014).

A new price (``prices.add_price``) is offered to new readers at once; existing subscribers keep
theirs until staff move them here. A moved subscriber is emailed now and pays the new price
from the first renewal at least ``BILLING_PRICE_CHANGE_NOTICE_DAYS`` away; that renewal's
pre-debit notice (India) then states the new amount, as every notice states the exact debit.

Not moved, and counted with the reason so staff can act:

- INR mandates whose new debit is above the mandate's limit: RBI's e-mandate rules let a bank
  debit without the reader's authentication only up to the mandate's maximum (₹15,000 for news
  subscriptions, CO.DPSS.POLC.No.S-518/02.14.003/2022-23); such a renewal would need the reader
  each time, so they stay on their price until they re-authorise;
- mandates the gateway schedules (Razorpay Subscriptions, Stripe Billing): the gateway's plan
  fixes the amount of every debit, and a UPI Autopay mandate's maximum was set when the reader
  authorised it, so they need a new mandate (they subscribe again at the new price);
- subscriptions ending at period end, or with a plan change waiting.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.invoicing import charge_total
from masthead.billing.models import PlanPrice, Subscription, SubscriptionStatus
from masthead.billing.periods import period
from masthead.billing.services.common import _locked, record_event

ABOVE_MANDATE = "above the mandate's limit: the reader must re-authorise"
GATEWAY_MANDATE = "a gateway mandate fixes the amount: the reader must subscribe again"
ENDING = "ending at period end"
PLAN_CHANGE_WAITING = "a plan change is waiting"


@dataclass
class PriceChangeReport:
    moved: int = 0
    already: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def effective_from(*, subscription: Subscription, now: dt.datetime) -> dt.datetime:
    """The start of the first renewal at least the notice period after ``now``."""
    assert subscription.anchor is not None
    notice = dt.timedelta(days=settings.BILLING_PRICE_CHANGE_NOTICE_DAYS)
    index = subscription.period_index + 1
    while True:
        upcoming = period(
            anchor=subscription.anchor, index=index, months=subscription.plan.period_months
        )
        if upcoming.start >= now + notice:
            return upcoming.start
        index += 1


def move_to_current_price(*, price: PlanPrice) -> PriceChangeReport:
    """Schedule every active subscriber of ``price``'s plan and currency onto it. Idempotent:
    those already moved (or already paying it) are counted, not told twice."""
    report = PriceChangeReport()
    ids = list(
        Subscription.objects.filter(
            plan_id=price.plan_id,
            currency=price.currency,
            status__in=(SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE),
        ).values_list("pk", flat=True)
    )
    for subscription_id in ids:
        outcome = _move(subscription_id=subscription_id, price=price)
        if outcome == "moved":
            report.moved += 1
        elif outcome == "already":
            report.already += 1
        else:
            report.skipped[outcome] += 1
    return report


@transaction.atomic
def _move(*, subscription_id: int, price: PlanPrice) -> str:
    sub = _locked(subscription_id)
    new_amount = int(price.amount_minor)
    if sub.next_amount_minor == new_amount or (
        sub.next_amount_minor is None and int(sub.amount_minor) == new_amount
    ):
        return "already"
    if sub.cancel_at_period_end:
        return ENDING
    if sub.next_plan_id is not None:
        return PLAN_CHANGE_WAITING
    if sub.gateway_subscription_id:
        return GATEWAY_MANDATE
    customer = sub.customer
    if sub.currency == "INR" and (
        charge_total(customer=customer, amount_minor=new_amount, currency=sub.currency)
        > customer.mandate_limit_minor
    ):
        return ABOVE_MANDATE
    now = now_for(customer)
    starts = effective_from(subscription=sub, now=now)
    sub.next_amount_minor = new_amount
    sub.next_amount_from = starts
    sub.save(update_fields=["next_amount_minor", "next_amount_from"])
    record_event(
        customer=customer,
        subscription=sub,
        kind="price_change_scheduled",
        message=f"New price {new_amount} {sub.currency} from the renewal of {starts:%d %b %Y}",
        at=now,
        price_id=price.pk,
    )
    queue.after_commit(tasks.send_price_change_notice, subscription_id=sub.pk)
    return "moved"

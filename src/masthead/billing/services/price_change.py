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
- Razorpay UPI Autopay mandates: Razorpay refuses to update a UPI subscription's plan, and the
  mandate's maximum was set when the reader authorised it; they stay on their price until they
  authorise a new mandate (we do not send re-authorisation links unasked: staff decide);
- gateway mandates whose next renewal is inside the notice period: the gateway can only move
  them from the next cycle, which would be too soon to tell them; run the move again after it;
- subscriptions ending at period end, or with a plan change waiting.

Mandates the gateway schedules are moved at the gateway too, from their next cycle with nothing
charged or refunded now: Razorpay card mandates by "Update a Subscription" to the new price's
plan at ``cycle_end``, Stripe subscriptions by swapping the item's price with no proration.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.gateways.base import GatewayError, NotSupported, PriceMove
from masthead.billing.invoicing import charge_total
from masthead.billing.models import PlanPrice, Subscription, SubscriptionStatus
from masthead.billing.periods import period
from masthead.billing.services.common import _locked, record_event
from masthead.billing.services.hosted import hosted_gateway

logger = logging.getLogger(__name__)

ABOVE_MANDATE = "above the mandate's limit: the reader must re-authorise"
UPI_MANDATE = "UPI mandate: must re-authorise"
GATEWAY_UNREACHABLE = "the gateway could not be reached: run the move again"
NEXT_RENEWAL_TOO_SOON = (
    "a gateway mandate renewing inside the notice period: move again after that renewal"
)
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
    customer = sub.customer
    debit = charge_total(customer=customer, amount_minor=new_amount, currency=sub.currency)
    if sub.currency == "INR" and debit > customer.mandate_limit_minor:
        return ABOVE_MANDATE
    now = now_for(customer)
    starts = effective_from(subscription=sub, now=now)
    if sub.gateway_subscription_id:
        refused = _move_at_gateway(sub=sub, price=price, debit=debit, starts=starts)
        if refused:
            return refused
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


def _move_at_gateway(
    *, sub: Subscription, price: PlanPrice, debit: int, starts: dt.datetime
) -> str:
    """Move a gateway-scheduled mandate to ``price`` from its next cycle; the reason it was not
    moved, or "" when it was. Called under the subscription's lock: a retry finds it moved
    ("already") or asks the gateway again, which is idempotent."""
    assert sub.anchor is not None
    next_renewal = period(
        anchor=sub.anchor, index=sub.period_index + 1, months=sub.plan.period_months
    ).start
    if starts != next_renewal:
        # The gateway applies a change at the end of the current cycle, not later.
        return NEXT_RENEWAL_TOO_SOON
    gateway_name = sub.customer.gateway
    locked_price = PlanPrice.versions.select_for_update().get(pk=price.pk)
    move = PriceMove(
        plan_ref=str(locked_price.gateway_plan_ids.get(gateway_name, "")),
        plan_name=sub.plan.name,
        period_months=sub.plan.period_months,
        amount_minor=debit,
        currency=sub.currency,
        key=f"price-version:{price.pk}",
    )
    try:
        plan_ref = hosted_gateway(gateway_name).move_to_price(
            gateway_subscription_id=sub.gateway_subscription_id, price=move
        )
    except NotSupported:
        return UPI_MANDATE
    except GatewayError as exc:
        logger.warning("could not move subscription %s at the gateway: %s", sub.pk, exc)
        return GATEWAY_UNREACHABLE
    if not move.plan_ref:
        locked_price.gateway_plan_ids = {**locked_price.gateway_plan_ids, gateway_name: plan_ref}
        locked_price.save(update_fields=["gateway_plan_ids"])
    return ""

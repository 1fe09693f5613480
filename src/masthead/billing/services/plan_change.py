"""Plan changes: an upgrade now, charged with proration under a key derived from the change;
a downgrade at the next renewal. The reader sees a quote first (``quote_plan_change``): what is
charged today, the credit for the unused part and the next renewal; confirming sends the quote
back, signed, and the charge is that same calculation at the moment the quote was made.

The proration rule (README "Changing plan"): the credit is what the reader paid for the current
period times the share of it still unused, to the microsecond, rounded down to the paisa, and
expressed in the price's own terms (tax taken out where GST is added on top); the upgrade is
charged the new plan's price less that credit (tax added on top where prices exclude it), and a
new period of the new plan starts at the moment quoted.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.db.models import Q

from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.gateways.base import GatewayError
from masthead.billing.invoicing import UnusedCredit, charge_total, open_invoice, price_of
from masthead.billing.models import (
    InvoiceKind,
    Payment,
    PaymentStatus,
    Plan,
    PlanPrice,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.periods import Period, period
from masthead.billing.services import settlement
from masthead.billing.services.common import BillingError, PaymentDeclined, record_event
from masthead.billing.services.refunds import unused_amount

logger = logging.getLogger(__name__)


QUOTE_SALT = "masthead.billing.plan-change-quote"
# How long a quote shown to the reader can be confirmed: long enough to read it, short enough
# that "the credit for the unused part" is still about today.
QUOTE_VALID_FOR = dt.timedelta(minutes=15)


class StaleQuote(BillingError):
    """The quote confirmed is too old, altered, or no longer what a change would cost now."""


@dataclass(frozen=True)
class PlanChangeQuote:
    """What a plan change costs, pinned to the moment ``at`` (the billing clock's)."""

    subscription_id: int
    plan: Plan
    currency: str
    at: dt.datetime
    upgrade: bool
    new_price_minor: int  # the new plan's price for a period
    credit_minor: int  # the unused part of the current period, in the price's terms
    today_minor: int  # charged today, everything included (0 for a downgrade)
    next_renewal_at: dt.datetime  # when the next charge falls
    next_renewal_minor: int  # what it charges, everything included
    token: str  # the quote, signed: what the confirmation sends back


def quote_plan_change(*, subscription: Subscription, plan: Plan) -> PlanChangeQuote:
    """The preview of changing ``subscription`` to ``plan`` now. BillingError if it cannot."""
    sub = Subscription.objects.select_related("customer", "customer__test_clock", "plan").get(
        pk=subscription.pk
    )
    _refuse_change(sub, plan)
    price = _offered_price(sub, plan)
    return _quote(sub, plan, price, at=now_for(sub.customer))


def _refuse_change(sub: Subscription, plan: Plan) -> None:
    if sub.status != SubscriptionStatus.ACTIVE:
        raise BillingError("Only an active subscription can change plan.")
    if sub.gateway_subscription_id:
        # The gateway's mandate is for this plan's amount; a new amount needs a new mandate.
        raise BillingError(
            "Your UPI Autopay or card mandate is for your current plan's amount. To change "
            "plan, cancel (you keep access to the end of the period) and subscribe to the "
            "new plan then."
        )
    if plan.pk == sub.plan_id:
        raise BillingError(f"You are already on {plan.name}; nothing was changed.")


def _offered_price(sub: Subscription, plan: Plan) -> PlanPrice:
    price = PlanPrice.objects.filter(plan=plan, currency=sub.currency).first()
    if price is None or not plan.is_active:
        raise BillingError(f"{plan.name} is not offered in {sub.currency}.")
    return price


def _is_upgrade(sub: Subscription, price: PlanPrice) -> bool:
    return int(price.amount_minor) > int(sub.amount_minor)


def _upgrade_period(plan: Plan, at: dt.datetime) -> Period:
    return period(anchor=at, index=0, months=plan.period_months)


def _quote(sub: Subscription, plan: Plan, price: PlanPrice, *, at: dt.datetime) -> PlanChangeQuote:
    """The one calculation behind both the preview and the charge."""
    new_price = int(price.amount_minor)
    renewal_total = charge_total(
        customer=sub.customer, amount_minor=new_price, currency=sub.currency
    )
    if _is_upgrade(sub, price):
        credit = proration_credit(subscription=sub, at=at)
        today = charge_total(
            customer=sub.customer, amount_minor=max(0, new_price - credit), currency=sub.currency
        )
        next_at = _upgrade_period(plan, at).end
        upgrade = True
    else:
        credit, today, upgrade = 0, 0, False
        assert sub.current_period_end is not None
        next_at = sub.current_period_end
    payload = {
        "s": sub.pk,
        "p": plan.pk,
        "at": at.isoformat(),
        "c": credit,
        "t": today,
        "n": renewal_total,
    }
    return PlanChangeQuote(
        subscription_id=sub.pk,
        plan=plan,
        currency=sub.currency,
        at=at,
        upgrade=upgrade,
        new_price_minor=new_price,
        credit_minor=credit,
        today_minor=today,
        next_renewal_at=next_at,
        next_renewal_minor=renewal_total,
        token=signing.dumps(payload, salt=QUOTE_SALT, compress=True),
    )


def _read_quote(token: str, *, subscription_id: int, plan: Plan) -> dict[str, object]:
    try:
        payload = signing.loads(token, salt=QUOTE_SALT, max_age=QUOTE_VALID_FOR)
    except signing.SignatureExpired as exc:
        raise StaleQuote(
            "That price was worked out more than 15 minutes ago, so it is no longer today's. "
            "Here it is again: check it and confirm."
        ) from exc
    except signing.BadSignature as exc:
        raise StaleQuote(
            "That price quote was altered, so we cannot charge it. Here is the real one: "
            "check it and confirm."
        ) from exc
    if not isinstance(payload, dict) or (payload.get("s"), payload.get("p")) != (
        subscription_id,
        plan.pk,
    ):
        raise StaleQuote("That price quote is for another change. Here is the one you asked for.")
    return payload


def _pinned_moment(locked: Subscription, plan: Plan, price: PlanPrice, token: str) -> dt.datetime:
    """The moment a confirmed quote was made, after checking it still holds: the same amounts
    come out of the same calculation now (no payment, price or period moved meanwhile)."""
    payload = _read_quote(token, subscription_id=locked.pk, plan=plan)
    at = dt.datetime.fromisoformat(str(payload["at"]))
    now = now_for(locked.customer)
    again = _quote(locked, plan, price, at=at)
    moved = (again.credit_minor, again.today_minor, again.next_renewal_minor) != (
        payload["c"],
        payload["t"],
        payload["n"],
    )
    if (
        moved
        or not (at <= now <= at + QUOTE_VALID_FOR)
        or (locked.current_period_start is not None and at < locked.current_period_start)
    ):
        raise StaleQuote(
            "Your subscription or the plan's price has changed since this quote was made. "
            "Here is today's: check it and confirm."
        )
    return at


def change_plan(
    *, subscription: Subscription, plan: Plan, quote: str | None = None
) -> Subscription:
    """Upgrade now with proration (new period starts today); downgrade at the next renewal.

    ``quote``: the signed quote the reader confirmed (``quote_plan_change``); the upgrade is
    then charged exactly what it showed, computed for the moment it was made. Without one (the
    back office, tests), the calculation is made for now.

    An upgrade is a plan that costs more per billing period (a quarterly reader moving to the
    annual plan upgrades, though the annual plan is cheaper per month).

    Every check is made under the subscription's row lock, and the upgrade's payment key is
    derived from the subscription, the plan and the period it starts from: a double click, a
    reload or two requests at once make one charge (a repeat finishes the first, under its
    key), and only an attempt after a definite decline is charged anew.
    """
    with transaction.atomic():
        locked = _lock_for_plan_change(subscription.pk)
        payment = (
            _upgrade_in_hand(locked=locked, plan=plan)
            if plan.pk == locked.plan_id and locked.status == SubscriptionStatus.ACTIVE
            else None
        )
        if payment is None:
            _refuse_change(locked, plan)
            new_price = _offered_price(locked, plan)
            at = _pinned_moment(locked, plan, new_price, quote) if quote else None
            if not _is_upgrade(locked, new_price):
                _schedule_downgrade(locked, plan)
                return locked
            payment = _open_upgrade(
                locked=locked, plan=plan, price=new_price, at=at or now_for(locked.customer)
            )
        elif payment.status == PaymentStatus.SUCCEEDED:
            return locked  # this upgrade, asked again: done already, not charged again
    return _charge_upgrade(subscription=locked, plan=plan, payment=payment)


def _schedule_downgrade(locked: Subscription, plan: Plan) -> None:
    if locked.next_plan_id != plan.pk:
        locked.next_plan = plan
        locked.save(update_fields=["next_plan"])
        record_event(
            customer=locked.customer,
            subscription=locked,
            kind="downgrade_scheduled",
            message=f"Switches to {plan.name} at the next renewal",
            at=now_for(locked.customer),
        )
        queue.after_commit(tasks.send_downgrade_scheduled, subscription_id=locked.pk)


def unused_credit(
    *, subscription: Subscription, amount_minor: int, at: dt.datetime
) -> UnusedCredit | None:
    """What the upgrade's invoice prints for the credit: the earlier invoice and its days."""
    last = _last_paid(subscription)
    if last is None or amount_minor <= 0:
        return None
    return UnusedCredit(
        amount_minor=amount_minor, invoice=last.invoice, start=at, end=last.invoice.period_end
    )


def _last_paid(subscription: Subscription) -> Payment | None:
    return (
        Payment.objects.filter(invoice__subscription=subscription, status=PaymentStatus.SUCCEEDED)
        .select_related("invoice")
        .order_by("-invoice__period_end", "-pk")
        .first()
    )


def proration_credit(*, subscription: Subscription, at: dt.datetime) -> int:
    last = (
        Payment.objects.filter(invoice__subscription=subscription, status=PaymentStatus.SUCCEEDED)
        .select_related("invoice")
        .order_by("-invoice__period_end", "-pk")
        .first()
    )
    if last is None:
        return 0
    unused = unused_amount(payment=last, at=at)
    total = int(last.invoice.total_minor)
    # The credit in the price's own terms, which the proration invoice then taxes like any
    # price: with GST added on top, the unused GST comes back inside the new invoice's tax.
    return unused * price_of(last.invoice) // total if total else 0


def _lock_for_plan_change(subscription_id: int) -> Subscription:
    """The subscription, row-locked. The lock is taken without joins: on PostgreSQL a
    ``FOR UPDATE`` that waited re-checks its joins against the updated row, so joining the
    plan would find nothing once the request ahead of it has changed the plan."""
    Subscription.objects.select_for_update().filter(pk=subscription_id).values_list("pk").get()
    return Subscription.objects.select_related("customer", "customer__test_clock", "plan").get(
        pk=subscription_id
    )


def _upgrade_key(*, subscription: Subscription, plan: Plan) -> str:
    start = subscription.current_period_start
    return f"upgrade:{subscription.pk}:{plan.pk}:{start:%Y%m%dT%H%M%S}"


def _upgrade_in_hand(*, locked: Subscription, plan: Plan) -> Payment | None:
    """The upgrade payment that moved ``locked`` to ``plan``, if that is how it got there:
    still in flight (a request in progress, or one that lost the gateway's answer) or paid
    for the period it is in. None: the reader is simply on that plan."""
    payment = (
        Payment.objects.filter(
            invoice__subscription=locked,
            invoice__kind=InvoiceKind.PRORATION,
            idempotency_key__startswith=f"upgrade:{locked.pk}:{plan.pk}:",
        )
        .select_related("invoice")
        .order_by("-pk")
        .first()
    )
    if payment is None:
        return None
    if payment.status == PaymentStatus.PENDING:
        return payment
    if (
        payment.status == PaymentStatus.SUCCEEDED
        and payment.invoice.period_start == locked.current_period_start
    ):
        return payment
    return None


def _open_upgrade(
    *, locked: Subscription, plan: Plan, price: PlanPrice, at: dt.datetime
) -> Payment:
    """Under the row lock: the proration invoice and its pending payment, and the plan
    switched (settling grants the new plan's benefits), all computed for the moment ``at``
    (the quote's). A new attempt, with a new key, only after the earlier ones were
    definitely declined."""
    customer = locked.customer
    now = now_for(customer)
    quoted = _quote(locked, plan, price, at=at)
    key = _upgrade_key(subscription=locked, plan=plan)
    earlier = Payment.objects.filter(
        Q(idempotency_key=key) | Q(idempotency_key__startswith=f"{key}:")
    ).count()
    if earlier:
        key = f"{key}:{earlier + 1}"
    new_period = _upgrade_period(plan, at)
    # The invoice is for the new plan, with the old plan's unused part as its own "Less:" line
    # (ADR 0017), opened before the switch below.
    credit = min(quoted.credit_minor, quoted.new_price_minor)
    invoice = open_invoice(
        subscription=locked,
        kind=InvoiceKind.PRORATION,
        period_start=new_period.start,
        period_end=new_period.end,
        amount_minor=quoted.new_price_minor - credit,
        plan=plan,
        credit=unused_credit(subscription=locked, amount_minor=credit, at=at),
    )
    if int(invoice.total_minor) != quoted.today_minor:
        raise BillingError("The amount to charge could not be worked out; nothing was charged.")
    payment = Payment.objects.create(
        invoice=invoice,
        amount_minor=invoice.total_minor,
        currency=invoice.currency,
        gateway=customer.gateway,
        idempotency_key=key,
    )
    record_event(
        customer=customer,
        subscription=locked,
        kind="upgrade_started",
        message=f"Upgrading from {locked.plan.name} to {plan.name}",
        at=now,
        payment=key,
        from_plan=locked.plan_id,
        from_amount=locked.amount_minor,
    )
    locked.plan = plan
    locked.amount_minor = price.amount_minor
    locked.next_plan = None
    locked.save(update_fields=["plan", "amount_minor", "next_plan"])
    return payment


def _charge_upgrade(*, subscription: Subscription, plan: Plan, payment: Payment) -> Subscription:
    """Charge the upgrade under its stored key (outside any transaction) and settle it; a
    decline puts the reader back on the plan they had."""
    try:
        result = settlement.charge_payment(
            payment=payment, customer=subscription.customer, off_session=False
        )
    except GatewayError as exc:
        logger.warning("upgrade payment %s: gateway unreachable: %s", payment.pk, exc)
        raise BillingError(
            "The payment gateway could not be reached, so your upgrade is not finished. "
            "Try again in a minute: you will not be charged twice."
        ) from exc
    settlement.settle_payment(payment_id=payment.pk, result=result)
    payment.refresh_from_db()
    if payment.status != PaymentStatus.SUCCEEDED:
        _undo_upgrade(subscription_id=subscription.pk, plan=plan, payment=payment)
        raise PaymentDeclined(payment.failure_message or "The upgrade payment was declined.")
    subscription.refresh_from_db()
    return subscription


def _undo_upgrade(*, subscription_id: int, plan: Plan, payment: Payment) -> None:
    with transaction.atomic():
        locked = _lock_for_plan_change(subscription_id)
        started = locked.events.filter(
            kind="upgrade_started", data__payment=payment.idempotency_key
        ).first()
        if started is None or locked.plan_id != plan.pk:
            return
        locked.plan = Plan.objects.get(pk=int(started.data["from_plan"]))
        locked.amount_minor = int(started.data["from_amount"])
        locked.save(update_fields=["plan", "amount_minor"])

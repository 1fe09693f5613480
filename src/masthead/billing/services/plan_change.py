"""Plan changes: an upgrade now, charged with proration under a key derived from the change;
a downgrade at the next renewal."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q

from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.gateways.base import GatewayError
from masthead.billing.invoicing import UnusedCredit, open_invoice, price_of
from masthead.billing.models import (
    InvoiceKind,
    Payment,
    PaymentStatus,
    Plan,
    PlanPrice,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.periods import period
from masthead.billing.services import settlement
from masthead.billing.services.common import BillingError, PaymentDeclined, record_event
from masthead.billing.services.refunds import unused_amount

logger = logging.getLogger(__name__)


def change_plan(*, subscription: Subscription, plan: Plan) -> Subscription:
    """Upgrade now with proration (new period starts today); downgrade at the next renewal.

    An upgrade is a plan that costs more per billing period (a quarterly reader moving to the
    annual plan upgrades, though the annual plan is cheaper per month).

    Every check is made under the subscription's row lock, and the upgrade's payment key is
    derived from the subscription, the plan and the period it starts from: a double click, a
    reload or two requests at once make one charge (a repeat finishes the first, under its
    key), and only an attempt after a definite decline is charged anew.
    """
    new_price = PlanPrice.objects.filter(plan=plan, currency=subscription.currency).first()
    with transaction.atomic():
        locked = _lock_for_plan_change(subscription.pk)
        if locked.status != SubscriptionStatus.ACTIVE:
            raise BillingError("Only an active subscription can change plan.")
        if locked.gateway_subscription_id:
            # The gateway's mandate is for this plan's amount; a new amount needs a new mandate.
            raise BillingError(
                "Your UPI Autopay or card mandate is for your current plan's amount. To change "
                "plan, cancel (you keep access to the end of the period) and subscribe to the "
                "new plan then."
            )
        if plan.pk == locked.plan_id:
            payment = _upgrade_in_hand(locked=locked, plan=plan)
            if payment is None:
                raise BillingError(f"You are already on {plan.name}; nothing was changed.")
            if payment.status == PaymentStatus.SUCCEEDED:
                return locked  # this upgrade, asked again: done already, not charged again
        elif new_price is None or not plan.is_active:
            raise BillingError(f"{plan.name} is not offered in {locked.currency}.")
        elif int(new_price.amount_minor) <= int(locked.amount_minor):
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
            return locked
        else:
            payment = _open_upgrade(locked=locked, plan=plan, price=new_price)
    return _charge_upgrade(subscription=locked, plan=plan, payment=payment)


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


def _open_upgrade(*, locked: Subscription, plan: Plan, price: PlanPrice) -> Payment:
    """Under the row lock: the proration invoice and its pending payment, and the plan
    switched (settling grants the new plan's benefits). A new attempt, with a new key,
    only after the earlier ones were definitely declined."""
    customer = locked.customer
    now = now_for(customer)
    key = _upgrade_key(subscription=locked, plan=plan)
    earlier = Payment.objects.filter(
        Q(idempotency_key=key) | Q(idempotency_key__startswith=f"{key}:")
    ).count()
    if earlier:
        key = f"{key}:{earlier + 1}"
    credit = proration_credit(subscription=locked, at=now)
    new_period = period(anchor=now, index=0, months=plan.period_months)
    # The invoice is for the new plan, with the old plan's unused part as its own "Less:" line
    # (ADR 0014), opened before the switch below.
    credit = min(credit, int(price.amount_minor))
    invoice = open_invoice(
        subscription=locked,
        kind=InvoiceKind.PRORATION,
        period_start=new_period.start,
        period_end=new_period.end,
        amount_minor=int(price.amount_minor) - credit,
        plan=plan,
        credit=unused_credit(subscription=locked, amount_minor=credit, at=now),
    )
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

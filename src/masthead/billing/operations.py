"""What the operator commands and the worker do, as plain functions (commands stay thin)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from masthead.billing import clock, lifecycles, renewals, webhooks
from masthead.billing.clock import now_for
from masthead.billing.gateways import get_gateway
from masthead.billing.gateways.base import GatewayError, HostedGateway
from masthead.billing.models import Payment, PaymentStatus, Subscription, TestClock

logger = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    payments: int
    events: int
    subscriptions: int = 0


def reconcile_gateway_subscriptions(*, progress: Callable[[str], None] = lambda _m: None) -> int:
    """Every subscription the configured gateway lists, applied to ours (``lifecycles.sync``
    with the listed state), and the events it could not deliver stored for processing.
    Returns how many of ours were brought in line."""
    found = get_gateway(settings.BILLING_GATEWAY)
    if not hasattr(found, "list_subscriptions"):
        return 0  # the sandbox: no gateway-side subscriptions
    gateway = cast("HostedGateway", found)
    for event in gateway.undelivered_events():
        webhooks.store(
            gateway_name=gateway.name, event=event, payload=json.dumps(event.data, default=str)
        )
    synced = 0
    for state in gateway.list_subscriptions():
        ours = (
            Subscription.objects.filter(
                Q(gateway_subscription_id=state.gateway_subscription_id)
                | Q(gateway_checkout_id=state.gateway_subscription_id)
            )
            .order_by("-pk")
            .first()
        )
        if ours is None:
            continue
        try:
            lifecycles.sync(subscription=ours, state=state)
        except GatewayError as exc:
            logger.warning("reconcile could not settle subscription %s: %s", ours.pk, exc)
            continue
        synced += 1
        if synced % 100 == 0:
            progress(f"  gateway subscriptions: {synced}")
    return synced


def reconcile(*, progress: Callable[[str], None] = lambda _m: None) -> ReconcileReport:
    """After an outage: bring every subscription in line with the gateway's (its list of
    subscriptions and of undelivered events), settle every payment still pending with what the
    gateway says, then process every stored webhook event that is not processed yet."""
    subscriptions = reconcile_gateway_subscriptions(progress=progress)
    pending = list(
        Payment.objects.filter(status=PaymentStatus.PENDING).select_related(
            "invoice", "invoice__customer", "invoice__customer__test_clock"
        )
    )
    for number, payment in enumerate(pending, start=1):
        renewals.reconcile_payment(payment=payment, now=now_for(payment.invoice.customer))
        if number % 100 == 0:
            progress(f"  payments: {number}/{len(pending)}")
    events = webhooks.process_unprocessed()
    return ReconcileReport(payments=len(pending), events=events, subscriptions=subscriptions)


# A payment still pending this long after it was written lost its request (a crash, a closed
# tab, a gateway that did not answer): the worker asks the gateway about it, whatever its
# subscription's due date. Long enough for a reader to answer their bank's challenge.
STALE_PENDING_AFTER = dt.timedelta(minutes=10)


def reconcile_stale_payments(
    *, now: dt.datetime | None = None, older_than: dt.timedelta = STALE_PENDING_AFTER
) -> int:
    """Settle every payment pending longer than ``older_than`` with what the gateway says (the
    worker's sweep, once a minute): paid, declined, or, when another payment settled its
    invoice meanwhile, refunded in full as superseded. Returns how many were looked at."""
    cutoff = (now or timezone.now()) - older_than
    stale = list(
        Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lte=cutoff)
        .select_related("invoice", "invoice__customer", "invoice__customer__test_clock")
        .order_by("pk")
    )
    for payment in stale:
        try:
            renewals.reconcile_payment(payment=payment, now=now_for(payment.invoice.customer))
        except GatewayError:
            logger.warning("payment %s: gateway unavailable; asking again later", payment.pk)
    return len(stale)


def clocks(*, email: str | None = None) -> QuerySet[TestClock]:
    found = TestClock.objects.all()
    if email:
        found = found.filter(customers__user__email__iexact=email).distinct()
    return found


def advance_clocks(
    *, days: float, email: str | None = None, step_days: int = 1
) -> tuple[int, renewals.RunReport]:
    """Move test clocks forward day by day, doing the due work at each step, as real time would."""
    chosen = list(clocks(email=email))
    total = renewals.RunReport()
    remaining = dt.timedelta(days=days)
    step = dt.timedelta(days=step_days)
    while remaining > dt.timedelta(0):
        move = min(step, remaining)
        for test_clock in chosen:
            clock.advance(test_clock, by=move)
        report = renewals.run_due_work()
        total.processed += report.processed
        total.failed += report.failed
        remaining -= move
    return len(chosen), total

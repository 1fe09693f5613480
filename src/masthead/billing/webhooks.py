"""Webhooks in: verified over the raw body, stored raw, deduplicated, processed afterwards.

The request stores the event under a unique (gateway, event id) and answers at once; the worker
processes it. Processing treats an event as a signal and asks the gateway for the current state
of the payment it names, so events arriving twice, out of order, or before the payment they
mention is known here all end in the same state.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from masthead.billing import lifecycles, queue
from masthead.billing.gateways import GATEWAYS, get_gateway
from masthead.billing.gateways.base import GatewayError, SignatureError, WebhookEventIn
from masthead.billing.models import (
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
    WebhookEvent,
)
from masthead.billing.renewals import reconcile_payment

__all__ = [
    "RETRY_AFTER",
    "RETRY_WINDOW",
    # Raised by ``ingest`` when a delivery's signature fails; the view answers 400 for it.
    "SignatureError",
    "ingest",
    "is_known_gateway",
    "process_event",
    "process_unprocessed",
    "process_webhook",
    "retry_waiting",
    "store",
]


def is_known_gateway(name: str) -> bool:
    """Whether ``name`` is a gateway we take webhooks for."""
    return name in GATEWAYS


def ingest(*, gateway_name: str, body: bytes, headers: dict[str, str]) -> bool:
    """Verify and store a delivery. True if new, False for a duplicate. Raises SignatureError."""
    event = get_gateway(gateway_name).verify_webhook(body=body, headers=headers)
    return store(gateway_name=gateway_name, event=event, payload=body.decode("utf-8", "replace"))


def store(*, gateway_name: str, event: WebhookEventIn, payload: str) -> bool:
    """Store a verified event (a delivery, or one fetched from the gateway's API by reconcile)
    and queue its processing. True if new, False if we already had it."""
    idempotency_key = str(event.data.get("idempotency_key", ""))
    try:
        with transaction.atomic():
            row = WebhookEvent.objects.create(
                gateway=gateway_name,
                event_id=event.event_id,
                event_type=event.event_type,
                object_id=idempotency_key or event.object_id,
                payload=payload,
            )
            queue.after_commit(process_webhook, event_pk=row.pk)
    except IntegrityError:
        return False
    return True


def _payment_for(row: WebhookEvent) -> Payment | None:
    if not row.object_id:
        return None
    return (
        Payment.objects.filter(idempotency_key=row.object_id).select_related("invoice").first()
        or Payment.objects.filter(gateway_payment_id=row.object_id)
        .select_related("invoice")
        .first()
    )


# Lifecycle events: what they do is decided by the gateway's subscription, re-fetched
# (``lifecycles.sync``), never by the event's own payload. Listed for the reader of this file;
# any event naming one of our gateway subscriptions gets the same treatment.
LIFECYCLE_EVENTS = frozenset(
    {
        "subscription.authenticated",
        "subscription.activated",
        "subscription.charged",
        "subscription.pending",
        "subscription.halted",
        "subscription.paused",
        "subscription.resumed",
        "subscription.cancelled",
        "subscription.completed",
        "subscription.updated",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
        "invoice.paid",
        "invoice.payment_failed",
        "invoice.payment_action_required",
    }
)


def _catch_up_subscription(row: WebhookEvent) -> bool:
    """An event about a gateway-scheduled subscription (Razorpay ``subscription.*``, Stripe
    ``customer.subscription.*`` and invoice events): bring ours up to date by asking the
    gateway — its subscription's state (``lifecycles.sync``), then what it collected for any
    payment of ours still pending. Raises GatewayError when the gateway cannot be asked."""
    if not row.object_id:
        return False
    sub = (
        Subscription.objects.filter(
            Q(gateway_subscription_id=row.object_id) | Q(gateway_checkout_id=row.object_id)
        )
        .select_related("customer")
        .first()
    )
    if sub is None:
        return False
    from masthead.billing.clock import now_for

    sub = lifecycles.sync(subscription=sub)
    if sub.status == SubscriptionStatus.PENDING:
        return True
    for pending in Payment.objects.filter(
        invoice__subscription=sub, status=PaymentStatus.PENDING
    ).select_related("invoice", "invoice__customer"):
        reconcile_payment(payment=pending, now=now_for(sub.customer))
    return True


# The worker's billing role runs it (masthead.ops.worker).
@task(queue_name="billing")
def process_webhook(*, event_pk: int) -> None:
    """The worker's half of a delivery (``ingest`` is the request's)."""
    process_event(event_pk=event_pk)


def process_event(*, event_pk: int) -> None:
    row = WebhookEvent.objects.filter(pk=event_pk, processed_at__isnull=True).first()
    if row is None:
        return
    payment = _payment_for(row)
    if payment is None:
        try:
            caught_up = _catch_up_subscription(row)
        except GatewayError as exc:
            # Left unprocessed: the retry sweep (or reconcile) asks the gateway again.
            WebhookEvent.objects.filter(pk=row.pk).update(error=str(exc)[:500])
            return
        if caught_up:
            WebhookEvent.objects.filter(pk=row.pk).update(processed_at=timezone.now(), error="")
            return
    if payment is None:
        # Not ours, or it arrived before we wrote the payment: reconcile will look again.
        WebhookEvent.objects.filter(pk=row.pk).update(error="no matching payment yet")
        return
    if payment.status in (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION):
        from masthead.billing.clock import now_for

        reconcile_payment(payment=payment, now=now_for(payment.invoice.customer))
    WebhookEvent.objects.filter(pk=row.pk).update(processed_at=timezone.now(), error="")


# Gateways redeliver for about three days (Stripe, Razorpay); an event still unmatched after
# that is not ours or needs an operator, and waits for `masthead billing reconcile`.
RETRY_WINDOW = dt.timedelta(days=3)
# Younger events are still in their own task's hands.
RETRY_AFTER = dt.timedelta(seconds=30)


def retry_waiting(*, now: dt.datetime | None = None) -> int:
    """Process again the events that arrived before what they mention (the worker's sweep):
    unprocessed, received between three days and 30 seconds ago. Returns how many were
    applied now."""
    now = now or timezone.now()
    waiting = _process_each(received_at__gte=now - RETRY_WINDOW, received_at__lte=now - RETRY_AFTER)
    return WebhookEvent.objects.filter(pk__in=waiting, processed_at__isnull=False).count()


def process_unprocessed() -> int:
    """Every stored event not processed yet (reconcile, after an outage). Returns how many."""
    return len(_process_each())


def _process_each(**received: dt.datetime) -> list[int]:
    """Process the unprocessed events (received in the given range), oldest first."""
    pks = list(
        WebhookEvent.objects.filter(processed_at__isnull=True, **received)
        .order_by("received_at")
        .values_list("pk", flat=True)
    )
    for pk in pks:
        process_event(event_pk=pk)
    return pks

"""Cancel at period end, undo it, and the ends: cancelled, unpaid, or ended now by staff
(with the unused part refunded)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.gateways.base import GatewayError, NotSupported
from masthead.billing.invoicing import void_invoice
from masthead.billing.models import (
    LIVE_STATUSES,
    CancellationReason,
    EndReason,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.services import settlement
from masthead.billing.services.common import (
    BillingError,
    _end_access_now,
    _locked,
    _set_access_until,
    record_event,
)
from masthead.billing.services.hosted import hosted_gateway
from masthead.billing.services.refunds import refund, unused_amount

logger = logging.getLogger(__name__)


def cancel(
    *,
    subscription: Subscription,
    reason: str = "",
    reason_code: CancellationReason = CancellationReason.NONE,
) -> Subscription:
    """Cancel at period end: access continues to the end of what was paid; no further charge.
    ``reason_code`` is the reason the reader chose from the list, ``reason`` their own words.

    A subscription the gateway collects on its own schedule is stopped there first: if the
    gateway cannot be reached, nothing changes here and the reader can try again.
    """
    if subscription.gateway_subscription_id and not subscription.cancel_at_period_end:
        _stop_gateway_schedule(
            subscription, at_period_end=subscription.status == SubscriptionStatus.ACTIVE
        )
    return _cancel(subscription=subscription, reason=reason, reason_code=reason_code)


def _stop_gateway_schedule(subscription: Subscription, *, at_period_end: bool) -> None:
    gateway = hosted_gateway(subscription.customer.gateway)
    try:
        gateway.cancel_subscription(
            gateway_subscription_id=subscription.gateway_subscription_id,
            at_period_end=at_period_end,
        )
    except GatewayError as exc:
        logger.warning("could not stop gateway subscription for %s: %s", subscription.pk, exc)
        raise BillingError(
            "We could not reach the payment gateway to stop your mandate, so nothing has "
            "changed. Please try again in a minute."
        ) from exc


@transaction.atomic
def _cancel(
    *,
    subscription: Subscription,
    reason: str = "",
    reason_code: CancellationReason = CancellationReason.NONE,
) -> Subscription:
    sub = _locked(subscription.pk)
    now = now_for(sub.customer)
    if sub.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE) and not (
        sub.cancel_at_period_end
    ):
        sub.cancellation_reason = reason[:300]
        sub.cancellation_reason_code = reason_code
    if sub.status == SubscriptionStatus.PAST_DUE:
        # Nothing paid is left to run out: stop now rather than keep retrying.
        return _end(sub=sub, reason=EndReason.CANCELLED, now=now, note=reason)
    if sub.status != SubscriptionStatus.ACTIVE:
        raise BillingError("Only an active subscription can be cancelled.")
    if sub.cancel_at_period_end:
        return sub
    stop_renewing(
        sub=sub,
        now=now,
        kind="cancelled",
        message=f"Cancelled; access until {sub.current_period_end:%d %b %Y}",
        reason=reason,
        reason_code=reason_code,
    )
    queue.after_commit(tasks.send_cancellation_confirmed, subscription_id=sub.pk)
    return sub


def stop_renewing(
    *, sub: Subscription, now: dt.datetime, kind: str, message: str, **details: object
) -> None:
    """Cancel at period end (the reader asked, or the gateway stopped collecting): no renewal,
    no waiting downgrade, access to the end of the paid period; the timeline says why.
    The caller holds the row lock, sets the reason fields and tells the reader."""
    sub.cancel_at_period_end = True
    sub.next_plan = None
    sub.next_action_at = settlement.renewal_action_at(sub)
    sub.save()
    record_event(
        customer=sub.customer, subscription=sub, kind=kind, message=message, at=now, **details
    )


def renew_again(
    *, sub: Subscription, now: dt.datetime, kind: str, message: str, **details: object
) -> None:
    """Undo a cancellation at period end (the reader undid it, or the gateway collects
    again): renewals are back on and the cancellation's reason is cleared. The caller holds
    the row lock and has checked that the paid period is still running."""
    sub.cancel_at_period_end = False
    sub.cancellation_reason = ""
    sub.next_action_at = settlement.renewal_action_at(sub)
    sub.save()
    record_event(
        customer=sub.customer, subscription=sub, kind=kind, message=message, at=now, **details
    )


def undo_cancel(*, subscription: Subscription) -> Subscription:
    if subscription.gateway_subscription_id and subscription.cancel_at_period_end:
        gateway = hosted_gateway(subscription.customer.gateway)
        try:
            gateway.resume_subscription(
                gateway_subscription_id=subscription.gateway_subscription_id
            )
        except NotSupported as exc:
            raise BillingError(str(exc)) from exc
        except GatewayError as exc:
            raise BillingError(
                "We could not reach the payment gateway to restore your mandate; nothing has "
                "changed. Please try again in a minute."
            ) from exc
    return _undo_cancel(subscription=subscription)


@transaction.atomic
def _undo_cancel(*, subscription: Subscription) -> Subscription:
    sub = _locked(subscription.pk)
    now = now_for(sub.customer)
    if sub.status != SubscriptionStatus.ACTIVE or not sub.cancel_at_period_end:
        raise BillingError("There is no cancellation to undo.")
    if sub.current_period_end is None or now >= sub.current_period_end:
        raise BillingError("The subscription has already ended; subscribe again instead.")
    sub.cancellation_reason_code = CancellationReason.NONE
    renew_again(sub=sub, now=now, kind="cancel_undone", message="Renewal back on")
    return sub


def _end(*, sub: Subscription, reason: EndReason, now: dt.datetime, note: str = "") -> Subscription:
    sub.status = SubscriptionStatus.ENDED
    sub.end_reason = reason
    sub.ended_at = now
    sub.next_action_at = None
    sub.save()
    for invoice in sub.invoices.filter(status=InvoiceStatus.OPEN):
        void_invoice(invoice=invoice)
    Payment.objects.filter(invoice__subscription=sub, status=PaymentStatus.REQUIRES_ACTION).update(
        status=PaymentStatus.FAILED, failure_code="subscription_ended"
    )
    if reason == EndReason.CANCELLED and sub.current_period_end and now >= sub.current_period_end:
        _set_access_until(sub, sub.current_period_end)
    else:
        _end_access_now(sub)
    record_event(
        customer=sub.customer,
        subscription=sub,
        kind="ended",
        message=f"Ended: {EndReason(reason).label}" + (f" ({note})" if note else ""),
        at=now,
    )
    if reason in (EndReason.UNPAID, EndReason.CANCELLED):
        # The last message: it has ended, and how to come back (no deadline is left to name).
        queue.after_commit(tasks.send_subscription_ended, subscription_id=sub.pk)
    return sub


def end_at_period_end(*, subscription_id: int) -> None:
    with transaction.atomic():
        sub = _locked(subscription_id)
        if sub.status == SubscriptionStatus.ACTIVE and sub.cancel_at_period_end:
            _end(sub=sub, reason=EndReason.CANCELLED, now=now_for(sub.customer))


def end_unpaid(*, subscription_id: int) -> None:
    with transaction.atomic():
        sub = _locked(subscription_id)
        if sub.status == SubscriptionStatus.PAST_DUE:
            _end(sub=sub, reason=EndReason.UNPAID, now=now_for(sub.customer))


def staff_end_now(*, subscription: Subscription, refund_unused: bool, note: str = "") -> int:
    """End at once; refund the unused part of the current period pro rata. Returns refunded.

    The refund goes first: if the gateway refuses, nothing has ended and staff can try again.
    """
    sub = Subscription.objects.select_related("customer", "customer__test_clock").get(
        pk=subscription.pk
    )
    if sub.status not in LIVE_STATUSES:
        raise BillingError("This subscription has already ended.")
    now = now_for(sub.customer)
    refunded = 0
    last_payment = (
        Payment.objects.filter(invoice__subscription=sub, status=PaymentStatus.SUCCEEDED)
        .select_related("invoice")
        .order_by("-invoice__period_end", "-pk")
        .first()
    )
    if refund_unused and last_payment is not None:
        amount = unused_amount(payment=last_payment, at=now)
        if amount > 0:
            refunded = refund(
                payment=last_payment,
                amount_minor=amount,
                reason="Unused part of the period, ended by staff",
                idempotency_key=f"staff-end:{sub.pk}:{last_payment.pk}",
            )
    if sub.gateway_subscription_id:
        _stop_gateway_schedule(sub, at_period_end=False)
    with transaction.atomic():
        locked = _locked(sub.pk)
        if locked.status in LIVE_STATUSES:
            _end(sub=locked, reason=EndReason.STAFF, now=now, note=note)
            queue.after_commit(
                tasks.send_staff_ended,
                subscription_id=locked.pk,
                refunded_minor=refunded,
                note=note,
            )
    return refunded

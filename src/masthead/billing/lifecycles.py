"""The gateway's side of a subscription, reflected here: a mandate cancelled at the bank or in
the UPI app, paused, resumed, completed, or failing at the gateway (ADR 0015).

Lifecycle webhooks (Razorpay ``subscription.*``, Stripe ``customer.subscription.*`` and
``invoice.payment_failed``/``payment_action_required``) are only a signal: ``sync`` re-fetches
the subscription from the gateway and makes ours agree with what the gateway holds *now*, so the
same events applied twice or in any order end in the same state. The reconcile command calls it
for every subscription the gateway lists.

What the gateway's state means here:

- it will not collect the next period (ended, paused, or cancelling at period end) and ours is
  active: ours stops renewing (``cancel_at_period_end``, marked ``gateway_stopped``): no
  pre-debit notice, no charge, access to the end of the paid period; the reader is told;
- it is collecting again (Razorpay ``resumed``/``active``, a Stripe cancellation undone) and
  ours stopped for a gateway reason: renewals are back on;
- it ended for good and ours is past due (no paid period left): ours ends now, no dunning;
- ours is still waiting for its first payment: the hosted checkout is settled from the
  gateway's record (``authenticated``/``active``), or closed when the gateway ended it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from django.db import transaction

from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.gateways.base import GatewayError, GatewaySubscription
from masthead.billing.models import EndReason, Subscription, SubscriptionStatus
from masthead.billing.services import hosted
from masthead.billing.services.common import BillingError, _locked
from masthead.billing.services.endings import _end, renew_again, stop_renewing

logger = logging.getLogger(__name__)

# Gateways whose cancellation at period end can be undone at the gateway (Stripe's
# ``cancel_at_period_end: false``); Razorpay cannot un-cancel, so a reader's cancellation made
# here is never undone by a Razorpay event.
RESUMABLE_GATEWAYS = frozenset({"stripe"})


def _why(state: GatewaySubscription) -> str:
    if state.ended:
        return f"The mandate was stopped at the bank or gateway ({state.status})"
    if state.paused:
        return "The mandate was paused at the bank or gateway"
    return "The subscription was set to end at the gateway"


def fetch(subscription: Subscription) -> GatewaySubscription:
    """The gateway's subscription behind ours. Raises GatewayError when it cannot be asked."""
    gateway = hosted.hosted_gateway(subscription.customer.gateway)
    return gateway.fetch_subscription(
        gateway_subscription_id=subscription.gateway_subscription_id
        or subscription.gateway_checkout_id
    )


def sync(*, subscription: Subscription, state: GatewaySubscription | None = None) -> Subscription:
    """Make ``subscription`` agree with the gateway's subscription (fetched unless given).

    Idempotent and order-free: it depends only on the gateway's current state and ours.
    Raises GatewayError when the gateway cannot be asked (the caller tries again later).
    """
    sub = Subscription.objects.select_related("customer", "customer__user", "plan").get(
        pk=subscription.pk
    )
    if not (sub.gateway_subscription_id or sub.gateway_checkout_id):
        return sub
    state = state or fetch(sub)
    if sub.status == SubscriptionStatus.PENDING:
        # The first payment: settle it from the gateway's record, or close the checkout the
        # gateway ended (``complete_hosted_checkout`` asks the gateway itself).
        with contextlib.suppress(BillingError):
            hosted.complete_hosted_checkout(
                subscription=sub, answer={}, abandon_if_unpaid=state.ended
            )
        sub.refresh_from_db()
        if sub.status == SubscriptionStatus.PENDING:
            Subscription.objects.filter(pk=sub.pk).update(gateway_status=state.status)
            return sub
    with transaction.atomic():
        sub = _locked(sub.pk)
        now = now_for(sub.customer)
        sub.gateway_status = state.status
        if sub.status == SubscriptionStatus.ACTIVE:
            _active(sub=sub, state=state, now=now)
        elif sub.status == SubscriptionStatus.PAST_DUE and (state.ended or state.paused):
            # Nothing paid is left to run out and the gateway will not collect: stop the
            # dunning run now rather than ask the reader for a mandate they cancelled.
            _end(sub=sub, reason=EndReason.CANCELLED, now=now, note=_why(state))
            queue.after_commit(tasks.send_mandate_stopped, subscription_id=sub.pk)
        Subscription.objects.filter(pk=sub.pk).update(gateway_status=state.status)
    sub.refresh_from_db()
    return sub


def _active(*, sub: Subscription, state: GatewaySubscription, now: dt.datetime) -> None:
    if not state.will_collect and not sub.cancel_at_period_end:
        sub.gateway_stopped = True
        sub.cancellation_reason = _why(state)[:300]
        stop_renewing(
            sub=sub,
            now=now,
            kind="gateway_stopped",
            message=(
                f"{_why(state)}: no further charge; access until {sub.current_period_end:%d %b %Y}"
            ),
            gateway_status=state.status,
        )
        queue.after_commit(tasks.send_mandate_stopped, subscription_id=sub.pk)
        return
    resumable = sub.gateway_stopped or sub.customer.gateway in RESUMABLE_GATEWAYS
    if (
        state.will_collect
        and sub.cancel_at_period_end
        and resumable
        and sub.current_period_end is not None
        and now < sub.current_period_end
    ):
        sub.gateway_stopped = False
        renew_again(
            sub=sub,
            now=now,
            kind="gateway_resumed",
            message="The gateway is collecting again: renewals are back on",
            gateway_status=state.status,
        )


def sync_quietly(*, subscription: Subscription) -> Subscription:
    """``sync``, keeping the subscription as it is when the gateway cannot be reached."""
    try:
        return sync(subscription=subscription)
    except GatewayError as exc:
        logger.warning("could not fetch gateway subscription for %s: %s", subscription.pk, exc)
        return subscription

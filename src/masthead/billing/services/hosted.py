"""Checkout hosted by the gateway (Razorpay Subscriptions, Stripe Checkout): the gateway
collects each period on its own mandate; we open its checkout and settle what it reports."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from masthead.billing.gateways import get_gateway
from masthead.billing.gateways.base import (
    ChargeResult,
    ChargeStatus,
    CheckoutRequest,
    GatewayError,
    HostedGateway,
    SignatureError,
)
from masthead.billing.invoicing import charge_total
from masthead.billing.models import Customer, Payment, PlanPrice, Subscription, SubscriptionStatus
from masthead.billing.services import settlement
from masthead.billing.services.checkout import CheckoutOutcome, _open_checkout
from masthead.billing.services.common import (
    AlreadySubscribed,
    BillingError,
    PaymentDeclined,
    _locked,
)

logger = logging.getLogger(__name__)


# How long a gateway mandate may keep collecting: ten years of periods (the reader cancels
# from My subscription or their bank; the gateways need a count).
MANDATE_YEARS = 10


@dataclass(frozen=True)
class HostedStart:
    subscription: Subscription
    checkout_id: str
    redirect_url: str


def start_hosted_checkout(
    *,
    user: User,
    price: PlanPrice,
    checkout_key: str,
    success_url: str,
    cancel_url: str,
    next_url: str = "",
) -> HostedStart:
    """Open the gateway's checkout for a plan. Idempotent on ``checkout_key``.

    The pending subscription, its first invoice and a pending payment are written first (so a
    crash leaves something to reconcile); then the gateway's checkout is made (the gateway
    dedupes it by the same key); then its ids are stored on the subscription.
    """
    plan = price.plan
    if plan.trial_days or (
        price.intro_amount_minor is not None and price.intro_amount_minor != price.amount_minor
    ):
        raise BillingError(
            f"{plan.name} has a trial or an introductory price, which the gateway's mandate "
            "cannot carry yet; choose another plan."
        )
    existing = Subscription.objects.filter(checkout_key=checkout_key).first()
    if existing is not None and existing.customer.user_id != user.pk:
        raise BillingError("This checkout belongs to someone else. Start again.")
    if existing is None:
        existing = _earlier_hosted_checkout(user=user, price=price)
    if existing is not None and existing.gateway_checkout_id:
        return HostedStart(
            subscription=existing,
            checkout_id=existing.gateway_checkout_id,
            redirect_url=existing.gateway_checkout_url,
        )
    subscription = (
        existing
        or _open_checkout(
            user=user,
            price=price,
            checkout_key=checkout_key,
            next_url=next_url,
            payment_method="",
            payment_method_label="",
        ).subscription
    )
    customer = subscription.customer
    gateway = hosted_gateway(customer.gateway)
    request = CheckoutRequest(
        checkout_key=checkout_key,
        plan_name=plan.name,
        plan_ref=str(price.gateway_plan_ids.get(customer.gateway, "")),
        period_months=plan.period_months,
        # What each period debits: GST included, also when prices are set to exclude it.
        amount_minor=charge_total(
            customer=customer, amount_minor=int(price.amount_minor), currency=price.currency
        ),
        currency=price.currency,
        total_periods=max(1, MANDATE_YEARS * 12 // plan.period_months),
        email=user.email,
        name=customer.name,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    with transaction.atomic():
        # Held while the gateway's checkout is made: a double click must not make two.
        locked = _locked(subscription.pk)
        if locked.gateway_checkout_id:
            return HostedStart(
                subscription=locked,
                checkout_id=locked.gateway_checkout_id,
                redirect_url=locked.gateway_checkout_url,
            )
        try:
            hosted = gateway.start_checkout(request=request)
        except GatewayError as exc:
            logger.warning("could not open %s checkout: %s", customer.gateway, exc)
            raise BillingError(
                "The payment gateway could not be reached. Nothing was charged; please try "
                "again in a minute."
            ) from exc
        if hosted.plan_ref and not request.plan_ref:
            locked_price = PlanPrice.objects.select_for_update().get(pk=price.pk)
            locked_price.gateway_plan_ids = {
                **locked_price.gateway_plan_ids,
                customer.gateway: hosted.plan_ref,
            }
            locked_price.save(update_fields=["gateway_plan_ids"])
        Subscription.objects.filter(pk=subscription.pk).update(
            gateway_checkout_id=hosted.checkout_id, gateway_checkout_url=hosted.redirect_url
        )
    subscription.refresh_from_db()
    return HostedStart(
        subscription=subscription,
        checkout_id=hosted.checkout_id,
        redirect_url=hosted.redirect_url,
    )


def _earlier_hosted_checkout(*, user: User, price: PlanPrice) -> Subscription | None:
    """A checkout this reader opened and left: resumed for the same plan, else closed.

    A reader may close the gateway's window and come back later, or pick another plan; the
    one-live-subscription rule must not lock them out, and a payment that did go through
    must never be dropped.
    """
    earlier = (
        Subscription.objects.filter(customer__user=user, status=SubscriptionStatus.PENDING)
        .exclude(gateway_checkout_id="")
        .select_related("customer")
        .first()
    )
    if earlier is None:
        return None
    if earlier.plan_id == price.plan_id and earlier.currency == price.currency:
        return earlier
    try:
        complete_hosted_checkout(subscription=earlier, answer={}, abandon_if_unpaid=True)
    except PaymentDeclined:
        return None  # nothing was paid: the earlier checkout is closed
    raise AlreadySubscribed(
        "Your earlier checkout went through after all: you already subscribe. Manage it from "
        "My subscription."
    )


def complete_hosted_checkout(
    *, subscription: Subscription, answer: dict[str, str], abandon_if_unpaid: bool = False
) -> CheckoutOutcome:
    """The reader is back from the gateway: verify its answer and settle the first payment.

    Safe to call twice (a reload, a lost response): a settled payment is left as it is.
    Raises BillingError when the answer is forged or nothing was paid.
    """
    sub = Subscription.objects.select_related("customer").get(pk=subscription.pk)
    if sub.status == SubscriptionStatus.ACTIVE:
        return CheckoutOutcome(subscription=sub, created=False)
    if not sub.gateway_checkout_id:
        raise BillingError("This checkout was never opened at the gateway. Start again.")
    gateway = hosted_gateway(sub.customer.gateway)
    try:
        completion = gateway.complete_checkout(checkout_id=sub.gateway_checkout_id, answer=answer)
    except SignatureError as exc:
        logger.warning("hosted checkout answer for subscription %s failed its check", sub.pk)
        raise BillingError(
            "The payment confirmation could not be verified, so nothing was recorded. If you "
            "were charged, it will be matched automatically within the hour."
        ) from exc
    except GatewayError as exc:
        raise BillingError(
            "The payment gateway has not confirmed the payment yet. Reload this page in a "
            "minute; you will not be charged twice."
        ) from exc
    payment = Payment.objects.select_related("invoice").get(
        invoice__subscription=sub, idempotency_key=f"checkout:{sub.checkout_key}"
    )
    if completion is None:
        if abandon_if_unpaid:
            # An abandoned or replaced checkout, and the gateway says nothing was paid.
            settlement.settle_payment(
                payment_id=payment.pk,
                result=ChargeResult(status=ChargeStatus.FAILED, failure_code="abandoned"),
            )
        raise PaymentDeclined("The payment was not completed. Try again or choose another plan.")
    if (completion.amount_minor, completion.currency) != (
        int(payment.amount_minor),
        payment.currency,
    ) and completion.charge.status == ChargeStatus.SUCCEEDED:
        logger.error("hosted checkout for subscription %s paid a different amount", sub.pk)
        raise BillingError(
            "The gateway reports a different amount than this plan's price. Our team has been "
            "told and will sort it out; you will not be charged again."
        )
    with transaction.atomic():
        Customer.objects.filter(pk=sub.customer_id).update(
            gateway_customer_id=completion.gateway_customer_id or sub.customer.gateway_customer_id,
            payment_method=completion.gateway_subscription_id,
            payment_method_label=completion.method_label[:100],
        )
        Subscription.objects.filter(pk=sub.pk).update(
            gateway_subscription_id=completion.gateway_subscription_id
        )
    settlement.settle_payment(payment_id=payment.pk, result=completion.charge)
    sub.refresh_from_db()
    if sub.status != SubscriptionStatus.ACTIVE:
        payment.refresh_from_db()
        raise PaymentDeclined(
            payment.failure_message or "The payment did not go through. Try another method."
        )
    return CheckoutOutcome(subscription=sub, created=True)


def hosted_gateway(name: str) -> HostedGateway:
    gateway = get_gateway(name)
    if not hasattr(gateway, "start_checkout"):
        raise BillingError(f"The {name} gateway has no hosted checkout; pay by card here.")
    return gateway  # type: ignore[return-value]

"""A reader's saved payment method, replaced (My subscription → Update payment method)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from masthead.billing.clock import now_for
from masthead.billing.gateways import get_gateway
from masthead.billing.gateways.base import SCHEDULED_PREFIX, GatewayError, SignatureError
from masthead.billing.models import Customer, Subscription
from masthead.billing.services.checkout import sandbox_card
from masthead.billing.services.common import BillingError, record_event


def replace_sandbox_card(*, customer: Customer, card_number: str) -> Customer:
    """Save a new sandbox test card as the reader's payment method; renewals and Pay now charge
    it from now. Raises BillingError saying what is wrong with the number."""
    if customer.gateway != "sandbox" or customer.payment_method.startswith(SCHEDULED_PREFIX):
        raise BillingError(
            "Your payment method is a mandate with our payment gateway; update it there."
        )
    try:
        token, label = sandbox_card(card_number=card_number)
    except ValueError as exc:
        raise BillingError(str(exc)) from exc
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        previous = locked.payment_method_label
        locked.payment_method = token
        locked.payment_method_label = label
        locked.save(update_fields=["payment_method", "payment_method_label"])
        record_event(
            customer=locked,
            subscription=None,
            kind="payment_method_updated",
            message=f"Payment method changed from {previous or 'none'} to {label}",
            at=now_for(locked),
        )
    return locked


def _updatable(subscription: Subscription) -> Any:
    gateway = get_gateway(subscription.customer.gateway)
    if not subscription.gateway_subscription_id or not hasattr(
        gateway, "start_payment_method_update"
    ):
        raise BillingError(
            "Your payment method cannot be changed here yet: your bank or UPI app can update the "
            "mandate, or subscribe again with the new method when this period ends."
        )
    return gateway


def start_hosted_update(*, subscription: Subscription, success_url: str, cancel_url: str) -> str:
    """Open the gateway's own page where the reader saves a new payment method for their
    subscription (Stripe: a setup-mode Checkout Session); the address to send them to, or ""
    where the authorisation happens in the gateway's script on our page (Razorpay)."""
    gateway = _updatable(subscription)
    try:
        hosted = gateway.start_payment_method_update(
            gateway_subscription_id=subscription.gateway_subscription_id,
            customer_ref=subscription.customer.gateway_customer_id,
            success_url=success_url,
            cancel_url=cancel_url,
            key=f"{subscription.pk}:{secrets.token_urlsafe(12)}",
        )
    except GatewayError as exc:
        raise BillingError(
            "The payment gateway could not be reached. Nothing changed; try again in a minute."
        ) from exc
    return str(hosted.redirect_url)


def finish_hosted_update(*, subscription: Subscription, answer: Mapping[str, str]) -> Customer:
    """The reader is back from the gateway's page: make the saved method the subscription's
    and remember its label. Raises BillingError when the page was not this subscription's or
    the reader has not finished."""
    gateway = _updatable(subscription)
    try:
        label = gateway.complete_payment_method_update(
            gateway_subscription_id=subscription.gateway_subscription_id, answer=answer
        )
    except SignatureError as exc:
        raise BillingError("That page was not an update of your subscription.") from exc
    except GatewayError as exc:
        raise BillingError(
            "The payment gateway has not confirmed the new payment method yet; try again."
        ) from exc
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=subscription.customer_id)
        previous = customer.payment_method_label
        customer.payment_method_label = str(label)[:100]
        customer.save(update_fields=["payment_method_label"])
        record_event(
            customer=customer,
            subscription=subscription,
            kind="payment_method_updated",
            message=f"Payment method changed from {previous or 'none'} to {label} at the gateway",
            at=now_for(customer),
        )
    return customer

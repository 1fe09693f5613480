"""Update payment method, then collect what is owed on it (issue 12, deliverable 4).

A reader whose renewal failed (past due) updates their method and the open renewal invoice is
charged on the new one at once (``renewals.pay_now``), so the subscription recovers without a
second step. Sits beside ``operations``: it calls renewals and services, never the reverse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from masthead.billing import renewals, services
from masthead.billing.models import Payment, Subscription, SubscriptionStatus


@dataclass(frozen=True)
class MethodUpdate:
    label: str
    # What was collected on the new method for an open renewal, if anything was owed.
    payment: Payment | None = None


def update_card(*, subscription: Subscription, card_number: str) -> MethodUpdate:
    """Sandbox: save the new test card; a past-due renewal is paid on it at once.
    Raises ``services.BillingError`` with what to do."""
    customer = services.replace_payment_method(
        customer=subscription.customer, card_number=card_number
    )
    subscription.refresh_from_db()
    payment = None
    if (
        subscription.status == SubscriptionStatus.PAST_DUE
        and renewals.open_renewal_invoice(subscription) is not None
    ):
        subscription.customer = customer
        payment = renewals.pay_now(subscription=subscription).payment
    return MethodUpdate(label=customer.payment_method_label, payment=payment)


def start_gateway_update(*, subscription: Subscription, success_url: str, cancel_url: str) -> str:
    """Where to send the reader to save a new method at the gateway (Stripe)."""
    return services.start_hosted_payment_method_update(
        subscription=subscription, success_url=success_url, cancel_url=cancel_url
    )


def finish_gateway_update(*, subscription: Subscription, answer: Mapping[str, str]) -> MethodUpdate:
    """Back from the gateway: the new method is the subscription's; a past-due renewal is then
    paid on it (Pay now pays the gateway's open invoice)."""
    customer = services.finish_hosted_payment_method_update(
        subscription=subscription, answer=answer
    )
    subscription.refresh_from_db()
    payment = None
    if (
        subscription.status == SubscriptionStatus.PAST_DUE
        and renewals.open_renewal_invoice(subscription) is not None
    ):
        subscription.customer = customer
        payment = renewals.pay_now(subscription=subscription).payment
    return MethodUpdate(label=customer.payment_method_label, payment=payment)

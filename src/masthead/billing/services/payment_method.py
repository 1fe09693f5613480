"""A reader's saved payment method, replaced (My subscription → Update payment method)."""

from __future__ import annotations

from django.db import transaction

from masthead.billing.clock import now_for
from masthead.billing.gateways.base import SCHEDULED_PREFIX
from masthead.billing.models import Customer
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

"""The billing customer behind a reader: created on first checkout, tax details, test clocks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from masthead.billing.models import Customer, TestClock
from masthead.billing.services.common import BillingError


def ensure_customer(*, user: User) -> Customer:
    customer, _ = Customer.objects.get_or_create(
        user=user,
        defaults={
            "gateway": settings.BILLING_GATEWAY,
            "name": user.get_full_name() or user.email,
            "mandate_limit_minor": settings.BILLING_MANDATE_LIMIT_MINOR,
        },
    )
    return customer


@transaction.atomic
def attach_test_clock(*, customer: Customer) -> TestClock:
    """Put a sandbox customer on a test clock that starts at the present moment."""
    if customer.gateway != "sandbox":
        raise BillingError("Test clocks exist only for sandbox customers.")
    if customer.test_clock_id is not None:
        return customer.test_clock  # type: ignore[return-value]
    clock = TestClock.objects.create(name=f"Clock for {customer}", frozen_time=timezone.now())
    customer.test_clock = clock
    customer.save(update_fields=["test_clock"])
    return clock


@transaction.atomic
def update_tax_details(*, customer: Customer, name: str, state_code: str, gstin: str) -> Customer:
    from masthead.billing.gst_states import GST_STATES as STATES

    if state_code and state_code not in STATES:
        raise BillingError(
            f"{state_code!r} is not a GST state code; pick your state from the list."
        )
    gstin = gstin.strip().upper()
    if gstin and (len(gstin) != 15 or gstin[:2] != state_code):
        raise BillingError(
            "A GSTIN has 15 characters and starts with your state's code; check it, or leave it "
            "empty if you are not registered for GST."
        )
    customer.name, customer.state_code, customer.gstin = name.strip(), state_code, gstin
    customer.save(update_fields=["name", "state_code", "gstin"])
    return customer

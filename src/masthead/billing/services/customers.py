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
def update_tax_details(
    *,
    customer: Customer,
    name: str,
    state_code: str,
    gstin: str,
    address: str = "",
    city: str = "",
    postal_code: str = "",
    country_code: str = "IN",
) -> Customer:
    """The recipient as tax invoices name them; the GSTIN checked with its check character
    (billing.gstin), and a registered buyer's address required (Rule 46(d))."""
    from masthead.billing.gst_states import GST_STATES as STATES
    from masthead.billing.gstin import InvalidGstin, validate_gstin

    if state_code and state_code not in STATES:
        raise BillingError(
            f"{state_code!r} is not a GST state code; pick your state from the list."
        )
    gstin = gstin.strip().upper()
    if gstin:
        try:
            gstin = validate_gstin(gstin, state_code=state_code)
        except InvalidGstin as exc:
            raise BillingError(str(exc)) from exc
        if not address.strip():
            raise BillingError("A business invoice needs your registered address (Rule 46).")
    customer.name, customer.state_code, customer.gstin = name.strip(), state_code, gstin
    customer.address, customer.city = address.strip(), city.strip()
    customer.postal_code = postal_code.strip()
    customer.country_code = (country_code or "IN").strip().upper()
    customer.save(
        update_fields=[
            "name", "state_code", "gstin", "address", "city", "postal_code", "country_code"
        ]
    )  # fmt: skip
    return customer

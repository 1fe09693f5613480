"""Checkout asks what the tax invoice must show (CGST Rule 46; Circular 242/36/2024): the
reader's State always, a business buyer's address with a valid GSTIN, and an unregistered
buyer's address from ₹50,000."""

from __future__ import annotations

import pytest

from masthead.billing.models import Customer, Invoice, Plan, PlanPrice, Subscription
from masthead.billing.tests.test_pages import checkout
from masthead.ops import testing

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_in_india_must_give_their_state(client, plans):
    client.force_login(testing.reader_account())
    refused = checkout(client, state_code="")
    assert "Pick your state: GST law needs it on every invoice" in refused.content.decode()
    assert not Subscription.objects.exists()


def test_a_reader_abroad_gives_a_country_instead(client, plans):
    client.force_login(testing.reader_account())
    done = checkout(client, state_code="", country_code="US", address="200 Park Avenue")
    assert done.status_code == 302
    customer = Customer.objects.get()
    assert (customer.country_code, customer.state_code) == ("US", "")


def test_a_business_invoice_needs_the_registered_address(client, plans):
    client.force_login(testing.reader_account())
    refused = checkout(client, gstin="27AABCM1234F1ZX", state_code="27")
    assert "needs your registered address" in refused.content.decode()
    assert not Subscription.objects.exists()
    done = checkout(
        client, gstin="27AABCM1234F1ZX", state_code="27", address="4 Law College Road",
        city="Pune", postal_code="411004",
    )  # fmt: skip
    assert done.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.buyer["gstin"] == "27AABCM1234F1ZX"
    assert invoice.buyer["address"] == "4 Law College Road"
    assert invoice.supply_type == "B2B"


def test_from_50000_rupees_the_address_is_required(client, plans):
    plan = Plan.objects.create(
        name="Institutional", slug="institutional", period_months=12,
        benefits=["premium_stories"],
    )  # fmt: skip
    PlanPrice.objects.create(plan=plan, currency="INR", amount_minor=5_000_000)  # ₹50,000
    client.force_login(testing.reader_account())
    refused = checkout(client, plan="institutional")
    assert "Invoices of ₹50,000 or more must show your address" in refused.content.decode()
    assert not Subscription.objects.exists()
    done = checkout(client, plan="institutional", address="12 Marine Drive", city="Mumbai")
    assert done.status_code == 302
    assert Invoice.objects.get().buyer["address"] == "12 Marine Drive"


def test_below_50000_rupees_no_address_is_asked(client, plans):
    client.force_login(testing.reader_account())
    assert checkout(client).status_code == 302

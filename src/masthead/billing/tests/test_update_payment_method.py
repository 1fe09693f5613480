"""Update payment method (issue 12, finding 4) on the sandbox: a new test card, and a renewal
that failed is then collected on it at once, so the subscription recovers.

Amounts: Smart Quarterly is ₹900 a quarter (demo plan, GST included).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse

from masthead.access.models import Benefit
from masthead.access.selectors import active_benefits
from masthead.billing.models import (
    BillingEvent,
    Customer,
    Payment,
    PaymentStatus,
    SandboxCharge,
    SubscriptionStatus,
)

from .conftest import DECLINED, GOOD_CARD
from .test_pay_now_once import tabs, told

pytestmark = pytest.mark.django_db(transaction=True)
URL = "billing:update_payment_method"


def past_due(reader):
    """A reader whose ₹900 renewal was declined on 30 Apr (their card stopped working)."""
    sub = reader.subscribe("smart-quarterly")
    reader.use_card(DECLINED)
    assert sub.current_period_end is not None
    reader.advance(days=(sub.current_period_end - reader.now()).days + 1, step_hours=12)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE
    return sub


def test_a_past_due_reader_updates_the_card_and_the_renewal_is_paid_on_it(client, reader):
    sub = past_due(reader)
    client.force_login(reader.user)
    page = client.get(reverse(URL))
    assert "Your renewal of <strong>₹900</strong> is unpaid" in page.content.decode()
    done = client.post(reverse(URL), {"card_number": "4242 4242 4242 4242"}, follow=True)
    assert "your renewal was paid with Test card ending 4242" in done.content.decode()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 1
    customer = Customer.objects.get(pk=reader.customer.pk)
    assert (customer.payment_method, customer.payment_method_label) == (
        GOOD_CARD,
        "Test card ending 4242",
    )
    paid = Payment.objects.get(
        invoice__subscription=sub, status=PaymentStatus.SUCCEEDED, invoice__kind="recurring"
    )
    assert paid.amount_minor == 90_000 and paid.invoice.number
    # The first period and this renewal: one successful charge each, nothing charged twice.
    succeeded = SandboxCharge.objects.filter(status="succeeded")
    assert sorted(succeeded.values_list("amount_minor", flat=True)) == [90_000, 90_000]
    assert Benefit.PREMIUM_STORIES in active_benefits(user_id=reader.user.pk, now=reader.now())
    assert BillingEvent.objects.filter(kind="payment_method_updated").count() == 1


def test_an_up_to_date_reader_saves_a_new_card_and_is_not_charged(client, reader):
    sub = reader.subscribe("smart-quarterly")
    charges = SandboxCharge.objects.count()
    client.force_login(reader.user)
    done = client.post(reverse(URL), {"card_number": "4000 0000 0000 0002"}, follow=True)
    assert "Renewals will be charged to Test card ending 0002" in done.content.decode()
    assert SandboxCharge.objects.count() == charges
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert Customer.objects.get(pk=reader.customer.pk).payment_method == DECLINED


def test_a_card_that_is_no_test_card_is_refused_and_nothing_changes(client, reader):
    reader.subscribe("smart-quarterly")
    client.force_login(reader.user)
    refused = client.post(reverse(URL), {"card_number": "5555 5555 5555 4444"})
    assert refused.status_code == 200
    assert "That is not a sandbox test card" in refused.content.decode()
    assert Customer.objects.get(pk=reader.customer.pk).payment_method == GOOD_CARD
    assert not BillingEvent.objects.filter(kind="payment_method_updated").exists()


def test_a_reader_without_a_subscription_gets_a_404(client, reader):
    client.force_login(reader.user)
    assert client.get(reverse(URL)).status_code == 404


@pytest.mark.postgres_only
def test_four_tabs_updating_the_card_at_once_pay_the_renewal_once_and_all_say_so(reader):
    """Deliverable 1: a payment-method update collects the unpaid renewal once however many
    tabs post it; every tab hears it was saved (the winner that the renewal was paid), none
    gets an error."""
    sub = past_due(reader)
    barrier = threading.Barrier(4)

    def update(client):
        try:
            barrier.wait(timeout=30)
            response = client.post(
                reverse(URL), {"card_number": "4242 4242 4242 4242"}, follow=True
            )
            return response.status_code, response.redirect_chain, told(response)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(update, tabs(reader.user, 4)))

    paid = (
        "Saved, and your renewal was paid with Test card ending 4242. Your subscription is "
        "active again."
    )
    # A tab that saves its card after another tab's payment went through finds nothing owed.
    saved = "Saved. Renewals will be charged to Test card ending 4242."
    my = reverse("billing:my_subscription")
    assert [(status, chain) for status, chain, _ in answers] == [(200, [(my, 302)])] * 4
    said = [message for _, _, messages in answers for message in messages]
    assert len(said) == 4 and set(said) <= {paid, saved} and paid in said, said
    renewal_charges = SandboxCharge.objects.filter(status="succeeded", amount_minor=90_000)
    assert renewal_charges.count() == 2  # the first quarter, and this renewal once
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 1
    assert not Payment.objects.filter(status=PaymentStatus.PENDING).exists()

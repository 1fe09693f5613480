"""Update payment method and Pay now on Stripe (issue 12, finding 4): a setup-mode Checkout
Session saves the new card (docs.stripe.com, "update payment details" with Checkout in setup
mode), and Pay now pays the subscription's open invoice (``POST /v1/invoices/:id/pay``), so a
past-due reader really pays and the subscription recovers. Stripe's servers are the recorded
fake; what the reader does on Stripe's pages is played by it (``complete_setup``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from masthead.billing import renewals
from masthead.billing.clock import advance
from masthead.billing.models import (
    Customer,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
    TestClock,
)
from masthead.billing.tests.recorded_gateway import FakeStripe
from masthead.billing.tests.test_hosted_checkout_stripe import _active
from masthead.ops import testing

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reader(client: Any) -> User:
    user = testing.reader_account("stripe.method@example.com")
    client.force_login(user)
    return user


def past_due(client: Any, stripe_api: FakeStripe, reader: User) -> tuple[Subscription, str]:
    """Active on Stripe, then Stripe's renewal charge fails: past due, Stripe's invoice open."""
    sub = _active(client, stripe_api)
    clock = TestClock.objects.create(name="year", frozen_time=timezone.now())
    Customer.objects.filter(user=reader).update(test_clock=clock)
    assert sub.current_period_end is not None
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    renewals.run_due_work()  # the pre-debit notice
    invoice_id = stripe_api.fail_collection(
        sub.gateway_subscription_id, period_start=int(sub.current_period_end.timestamp())
    )
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE
    return sub, invoice_id


def test_pay_now_on_stripe_pays_the_open_invoice_and_the_subscription_recovers(
    client, stripe_api, reader
):
    sub, invoice_id = past_due(client, stripe_api, reader)
    client.post(reverse("billing:pay_now"))
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 1
    assert len(stripe_api.requests_to("POST", f"/v1/invoices/{invoice_id}/pay")) == 1
    assert stripe_api.invoices[invoice_id]["status"] == "paid"
    paid = Payment.objects.get(
        invoice__subscription=sub, status=PaymentStatus.SUCCEEDED, invoice__kind="recurring"
    )
    assert paid.amount_minor == 270_000 and paid.gateway_payment_id.startswith("pi_")


def test_a_new_card_saved_on_stripes_page_then_pays_the_open_invoice(client, stripe_api, reader):
    sub, invoice_id = past_due(client, stripe_api, reader)
    page = client.get(reverse("billing:update_payment_method")).content.decode()
    assert "Continue to change my payment method" in page
    assert "Your renewal of <strong>₹2,700</strong> is unpaid" in page
    sent = client.post(reverse("billing:update_payment_method"))
    assert sent.status_code == 302 and sent["Location"].startswith("https://checkout.stripe.com/")
    session_id = sent["Location"].rsplit("/", 1)[1]
    made = stripe_api.requests_to("POST", "/v1/checkout/sessions")[-1].form
    assert made["mode"] == "setup" and made["metadata[subscription_id]"] == (
        sub.gateway_subscription_id
    )
    stripe_api.complete_setup(session_id, card="4444")
    back = client.get(
        reverse("billing:payment_method_return"), {"session_id": session_id}, follow=True
    )
    assert "your renewal was paid with" in back.content.decode()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    default = stripe_api.subscriptions[sub.gateway_subscription_id]["default_payment_method"]
    assert default["card"]["last4"] == "4444"
    assert stripe_api.invoices[invoice_id]["status"] == "paid"
    assert Customer.objects.get(user=reader).payment_method_label.endswith("4444")


def test_a_return_naming_another_subscriptions_session_changes_nothing(client, stripe_api, reader):
    sub, _invoice = past_due(client, stripe_api, reader)
    client.post(reverse("billing:update_payment_method"))
    other = stripe_api.requests_to("POST", "/v1/checkout/sessions")[0]  # the first checkout's
    session_id = next(iter(stripe_api.sessions))
    assert other.form["mode"] == "subscription"
    back = client.get(
        reverse("billing:payment_method_return"), {"session_id": session_id}, follow=True
    )
    assert "That page was not an update of your subscription" in back.content.decode()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE

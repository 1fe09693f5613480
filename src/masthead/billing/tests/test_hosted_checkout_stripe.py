"""Stripe Checkout + Billing end to end: our pages, the official SDK, and a local server
answering like Stripe's API from recordings (Stripe's servers are out of reach here).

What the reader does on Stripe's page and what Stripe Billing does later are played by the fake
(``complete_session``, ``collect``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from masthead.billing import renewals, services
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
from masthead.ops import testing

pytestmark = pytest.mark.django_db(transaction=True)
CHECKOUT_KEY = "stripe-checkout-key-0001"


@pytest.fixture
def reader(client: Any) -> User:
    user = testing.reader_account("card.reader@example.com")
    client.force_login(user)
    return user


def open_checkout(client: Any, *, key: str = CHECKOUT_KEY) -> str:
    """Submit the tax details; returns the Stripe Checkout address we are sent to."""
    response = client.post(
        reverse("billing:checkout", args=["smart-essential"]),
        {
            "checkout_key": key,
            "name": "Asha Rao",
            "state_code": "27",
            "gstin": "",
            "currency": "INR",
            "next": "/story/",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return str(response["Location"])


def come_back(client: Any, session_id: str, *, key: str = CHECKOUT_KEY) -> Any:
    return client.get(
        reverse("billing:checkout_return", args=[key]), {"session_id": session_id}, follow=False
    )


def _active(client: Any, stripe_api: FakeStripe) -> Subscription:
    address = open_checkout(client)
    session_id = address.rsplit("/", 1)[1]
    stripe_api.complete_session(session_id)
    assert come_back(client, session_id).status_code == 302
    return Subscription.objects.get(checkout_key=CHECKOUT_KEY)


def test_a_reader_pays_on_stripe_checkout_and_reads_at_once(client, stripe_api, reader):
    address = open_checkout(client)
    assert address.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    session_id = address.rsplit("/", 1)[1]
    (created,) = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    assert created.form["mode"] == "subscription"
    assert created.form["client_reference_id"] == CHECKOUT_KEY
    assert created.form["success_url"].endswith(
        f"/subscribe/checkout/return/{CHECKOUT_KEY}/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    (price,) = stripe_api.requests_to("POST", "/v1/prices")
    assert (price.form["unit_amount"], price.form["recurring[interval_count]"]) == ("270000", "12")
    # Back before paying: nothing is recorded and the reader is told so.
    early = come_back(client, session_id)
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING
    assert early.status_code == 302
    stripe_api.complete_session(session_id)
    back = come_back(client, session_id)
    assert back["Location"] == "/story/"
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    assert sub.status == SubscriptionStatus.ACTIVE and sub.gateway_subscription_id.startswith(
        "sub_"
    )
    customer = Customer.objects.get(user=reader)
    assert customer.payment_method_label == "Visa •••• 4242"
    first = Payment.objects.get(invoice__subscription=sub)
    assert first.status == PaymentStatus.SUCCEEDED and first.gateway_payment_id.startswith("pi_3")


def test_a_double_submit_opens_one_stripe_session(client, stripe_api, reader):
    assert open_checkout(client) == open_checkout(client)
    # Stripe saw the second request under the same Idempotency-Key or not at all.
    keys = {
        r.headers.get("idempotency-key")
        for r in stripe_api.requests_to("POST", "/v1/checkout/sessions")
    }
    assert keys == {f"checkout-session:{CHECKOUT_KEY}"}
    assert len(stripe_api.sessions) == 1


def test_a_return_naming_another_session_records_nothing(client, stripe_api, reader):
    session_id = open_checkout(client).rsplit("/", 1)[1]
    stripe_api.complete_session(session_id)
    page = client.get(
        reverse("billing:checkout_return", args=[CHECKOUT_KEY]),
        {"session_id": "cs_test_someone_elses_session"},
        follow=True,
    ).content.decode()
    assert "could not be verified" in page
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING


def test_a_stripe_renewal_is_recorded_from_what_stripe_billing_collected(
    client, stripe_api, reader
):
    sub = _active(client, stripe_api)
    clock = TestClock.objects.create(name="year", frozen_time=timezone.now())  # test setup only
    Customer.objects.filter(user=reader).update(test_clock=clock)
    assert sub.current_period_end is not None
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    renewals.run_due_work()  # pre-debit notice (INR)
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()  # not collected yet
    assert Subscription.objects.get(pk=sub.pk).period_index == 0
    intent = stripe_api.collect(
        sub.gateway_subscription_id, period_start=int(sub.current_period_end.timestamp())
    )
    Subscription.objects.filter(pk=sub.pk).update(next_action_at=clock.frozen_time)
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.period_index == 1 and sub.status == SubscriptionStatus.ACTIVE
    renewal = Payment.objects.get(invoice__subscription=sub, invoice__kind="recurring")
    assert (renewal.status, renewal.gateway_payment_id) == (PaymentStatus.SUCCEEDED, intent)
    assert not stripe_api.requests_to("POST", "/v1/payment_intents")


def test_cancel_and_undo_follow_through_to_stripe(client, stripe_api, reader):
    sub = _active(client, stripe_api)
    path = f"/v1/subscriptions/{sub.gateway_subscription_id}"
    services.cancel(subscription=sub)
    assert stripe_api.subscriptions[sub.gateway_subscription_id]["cancel_at_period_end"] is True
    services.undo_cancel(subscription=Subscription.objects.get(pk=sub.pk))
    assert stripe_api.subscriptions[sub.gateway_subscription_id]["cancel_at_period_end"] is False
    assert [r.form for r in stripe_api.requests_to("POST", path)] == [
        {"cancel_at_period_end": "true"},
        {"cancel_at_period_end": "false"},
    ]
    assert not Subscription.objects.get(pk=sub.pk).cancel_at_period_end


def test_staff_end_now_stops_stripe_at_once_and_refunds_the_unused_part(client, stripe_api, reader):
    sub = _active(client, stripe_api)
    refunded = services.staff_end_now(subscription=sub, refund_unused=True, note="Duplicate")
    assert refunded > 0
    assert stripe_api.subscriptions[sub.gateway_subscription_id]["status"] == "canceled"
    (refund,) = stripe_api.refunds.values()
    first = Payment.objects.get(invoice__subscription=sub)
    assert refund["payment_intent"] == first.gateway_payment_id
    assert refund["amount"] == refunded
    assert Subscription.objects.get(pk=sub.pk).status == SubscriptionStatus.ENDED

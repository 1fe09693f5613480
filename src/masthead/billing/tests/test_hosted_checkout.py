"""Razorpay Subscriptions checkout end to end: our pages, the official SDK, and a local server
answering like Razorpay's API from recordings (Razorpay's servers are out of reach here).

What the reader does in Checkout.js and what Razorpay's scheduler does are played by the fake
(``authorise``, ``collect``); every signature is a real HMAC checked by our code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from masthead.access.models import Benefit
from masthead.access.selectors import active_benefits
from masthead.billing import renewals, services
from masthead.billing.clock import advance
from masthead.billing.gateways import get_gateway
from masthead.billing.models import (
    Customer,
    Invoice,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
    TestClock,
)
from masthead.billing.tests.recorded_gateway import FakeRazorpay, Reply, recording
from masthead.ops import testing

pytestmark = pytest.mark.django_db(transaction=True)
KEY_ID = "rzp_test_Pq7Rx2Lm9Zs4Tb"
KEY_SECRET = "Xk3Lq9Vb2Nm7Rt5Wz8Pd1Hs4"
CHECKOUT_KEY = "hosted-checkout-key-0001"


@pytest.fixture
def razorpay(settings: Any, monkeypatch: pytest.MonkeyPatch, plans: None) -> Iterator[FakeRazorpay]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeRazorpay(key_id=KEY_ID, key_secret=KEY_SECRET)
    server.start()
    settings.BILLING_GATEWAY = "razorpay"
    settings.RAZORPAY_API_BASE = server.base_url
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = "whsec-hosted"
    get_gateway.cache_clear()
    yield server
    server.stop()
    get_gateway.cache_clear()


@pytest.fixture
def reader(client: Any) -> User:
    user = testing.reader_account("upi.reader@example.com")
    client.force_login(user)
    return user


def open_checkout(client: Any, *, key: str = CHECKOUT_KEY, plan: str = "smart-essential") -> str:
    """Submit the tax details; returns the Razorpay subscription id the page hands Checkout.js."""
    response = client.post(
        reverse("billing:checkout", args=[plan]) + "?next=/story/",
        {
            "checkout_key": key,
            "name": "Asha Rao",
            "state_code": "27",
            "gstin": "",
            "currency": "INR",
            "next": "/story/",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200, page
    marker = 'data-subscription="'
    assert marker in page, page
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_a_reader_subscribes_with_upi_autopay_and_reads_at_once(client, razorpay, reader):
    form = client.get(reverse("billing:checkout", args=["smart-essential"])).content.decode()
    assert "Continue to payment" in form and "card_number" not in form
    sub_id = open_checkout(client)
    assert sub_id.startswith("sub_")
    answer = razorpay.authorise(sub_id, method="upi")
    back = client.post(reverse("billing:checkout_return", args=[CHECKOUT_KEY]), answer)
    assert back.status_code == 302 and back["Location"] == "/story/"
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.gateway_subscription_id == sub_id
    customer = Customer.objects.get(user=reader)
    assert (customer.payment_method, customer.payment_method_label) == (sub_id, "UPI Autopay")
    invoice = Invoice.objects.get(subscription=sub)
    assert invoice.status == "paid" and invoice.number
    payment = Payment.objects.get(invoice=invoice)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.gateway_payment_id == answer["razorpay_payment_id"]
    assert Benefit.PREMIUM_STORIES in active_benefits(user_id=reader.pk, now=timezone.now())
    # The plan Razorpay bills is this price, made once and remembered.
    created_plan = razorpay.requests_to("POST", "/v1/plans")[0].json
    assert created_plan["item"] == {"name": "Smart Essential", "amount": 270000, "currency": "INR"}
    assert created_plan["interval"] == 12
    assert sub.plan.prices.get(currency="INR").gateway_plan_ids["razorpay"].startswith("plan_")


def test_with_prices_excluding_gst_the_mandate_debits_the_total_with_gst(
    client, razorpay, reader, settings
):
    settings.PRICES_INCLUDE_TAX = False
    sub_id = open_checkout(client)
    created_plan = razorpay.requests_to("POST", "/v1/plans")[0].json
    assert created_plan["item"]["amount"] == 318_600  # ₹2,700 + 18% GST
    back = client.post(
        reverse("billing:checkout_return", args=[CHECKOUT_KEY]),
        razorpay.authorise(sub_id, method="upi"),
    )
    assert back.status_code == 302
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    assert sub.status == SubscriptionStatus.ACTIVE
    invoice = Invoice.objects.get(subscription=sub)
    assert invoice.total_minor == Payment.objects.get(invoice=invoice).amount_minor == 318_600
    assert invoice.taxable_minor == 270_000


def test_a_double_submit_makes_one_razorpay_subscription(client, razorpay, reader):
    first = open_checkout(client)
    again = open_checkout(client)
    assert first == again
    assert len(razorpay.requests_to("POST", "/v1/subscriptions")) == 1
    assert Subscription.objects.count() == 1


def test_an_answer_not_signed_for_our_subscription_records_nothing(client, razorpay, reader):
    sub_id = open_checkout(client)
    answer = razorpay.authorise(sub_id)
    forged = {**answer, "razorpay_signature": "0" * 64}
    response = client.post(
        reverse("billing:checkout_return", args=[CHECKOUT_KEY]), forged, follow=True
    )
    assert "could not be verified" in response.content.decode()
    # Checkout.js echoes a subscription id; ours is the one stored, so swapping it fails too.
    other = open_checkout(client, key="another-checkout-key-02", plan="smart-essential")
    assert other == sub_id  # the same plan resumes the open checkout, it does not make another
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    assert sub.status == SubscriptionStatus.PENDING
    assert not Payment.objects.filter(status=PaymentStatus.SUCCEEDED).exists()
    # The genuine answer still completes it.
    client.post(reverse("billing:checkout_return", args=[CHECKOUT_KEY]), answer)
    assert Subscription.objects.get(pk=sub.pk).status == SubscriptionStatus.ACTIVE


def test_a_reader_whose_browser_never_came_back_is_matched_by_the_sweep(client, razorpay, reader):
    sub_id = open_checkout(client)
    razorpay.authorise(sub_id, method="card")  # paid, but the answer never reached us
    an_hour_ago = timezone.now() - dt.timedelta(hours=2)
    Payment.objects.update(created_at=an_hour_ago)
    Subscription.objects.update(next_action_at=an_hour_ago)
    renewals.run_due_work()
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    assert sub.status == SubscriptionStatus.ACTIVE
    assert Customer.objects.get(user=reader).payment_method_label == "Visa e-mandate •••• 1111"


def test_a_checkout_left_unpaid_is_closed_after_an_hour_and_nothing_is_owed(
    client, razorpay, reader
):
    open_checkout(client)
    an_hour_ago = timezone.now() - dt.timedelta(hours=2)
    Payment.objects.update(created_at=an_hour_ago)
    Subscription.objects.update(next_action_at=an_hour_ago)
    renewals.run_due_work()
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert Subscription.objects.get().status == SubscriptionStatus.ENDED


def _active(client: Any, razorpay: FakeRazorpay, reader: User) -> Subscription:
    sub_id = open_checkout(client)
    client.post(reverse("billing:checkout_return", args=[CHECKOUT_KEY]), razorpay.authorise(sub_id))
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    # Run this reader's billing clock forward (test setup only: test clocks are a sandbox
    # feature; here it stands for a year passing).
    clock = TestClock.objects.create(name="year", frozen_time=timezone.now())
    Customer.objects.filter(user=reader).update(test_clock=clock)
    return sub


def test_a_renewal_records_what_razorpay_collected_and_never_charges_itself(
    client, razorpay, reader
):
    sub = _active(client, razorpay, reader)
    assert sub.current_period_end is not None
    clock = TestClock.objects.get()
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    renewals.run_due_work()  # the pre-debit notice, 47 hours ahead
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()  # Razorpay has not collected yet: nothing changes, no failure
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 0
    waiting = Payment.objects.get(invoice__subscription=sub, invoice__kind="recurring")
    assert waiting.status == PaymentStatus.PENDING
    collected = razorpay.collect(
        sub.gateway_subscription_id, billing_start=int(sub.current_period_end.timestamp())
    )
    Subscription.objects.filter(pk=sub.pk).update(next_action_at=clock.frozen_time)
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 1
    renewal = Payment.objects.get(invoice__subscription=sub, invoice__kind="recurring")
    assert renewal.status == PaymentStatus.SUCCEEDED
    assert renewal.gateway_payment_id == collected["id"]
    assert renewal.amount_minor == 270000 and renewal.invoice.number
    assert not razorpay.requests_to("POST", "/v1/payments/create/recurring")
    assert not razorpay.requests_to("POST", "/v1/orders")


def test_a_renewal_razorpay_could_not_collect_puts_the_reader_past_due(client, razorpay, reader):
    sub = _active(client, razorpay, reader)
    assert sub.current_period_end is not None
    razorpay.fail_collection(sub.gateway_subscription_id)
    clock = TestClock.objects.get()
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    renewals.run_due_work()  # the pre-debit notice
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE
    failed = Payment.objects.get(invoice__subscription=sub, invoice__kind="recurring")
    assert "Razorpay could not collect" in failed.failure_message


def test_cancelling_stops_the_mandate_at_razorpay_and_undo_says_what_to_do(
    client, razorpay, reader
):
    sub = _active(client, razorpay, reader)
    client.post(reverse("billing:cancel"), {"reason": "Too many subscriptions"})
    sub.refresh_from_db()
    assert sub.cancel_at_period_end
    (stop,) = razorpay.requests_to(
        "POST", f"/v1/subscriptions/{sub.gateway_subscription_id}/cancel"
    )
    assert stop.json == {"cancel_at_cycle_end": 1}
    page = client.post(reverse("billing:undo_cancel"), follow=True).content.decode()
    assert "cannot be un-cancelled" in page
    sub.refresh_from_db()
    assert sub.cancel_at_period_end


def test_when_razorpay_is_down_a_cancellation_changes_nothing_and_says_try_again(
    client, razorpay, reader
):
    sub = _active(client, razorpay, reader)
    razorpay.outage = Reply(500, recording("razorpay/error_server"))
    with pytest.raises(services.BillingError, match="try again"):
        services.cancel(subscription=sub)
    sub.refresh_from_db()
    assert not sub.cancel_at_period_end and sub.status == SubscriptionStatus.ACTIVE


def test_a_plan_change_on_a_mandate_is_refused_with_the_way_to_do_it(client, razorpay, reader):
    sub = _active(client, razorpay, reader)
    response = client.post(reverse("billing:change_plan"), {"plan": "super-saver"}, follow=True)
    assert "cancel (you keep access to the end of the period)" in response.content.decode()
    sub.refresh_from_db()
    assert sub.plan.slug == "smart-essential" and sub.next_plan_id is None


def test_razorpays_subscription_charged_webhook_records_the_renewal_without_waiting(
    client, razorpay, reader
):
    sub = _active(client, razorpay, reader)
    assert sub.current_period_end is not None
    clock = TestClock.objects.get()
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    renewals.run_due_work()
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()  # waiting for Razorpay's own charge
    collected = razorpay.collect(
        sub.gateway_subscription_id, billing_start=int(sub.current_period_end.timestamp())
    )
    event = recording("razorpay/webhook_subscription_charged")
    event["payload"]["subscription"]["entity"]["id"] = sub.gateway_subscription_id
    event["payload"]["payment"]["entity"]["id"] = collected["id"]
    body = json.dumps(event).encode()
    signature = hmac.new(b"whsec-hosted", body, hashlib.sha256).hexdigest()
    response = client.post(
        reverse("billing:webhook", args=["razorpay"]),
        body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature,
        HTTP_X_RAZORPAY_EVENT_ID="evt_hosted_renewal_1",
    )
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.period_index == 1
    renewal = Payment.objects.get(invoice__subscription=sub, invoice__kind="recurring")
    assert (renewal.status, renewal.gateway_payment_id) == (
        PaymentStatus.SUCCEEDED,
        collected["id"],
    )

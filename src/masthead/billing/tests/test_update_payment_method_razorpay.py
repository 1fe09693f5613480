"""Update payment method on Razorpay (issue 12, finding 4): a new authorisation in Checkout.js
(``subscription_card_change``), signed as Razorpay signs it and checked against the subscription
id we stored; on a ``pending`` subscription Razorpay charges the unpaid cycle to the new card
(``payment-retries.md``), which we then record, and the subscription recovers.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from masthead.billing import renewals
from masthead.billing.clock import advance
from masthead.billing.models import (
    Customer,
    Payment,
    PaymentStatus,
    SubscriptionStatus,
    TestClock,
)
from masthead.billing.tests.test_gateway_lifecycles import razorpay, reader  # noqa: F401
from masthead.billing.tests.test_hosted_checkout import _active

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_card_authorised_in_checkout_js_pays_the_unpaid_renewal(client, razorpay, reader):  # noqa: F811
    sub = _active(client, razorpay, reader)
    clock = TestClock.objects.get()
    assert sub.current_period_end is not None
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    renewals.run_due_work()  # the pre-debit notice
    razorpay.fail_collection(
        sub.gateway_subscription_id, billing_start=int(sub.current_period_end.timestamp())
    )
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE

    page = client.post(reverse("billing:update_payment_method")).content.decode()
    assert 'data-card-change="1"' in page
    assert f'data-subscription="{sub.gateway_subscription_id}"' in page
    answer = razorpay.change_card(sub.gateway_subscription_id)
    back = client.post(reverse("billing:payment_method_return"), answer, follow=True)
    assert "your renewal was paid with Visa e-mandate •••• 1111" in back.content.decode()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 1
    paid = Payment.objects.get(
        invoice__subscription=sub, status=PaymentStatus.SUCCEEDED, invoice__kind="recurring"
    )
    assert paid.gateway_payment_id == answer["razorpay_payment_id"]
    assert paid.amount_minor == 270_000
    label = Customer.objects.get(user=reader).payment_method_label
    assert label == "Visa e-mandate •••• 1111"


def test_an_answer_not_signed_for_our_subscription_changes_nothing(client, razorpay, reader):  # noqa: F811
    sub = _active(client, razorpay, reader)
    answer = razorpay.change_card(sub.gateway_subscription_id)
    forged = {**answer, "razorpay_signature": "0" * 64}
    back = client.post(reverse("billing:payment_method_return"), forged, follow=True)
    assert "That page was not an update of your subscription" in back.content.decode()
    assert Customer.objects.get(user=reader).payment_method_label == "UPI Autopay"

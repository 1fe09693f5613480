"""Pay now on a halted Razorpay mandate (issue 12, finding 4): Razorpay does not re-attempt a
halted cycle ("no auto-charge is attempted", ``payments/subscriptions/states.md``), so the
reader's Pay now must land on the cycle's invoice link (``short_url``) and, once Razorpay reports
the invoice paid (``invoice.paid``, ``subscription.charged``, or a reconcile), the subscription
recovers. The gateway is the recorded Razorpay fake; webhooks are signed as Razorpay signs them.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from masthead.billing import renewals
from masthead.billing.clock import advance
from masthead.billing.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
    TestClock,
)
from masthead.billing.tests.recorded_gateway import FakeRazorpay
from masthead.billing.tests.test_gateway_lifecycles import (  # noqa: F401
    deliver_razorpay_body,
    razorpay,
    razorpay_event,
    reader,
)
from masthead.billing.tests.test_hosted_checkout import _active

pytestmark = pytest.mark.django_db(transaction=True)


def _halted(client, razorpay: FakeRazorpay, reader) -> tuple[Subscription, str]:  # noqa: F811
    """A reader whose renewal Razorpay could not collect and gave up on (``halted``)."""
    sub = _active(client, razorpay, reader)
    clock = TestClock.objects.get()
    assert sub.current_period_end is not None
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    renewals.run_due_work()  # the pre-debit notice
    razorpay.fail_collection(
        sub.gateway_subscription_id, billing_start=int(sub.current_period_end.timestamp())
    )
    razorpay.set_status(sub.gateway_subscription_id, "halted")
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE
    (issued,) = [
        i
        for i in razorpay.invoices.values()
        if i["subscription_id"] == sub.gateway_subscription_id and i["status"] == "issued"
    ]
    return sub, str(issued["id"])


def _pay_now_lands_on_the_invoice_link(client, razorpay: FakeRazorpay, invoice_id: str) -> None:  # noqa: F811
    response = client.post(reverse("billing:pay_now"))
    assert response.status_code == 302
    assert response["Location"] == razorpay.invoices[invoice_id]["short_url"]
    # A second tab lands on the same link and makes no second attempt.
    again = client.post(reverse("billing:pay_now"))
    assert again["Location"] == razorpay.invoices[invoice_id]["short_url"]


def _recovered(sub: Subscription, paid_payment_id: str) -> None:
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 1
    renewal = Invoice.objects.get(subscription=sub, kind="recurring")
    assert renewal.status == InvoiceStatus.PAID
    paid = Payment.objects.get(invoice=renewal, status=PaymentStatus.SUCCEEDED)
    assert paid.amount_minor == 270_000 and paid.gateway_payment_id == paid_payment_id
    assert not Payment.objects.filter(invoice=renewal, status=PaymentStatus.PENDING).exists()


def test_pay_now_on_a_halted_mandate_pays_the_invoice_link_and_invoice_paid_recovers(
    client,
    razorpay,  # noqa: F811
    reader,  # noqa: F811
):
    sub, invoice_id = _halted(client, razorpay, reader)
    assert "Pay now" in client.get(reverse("billing:my_subscription")).content.decode()
    _pay_now_lands_on_the_invoice_link(client, razorpay, invoice_id)
    payment = razorpay.pay_invoice(invoice_id)
    deliver_razorpay_body(client, razorpay.invoice_webhook(invoice_id, "invoice.paid"))
    _recovered(sub, payment["id"])
    page = client.get(reverse("billing:my_subscription")).content.decode()
    assert "Pay now" not in page


def test_pay_now_on_a_halted_mandate_recovers_on_subscription_charged(
    client,
    razorpay,  # noqa: F811
    reader,  # noqa: F811
):
    sub, invoice_id = _halted(client, razorpay, reader)
    _pay_now_lands_on_the_invoice_link(client, razorpay, invoice_id)
    payment = razorpay.pay_invoice(invoice_id)
    razorpay_event(client, razorpay, sub.gateway_subscription_id, "charged")
    _recovered(sub, payment["id"])


def test_pay_now_on_a_halted_mandate_recovers_by_reconcile_when_no_webhook_came(
    client,
    razorpay,  # noqa: F811
    reader,  # noqa: F811
):
    sub, invoice_id = _halted(client, razorpay, reader)
    _pay_now_lands_on_the_invoice_link(client, razorpay, invoice_id)
    payment = razorpay.pay_invoice(invoice_id)
    call_command("billing", "reconcile", stdout=StringIO())
    _recovered(sub, payment["id"])

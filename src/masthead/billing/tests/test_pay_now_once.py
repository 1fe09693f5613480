"""Pay now, checkout: one charge however many tabs, retries or parallel requests; every request
gets the winner's answer, never a 500. And the worker's sweep settles any payment left pending,
whatever its subscription's due date, refunding a charge another payment made unnecessary."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.billing import operations
from masthead.billing.gateways.base import GatewayError
from masthead.billing.gateways.sandbox import SandboxGateway
from masthead.billing.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    PlanPrice,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
)

from .conftest import GOOD_CARD, NO_FUNDS

pytestmark = pytest.mark.django_db(transaction=True)

PAID = "Paid. Thank you — your subscription is active again."
MY = reverse("billing:my_subscription")
PAY = reverse("billing:pay_now")


@pytest.fixture
def past_due(reader):
    """A reader whose ₹900 quarterly renewal failed, now with a good card in hand."""
    reader.subscribe("smart-quarterly")
    reader.use_card(NO_FUNDS)
    reader.advance(days=89, hours=12)
    assert reader.subscription().status == SubscriptionStatus.PAST_DUE
    reader.use_card(GOOD_CARD)
    return reader


def pay_now_charges() -> list[SandboxCharge]:
    return list(SandboxCharge.objects.filter(idempotency_key__startswith="paynow:"))


def tabs(user, count: int) -> list[Client]:
    """``count`` browser tabs of one signed-in reader: one session, shared."""
    signed_in = Client()
    signed_in.force_login(user)
    signed_in.get(MY)  # the browser is registered as the reader's device once, before the tabs
    clients = []
    for _ in range(count):
        tab = Client()
        tab.cookies = signed_in.cookies
        clients.append(tab)
    return clients


def told(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_pay_now_submitted_twice_charges_once_and_both_are_told_it_is_paid(client, past_due):
    client.force_login(past_due.user)
    first = client.post(PAY, follow=True)
    second = client.post(PAY, follow=True)

    assert first.redirect_chain == second.redirect_chain == [(MY, 302)]
    assert told(first) == told(second) == [PAID]
    (charge,) = pay_now_charges()
    assert (charge.status, charge.amount_minor) == ("succeeded", 90_000)
    sub = past_due.subscription()
    assert (sub.status, sub.period_index) == (SubscriptionStatus.ACTIVE, 1)


def test_a_pay_now_whose_answer_was_lost_says_so_and_the_retry_finishes_the_same_charge(
    client, past_due, monkeypatch
):
    real_charge = SandboxGateway.charge
    lost = {"done": False}

    def charge_then_lose_the_answer(self, **kwargs):
        result = real_charge(self, **kwargs)
        if not lost["done"]:
            lost["done"] = True
            raise GatewayError("connection reset after the charge was made")
        return result

    monkeypatch.setattr(SandboxGateway, "charge", charge_then_lose_the_answer)
    client.force_login(past_due.user)

    lost_answer = client.post(PAY, follow=True)
    assert lost_answer.status_code == 200
    (said,) = told(lost_answer)
    assert "You will not be charged twice" in said
    retried = client.post(PAY, follow=True)
    assert told(retried) == [PAID]

    (charge,) = pay_now_charges()
    paid = Payment.objects.get(
        status=PaymentStatus.SUCCEEDED, idempotency_key__startswith="paynow:"
    )
    assert paid.idempotency_key == charge.idempotency_key


@pytest.mark.postgres_only
def test_four_parallel_pay_now_posts_make_one_charge_and_no_errors(past_due):
    barrier = threading.Barrier(4)

    def pay(client):
        try:
            barrier.wait(timeout=30)
            response = client.post(PAY, follow=True)
            return response.status_code, response.redirect_chain, told(response)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(pay, tabs(past_due.user, 4)))

    assert answers == [(200, [(MY, 302)], [PAID])] * 4
    (charge,) = pay_now_charges()
    assert (charge.status, charge.amount_minor) == ("succeeded", 90_000)
    (renewal,) = Invoice.objects.filter(kind="recurring")
    assert renewal.status == InvoiceStatus.PAID
    assert renewal.payments.filter(status=PaymentStatus.SUCCEEDED).count() == 1
    assert not Payment.objects.filter(status=PaymentStatus.PENDING).exists()


@pytest.mark.postgres_only
def test_four_parallel_checkouts_with_one_key_make_one_charge(reader):
    price = PlanPrice.objects.get(plan__slug="smart-quarterly", currency="INR")
    barrier = threading.Barrier(4)
    form = {
        "checkout_key": "one-checkout-key-for-four-tabs",
        "currency": "INR",
        "name": "Asha Reader",
        "state_code": "27",
        "gstin": "",
        "card_number": "4242 4242 4242 4242",
    }

    def buy(client):
        try:
            barrier.wait(timeout=30)
            response = client.post(
                reverse("billing:checkout", args=[price.plan.slug]), form, follow=True
            )
            return response.status_code, response.redirect_chain
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(buy, tabs(reader.user, 4)))

    assert answers == [(200, [(MY, 302)])] * 4, answers
    (charge,) = SandboxCharge.objects.all()
    assert (charge.status, charge.amount_minor) == ("succeeded", 90_000)
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE


def test_a_checkout_posted_twice_charges_once_and_both_are_welcomed(client, reader):
    client.force_login(reader.user)
    form = {
        "checkout_key": "one-checkout-key-two-clicks",
        "currency": "INR",
        "name": "Asha Reader",
        "state_code": "27",
        "gstin": "",
        "card_number": "4000 0000 0000 0002",  # declined: both requests hear why
    }
    url = reverse("billing:checkout", args=["smart-quarterly"])
    first = client.post(url, form)
    second = client.post(url, form)
    assert first.status_code == second.status_code == 200
    for response in (first, second):
        assert "The card was declined. Try another card." in response.content.decode()
    assert SandboxCharge.objects.count() == 1


def test_the_sweep_settles_a_pay_now_left_pending_though_nothing_is_due(past_due, monkeypatch):
    """The request charged and died before recording it; the subscription's next step is days
    away, so the renewal sweep would not look at it before then."""
    from masthead.billing import renewals
    from masthead.billing.services import settlement

    monkeypatch.setattr(
        settlement, "settle_payment", lambda **kw: (_ for _ in ()).throw(RuntimeError("died"))
    )
    with pytest.raises(RuntimeError):
        renewals.pay_now(subscription=past_due.subscription())
    monkeypatch.undo()
    sub = past_due.subscription()
    assert sub.next_action_at > past_due.now() + dt.timedelta(hours=12)
    (left,) = Payment.objects.filter(status=PaymentStatus.PENDING)

    assert operations.reconcile_stale_payments() == 0  # still young: its request may be alive
    later = timezone.now() + dt.timedelta(minutes=11)
    assert operations.reconcile_stale_payments(now=later) == 1

    left.refresh_from_db()
    assert left.status == PaymentStatus.SUCCEEDED
    sub.refresh_from_db()
    assert (sub.status, sub.period_index) == (SubscriptionStatus.ACTIVE, 1)
    assert len(pay_now_charges()) == 1


def test_the_sweep_refunds_in_full_a_second_charge_for_an_invoice_already_paid(client, past_due):
    """Two attempts reached the gateway for one renewal (as parallel pay nows did before): the
    one left pending is retired and its money goes back, with no renewal due for weeks."""
    sub = past_due.subscription()
    invoice = Invoice.objects.get(kind="recurring", status=InvoiceStatus.OPEN)
    stray = Payment.objects.create(
        invoice=invoice,
        amount_minor=invoice.total_minor,
        currency="INR",
        gateway="sandbox",
        idempotency_key=f"paynow:{invoice.pk}:stray",
        attempt=9,
        status=PaymentStatus.FAILED,  # out of the way until the reader has paid
    )
    SandboxGateway().charge(
        customer_ref=f"cus_{past_due.customer.pk}",
        payment_method=GOOD_CARD,
        amount_minor=90_000,
        currency="INR",
        idempotency_key=stray.idempotency_key,
        description="renewal",
        off_session=False,
    )
    client.force_login(past_due.user)
    assert told(client.post(PAY, follow=True)) == [PAID]
    Payment.objects.filter(pk=stray.pk).update(status=PaymentStatus.PENDING)
    sub.refresh_from_db()
    assert sub.next_action_at > past_due.now() + dt.timedelta(days=30)

    assert operations.reconcile_stale_payments(now=timezone.now() + dt.timedelta(minutes=11)) == 1

    stray.refresh_from_db()
    assert (stray.status, stray.failure_code) == (PaymentStatus.FAILED, "superseded")
    assert stray.refunded_minor == 90_000
    charge = SandboxCharge.objects.get(idempotency_key=stray.idempotency_key)
    assert charge.refunded_minor == charge.amount_minor == 90_000
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.payments.get(status=PaymentStatus.SUCCEEDED).pk != stray.pk


def test_a_second_tab_with_its_own_checkout_is_sent_to_my_subscription_and_not_charged(
    client, reader
):
    client.force_login(reader.user)
    url = reverse("billing:checkout", args=["smart-quarterly"])
    form = {
        "currency": "INR",
        "name": "Asha Reader",
        "state_code": "27",
        "gstin": "",
        "card_number": "4242 4242 4242 4242",
    }
    first = client.post(url, {**form, "checkout_key": "first-tab-checkout-key"}, follow=True)
    assert told(first)[0].startswith("Welcome!")
    second = client.post(url, {**form, "checkout_key": "second-tab-checkout-key"}, follow=True)

    assert second.redirect_chain == [(MY, 302)]
    assert told(second) == ["You already subscribe. Manage it here."]
    assert SandboxCharge.objects.count() == 1
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE

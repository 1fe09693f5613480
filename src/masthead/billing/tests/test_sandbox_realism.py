"""The sandbox as a gateway's test mode: staff make a customer's next charge fail from the back
office, and the authentication card shows a challenge page (approve / fail) to a present reader,
whose answer settles the payment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.billing.models import (
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    SandboxCharge,
    SandboxOutcome,
    SubscriptionStatus,
)

from .conftest import NO_FUNDS

pytestmark = pytest.mark.django_db(transaction=True)

AUTH_CARD = "4000 0025 0000 3155"
MY = reverse("billing:my_subscription")


def told(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def set_next_charge(admin_client, customer: Customer, action: str):
    return admin_client.post(
        reverse("admin:billing_customer_changelist"),
        {"action": action, "_selected_action": [customer.pk]},
        follow=True,
    )


@pytest.mark.parametrize(
    ("action", "code", "status"),
    [
        ("next_charge_declines", "card_declined", PaymentStatus.FAILED),
        ("next_charge_has_insufficient_funds", "insufficient_funds", PaymentStatus.FAILED),
        ("next_charge_needs_authentication", "authentication_required", "requires_action"),
    ],
)
def test_staff_make_the_next_renewal_fail_from_the_back_office_once(
    admin_client, reader, action, code, status
):
    reader.subscribe("smart-quarterly")  # a good card
    response = set_next_charge(admin_client, reader.customer, action)
    assert "their next charge" in told(response)[0]
    reader.customer.refresh_from_db()
    assert reader.customer.sandbox_next_charge == code

    reader.advance(days=89, hours=12)  # the renewal's charge day

    first, *later = Payment.objects.filter(idempotency_key__startswith="renewal:").order_by("pk")
    assert (first.status, first.failure_code) == (status, code)
    reader.customer.refresh_from_db()
    assert reader.customer.sandbox_next_charge == SandboxOutcome.NORMAL  # used up
    # Once only: the card itself is good, so the retry a day later (after a decline) or the
    # reader's own payment (after a request to authenticate) goes through.
    if reader.subscription().status == SubscriptionStatus.PAST_DUE:
        client = admin_client.__class__()
        client.force_login(reader.user)
        paid = client.post(reverse("billing:pay_now"), follow=True)
        assert told(paid) == ["Paid. Thank you — your subscription is active again."]
    else:
        assert [p.status for p in later] == [PaymentStatus.SUCCEEDED]
    assert reader.subscription().status == SubscriptionStatus.ACTIVE
    assert Invoice.objects.filter(kind="recurring", status=InvoiceStatus.PAID).count() == 1


def test_staff_can_take_the_switch_back_before_the_charge(admin_client, reader):
    reader.subscribe("smart-quarterly")
    set_next_charge(admin_client, reader.customer, "next_charge_declines")
    set_next_charge(admin_client, reader.customer, "next_charge_as_the_card_says")
    reader.advance(days=89, hours=12)
    assert reader.subscription().status == SubscriptionStatus.ACTIVE
    assert Invoice.objects.filter(kind="recurring", status=InvoiceStatus.PAID).count() == 1


def checkout_with_the_authentication_card(client, reader):
    client.force_login(reader.user)
    return client.post(
        reverse("billing:checkout", args=["smart-quarterly"]),
        {
            "checkout_key": "checkout-with-a-challenge",
            "currency": "INR",
            "name": "Asha Reader",
            "state_code": "27",
            "gstin": "",
            "card_number": AUTH_CARD,
        },
    )


def test_the_authentication_card_at_checkout_shows_the_challenge_and_approving_subscribes(
    client, reader
):
    response = checkout_with_the_authentication_card(client, reader)
    charge = SandboxCharge.objects.get()
    challenge = reverse("billing:sandbox_challenge", args=[charge.payment_id])
    assert response.status_code == 302
    assert response["Location"] == challenge
    assert reader.subscription().status == SubscriptionStatus.PENDING

    page = client.get(challenge).content.decode()
    assert "Confirm this payment with your bank" in page
    assert "₹900" in page
    assert "Approve the payment" in page
    assert "Fail the check" in page

    approved = client.post(challenge, {"decision": "approve"}, follow=True)
    assert approved.redirect_chain == [(MY, 302)]
    assert told(approved)[0].startswith("Welcome! Your Smart Quarterly subscription is active.")
    assert reader.subscription().status == SubscriptionStatus.ACTIVE
    assert Invoice.objects.get(kind="initial").status == InvoiceStatus.PAID
    assert SandboxCharge.objects.count() == 1
    # Answered: the page is gone.
    assert client.get(challenge).status_code == 404


def test_failing_the_challenge_at_checkout_subscribes_nobody_and_says_why(client, reader):
    checkout_with_the_authentication_card(client, reader)
    charge = SandboxCharge.objects.get()
    challenge = reverse("billing:sandbox_challenge", args=[charge.payment_id])

    failed = client.post(challenge, {"decision": "fail"}, follow=True)

    checkout_page = reverse("billing:checkout", args=["smart-quarterly"]) + "?currency=INR"
    assert failed.redirect_chain == [(checkout_page, 302)]
    assert told(failed) == ["You did not confirm the payment with your bank. Try again."]
    assert reader.subscription().status == SubscriptionStatus.ENDED
    assert Invoice.objects.get(kind="initial").status == InvoiceStatus.VOID
    assert Payment.objects.get().status == PaymentStatus.FAILED


def test_pay_now_with_the_authentication_card_shows_the_challenge_and_approving_pays(
    client, reader
):
    reader.subscribe("smart-quarterly")
    reader.use_card(NO_FUNDS)
    reader.advance(days=89, hours=12)
    reader.use_card("pm_sandbox_4000002500003155")
    client.force_login(reader.user)

    response = client.post(reverse("billing:pay_now"))
    waiting = Payment.objects.get(idempotency_key__startswith="paynow:")
    challenge = reverse("billing:sandbox_challenge", args=[waiting.gateway_payment_id])
    assert response["Location"] == challenge
    # A second tab's pay now is sent to the same challenge, charging nothing more.
    assert client.post(reverse("billing:pay_now"))["Location"] == challenge
    assert SandboxCharge.objects.filter(idempotency_key__startswith="paynow:").count() == 1

    paid = client.post(challenge, {"decision": "approve"}, follow=True)
    assert told(paid) == ["Paid. Thank you — your subscription is active again."]
    waiting.refresh_from_db()
    assert waiting.status == PaymentStatus.SUCCEEDED
    assert reader.subscription().status == SubscriptionStatus.ACTIVE


def test_another_reader_cannot_answer_someone_elses_challenge(client, reader_factory):
    asha = reader_factory()
    checkout_with_the_authentication_card(client, asha)
    charge = SandboxCharge.objects.get()
    challenge = reverse("billing:sandbox_challenge", args=[charge.payment_id])
    other = reader_factory()
    client.force_login(other.user)
    assert client.post(challenge, {"decision": "approve"}).status_code == 404
    assert SandboxCharge.objects.get().status == "requires_action"
    assert asha.subscription().status == SubscriptionStatus.PENDING


def test_the_challenge_page_does_not_exist_in_production(client, reader, settings):
    checkout_with_the_authentication_card(client, reader)
    charge = SandboxCharge.objects.get()
    settings.PRODUCTION = True
    url = reverse("billing:sandbox_challenge", args=[charge.payment_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert SandboxCharge.objects.get().status == "requires_action"


def test_returning_to_the_authentication_link_mid_challenge_leaves_the_challenge_open(
    client, reader
):
    reader.subscribe("smart-quarterly")
    reader.use_card(NO_FUNDS)
    reader.advance(days=89, hours=12)
    reader.use_card("pm_sandbox_4000002500003155")
    client.force_login(reader.user)
    challenge = client.post(reverse("billing:pay_now"))["Location"]

    back = client.get(reverse("billing:authenticate"), follow=True)
    assert told(back)[0].startswith("Your bank needs you to confirm this renewal payment.")

    waiting = Payment.objects.get(idempotency_key__startswith="paynow:")
    assert waiting.status == PaymentStatus.PENDING
    paid = client.post(challenge, {"decision": "approve"}, follow=True)
    assert told(paid) == ["Paid. Thank you — your subscription is active again."]

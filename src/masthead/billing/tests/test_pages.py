"""Subscribing and managing a subscription in the browser's HTTP terms."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from masthead.access.demo import load as load_paywall
from masthead.billing.models import SandboxCharge, Subscription
from masthead.ops import testing

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(plans):
    load_paywall()
    testing.rule(free_limit=0, position=1)
    return testing.article()


def checkout(client, plan="smart-essential", key="k" * 24, card="4242 4242 4242 4242", **extra):
    data = {
        "checkout_key": key,
        "name": "Asha Reader",
        "state_code": "27",
        "gstin": "",
        "card_number": card,
        "currency": "INR",
        **extra,
    }
    return client.post(reverse("billing:checkout", args=[plan]), data)


def test_from_the_prompt_to_the_story_in_full(client, story):
    page = client.get(story.get_absolute_url()).content.decode()
    assert "SECRET-FIFTH" not in page
    checkout_url = reverse("billing:checkout", args=["smart-essential"])
    assert checkout_url in page
    # Signing in first, as the login redirect would ask.
    login = client.get(checkout_url + f"?next={story.get_absolute_url()}")
    assert login.status_code == 302
    assert "/accounts/login/" in login["Location"]
    client.force_login(testing.reader_account())
    response = checkout(client, next=story.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == story.get_absolute_url()
    assert "SECRET-FIFTH" in client.get(story.get_absolute_url()).content.decode()
    assert any("receipt" in m.subject.lower() for m in mail.outbox)


def test_a_double_click_or_reload_makes_one_subscription_and_one_charge(client, story):
    client.force_login(testing.reader_account())
    first = checkout(client)
    second = checkout(client)
    assert first.status_code == second.status_code == 302
    assert Subscription.objects.count() == 1
    assert SandboxCharge.objects.count() == 1


def test_a_declined_card_says_what_to_do_and_a_new_attempt_can_succeed(client, story):
    client.force_login(testing.reader_account())
    refused = checkout(client, card="4000 0000 0000 0002")
    assert refused.status_code == 200
    assert "declined" in refused.content.decode()
    assert checkout(client, key="n" * 24).status_code == 302


def test_a_card_that_is_not_a_sandbox_card_is_refused_with_the_test_cards_listed(client, story):
    client.force_login(testing.reader_account())
    refused = checkout(client, card="5555 5555 5555 4444")
    assert "Use one of: 4242" in refused.content.decode()
    assert not Subscription.objects.exists()


def test_a_bad_gstin_is_refused_with_the_rule(client, story):
    client.force_login(testing.reader_account())
    refused = checkout(client, gstin="29ABCDE1234F1Z5")
    assert "is not a valid GSTIN" in refused.content.decode()
    assert not Subscription.objects.exists()


def test_my_subscription_shows_renewal_then_access_until_after_cancel_and_undo(client, story):
    client.force_login(testing.reader_account())
    checkout(client, plan="smart-quarterly")
    page = client.get(reverse("billing:my_subscription")).content.decode()
    assert "Smart Quarterly" in page
    assert "Next renewal" in page
    assert "₹900" in page
    client.post(reverse("billing:cancel"), {"reason": "Moving abroad"})
    page = client.get(reverse("billing:my_subscription")).content.decode()
    assert "Access until" in page
    assert "Keep my subscription" in page
    assert Subscription.objects.get().cancellation_reason == "Moving abroad"
    client.post(reverse("billing:undo_cancel"))
    assert "Next renewal" in client.get(reverse("billing:my_subscription")).content.decode()


def test_invoices_download_only_for_their_owner(client, story):
    owner = testing.reader_account()
    client.force_login(owner)
    checkout(client)
    invoice = Subscription.objects.get().invoices.get()
    pdf = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    client.force_login(testing.reader_account())
    assert client.get(reverse("billing:invoice_pdf", args=[invoice.pk])).status_code == 404


def test_plan_change_from_the_account_page(client, story):
    client.force_login(testing.reader_account())
    checkout(client, plan="super-saver")
    url = reverse("billing:change_plan")
    quote = client.get(url, {"plan": "smart-quarterly"}).context["quote"].token
    client.post(url, {"plan": "smart-quarterly", "quote": quote})
    page = client.get(reverse("billing:my_subscription")).content.decode()
    assert "moving to Smart Quarterly at the next renewal" in page


# --- A renewal the reader's bank wants confirmed -------------------------------------------

AUTHENTICATING_CARD = "pm_sandbox_4000002500003155"


def renewal_waiting_for_the_bank(reader_factory):
    """A subscriber now on the card that needs authentication: the off-session renewal waits
    for the reader."""
    from masthead.billing.models import Payment, PaymentStatus

    reader = reader_factory()
    reader.subscribe("smart-quarterly")
    reader.use_card(AUTHENTICATING_CARD)
    reader.advance(days=89, hours=12)
    waiting = Payment.objects.get(status=PaymentStatus.REQUIRES_ACTION)
    return reader, waiting


def link_the_reader_gets(waiting) -> str:
    from masthead.billing.gateways.sandbox import SandboxGateway

    found = SandboxGateway().find_charge(idempotency_key=waiting.idempotency_key)
    assert found is not None
    return found.action_url


def told(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_link_for_a_renewal_the_bank_wants_confirmed_leads_to_paying_it(client, reader_factory):
    from django.urls import resolve

    from masthead.billing.models import SubscriptionStatus

    reader, waiting = renewal_waiting_for_the_bank(reader_factory)
    link = link_the_reader_gets(waiting)
    assert resolve(link).url_name == "authenticate"
    client.force_login(reader.user)

    response = client.get(link, follow=True)
    assert response.redirect_chain == [(reverse("billing:pay_now"), 302)]
    assert told(response) == [
        "Your bank needs you to confirm this renewal payment. Press Pay now and confirm it "
        "with your bank to keep reading."
    ]
    assert "Amount: ₹900" in response.content.decode()

    # Present, the reader confirms on the bank's page (the sandbox's challenge).
    challenge = client.post(reverse("billing:pay_now"))["Location"]
    assert resolve(challenge).url_name == "sandbox_challenge"
    paid = client.post(challenge, {"decision": "approve"}, follow=True)
    assert told(paid) == ["Paid. Thank you — your subscription is active again."]
    assert reader.subscription().status == SubscriptionStatus.ACTIVE
    assert "Next renewal" in paid.content.decode()


def test_returning_from_the_bank_settles_the_renewal_it_confirmed_without_charging_again(
    client, reader_factory
):
    from masthead.billing.models import PaymentStatus, SubscriptionStatus

    reader, waiting = renewal_waiting_for_the_bank(reader_factory)
    link = link_the_reader_gets(waiting)
    # The reader confirmed on the bank's page: the gateway now reports that charge paid.
    SandboxCharge.objects.filter(idempotency_key=waiting.idempotency_key).update(
        status="succeeded", failure_code=""
    )
    client.force_login(reader.user)

    response = client.get(link, follow=True)
    assert response.redirect_chain == [(reverse("billing:my_subscription"), 302)]
    assert told(response) == ["Payment confirmed. Thank you — your subscription is active again."]
    assert "Next renewal" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == PaymentStatus.SUCCEEDED
    assert reader.subscription().status == SubscriptionStatus.ACTIVE
    assert SandboxCharge.objects.count() == 2  # the checkout and this renewal, once


def test_returning_with_nothing_to_confirm_says_so(client, reader_factory):
    reader = reader_factory()
    reader.subscribe("smart-quarterly")
    client.force_login(reader.user)
    response = client.get(reverse("billing:authenticate"), follow=True)
    assert response.redirect_chain == [(reverse("billing:my_subscription"), 302)]
    assert told(response) == ["There is nothing to confirm: your subscription is up to date."]

"""A plan change is previewed, then charged exactly what the preview showed.

Every expected amount below is worked by hand from the rule in the README ("Changing plan"):
the credit is what was paid for the current period times the share still unused, rounded down
to the paisa; today's charge is the new price less that credit.

The reader: Smart Quarterly (₹900 for 31 Jan 12:00 IST → 30 Apr, 89 days), 44 days in (16 Mar
2026, 12:00 IST), 45 of 89 days unused: credit = 90,000 × 45 / 89 = 45,505.6… → 45,505 paise
(₹455.05); Smart Essential (₹2,700 a year) today = 270,000 − 45,505 = 224,495 paise
(₹2,244.95); its year runs to 16 Mar 2027, renewing at ₹2,700.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from masthead.billing import services
from masthead.billing.clock import advance
from masthead.billing.models import (
    Invoice,
    InvoiceStatus,
    Plan,
    PlanPrice,
    SandboxCharge,
    Subscription,
)

pytestmark = pytest.mark.django_db(transaction=True)

MY = reverse("billing:my_subscription")
CHANGE = reverse("billing:change_plan")
PREVIEW = f"{CHANGE}?plan=smart-essential"
CREDIT = 45_505
TODAY = 224_495


def told(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def upgrade_charges() -> list[SandboxCharge]:
    return list(SandboxCharge.objects.filter(idempotency_key__startswith="upgrade:"))


@pytest.fixture
def subscriber(client, reader):
    reader.subscribe("smart-quarterly")
    reader.advance(days=44, step_hours=24)
    assert reader.now() == dt.datetime(2026, 3, 16, 6, 30, tzinfo=dt.UTC)
    client.force_login(reader.user)
    return reader


def preview(client):
    response = client.get(PREVIEW)
    assert response.status_code == 200
    return response


def confirm(client, quote: str, plan: str = "smart-essential"):
    return client.post(CHANGE, {"plan": plan, "quote": quote}, follow=True)


def test_the_preview_shows_todays_charge_the_credit_and_the_next_renewal(client, subscriber):
    page = preview(client).content.decode()
    assert "Charged today" in page
    assert "₹2,244.95" in page
    assert "−₹455.05" in page
    assert "16 Mar 2027, ₹2,700" in page
    assert "Pay ₹2,244.95 and change plan" in page
    assert not upgrade_charges()  # a preview charges nothing


def test_confirming_charges_exactly_the_amount_shown(client, subscriber):
    quote = preview(client).context["quote"]
    assert (quote.credit_minor, quote.today_minor) == (CREDIT, TODAY)

    done = confirm(client, quote.token)

    assert done.redirect_chain == [(MY, 302)]
    assert told(done) == [
        "You are now on Smart Essential. Charged today: ₹2,244.95. Next renewal: 16 Mar 2027."
    ]
    (charge,) = upgrade_charges()
    assert charge.amount_minor == TODAY
    invoice = Invoice.objects.get(kind="proration")
    assert (invoice.status, invoice.total_minor) == (InvoiceStatus.PAID, TODAY)
    sub = Subscription.objects.get()
    assert sub.plan.slug == "smart-essential"
    assert sub.current_period_end == dt.datetime(2027, 3, 16, 6, 30, tzinfo=dt.UTC)


def test_confirming_minutes_later_charges_the_moment_quoted_not_the_moment_confirmed(
    client, subscriber
):
    """Ten minutes later the unused part is smaller (90,000 × (64,800 − 10) / 128,160 minutes
    = 45,498.6… → 45,498 paise), but the reader is charged what they saw, and the new year
    starts at the moment quoted."""
    quote = preview(client).context["quote"]
    advance(subscriber.clock, by=dt.timedelta(minutes=10))
    assert (
        services.proration_credit(subscription=Subscription.objects.get(), at=subscriber.now())
        == 45_498
    )

    confirm(client, quote.token)

    (charge,) = upgrade_charges()
    assert charge.amount_minor == TODAY
    assert Subscription.objects.get().current_period_start == quote.at


def test_a_double_confirmation_charges_once(client, subscriber):
    token = preview(client).context["quote"].token
    first = confirm(client, token)
    second = confirm(client, token)
    assert told(first) == told(second)
    assert len(upgrade_charges()) == 1


def test_a_quote_older_than_fifteen_minutes_is_refused_and_shown_again(client, subscriber):
    token = preview(client).context["quote"].token
    advance(subscriber.clock, by=dt.timedelta(minutes=16))

    refused = confirm(client, token)

    assert refused.redirect_chain == [(PREVIEW, 302)]
    assert told(refused) == [
        "Your subscription or the plan's price has changed since this quote was made. "
        "Here is today's: check it and confirm."
    ]
    assert not upgrade_charges()
    assert Subscription.objects.get().plan.slug == "smart-quarterly"
    assert "Charged today" in refused.content.decode()  # the fresh preview


def test_an_altered_quote_is_refused(client, subscriber):
    token = preview(client).context["quote"].token
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

    refused = confirm(client, tampered)

    assert refused.redirect_chain == [(PREVIEW, 302)]
    assert told(refused) == [
        "That price quote was altered, so we cannot charge it. Here is the real one: "
        "check it and confirm."
    ]
    assert not upgrade_charges()


def test_a_quote_for_another_plan_is_refused(client, subscriber):
    super_saver = client.get(f"{CHANGE}?plan=super-saver").context["quote"]

    refused = confirm(client, super_saver.token, plan="smart-essential")

    assert told(refused) == [
        "That price quote is for another change. Here is the one you asked for."
    ]
    assert not upgrade_charges()


def test_a_price_changed_after_the_quote_is_refused(client, subscriber):
    token = preview(client).context["quote"].token
    PlanPrice.objects.filter(plan__slug="smart-essential", currency="INR").update(
        amount_minor=290_000
    )
    refused = confirm(client, token)
    assert "has changed since this quote was made" in told(refused)[0]
    assert not upgrade_charges()


def test_a_change_posted_without_a_quote_is_sent_to_the_preview_and_charges_nothing(
    client, subscriber
):
    response = client.post(CHANGE, {"plan": "smart-essential"}, follow=True)
    assert response.redirect_chain == [(PREVIEW, 302)]
    assert told(response) == ["Check what the change costs, then confirm it."]
    assert not upgrade_charges()


def test_a_downgrade_preview_charges_nothing_today_and_names_the_switch_date(client, reader):
    reader.subscribe("super-saver")  # ₹3,900 for two years from 31 Jan 2026
    client.force_login(reader.user)
    response = client.get(f"{CHANGE}?plan=smart-quarterly")
    quote = response.context["quote"]
    assert (quote.upgrade, quote.today_minor, quote.next_renewal_minor) == (False, 0, 90_000)
    page = response.content.decode()
    assert "31 Jan 2028, at your next renewal" in page

    done = confirm(client, quote.token, plan="smart-quarterly")
    assert told(done) == ["You will move to Smart Quarterly at your next renewal, on 31 Jan 2028."]
    sub = Subscription.objects.get()
    assert (sub.plan.slug, sub.next_plan.slug) == ("super-saver", "smart-quarterly")
    assert SandboxCharge.objects.count() == 1  # the checkout only


def test_the_service_charges_the_same_amount_the_quote_shows(subscriber):
    sub = Subscription.objects.get()
    essential = Plan.objects.get(slug="smart-essential")
    quote = services.quote_plan_change(subscription=sub, plan=essential)
    services.change_plan(subscription=sub, plan=essential, quote=quote.token)
    assert Invoice.objects.get(kind="proration").total_minor == quote.today_minor == TODAY

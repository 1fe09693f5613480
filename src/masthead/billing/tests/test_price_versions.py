"""Prices are versions, never edits (issue 12, finding 2; ADR 0014).

The finding: staff changed a plan's price in place; the next Razorpay reader signed a mandate on
the gateway's cached plan at the old price, paid it, and was refused with the subscription left
pending and the mandate live. Amounts below are the demo plans' (Smart Quarterly ₹900 a quarter,
Smart Essential ₹2,700 a year, prices including GST).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from masthead.billing import services
from masthead.billing.gateways import get_gateway
from masthead.billing.models import (
    BillingEvent,
    Invoice,
    Payment,
    Plan,
    PlanPrice,
    PreDebitNotice,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.services.price_change import ABOVE_MANDATE
from masthead.billing.tests.recorded_gateway import FakeRazorpay
from masthead.billing.tests.test_hosted_checkout import open_checkout
from masthead.billing.tests.test_hosted_checkout_stripe import come_back as stripe_come_back
from masthead.billing.tests.test_hosted_checkout_stripe import open_checkout as stripe_open_checkout
from masthead.ops import testing

KEY_ID = "rzp_test_Pq7Rx2Lm9Zs4Tb"
KEY_SECRET = "Xk3Lq9Vb2Nm7Rt5Wz8Pd1Hs4"
MISMATCH_KEY = "price-version-key-mismatch-0003"


@pytest.fixture
def razorpay(settings: Any, monkeypatch: pytest.MonkeyPatch, plans: None) -> Iterator[FakeRazorpay]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeRazorpay(key_id=KEY_ID, key_secret=KEY_SECRET)
    server.start()
    settings.BILLING_GATEWAY = "razorpay"
    settings.RAZORPAY_API_BASE = server.base_url
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = "whsec-prices"
    get_gateway.cache_clear()
    yield server
    server.stop()
    get_gateway.cache_clear()


def signed_in(client: Any, email: str) -> User:
    user = testing.reader_account(email)
    client.force_login(user)
    return user


def stripe_subscribe(client: Any, stripe_api: Any, key: str) -> None:
    session_id = stripe_open_checkout(client, key=key).rsplit("/", 1)[1]
    stripe_api.complete_session(session_id)
    assert stripe_come_back(client, session_id, key=key).status_code == 302


def subscribe_on_razorpay(client: Any, razorpay: FakeRazorpay, key: str) -> Any:
    sub_id = open_checkout(client, key=key)
    return client.post(
        reverse("billing:checkout_return", args=[key]), razorpay.authorise(sub_id), follow=True
    )


# --- the back office ------------------------------------------------------------------------


def _rupees(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def plan_form(plan: Plan, **amounts: int) -> dict[str, Any]:
    """The plan's change form as the back office posts it, with the prices' amounts."""
    prices = list(PlanPrice.objects.filter(plan=plan).order_by("currency"))
    data: dict[str, Any] = {
        "name": plan.name,
        "slug": plan.slug,
        "description": plan.description,
        "period_months": plan.period_months,
        "benefits": plan.benefits,
        "trial_days": plan.trial_days,
        "display_order": plan.display_order,
        "is_active": "on",
        "prices-TOTAL_FORMS": len(prices),
        "prices-INITIAL_FORMS": len(prices),
        "prices-MIN_NUM_FORMS": 0,
        "prices-MAX_NUM_FORMS": 1000,
    }
    for index, price in enumerate(prices):
        data |= {
            f"prices-{index}-id": price.pk,
            f"prices-{index}-plan": plan.pk,
            f"prices-{index}-currency": price.currency,
            # Staff type prices in rupees (issue 13): 270000 paise is "2700.00".
            f"prices-{index}-price": _rupees(amounts.get(price.currency, price.amount_minor)),
            f"prices-{index}-intro_price": "",
        }
    return data


@pytest.mark.django_db
def test_the_back_office_refuses_editing_a_price_in_place_and_points_at_add_a_new_price(
    admin_client, plans
):
    plan = Plan.objects.get(slug="smart-essential")
    url = reverse("admin:billing_plan_change", args=[plan.pk])
    refused = admin_client.post(url, plan_form(plan, INR=300_000))
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "Prices are never edited in place" in page and "Add a new price" in page
    assert PlanPrice.objects.get(plan=plan, currency="INR").amount_minor == 270_000
    # The same form unchanged saves (the refusal is about the amount, not the page).
    saved = admin_client.post(url, plan_form(plan))
    assert saved.status_code == 302


@pytest.mark.django_db
def test_add_a_new_price_makes_a_new_version_and_retires_the_old(admin_client, plans):
    plan = Plan.objects.get(slug="smart-essential")
    old = PlanPrice.objects.get(plan=plan, currency="INR")
    url = reverse("admin:billing_plan_add_price", args=[plan.pk])
    assert "A new price is a new version" in admin_client.get(url).content.decode()
    done = admin_client.post(url, {"currency": "INR", "price": "3,000"}, follow=True)
    assert "new readers pay it from now" in done.content.decode()
    current = PlanPrice.objects.get(plan=plan, currency="INR")
    assert (current.amount_minor, current.gateway_plan_ids) == (300_000, {})
    old.refresh_from_db()
    assert old.retired_at is not None and old.amount_minor == 270_000
    assert PlanPrice.versions.filter(plan=plan, currency="INR").count() == 2


# --- the finding, on Razorpay ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_after_a_new_price_the_next_razorpay_reader_gets_a_new_plan_and_pays_it(client, razorpay):
    first = signed_in(client, "first@example.com")
    subscribe_on_razorpay(client, razorpay, "price-version-key-first-0001")
    assert Subscription.objects.get(customer__user=first).status == SubscriptionStatus.ACTIVE
    plan = Plan.objects.get(slug="smart-essential")
    services.add_price(plan=plan, currency="INR", amount_minor=300_000)

    second = signed_in(client, "second@example.com")
    subscribe_on_razorpay(client, razorpay, "price-version-key-second-0002")
    sub = Subscription.objects.get(customer__user=second)
    assert sub.status == SubscriptionStatus.ACTIVE and sub.amount_minor == 300_000
    made = [r.json["item"]["amount"] for r in razorpay.requests_to("POST", "/v1/plans")]
    assert made == [270_000, 300_000]  # a new Razorpay plan for the new price
    assert Invoice.objects.get(subscription=sub).total_minor == 300_000
    # The first reader keeps the price they agreed to.
    assert Subscription.objects.get(customer__user=first).amount_minor == 270_000


@pytest.mark.django_db(transaction=True)
def test_after_a_new_price_the_next_stripe_reader_gets_a_new_stripe_price_and_pays_it(
    client, stripe_api
):
    """Stripe prices were cached per price row too: a new version makes a new Stripe price."""
    first = signed_in(client, "first.card@example.com")
    stripe_subscribe(client, stripe_api, "stripe-price-version-first-0001")
    assert Subscription.objects.get(customer__user=first).status == SubscriptionStatus.ACTIVE
    plan = Plan.objects.get(slug="smart-essential")
    services.add_price(plan=plan, currency="INR", amount_minor=300_000)

    second = signed_in(client, "second.card@example.com")
    stripe_subscribe(client, stripe_api, "stripe-price-version-second-0002")
    sub = Subscription.objects.get(customer__user=second)
    assert sub.status == SubscriptionStatus.ACTIVE and sub.amount_minor == 300_000
    made = [r.form["unit_amount"] for r in stripe_api.requests_to("POST", "/v1/prices")]
    assert made == ["270000", "300000"]  # a new Stripe price for the new version
    (session, later) = stripe_api.requests_to("POST", "/v1/checkout/sessions")
    assert session.form["line_items[0][price]"] != later.form["line_items[0][price]"]
    assert Invoice.objects.get(subscription=sub).total_minor == 300_000
    assert Subscription.objects.get(customer__user=first).amount_minor == 270_000


@pytest.mark.django_db(transaction=True)
def test_a_checkout_the_gateway_charged_another_amount_is_refunded_cancelled_and_flagged(
    client, razorpay, caplog
):
    reader = signed_in(client, "mismatch@example.com")
    sub_id = open_checkout(client, key=MISMATCH_KEY)
    plan_id = razorpay.subscriptions[sub_id]["plan_id"]
    razorpay.plans[plan_id]["item"]["amount"] = 250_000  # edited at the gateway's dashboard
    answer = razorpay.authorise(sub_id)
    back = client.post(
        reverse("billing:checkout_return", args=[MISMATCH_KEY]),
        answer,
        follow=True,
    )
    assert "refunded it in full and stopped the mandate" in back.content.decode()
    sub = Subscription.objects.get(customer__user=reader)
    # Not left pending with a live mandate: closed here, refunded and cancelled there.
    assert (sub.status, sub.end_reason) == (SubscriptionStatus.ENDED, "abandoned")
    assert razorpay.subscriptions[sub_id]["status"] == "cancelled"
    paid = razorpay.payments[answer["razorpay_payment_id"]]
    assert (paid["amount_refunded"], paid["status"]) == (250_000, "refunded")
    payment = Payment.objects.get(invoice__subscription=sub)
    assert payment.failure_code == "amount_mismatch"
    flag = BillingEvent.objects.get(subscription=sub, kind="checkout_amount_mismatch")
    assert "250000 INR, not the 270000 INR invoiced" in flag.message
    assert "refunded and cancelled" in caplog.text
    # Reloading the return page refunds nothing twice.
    client.post(reverse("billing:checkout_return", args=[MISMATCH_KEY]), answer)
    assert len(razorpay.refunds) == 1


# --- moving existing subscribers (sandbox, on the reader's test clock) ----------------------


@pytest.mark.django_db(transaction=True)
def test_existing_subscribers_keep_their_price_until_moved_then_are_told_ahead(
    reader, mailoutbox, settings
):
    settings.BILLING_PRICE_CHANGE_NOTICE_DAYS = 30
    sub = reader.subscribe("smart-quarterly")  # ₹900 a quarter, from 31 Jan
    plan = sub.plan
    new = services.add_price(plan=plan, currency="INR", amount_minor=99_000)
    reader.advance(days=70, step_hours=24)  # 11 Apr: the 30 Apr renewal is 19 days away
    sub.refresh_from_db()
    assert (sub.amount_minor, sub.next_amount_minor) == (90_000, None)  # not moved yet

    report = services.move_to_current_price(price=new)
    assert (report.moved, report.already) == (1, 0)
    sub.refresh_from_db()
    # The first renewal at least 30 days away is the one from 30 Jul (quarters from 31 Jan).
    assert sub.next_amount_minor == 99_000
    assert sub.next_amount_from is not None
    told = [m for m in mailoutbox if "price is changing" in m.subject]
    assert len(told) == 1 and "₹900" in told[0].body and "₹990" in told[0].body
    again = services.move_to_current_price(price=new)
    assert (again.moved, again.already) == (0, 1)  # told once

    reader.advance(days=30, step_hours=12)  # through the 30 Apr renewal
    renewals = Payment.objects.filter(invoice__subscription=sub, invoice__kind="recurring")
    assert [p.amount_minor for p in renewals] == [90_000]  # still the old price
    reader.advance(days=92, step_hours=12)  # through the 30 Jul renewal
    amounts = sorted(
        Payment.objects.filter(invoice__subscription=sub, invoice__kind="recurring").values_list(
            "amount_minor", "invoice__period_start"
        ),
        key=lambda row: row[1],
    )
    assert [a for a, _ in amounts] == [90_000, 99_000]
    assert amounts[1][1] == sub.next_amount_from
    notice = PreDebitNotice.objects.get(subscription=sub, period_start=sub.next_amount_from)
    assert notice.amount_minor == 99_000  # the notice states the new amount
    sub.refresh_from_db()
    assert (sub.amount_minor, sub.next_amount_minor, sub.next_amount_from) == (99_000, None, None)


@pytest.mark.django_db
def test_a_new_price_above_the_mandate_limit_leaves_inr_subscribers_on_theirs(reader):
    sub = reader.subscribe("smart-quarterly")
    # RBI: debits above ₹15,000 (or the mandate's maximum) need the reader's authentication.
    new = services.add_price(plan=sub.plan, currency="INR", amount_minor=1_600_000)
    report = services.move_to_current_price(price=new)
    assert report.moved == 0 and report.skipped == {ABOVE_MANDATE: 1}
    sub.refresh_from_db()
    assert (sub.amount_minor, sub.next_amount_minor) == (90_000, None)


@pytest.mark.django_db
def test_new_readers_see_and_pay_the_new_price_on_our_own_checkout(reader_factory):
    plan = Plan.objects.get(slug="smart-quarterly")
    services.add_price(plan=plan, currency="INR", amount_minor=99_000)
    newcomer = reader_factory()
    sub = newcomer.subscribe("smart-quarterly")
    assert sub.amount_minor == 99_000
    assert Invoice.objects.get(subscription=sub).total_minor == 99_000

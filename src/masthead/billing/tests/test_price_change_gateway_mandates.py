"""Moving gateway-mandate subscribers to a plan's current price (issue 12, finding 2; ADR 0014).

Staff add a new price and move existing subscribers, told ahead. Readers on mandates the gateway
schedules are moved at the gateway from their next cycle, with nothing charged or refunded now:

- Razorpay card mandates: "Update a Subscription" (``PATCH /v1/subscriptions/:id``) to the new
  price's plan with ``schedule_change_at: cycle_end`` (Razorpay API reference);
- Razorpay UPI Autopay: Razorpay refuses plan updates ("subscriptions cannot be updated when
  payment mode is UPI") and the mandate's maximum was fixed at authorisation, so the reader is
  left on their price and counted "UPI mandate: must re-authorise";
- Stripe: the subscription item's price swapped with ``proration_behavior: none``, so the new
  price is billed from the next period (Stripe's "Change the price of a subscription").

Smart Essential is ₹2,700 a year (prices include GST); the new price is ₹3,000. The gateways are
the recorded fakes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from masthead.billing import renewals, services
from masthead.billing.clock import advance
from masthead.billing.models import (
    BillingEvent,
    Customer,
    Payment,
    PlanPrice,
    PreDebitNotice,
    Subscription,
    TestClock,
)
from masthead.billing.services.price_change import UPI_MANDATE
from masthead.billing.tests.test_gateway_lifecycles import (  # noqa: F401
    razorpay,
    reader,
)
from masthead.billing.tests.test_hosted_checkout import CHECKOUT_KEY, open_checkout
from masthead.billing.tests.test_hosted_checkout_stripe import _active as stripe_active

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PRICE = 300_000  # ₹3,000 a year


def _razorpay_subscriber(client, razorpay, reader, *, method: str) -> Subscription:  # noqa: F811
    """A reader who authorised the mandate with ``method``, on their own billing clock."""
    sub_id = open_checkout(client)
    client.post(
        reverse("billing:checkout_return", args=[CHECKOUT_KEY]),
        razorpay.authorise(sub_id, method=method),
    )
    clock = TestClock.objects.create(name="year", frozen_time=timezone.now())
    Customer.objects.filter(user=reader).update(test_clock=clock)
    return Subscription.objects.get(checkout_key=CHECKOUT_KEY)


def test_a_razorpay_card_mandate_is_moved_at_cycle_end_told_ahead_and_renews_at_the_new_price(
    client,
    razorpay,  # noqa: F811
    reader,  # noqa: F811
    mailoutbox,
):
    sub = _razorpay_subscriber(client, razorpay, reader, method="card")
    assert sub.amount_minor == 270_000
    new = services.add_price(plan=sub.plan, currency="INR", amount_minor=NEW_PRICE)

    report = services.move_to_current_price(price=new)
    assert (report.moved, dict(report.skipped)) == (1, {})
    (update,) = razorpay.requests_to("PATCH", f"/v1/subscriptions/{sub.gateway_subscription_id}")
    new_plan = razorpay.plans[update.json["plan_id"]]
    assert new_plan["item"]["amount"] == NEW_PRICE and new_plan["item"]["currency"] == "INR"
    assert update.json["schedule_change_at"] == "cycle_end"
    assert razorpay.subscriptions[sub.gateway_subscription_id]["has_scheduled_changes"] is True
    new.refresh_from_db()
    assert new.gateway_plan_ids == {"razorpay": update.json["plan_id"]}
    sub.refresh_from_db()
    assert (sub.amount_minor, sub.next_amount_minor) == (270_000, NEW_PRICE)
    assert sub.next_amount_from == sub.current_period_end  # the next cycle, as Razorpay's
    told = [m for m in mailoutbox if "price is changing" in m.subject]
    assert len(told) == 1 and "₹2,700" in told[0].body and "₹3,000" in told[0].body
    assert BillingEvent.objects.filter(subscription=sub, kind="price_change_scheduled").exists()

    again = services.move_to_current_price(price=new)
    assert (again.moved, again.already) == (0, 1)
    assert (
        len(razorpay.requests_to("PATCH", f"/v1/subscriptions/{sub.gateway_subscription_id}")) == 1
    )

    # The renewal: the pre-debit notice states ₹3,000, Razorpay collects ₹3,000 on the new plan.
    clock = TestClock.objects.get()
    assert sub.current_period_end is not None
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    renewals.run_due_work()
    notices = list(
        PreDebitNotice.objects.filter(subscription=sub).values_list("amount_minor", "period_start")
    )
    assert notices == [(NEW_PRICE, sub.current_period_end)], notices
    razorpay.collect(
        sub.gateway_subscription_id, billing_start=int(sub.current_period_end.timestamp())
    )
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()
    sub.refresh_from_db()
    assert (sub.period_index, sub.amount_minor, sub.next_amount_minor) == (1, NEW_PRICE, None)
    renewal = Payment.objects.get(invoice__subscription=sub, invoice__kind="recurring")
    assert (renewal.status, renewal.amount_minor) == ("succeeded", NEW_PRICE)


def test_a_razorpay_upi_mandate_is_left_on_its_price_and_counted_must_re_authorise(
    client,
    razorpay,  # noqa: F811
    reader,  # noqa: F811
    mailoutbox,
):
    sub = _razorpay_subscriber(client, razorpay, reader, method="upi")
    new = services.add_price(plan=sub.plan, currency="INR", amount_minor=NEW_PRICE)
    report = services.move_to_current_price(price=new)
    assert report.moved == 0 and report.skipped == {UPI_MANDATE: 1}
    assert UPI_MANDATE == "UPI mandate: must re-authorise"
    sub.refresh_from_db()
    assert (sub.amount_minor, sub.next_amount_minor, sub.next_amount_from) == (270_000, None, None)
    assert razorpay.subscriptions[sub.gateway_subscription_id]["has_scheduled_changes"] is False
    assert not [m for m in mailoutbox if "price is changing" in m.subject]
    assert not BillingEvent.objects.filter(subscription=sub, kind="price_change_scheduled").exists()


def test_a_stripe_subscription_gets_the_new_price_from_its_next_period_without_proration(
    client,
    stripe_api,
    reader,  # noqa: F811
    mailoutbox,
):
    sub = stripe_active(client, stripe_api)
    assert sub.amount_minor == 270_000
    new = services.add_price(plan=sub.plan, currency="INR", amount_minor=NEW_PRICE)

    report = services.move_to_current_price(price=new)
    assert (report.moved, dict(report.skipped)) == (1, {})
    gateway_sub = stripe_api.subscriptions[sub.gateway_subscription_id]
    (update,) = [
        r
        for r in stripe_api.requests_to("POST", f"/v1/subscriptions/{sub.gateway_subscription_id}")
        if "items[0][price]" in r.form
    ]
    assert update.form["proration_behavior"] == "none"
    assert update.form["items[0][id]"] == gateway_sub["items"]["data"][0]["id"]
    price = stripe_api.prices[update.form["items[0][price]"]]
    assert (price["unit_amount"], price["currency"]) == (NEW_PRICE, "inr")
    assert PlanPrice.objects.get(pk=new.pk).gateway_plan_ids == {"stripe": price["id"]}
    sub.refresh_from_db()
    assert (sub.amount_minor, sub.next_amount_minor) == (270_000, NEW_PRICE)
    assert sub.next_amount_from == sub.current_period_end
    told = [m for m in mailoutbox if "price is changing" in m.subject]
    assert len(told) == 1 and "₹3,000" in told[0].body

"""A mandate's life at the gateway, reflected here (issue 12, finding 3).

A reader cancels their UPI Autopay mandate in their UPI app, or their card e-mandate at the bank;
Razorpay then reports ``subscription.cancelled``. Razorpay's states come from
``payments/subscriptions/states.md``; Stripe's from its ``SubscriptionStatus`` enum and
``cancel_at_period_end``/``pause_collection`` (see the reference notes). The gateways' servers are
the recorded fakes; every webhook is signed as the gateway signs it and goes through our endpoint.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from masthead.access.models import Benefit
from masthead.access.selectors import active_benefits
from masthead.billing import renewals
from masthead.billing.clock import advance
from masthead.billing.gateways import get_gateway
from masthead.billing.models import (
    BillingEvent,
    Customer,
    Payment,
    PreDebitNotice,
    Subscription,
    SubscriptionStatus,
    TestClock,
    WebhookEvent,
)
from masthead.billing.tests.recorded_gateway import FakeRazorpay, FakeStripe
from masthead.billing.tests.test_hosted_checkout import _active as razorpay_active
from masthead.billing.tests.test_hosted_checkout_stripe import _active as stripe_active
from masthead.ops import testing

from .conftest import HOSTED_STRIPE_WEBHOOK_SECRET

pytestmark = pytest.mark.django_db(transaction=True)
_event_ids = iter(range(1, 10_000))


@pytest.fixture
def razorpay(settings: Any, monkeypatch: pytest.MonkeyPatch, plans: None) -> Iterator[FakeRazorpay]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeRazorpay(key_id="rzp_test_Pq7Rx2Lm9Zs4Tb", key_secret="Xk3Lq9Vb2Nm7Rt5Wz8Pd1Hs4")
    server.start()
    settings.BILLING_GATEWAY = "razorpay"
    settings.RAZORPAY_API_BASE = server.base_url
    settings.RAZORPAY_KEY_ID = "rzp_test_Pq7Rx2Lm9Zs4Tb"
    settings.RAZORPAY_KEY_SECRET = "Xk3Lq9Vb2Nm7Rt5Wz8Pd1Hs4"
    settings.RAZORPAY_WEBHOOK_SECRET = "whsec-hosted"
    get_gateway.cache_clear()
    yield server
    server.stop()
    get_gateway.cache_clear()


@pytest.fixture
def reader(client: Any) -> User:
    user = testing.reader_account("mandate.reader@example.com")
    client.force_login(user)
    return user


def razorpay_event(client: Any, fake: FakeRazorpay, sub_id: str, event: str) -> None:
    """Razorpay delivers ``subscription.<event>``, signed with the webhook secret."""
    body = fake.lifecycle_webhook(sub_id, event)
    signature = hmac.new(b"whsec-hosted", body, hashlib.sha256).hexdigest()
    response = client.post(
        reverse("billing:webhook", args=["razorpay"]),
        body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature,
        HTTP_X_RAZORPAY_EVENT_ID=f"evt_lifecycle_{next(_event_ids)}",
    )
    assert response.status_code == 200


def deliver_razorpay_body(client: Any, body: bytes) -> None:
    signature = hmac.new(b"whsec-hosted", body, hashlib.sha256).hexdigest()
    response = client.post(
        reverse("billing:webhook", args=["razorpay"]),
        body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature,
        HTTP_X_RAZORPAY_EVENT_ID=f"evt_lifecycle_{next(_event_ids)}",
    )
    assert response.status_code == 200


def stripe_event(client: Any, fake: FakeStripe, sub_id: str, event_type: str) -> None:
    """Stripe delivers an event, signed as Stripe signs it (``t=…,v1=…`` over ``t.body``)."""
    event = fake.lifecycle_event(sub_id, event_type)
    _post_signed_stripe_event(client, event)
    fake.delivered(event["id"])


def _post_signed_stripe_event(client: Any, event: dict[str, Any]) -> None:
    body = json.dumps(event).encode()
    t = int(time.time())
    digest = hmac.new(
        HOSTED_STRIPE_WEBHOOK_SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256
    ).hexdigest()
    response = client.post(
        reverse("billing:webhook", args=["stripe"]),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=f"t={t},v1={digest}",
    )
    assert response.status_code == 200


def stripe_object_event(client: Any, obj: dict[str, Any], event_type: str) -> None:
    """An event as Stripe sends it, with ``obj`` (an Invoice, a Checkout Session) under
    ``data.object``."""
    event = {
        "id": f"evt_1invoice{next(_event_ids):06d}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    _post_signed_stripe_event(client, event)


def to_renewal_window(sub: Subscription) -> TestClock:
    """Move the reader's clock to 47 hours before the period ends: the notice is due."""
    assert sub.current_period_end is not None
    clock = TestClock.objects.get()
    advance(clock, by=sub.current_period_end - clock.frozen_time - dt.timedelta(hours=47))
    return clock


# --- Razorpay -------------------------------------------------------------------------------


def test_a_mandate_cancelled_in_the_upi_app_gets_no_notice_no_charge_and_access_to_the_end(
    client, razorpay, reader, mailoutbox
):
    sub = razorpay_active(client, razorpay, reader)
    razorpay.set_status(sub.gateway_subscription_id, "cancelled")
    razorpay_event(client, razorpay, sub.gateway_subscription_id, "cancelled")
    sub.refresh_from_db()
    assert (sub.status, sub.cancel_at_period_end, sub.gateway_stopped) == ("active", True, True)
    assert sub.gateway_status == "cancelled"
    assert BillingEvent.objects.filter(subscription=sub, kind="gateway_stopped").count() == 1
    told = [m for m in mailoutbox if "will not renew" in m.subject]
    assert len(told) == 1 and told[0].to == [reader.email]
    assert "will not send a pre-debit notice or charge you again" in told[0].body
    # Access runs to the end of what was paid...
    clock = to_renewal_window(sub)
    renewals.run_due_work()
    assert Benefit.PREMIUM_STORIES in active_benefits(user_id=reader.pk, now=clock.frozen_time)
    # ...and at renewal time there is no pre-debit notice, no payment, no dunning.
    advance(clock, by=dt.timedelta(days=3))
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED and sub.end_reason == "cancelled"
    assert not PreDebitNotice.objects.filter(subscription=sub).exists()
    assert list(Payment.objects.filter(invoice__subscription=sub).values_list("invoice__kind")) == [
        ("initial",)
    ]
    assert not [m for m in mailoutbox if "pre-debit" in m.subject.lower()]
    assert Benefit.PREMIUM_STORIES not in active_benefits(user_id=reader.pk, now=clock.frozen_time)


def test_a_lost_cancellation_webhook_is_found_before_the_notice_is_sent(client, razorpay, reader):
    sub = razorpay_active(client, razorpay, reader)
    razorpay.set_status(sub.gateway_subscription_id, "cancelled")  # no webhook arrives
    to_renewal_window(sub)
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.cancel_at_period_end and sub.gateway_stopped
    assert not PreDebitNotice.objects.filter(subscription=sub).exists()


@pytest.mark.parametrize(
    "order",
    [("paused", "resumed"), ("resumed", "paused")],
    ids=["in order", "resumed delivered before paused"],
)
def test_pause_then_resume_ends_active_in_any_order(client, razorpay, reader, order):
    sub = razorpay_active(client, razorpay, reader)
    sub_id = sub.gateway_subscription_id
    razorpay.set_status(sub_id, "paused")
    paused_body = razorpay.lifecycle_webhook(sub_id, "paused")
    razorpay.set_status(sub_id, "active")
    resumed_body = razorpay.lifecycle_webhook(sub_id, "resumed")
    bodies = {"paused": paused_body, "resumed": resumed_body}
    for name in order:
        deliver_razorpay_body(client, bodies[name])
    sub.refresh_from_db()
    # Razorpay's subscription is active again, whatever order the events came in.
    assert (sub.status, sub.cancel_at_period_end, sub.gateway_status) == ("active", False, "active")
    assert WebhookEvent.objects.filter(processed_at__isnull=False).count() == 2


def test_a_paused_mandate_stops_renewal_and_a_resume_puts_it_back(client, razorpay, reader):
    sub = razorpay_active(client, razorpay, reader)
    razorpay.set_status(sub.gateway_subscription_id, "paused")
    razorpay_event(client, razorpay, sub.gateway_subscription_id, "paused")
    sub.refresh_from_db()
    assert sub.cancel_at_period_end and sub.gateway_stopped and sub.gateway_status == "paused"
    razorpay.set_status(sub.gateway_subscription_id, "active")
    razorpay_event(client, razorpay, sub.gateway_subscription_id, "resumed")
    sub.refresh_from_db()
    assert not sub.cancel_at_period_end and not sub.gateway_stopped
    kinds = list(BillingEvent.objects.filter(subscription=sub).values_list("kind", flat=True))
    assert "gateway_stopped" in kinds and "gateway_resumed" in kinds


def test_a_readers_own_cancellation_is_not_undone_by_a_razorpay_event(client, razorpay, reader):
    sub = razorpay_active(client, razorpay, reader)
    client.post(reverse("billing:cancel"), {"reason": "too expensive"})
    sub.refresh_from_db()
    assert sub.cancel_at_period_end and not sub.gateway_stopped
    razorpay_event(client, razorpay, sub.gateway_subscription_id, "charged")
    sub.refresh_from_db()
    assert sub.cancel_at_period_end and sub.cancellation_reason == "too expensive"


@pytest.mark.parametrize("failing", ["halted", "pending"])
def test_a_halted_mandate_is_a_failed_renewal_and_a_bank_cancel_then_ends_it(
    client, razorpay, reader, failing
):
    """``pending``: Razorpay's charge failed and it is retrying; ``halted``: its retries ran out
    (``payments/subscriptions/states.md``). Either way the renewal was not collected: ours is
    past due, with our own dunning and Pay now."""
    sub = razorpay_active(client, razorpay, reader)
    clock = to_renewal_window(sub)
    renewals.run_due_work()  # notice sent while the mandate was live
    razorpay.set_status(sub.gateway_subscription_id, failing)
    advance(clock, by=dt.timedelta(hours=25))
    razorpay_event(client, razorpay, sub.gateway_subscription_id, failing)
    renewals.run_due_work()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE and sub.gateway_status == failing
    razorpay.set_status(sub.gateway_subscription_id, "cancelled")
    razorpay_event(client, razorpay, sub.gateway_subscription_id, "cancelled")
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED and sub.next_action_at is None


def test_completed_and_authenticated(client, razorpay, reader):
    sub = razorpay_active(client, razorpay, reader)
    razorpay_event(client, razorpay, sub.gateway_subscription_id, "authenticated")
    sub.refresh_from_db()
    assert (sub.status, sub.cancel_at_period_end) == ("active", False)  # nothing to change
    razorpay.set_status(sub.gateway_subscription_id, "completed")
    razorpay_event(client, razorpay, sub.gateway_subscription_id, "completed")
    sub.refresh_from_db()
    assert sub.cancel_at_period_end and sub.gateway_status == "completed"


@pytest.mark.parametrize("event", ["authenticated", "activated"])
def test_a_razorpay_checkout_whose_reader_never_came_back_is_settled_by_the_event(
    client, razorpay, reader, event
):
    """The reader authorised the mandate in Checkout.js and closed the tab before our page
    heard back: Razorpay's ``subscription.authenticated``/``activated`` subscribes them."""
    from masthead.billing.tests.test_hosted_checkout import CHECKOUT_KEY, open_checkout

    sub_id = open_checkout(client)
    razorpay.authorise(sub_id)  # Checkout.js's answer never reaches us
    assert Subscription.objects.get(checkout_key=CHECKOUT_KEY).status == "pending"
    razorpay_event(client, razorpay, sub_id, event)
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    assert sub.status == SubscriptionStatus.ACTIVE and sub.gateway_subscription_id == sub_id
    assert Benefit.PREMIUM_STORIES in active_benefits(user_id=reader.pk, now=timezone.now())


def test_reconcile_brings_subscriptions_back_in_line_after_an_outage(client, razorpay, reader):
    sub = razorpay_active(client, razorpay, reader)
    razorpay.set_status(sub.gateway_subscription_id, "cancelled")  # webhook never delivered
    out = StringIO()
    call_command("billing", "reconcile", stdout=out)
    sub.refresh_from_db()
    assert sub.cancel_at_period_end and sub.gateway_stopped
    assert "1 gateway subscription(s)" in out.getvalue()


# --- Stripe ---------------------------------------------------------------------------------


def test_stripe_subscription_deleted_stops_renewal_with_access_to_the_end(
    client, stripe_api, reader, mailoutbox
):
    sub = stripe_active(client, stripe_api)
    stripe_api.change(sub.gateway_subscription_id, status="canceled")
    stripe_event(client, stripe_api, sub.gateway_subscription_id, "customer.subscription.deleted")
    sub.refresh_from_db()
    assert (sub.status, sub.cancel_at_period_end, sub.gateway_status) == (
        "active",
        True,
        "canceled",
    )
    assert any("will not renew" in m.subject for m in mailoutbox)
    assert Benefit.PREMIUM_STORIES in active_benefits(user_id=reader.pk, now=timezone.now())


@pytest.mark.parametrize(
    "fields",
    [{"cancel_at_period_end": True}, {"pause_collection": {"behavior": "void"}}],
    ids=["cancel at period end in the portal", "pause collection"],
)
def test_stripe_subscription_updated_mirrors_cancel_at_period_end_and_pause(
    client, stripe_api, reader, fields
):
    sub = stripe_active(client, stripe_api)
    stripe_api.change(sub.gateway_subscription_id, **fields)
    stripe_event(client, stripe_api, sub.gateway_subscription_id, "customer.subscription.updated")
    sub.refresh_from_db()
    assert sub.cancel_at_period_end and sub.gateway_stopped
    # Undone in the portal: renewals are back on.
    stripe_api.change(
        sub.gateway_subscription_id, cancel_at_period_end=False, pause_collection=None
    )
    stripe_event(client, stripe_api, sub.gateway_subscription_id, "customer.subscription.updated")
    sub.refresh_from_db()
    assert not sub.cancel_at_period_end and sub.status == "active"


@pytest.mark.parametrize(
    "event_type", ["invoice.payment_failed", "invoice.payment_action_required"]
)
def test_stripe_invoice_payment_failed_reflects_past_due_at_renewal(
    client, stripe_api, reader, event_type
):
    sub = stripe_active(client, stripe_api)
    # The reader's billing clock stands for time passing (test setup only).
    clock = TestClock.objects.create(name="year", frozen_time=timezone.now())
    Customer.objects.filter(user=reader).update(test_clock=clock)
    clock = to_renewal_window(sub)
    renewals.run_due_work()  # the pre-debit notice
    advance(clock, by=dt.timedelta(hours=25))
    renewals.run_due_work()  # Stripe has not collected yet: our payment waits
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.current_period_end is not None
    invoice_id = stripe_api.fail_collection(
        sub.gateway_subscription_id, period_start=int(sub.current_period_end.timestamp())
    )
    # Stripe's renewal was declined or needs the reader's bank: the subscription is past_due
    # and the event carries the open invoice (its subscription under ``parent``).
    stripe_object_event(client, stripe_api.invoices[invoice_id], event_type)
    sub.refresh_from_db()
    # The event itself (not the next lease) records the failure: past due, dunning begins.
    assert sub.status == SubscriptionStatus.PAST_DUE and sub.gateway_status == "past_due"
    failed = Payment.objects.get(invoice__subscription=sub, invoice__kind="recurring")
    assert failed.failure_code == "stripe_subscription_past_due"


def test_reconcile_fetches_stripes_undelivered_events(client, stripe_api, reader):
    sub = stripe_active(client, stripe_api)
    stripe_api.change(sub.gateway_subscription_id, status="canceled")
    stripe_api.lifecycle_event(sub.gateway_subscription_id, "customer.subscription.deleted")
    out = StringIO()
    call_command("billing", "reconcile", stdout=out)
    sub.refresh_from_db()
    assert sub.cancel_at_period_end and sub.gateway_status == "canceled"
    stored = WebhookEvent.objects.get(gateway="stripe")
    assert stored.event_type == "customer.subscription.deleted" and stored.processed_at


def test_stripe_checkout_session_completed_settles_a_checkout_whose_reader_never_came_back(
    client, stripe_api, reader
):
    """The reader paid on Stripe's page and closed the tab: ``checkout.session.completed``
    (the Checkout Session under ``data.object``) is enough to subscribe them."""
    from masthead.billing.tests.test_hosted_checkout_stripe import CHECKOUT_KEY, open_checkout

    session_id = open_checkout(client).rsplit("/", 1)[1]
    stripe_api.complete_session(session_id)
    stripe_object_event(client, stripe_api.sessions[session_id], "checkout.session.completed")
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    assert sub.status == SubscriptionStatus.ACTIVE and sub.gateway_subscription_id
    assert WebhookEvent.objects.get(gateway="stripe").processed_at is not None


def test_stripe_checkout_session_expired_closes_the_checkout_nothing_owed(
    client, stripe_api, reader
):
    from masthead.billing.tests.test_hosted_checkout_stripe import CHECKOUT_KEY, open_checkout

    session_id = open_checkout(client).rsplit("/", 1)[1]
    stripe_api.sessions[session_id]["status"] = "expired"  # the reader never paid on it
    stripe_object_event(client, stripe_api.sessions[session_id], "checkout.session.expired")
    sub = Subscription.objects.get(checkout_key=CHECKOUT_KEY)
    assert (sub.status, sub.end_reason) == (SubscriptionStatus.ENDED, "abandoned")
    assert sub.gateway_status == "checkout_expired"
    assert Payment.objects.get(invoice__subscription=sub).failure_code == "abandoned"

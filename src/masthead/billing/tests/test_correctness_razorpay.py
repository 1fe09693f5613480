"""Random lives of a Razorpay UPI Autopay subscriber (issue 12, deliverable 9): renewals Razorpay
collects or fails to, a halted mandate, the mandate cancelled or paused at the bank and resumed,
a new card authorised, Razorpay's webhooks delivered late, twice or out of order, a price
change, a plan change (refused on a mandate), staff refunds, and the reader's own cancellation;
invariants checked at every step.

The oracle is this test's own reading of the recorded fake's books (Razorpay's side), never
billing's code:

- every payment we record as succeeded is a payment Razorpay took for that exact amount, and no
  Razorpay payment is recorded twice; what we record as refunded is what Razorpay refunded,
  never more than was paid; every paid invoice has exactly one succeeded payment;
- no pre-debit notice is sent, and no renewal recorded, while Razorpay's mandate is stopped
  (cancelled, completed or paused at the bank) — whether or not its webhook has arrived;
- a cancelled mandate is never billed again, and our subscription never renews past it;
- at the end (every webhook delivered, the clock run out) nothing is left to bill: no live
  subscription, nothing due, no open invoice, no payment pending.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import os
from typing import Any

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from masthead.billing import renewals, services
from masthead.billing.clock import advance
from masthead.billing.models import (
    LIVE_STATUSES,
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Plan,
    PreDebitNotice,
    Subscription,
    SubscriptionStatus,
    TestClock,
)
from masthead.billing.tests.recorded_gateway import FakeRazorpay
from masthead.billing.tests.test_gateway_lifecycles import razorpay  # noqa: F401
from masthead.billing.tests.test_hosted_checkout import open_checkout
from masthead.ops import testing

STOPPED = frozenset({"cancelled", "completed", "paused"})
_readers = itertools.count(1)


class RazorpayLife(RuleBasedStateMachine):
    client: Any = None
    fake: FakeRazorpay | None = None

    def __init__(self) -> None:
        super().__init__()
        assert self.fake is not None
        self.events = itertools.count(1)
        self.undelivered: list[bytes] = []
        # (from, to) instants, on the reader's clock, when Razorpay's mandate was stopped.
        self.stops: list[list[dt.datetime | None]] = []

    # --- the world -------------------------------------------------------------------------

    @initialize()
    def subscribe(self) -> None:
        user = testing.reader_account(f"life{next(_readers)}-{os.getpid()}@example.com")
        self.client.force_login(user)
        key = f"razorpay-life-key-{user.pk:08d}"
        sub_id = open_checkout(self.client, key=key)
        answer = self.fake.authorise(sub_id)  # type: ignore[union-attr]
        self.client.post(reverse("billing:checkout_return", args=[key]), answer)
        self.sub = Subscription.objects.get(checkout_key=key)
        assert self.sub.status == SubscriptionStatus.ACTIVE
        self.sub_id = sub_id
        self.clock = TestClock.objects.create(name=f"life {user.pk}", frozen_time=timezone.now())
        Customer.objects.filter(user=user).update(test_clock=self.clock)
        self.customer = Customer.objects.get(user=user)

    def _now(self) -> dt.datetime:
        self.clock.refresh_from_db()
        return self.clock.frozen_time

    def _status(self) -> str:
        return str(self.fake.subscriptions[self.sub_id]["status"])  # type: ignore[union-attr]

    def _local(self) -> Subscription:
        self.sub.refresh_from_db()
        return self.sub

    def _jump(self, delta: dt.timedelta) -> None:
        if delta > dt.timedelta(0):
            advance(self.clock, by=delta)

    def _move(self, delta: dt.timedelta) -> None:
        step = dt.timedelta(days=3)
        while delta > dt.timedelta(0):
            move = min(step, delta)
            advance(self.clock, by=move)
            renewals.run_due_work()
            delta -= move
            self.check()

    def _webhook(self, event: str) -> None:
        self.undelivered.append(self.fake.lifecycle_webhook(self.sub_id, event))  # type: ignore[union-attr]

    def _deliver(self, body: bytes) -> None:
        signature = hmac.new(b"whsec-hosted", body, hashlib.sha256).hexdigest()
        response = self.client.post(
            reverse("billing:webhook", args=["razorpay"]),
            body,
            content_type="application/json",
            HTTP_X_RAZORPAY_SIGNATURE=signature,
            HTTP_X_RAZORPAY_EVENT_ID=f"evt_life_{self.sub_id}_{next(self.events)}",
        )
        assert response.status_code == 200

    def _set(self, status: str) -> None:
        was_stopped = self._status() in STOPPED
        self.fake.set_status(self.sub_id, status)  # type: ignore[union-attr]
        now = self._now()
        if status in STOPPED and not was_stopped:
            self.stops.append([now, None])
        elif status not in STOPPED and was_stopped:
            self.stops[-1][1] = now

    # --- rules ----------------------------------------------------------------------------

    @precondition(lambda self: self._local().status == SubscriptionStatus.ACTIVE)
    @rule(outcome=st.sampled_from(["collect", "fail", "wait"]))
    def through_the_renewal(self, outcome: str) -> None:
        sub = self._local()
        if sub.cancel_at_period_end or sub.current_period_end is None:
            return
        end = sub.current_period_end
        self._jump(end - self._now() - dt.timedelta(hours=47))
        renewals.run_due_work()  # the pre-debit notice, unless the mandate is stopped
        self.check()
        self._jump(dt.timedelta(hours=25))
        renewals.run_due_work()
        self.check()
        if self._status() in {"active", "authenticated"}:
            if outcome == "collect":
                self.fake.collect(self.sub_id, billing_start=int(end.timestamp()))  # type: ignore[union-attr]
                self._webhook("charged")
            elif outcome == "fail":
                self.fake.fail_collection(self.sub_id, billing_start=int(end.timestamp()))  # type: ignore[union-attr]
                self._webhook("pending")
        self._move(dt.timedelta(days=1))

    @rule(status=st.sampled_from(["cancelled", "paused", "halted", "active"]))
    def at_the_bank(self, status: str) -> None:
        current = self._status()
        if current in {"cancelled", "completed"}:
            return  # final at Razorpay
        if status == "active" and current not in {"paused", "halted"}:
            return
        self._set(status)
        self._webhook("resumed" if status == "active" else status)

    @precondition(lambda self: bool(self.undelivered))
    @rule(order=st.permutations(range(8)), twice=st.booleans())
    def webhooks_arrive(self, order: list[int], twice: bool) -> None:
        bodies = self.undelivered
        self.undelivered = []
        ranked = sorted(range(len(bodies)), key=lambda i: order[i % len(order)] + i * 8)
        for index in ranked:
            self._deliver(bodies[index])
            if twice:
                self._deliver(bodies[index])
        self.check()

    @precondition(lambda self: self._local().status == SubscriptionStatus.PAST_DUE)
    @rule()
    def reader_updates_the_card(self) -> None:
        if self._status() in STOPPED:
            return
        self.client.post(reverse("billing:update_payment_method"))
        answer = self.fake.change_card(self.sub_id)  # type: ignore[union-attr]
        if self.stops and self.stops[-1][1] is None:
            self.stops[-1][1] = self._now()
        self.client.post(reverse("billing:payment_method_return"), answer)
        self.check()

    @rule(days=st.integers(min_value=1, max_value=60))
    def time_passes(self, days: int) -> None:
        self._move(dt.timedelta(days=days))

    @precondition(lambda self: self._local().status in LIVE_STATUSES)
    @rule()
    def staff_change_the_price(self) -> None:
        sub = self._local()
        price = services.add_price(
            plan=sub.plan, currency=sub.currency, amount_minor=int(sub.amount_minor) + 10_000
        )
        report = services.move_to_current_price(price=price)
        # This reader's mandate is UPI Autopay until they authorise a card: Razorpay does not
        # update a UPI subscription's plan, so they are left on their price, counted.
        if self.fake.mandate_methods.get(self.sub_id) == "upi":  # type: ignore[union-attr]
            assert report.moved == 0

    @precondition(lambda self: self._local().status == SubscriptionStatus.ACTIVE)
    @rule(plan=st.sampled_from(["smart-quarterly", "super-saver"]))
    def reader_tries_to_change_plan(self, plan: str) -> None:
        """A mandate is for its plan's amount: the change is refused and nothing is charged."""
        sub = self._local()
        taken = len(self.fake.payments)  # type: ignore[union-attr]
        with pytest.raises(services.BillingError, match="mandate is for your current plan"):
            services.quote_plan_change(subscription=sub, plan=Plan.objects.get(slug=plan))
        assert len(self.fake.payments) == taken  # type: ignore[union-attr]
        assert self._local().plan_id == sub.plan_id

    @precondition(
        lambda self: Payment.objects.filter(
            invoice__subscription=self.sub, status=PaymentStatus.SUCCEEDED
        ).exists()
    )
    @rule(pick=st.integers(min_value=0, max_value=20), share=st.sampled_from([1, 2, 4]))
    def staff_refund(self, pick: int, share: int) -> None:
        """Staff refund a half, a quarter or all of what is left of a payment; asking for a
        paisa more than is left is refused without touching Razorpay."""
        paid = list(
            Payment.objects.filter(
                invoice__subscription=self.sub, status=PaymentStatus.SUCCEEDED
            ).order_by("pk")
        )
        payment = paid[pick % len(paid)]
        left = int(payment.amount_minor) - int(payment.refunded_minor)
        refunds = len(self.fake.refunds)  # type: ignore[union-attr]
        with pytest.raises(services.BillingError, match="left to refund"):
            services.refund(
                payment=payment,
                amount_minor=left + 1,
                reason="",
                idempotency_key=f"too-much-{payment.pk}-{next(self.events)}",
            )
        assert len(self.fake.refunds) == refunds  # type: ignore[union-attr]
        if left:
            services.refund(
                payment=payment,
                amount_minor=max(1, left // share),
                reason="Goodwill",
                idempotency_key=f"life-refund-{payment.pk}-{next(self.events)}",
            )
        self.check()

    # --- the oracle -----------------------------------------------------------------------

    def _stopped_at(self, moment: dt.datetime) -> bool:
        return any(
            start is not None and start <= moment and (end is None or moment < end)
            for start, end in self.stops
        )

    @invariant()
    def billing_matches_razorpays_books(self) -> None:
        if hasattr(self, "sub"):
            self.check()

    def check(self) -> None:
        fake = self.fake
        assert fake is not None
        succeeded = list(
            Payment.objects.filter(
                invoice__subscription=self.sub, status=PaymentStatus.SUCCEEDED
            ).select_related("invoice")
        )
        ids = [p.gateway_payment_id for p in succeeded]
        assert len(ids) == len(set(ids)), ids  # no Razorpay payment recorded twice
        for payment in succeeded:
            taken = fake.payments[payment.gateway_payment_id]
            assert (taken["amount"], taken["currency"]) == (
                payment.amount_minor,
                payment.currency,
            )
            # What we record as refunded is what Razorpay gave back, never more than was paid.
            assert taken["amount_refunded"] == payment.refunded_minor <= payment.amount_minor
            assert payment.invoice.status == InvoiceStatus.PAID
        for invoice in Invoice.objects.filter(subscription=self.sub, status=InvoiceStatus.PAID):
            assert invoice.payments.filter(status=PaymentStatus.SUCCEEDED).count() == 1
        for notice in PreDebitNotice.objects.filter(subscription=self.sub):
            assert not self._stopped_at(notice.sent_at), (notice.sent_at, self.stops)
        if self._status() in {"cancelled", "completed"}:
            # A cancelled mandate is never billed again: nothing paid for a period after it.
            cancelled_at = self.stops[-1][0]
            assert cancelled_at is not None
            assert not Invoice.objects.filter(
                subscription=self.sub,
                status=InvoiceStatus.PAID,
                kind="recurring",
                period_start__gt=cancelled_at + dt.timedelta(days=2),
            ).exists()
            local = self._local()
            assert (
                local.status == SubscriptionStatus.ENDED
                or local.cancel_at_period_end
                or (self.undelivered and local.status in LIVE_STATUSES)
            )

    def teardown(self) -> None:
        if not hasattr(self, "sub"):
            return
        for body in self.undelivered:
            self._deliver(body)
        self.undelivered = []
        # Razorpay settles what it was still collecting: a cycle is collected or fails.
        for payment in Payment.objects.filter(
            invoice__subscription=self.sub, status=PaymentStatus.PENDING, invoice__kind="recurring"
        ).select_related("invoice"):
            start = int(payment.invoice.period_start.timestamp())
            if self._status() in {"active", "authenticated"}:
                self.fake.collect(self.sub_id, billing_start=start)  # type: ignore[union-attr]
            elif self._status() not in STOPPED:
                self.fake.fail_collection(self.sub_id, billing_start=start)  # type: ignore[union-attr]
        renewals.run_due_work()
        sub = self._local()
        if sub.status == SubscriptionStatus.ACTIVE and not sub.cancel_at_period_end:
            services.cancel(subscription=sub)
        for _ in range(6):
            sub = self._local()
            if sub.status == SubscriptionStatus.ENDED:
                break
            moments = [sub.current_period_end, sub.grace_until, sub.next_action_at]
            far = max([m for m in moments if m is not None] or [self._now()])
            self._jump(far - self._now() + dt.timedelta(hours=1))
            renewals.run_due_work()
            self.check()
        # Nothing is left to bill.
        assert self._local().status == SubscriptionStatus.ENDED
        assert not Subscription.objects.filter(
            customer=self.customer, next_action_at__isnull=False
        ).exists()
        assert not Invoice.objects.filter(
            customer=self.customer, status=InvoiceStatus.OPEN
        ).exists()
        assert not Payment.objects.filter(
            Q(status=PaymentStatus.PENDING) | Q(status=PaymentStatus.REQUIRES_ACTION),
            invoice__customer=self.customer,
        ).exists()
        self.check()


@pytest.mark.django_db(transaction=True)
def test_razorpay_subscriber_lives_keep_the_invariants(client, razorpay):  # noqa: F811
    RazorpayLife.client = client
    RazorpayLife.fake = razorpay
    RazorpayLife.TestCase.settings = settings(
        max_examples=int(os.environ.get("MASTHEAD_CORRECTNESS_EXAMPLES_RAZORPAY", "5")),
        stateful_step_count=10,
        derandomize=not os.environ.get("MASTHEAD_CORRECTNESS_RANDOM"),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
        print_blob=True,
    )
    RazorpayLife.TestCase().runTest()

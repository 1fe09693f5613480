"""Kill Bill / Lago style correctness: random lives of a subscriber over two years of test-clock
time, with the billing invariants checked after every step.

Invariants (the issue's words):
- every successful charge has exactly one invoice;
- every paid invoice has exactly one payment, of the same amount and currency;
- at most one recurring invoice per subscription per period;
- access exactly for paid periods plus grace;
- at the end nothing is left to bill.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
from collections import Counter
from typing import Any

import pytest
from django.db.models import Count, Q
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from masthead.access.models import Benefit
from masthead.access.selectors import active_benefits
from masthead.billing import services, webhooks
from masthead.billing.gateways.sandbox import sign_sandbox_payload
from masthead.billing.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Plan,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
)

from .conftest import DECLINED, GOOD_CARD, NO_FUNDS

TWO_YEARS = dt.timedelta(days=730)
PLANS = ["smart-quarterly", "smart-essential", "super-saver"]


class SubscriberLife(RuleBasedStateMachine):
    reader_factory: Any = None  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.reader = type(self).reader_factory()
        self.started = self.reader.now()
        self.webhook_ids: list[str] = []

    # --- what a reader, staff and the world can do ------------------------------------

    def _live(self) -> Subscription | None:
        return Subscription.objects.filter(
            customer=self.reader.customer, status__in=["pending", "active", "past_due"]
        ).first()

    @initialize(plan=st.sampled_from(PLANS))
    def first_subscription(self, plan):
        self.reader.subscribe(plan)

    @precondition(lambda self: self._live() is None)
    @rule(plan=st.sampled_from(PLANS))
    def subscribe(self, plan):
        self.reader.use_card(GOOD_CARD)
        self.reader.subscribe(plan)

    @precondition(lambda self: self._live() is not None)
    @rule(reason=st.sampled_from(["", "Too expensive"]))
    def cancel(self, reason):
        services.cancel(subscription=self._live(), reason=reason)

    @precondition(
        lambda self: (
            (s := self._live()) is not None and s.status == "active" and s.cancel_at_period_end
        )
    )
    @rule()
    def undo(self):
        services.undo_cancel(subscription=self._live())

    @precondition(
        lambda self: (
            (s := self._live()) is not None and s.status == "active" and not s.cancel_at_period_end
        )
    )
    @rule(plan=st.sampled_from(PLANS))
    def change_plan(self, plan):
        target = Plan.objects.get(slug=plan)
        # The same plan, or a declined upgrade, is refused and changes nothing.
        with contextlib.suppress(services.BillingError):
            services.change_plan(subscription=self._live(), plan=target)

    @rule(card=st.sampled_from([GOOD_CARD, DECLINED, NO_FUNDS, DECLINED]))
    def card_changes(self, card):
        self.reader.use_card(card)

    @precondition(lambda self: self._live() is not None)
    @rule(card=st.sampled_from([GOOD_CARD, DECLINED, NO_FUNDS]))
    def through_the_next_renewal(self, card):
        """Jump to just past the next charge point with a given card: renewals, failures,
        grace and retries happen here far more often than random days would reach them."""
        self.reader.use_card(card)
        live = self._live()
        target = live.grace_until if live.status == "past_due" else live.current_period_end
        days = max(1, (target - self.reader.now()).days + 1)
        self.reader.advance(
            days=days, step_hours=12, after_step=self.access_exactly_for_paid_periods_plus_grace
        )

    @rule(days=st.integers(min_value=1, max_value=120))
    def time_passes(self, days):
        # Access is checked at every half day on the way, not only where the step lands:
        # grace periods and period ends fall between steps.
        self.reader.advance(
            days=days, step_hours=12, after_step=self.access_exactly_for_paid_periods_plus_grace
        )

    @precondition(
        lambda self: Payment.objects.filter(
            status="succeeded", refunded_minor__lt=1, invoice__customer=self.reader.customer
        ).exists()
    )
    @rule(share=st.integers(min_value=1, max_value=100))
    def partial_refund(self, share):
        payment = Payment.objects.filter(
            status="succeeded", refunded_minor__lt=1, invoice__customer=self.reader.customer
        ).first()
        amount = max(1, int(payment.amount_minor) * share // 100)
        services.refund(
            payment=payment,
            amount_minor=amount,
            reason="Goodwill",
            idempotency_key=f"goodwill:{payment.pk}",
        )

    @precondition(lambda self: self._live() is not None and self._live().status == "past_due")
    @rule()
    def reader_pays_now(self):
        from masthead.billing import renewals

        self.reader.use_card(GOOD_CARD)
        with contextlib.suppress(services.BillingError):
            renewals.pay_now(subscription=self._live())

    def _delivered_payments(self):
        return Payment.objects.filter(
            gateway_payment_id__gt="", invoice__customer=self.reader.customer
        ).order_by("pk")

    @precondition(lambda self: self._delivered_payments().exists())
    @rule(twice=st.booleans(), pick=st.integers(min_value=0, max_value=50))
    def webhook_delivery(self, twice, pick):
        payments = list(self._delivered_payments())
        payment = payments[pick % len(payments)]
        event_id = f"evt_{secrets.token_hex(6)}"
        body = json.dumps(
            {
                "id": event_id,
                "type": f"payment.{payment.status}",
                "object_id": payment.gateway_payment_id,
                "data": {"idempotency_key": payment.idempotency_key},
            }
        ).encode()
        headers = {"x-sandbox-signature": sign_sandbox_payload(body)}
        assert webhooks.ingest(gateway_name="sandbox", body=body, headers=headers)
        if twice:
            assert not webhooks.ingest(gateway_name="sandbox", body=body, headers=headers)
        self.webhook_ids.append(event_id)

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def every_successful_charge_has_exactly_one_invoice(self):
        for charge in SandboxCharge.objects.filter(status="succeeded"):
            payments = Payment.objects.filter(
                idempotency_key=charge.idempotency_key, status=PaymentStatus.SUCCEEDED
            )
            assert payments.count() == 1, charge.idempotency_key
            assert payments.get().invoice.status == InvoiceStatus.PAID

    @invariant()
    def every_paid_invoice_has_one_payment_of_its_amount(self):
        for invoice in Invoice.objects.filter(status=InvoiceStatus.PAID):
            paid = invoice.payments.filter(status=PaymentStatus.SUCCEEDED)
            assert paid.count() == 1
            payment = paid.get()
            assert (payment.amount_minor, payment.currency) == (
                invoice.total_minor,
                invoice.currency,
            )
            assert invoice.number
        # ...and the gateway never took money for an invoice we do not show as paid.
        assert (
            SandboxCharge.objects.filter(status="succeeded").count()
            == Invoice.objects.filter(status=InvoiceStatus.PAID, total_minor__gt=0).count()
            + Invoice.objects.filter(status=InvoiceStatus.PAID, total_minor=0).count()
        )

    @invariant()
    def one_recurring_invoice_per_subscription_per_period(self):
        duplicates = (
            Invoice.objects.filter(kind="recurring")
            .values("subscription", "period_start")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not duplicates.exists()

    @invariant()
    def invoice_numbers_have_no_gaps(self):
        by_year: dict[str, list[int]] = {}
        for fy, seq in Invoice.objects.filter(status="paid").values_list(
            "financial_year", "sequence"
        ):
            by_year.setdefault(fy, []).append(seq)
        for numbers in by_year.values():
            assert sorted(numbers) == list(range(1, len(numbers) + 1))

    @invariant()
    def refunds_never_exceed_payments(self):
        for payment in Payment.objects.all():
            assert 0 <= payment.refunded_minor <= payment.amount_minor
            notes = sum(n.amount_minor for n in payment.refunds.all())
            assert notes == payment.refunded_minor

    @invariant()
    def access_exactly_for_paid_periods_plus_grace(self):
        now = self.reader.now()
        expected = False
        for sub in Subscription.objects.filter(customer=self.reader.customer):
            if sub.status == SubscriptionStatus.ACTIVE:
                # Paid through the period end (a renewal paid a day early makes the "current"
                # period the next one, which starts in the future).
                expected |= now < sub.current_period_end
            elif sub.status == SubscriptionStatus.PAST_DUE:
                expected |= now < sub.grace_until
        has = Benefit.UNLIMITED_STORIES in active_benefits(user_id=self.reader.user.pk, now=now)

        assert has == expected
        counts = Counter(
            Subscription.objects.filter(
                customer=self.reader.customer, status__in=["pending", "active", "past_due"]
            ).values_list("status", flat=True)
        )
        assert sum(counts.values()) <= 1
        assert counts["pending"] == 0

    @invariant()
    def a_live_subscription_always_has_its_next_step_scheduled(self):
        live = self._live()
        if live is not None:
            assert live.next_action_at is not None

    def teardown(self):
        # Run out the clock: whatever is live is cancelled and the period is left to end.
        live = self._live()
        if live is not None and live.status == "active":
            services.cancel(subscription=live)
        self.reader.advance(days=800, step_hours=24)
        assert self._live() is None
        assert not Invoice.objects.filter(status=InvoiceStatus.OPEN).exists()
        assert not Payment.objects.filter(
            Q(status=PaymentStatus.PENDING) | Q(status=PaymentStatus.REQUIRES_ACTION)
        ).exists()
        assert self.reader.now() - self.started >= TWO_YEARS


@pytest.mark.django_db(transaction=True)
def test_billing_invariants_hold_over_random_subscriber_lives(reader_factory):
    SubscriberLife.reader_factory = staticmethod(reader_factory)
    SubscriberLife.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    SubscriberLife.TestCase().runTest()

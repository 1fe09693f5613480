"""Kill Bill / Lago style correctness: random lives of a subscriber over two years of test-clock
time, with the billing invariants checked after every step.

Invariants (the issue's words), and how each is checked:

- every successful charge has exactly one invoice: the sandbox gateway's own ledger
  (``SandboxCharge``) and our payments match one to one by idempotency key — a charge the
  gateway took is a succeeded payment on a paid invoice, of the same amount, currency and
  gateway id, and no payment is succeeded that the gateway did not take;
- every paid invoice has exactly one payment, of the same amount and currency: and it is
  numbered in the financial year of its issue; an unpaid invoice has neither;
- at most one recurring invoice per subscription per period;
- refunds never exceed what was paid: per payment, the credit notes add up to the refunded
  amount, which the gateway agrees with and which never passes the amount paid;
- invoice and credit-note numbers are gap-free per financial year;
- INR renewals were notified at least 24 hours ahead, of the exact amount charged;
- access exactly for paid periods plus grace: computed *independently of the subscription's
  status*, from the periods of paid invoices, the grace after a failed renewal
  (``BILLING_GRACE_DAYS`` from the renewal date), cut short where this test ended a
  subscription at once (staff end, cancel while past due), and compared with what the one
  gate (``access.gate.may_use``, on the reader's test clock) answers for every benefit;
- no missed renewal: after each sweep nothing due is left undone and an active subscription's
  paid period covers the present; a cancelled subscription is never billed again;
- at the end nothing is left to bill: no live subscription, no due work, no open invoice, no
  payment pending or waiting.

Time moves like a worker would see it: the clock stops at every instant where something is due
(the subscription's ``next_action_at``) or where access may change (each end of a paid period or
grace window, each end of a grant), and one second before it, runs the sweep and checks every
invariant there. Between two stops neither the database nor the expected access changes, so
access is compared over the whole timeline, not sampled — including the final run-out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import secrets
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db.models import Q
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from masthead.access.gate import may_use
from masthead.access.identity import Reader as GateReader
from masthead.access.models import Benefit, Grant
from masthead.billing import payment_methods, renewals, services, webhooks
from masthead.billing.clock import advance
from masthead.billing.gateways.sandbox import sign_sandbox_payload
from masthead.billing.models import (
    LIVE_STATUSES,
    CreditNote,
    EndReason,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Plan,
    PlanPrice,
    PreDebitNotice,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
)

from .conftest import DECLINED, GOOD_CARD, NO_FUNDS

TWO_YEARS = dt.timedelta(days=730)
RUN_OUT = dt.timedelta(days=800)
PLANS = ["smart-quarterly", "smart-essential", "super-saver"]
CURRENCIES = ["INR", "INR", "USD"]
NEEDS_AUTH = "pm_sandbox_4000002500003155"
# The clock never jumps further than this without a stop (a sweep and every check), even when
# nothing is due: the stops at boundaries make the check exhaustive, these are a safety net.
MAX_STEP = dt.timedelta(days=30)
JUST_BEFORE = dt.timedelta(seconds=1)
FAILED_STATES = (PaymentStatus.FAILED, PaymentStatus.REQUIRES_ACTION)


def _financial_year(moment: dt.datetime) -> str:
    """April to March in the publisher's time zone, computed here rather than by billing."""
    local = moment.astimezone(ZoneInfo(django_settings.TIME_ZONE))
    start = local.year if local.month >= 4 else local.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _gap_free(pairs) -> None:
    by_year: dict[str, list[int]] = {}
    for fy, seq in pairs:
        by_year.setdefault(fy, []).append(seq)
    for fy, numbers in by_year.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), (fy, sorted(numbers))


class SubscriberLife(RuleBasedStateMachine):
    reader_factory: Any = None  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.reader = type(self).reader_factory()
        self.customer = self.reader.customer
        self.customer_ref = self.customer.gateway_customer_id or f"cus_{self.customer.pk}"
        self.started = self.reader.now()
        self.now = self.started
        self.keys = itertools.count(1)
        # Where this test ended access at once, by subscription: a staff end cuts everything
        # the subscription paid for; a cancel cuts the grace of renewals that had failed by then.
        self.staff_ends: dict[int, dt.datetime] = {}
        self.cancels: list[tuple[int, dt.datetime]] = []

    # --- helpers ----------------------------------------------------------------------

    def _live(self) -> Subscription | None:
        return Subscription.objects.filter(customer=self.customer, status__in=LIVE_STATUSES).first()

    def _run_clock(self, *, until: dt.datetime) -> None:
        """Move the clock to ``until`` as a worker would live it: a stop (sweep, then every
        invariant) at each due instant and each access boundary, and one second before it."""
        for _ in range(10_000):
            if self.now >= until:
                return
            ahead = [p for p in self._boundaries() if p > self.now]
            stop = min([until, self.now + MAX_STEP, *ahead])
            if not ahead and self._live() is None:
                stop = until  # nothing live and nothing ahead: nothing can change any more
            advance(self.reader.clock, by=stop - self.now)
            self.now = stop
            renewals.run_due_work()
            self.check_everything(after_sweep=True)
        raise AssertionError("the clock made 10,000 stops: something is due again and again")

    def _boundaries(self) -> set[dt.datetime]:
        """Every instant ahead where something is due or access may change (on either side:
        what billing wrote, and what this test expects), and the second before access ends."""
        due: set[dt.datetime] = set()
        for row in Subscription.objects.filter(
            customer=self.customer, status__in=LIVE_STATUSES
        ).values_list("next_action_at", "current_period_end", "grace_until"):
            due.update(p for p in row if p is not None)
        turns: set[dt.datetime] = set()
        for grant_row in Grant.objects.filter(user_id=self.reader.user.pk).values_list(
            "starts_at", "ends_at"
        ):
            turns.update(p for p in grant_row if p is not None)
        for start, end in self._expected_windows(self._payments()):
            turns.update((start, end))
        return due | turns | {p - JUST_BEFORE for p in turns}

    def _payments(self) -> list[Payment]:
        """This reader's payments, with their invoices and credit notes, in three queries."""
        return list(
            Payment.objects.filter(invoice__customer=self.customer)
            .select_related("invoice")
            .prefetch_related("refunds")
            .order_by("pk")
        )

    def _expected_windows(self, payments: list[Payment]) -> list[tuple[dt.datetime, dt.datetime]]:
        """When the reader should be able to read, from what was paid and what failed — never
        from a subscription's status."""
        grace = dt.timedelta(days=django_settings.BILLING_GRACE_DAYS)
        windows: list[tuple[dt.datetime, dt.datetime]] = []
        first_failures: dict[tuple[int, dt.datetime], dt.datetime] = {}
        for payment in payments:
            invoice = payment.invoice
            sub_id = invoice.subscription_id
            if payment.status == PaymentStatus.SUCCEEDED:
                # A paid period, unless staff ended the subscription at once (with a refund).
                end = invoice.period_end
                windows.append((invoice.period_start, min(end, self.staff_ends.get(sub_id, end))))
            elif invoice.kind == InvoiceKind.RECURRING and payment.status in FAILED_STATES:
                key = (sub_id, invoice.period_start)
                failed_at = payment.settled_at
                assert failed_at is not None
                first_failures[key] = min(failed_at, first_failures.get(key, failed_at))
        for (sub_id, renews_at), failed_at in first_failures.items():
            # A failed renewal: access runs on for the grace days after the renewal date...
            end = renews_at + grace
            # ...unless the subscription was ended at once in the meantime.
            end = min(end, self.staff_ends.get(sub_id, end))
            for cancelled_sub, cancelled_at in self.cancels:
                if cancelled_sub == sub_id and cancelled_at >= failed_at:
                    end = min(end, cancelled_at)
            windows.append((renews_at, end))
        return [(start, end) for start, end in windows if start < end]

    # --- what a reader, staff and the world can do ------------------------------------

    @initialize(plan=st.sampled_from(PLANS), currency=st.sampled_from(CURRENCIES))
    def first_subscription(self, plan, currency):
        self.reader.subscribe(plan, currency=currency)

    @precondition(lambda self: self._live() is None)
    @rule(
        plan=st.sampled_from(PLANS),
        currency=st.sampled_from(CURRENCIES),
        card=st.sampled_from([GOOD_CARD, GOOD_CARD, DECLINED]),
    )
    def subscribe(self, plan, currency, card):
        self.reader.use_card(card)
        # A declined checkout leaves an abandoned subscription and nothing paid.
        with contextlib.suppress(services.PaymentDeclined):
            self.reader.subscribe(plan, currency=currency)

    @precondition(lambda self: self._live() is not None)
    @rule(reason=st.sampled_from(["", "Too expensive"]))
    def cancel(self, reason):
        live = self._live()
        self.cancels.append((live.pk, self.now))
        services.cancel(subscription=live, reason=reason)

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

    @precondition(lambda self: self._live() is not None)
    @rule(refund_unused=st.booleans())
    def staff_ends_now(self, refund_unused):
        live = self._live()
        self.staff_ends[live.pk] = self.now
        services.staff_end_now(subscription=live, refund_unused=refund_unused, note="Support")

    @rule(card=st.sampled_from([GOOD_CARD, DECLINED, NO_FUNDS, NEEDS_AUTH]))
    def card_changes(self, card):
        self.reader.use_card(card)

    @precondition(lambda self: self._live() is not None)
    @rule(card=st.sampled_from([GOOD_CARD, DECLINED, NO_FUNDS, NEEDS_AUTH]))
    def through_the_next_renewal(self, card):
        """Jump to just past the next charge point with a given card: renewals, failures,
        grace and retries happen here far more often than random days would reach them."""
        self.reader.use_card(card)
        live = self._live()
        target = live.grace_until if live.status == "past_due" else live.current_period_end
        self._run_clock(until=max(target, self.now) + dt.timedelta(days=1))

    @rule(days=st.integers(min_value=1, max_value=120))
    def time_passes(self, days):
        self._run_clock(until=self.now + dt.timedelta(days=days))

    def _refundable(self):
        return Payment.objects.filter(
            status=PaymentStatus.SUCCEEDED,
            invoice__customer=self.customer,
            amount_minor__gt=0,
        ).order_by("pk")

    @precondition(lambda self: self._refundable().exists())
    @rule(
        pick=st.integers(min_value=0, max_value=50),
        share=st.integers(min_value=1, max_value=100),
        too_much=st.booleans(),
    )
    def refund(self, pick, share, too_much):
        payments = list(self._refundable())
        payment = payments[pick % len(payments)]
        left = int(payment.amount_minor) - int(payment.refunded_minor)
        key = f"goodwill:{payment.pk}:{next(self.keys)}"
        if too_much:
            # More than is left is refused, and nothing changes.
            with pytest.raises(services.BillingError):
                services.refund(
                    payment=payment, amount_minor=left + 1, reason="Goodwill", idempotency_key=key
                )
            return
        if left == 0:
            return
        amount = max(1, left * share // 100)
        services.refund(
            payment=payment, amount_minor=amount, reason="Goodwill", idempotency_key=key
        )
        # The same refund asked again (a retry) is not made twice.
        assert not services.refund(
            payment=payment, amount_minor=amount, reason="Goodwill", idempotency_key=key
        )

    @precondition(lambda self: self._live() is not None and self._live().status == "past_due")
    @rule()
    def reader_pays_now(self):
        self.reader.use_card(GOOD_CARD)
        with contextlib.suppress(services.BillingError):
            renewals.pay_now(subscription=self._live())

    @precondition(lambda self: self._live() is not None)
    @rule(card=st.sampled_from(["4242 4242 4242 4242", "4000 0000 0000 0002"]))
    def reader_updates_payment_method(self, card):
        """Update payment method (issue 12): a past-due renewal is collected on the new card."""
        with contextlib.suppress(services.BillingError):
            payment_methods.update_card(subscription=self._live(), card_number=card)

    @precondition(lambda self: self._live() is not None)
    @rule(change=st.integers(min_value=-20, max_value=30))
    def staff_change_the_price(self, change):
        """A new price for the subscriber's plan, and staff move subscribers onto it (told
        ahead; above the mandate's limit they stay put)."""
        live = self._live()
        current = PlanPrice.objects.get(plan=live.plan, currency=live.currency)
        amount = max(100, int(current.amount_minor) * (100 + change) // 100)
        price = services.add_price(
            plan=live.plan, currency=live.currency, amount_minor=amount, now=self.now
        )
        services.move_to_current_price(price=price)

    def _delivered_payments(self):
        return Payment.objects.filter(
            gateway_payment_id__gt="", invoice__customer=self.customer
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

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def invariants_hold(self):
        self.check_everything(after_sweep=False)

    def check_everything(self, *, after_sweep: bool) -> None:
        payments = self._payments()
        invoices = {p.invoice_id: p.invoice for p in payments}
        assert not Invoice.objects.filter(customer=self.customer).exclude(pk__in=invoices).exists()
        self.every_successful_charge_has_exactly_one_invoice(payments)
        self.every_paid_invoice_has_one_payment_of_its_amount(payments, invoices)
        self.one_recurring_invoice_per_subscription_per_period(invoices)
        self.refunds_never_exceed_payments(payments)
        self.document_numbers_have_no_gaps()
        self.renewals_in_inr_were_notified(payments)
        self.access_exactly_for_paid_periods_plus_grace(payments)
        self.subscriptions_are_where_the_clock_says(invoices, after_sweep=after_sweep)

    def every_successful_charge_has_exactly_one_invoice(self, payments: list[Payment]) -> None:
        charges = {
            c.idempotency_key: c
            for c in SandboxCharge.objects.filter(customer_ref=self.customer_ref)
        }
        by_key = {p.idempotency_key: p for p in payments}
        for key, charge in charges.items():
            payment = by_key.get(key)
            assert payment is not None, f"the gateway charged {key} and we have no payment"
            if charge.status == "succeeded":
                assert payment.status == PaymentStatus.SUCCEEDED, key
                assert payment.invoice.status == InvoiceStatus.PAID, key
                assert (payment.amount_minor, payment.currency, payment.gateway_payment_id) == (
                    charge.amount_minor,
                    charge.currency,
                    charge.payment_id,
                ), key
                assert payment.refunded_minor == charge.refunded_minor, key
            else:
                assert payment.status != PaymentStatus.SUCCEEDED, key
        for key, payment in by_key.items():
            if payment.status == PaymentStatus.SUCCEEDED:
                assert key in charges and charges[key].status == "succeeded", (
                    f"payment {key} recorded as succeeded; the gateway took no money"
                )

    def every_paid_invoice_has_one_payment_of_its_amount(
        self, payments: list[Payment], invoices: dict[int, Invoice]
    ) -> None:
        paid_by_invoice = Counter(
            p.invoice_id for p in payments if p.status == PaymentStatus.SUCCEEDED
        )
        for payment in payments:
            if payment.status == PaymentStatus.SUCCEEDED:
                assert (payment.amount_minor, payment.currency) == (
                    payment.invoice.total_minor,
                    payment.invoice.currency,
                ), payment.idempotency_key
        for invoice in invoices.values():
            assert invoice.total_minor == (
                invoice.taxable_minor
                + invoice.cgst_minor
                + invoice.sgst_minor
                + invoice.igst_minor
                + invoice.round_off_minor
            ), invoice.pk
            assert invoice.cgst_minor == invoice.sgst_minor, invoice.pk
            assert abs(invoice.round_off_minor) <= 1, invoice.pk
            if invoice.status != InvoiceStatus.PAID:
                assert not paid_by_invoice[invoice.pk] and invoice.number is None, invoice.pk
                continue
            assert paid_by_invoice[invoice.pk] == 1, (invoice.pk, paid_by_invoice[invoice.pk])
            assert invoice.issued_at is not None
            fy = _financial_year(invoice.issued_at)
            assert invoice.financial_year == fy, (invoice.number, fy)
            short_fy = f"{fy[2:4]}{fy[-2:]}"  # ≤ 16 characters (CGST Rule 46(b))
            expected = f"{django_settings.INVOICE_PREFIX}/{short_fy}/{invoice.sequence:06d}"
            assert invoice.number == expected, (invoice.number, expected)

    def one_recurring_invoice_per_subscription_per_period(
        self, invoices: dict[int, Invoice]
    ) -> None:
        periods = Counter(
            (i.subscription_id, i.period_start)
            for i in invoices.values()
            if i.kind == InvoiceKind.RECURRING
        )
        assert not [period for period, n in periods.items() if n > 1], periods

    def refunds_never_exceed_payments(self, payments: list[Payment]) -> None:
        for payment in payments:
            notes = [note.amount_minor for note in payment.refunds.all()]
            assert 0 <= payment.refunded_minor <= payment.amount_minor, payment.idempotency_key
            assert sum(notes) == payment.refunded_minor, payment.idempotency_key
            assert all(n > 0 for n in notes)
            if notes:
                assert payment.status == PaymentStatus.SUCCEEDED

    def document_numbers_have_no_gaps(self) -> None:
        # Across every reader: the numbers are the publisher's, one series per year.
        _gap_free(
            Invoice.objects.filter(status=InvoiceStatus.PAID).values_list(
                "financial_year", "sequence"
            )
        )
        _gap_free(CreditNote.objects.values_list("financial_year", "sequence"))

    def renewals_in_inr_were_notified(self, payments: list[Payment]) -> None:
        charged = [
            p
            for p in payments
            if p.status == PaymentStatus.SUCCEEDED
            and p.currency == "INR"
            and p.invoice.kind == InvoiceKind.RECURRING
        ]
        if not charged:
            return
        notices = {
            (n.subscription_id, n.period_start): n
            for n in PreDebitNotice.objects.filter(subscription__customer=self.customer)
        }
        for payment in charged:
            notice = notices.get((payment.invoice.subscription_id, payment.invoice.period_start))
            assert notice is not None, f"{payment.idempotency_key} charged without notice"
            assert notice.amount_minor == payment.amount_minor, payment.idempotency_key
            assert payment.settled_at is not None, payment.idempotency_key
            assert payment.settled_at >= notice.sent_at + dt.timedelta(hours=24), (
                payment.idempotency_key
            )

    def access_exactly_for_paid_periods_plus_grace(self, payments: list[Payment]) -> None:
        windows = self._expected_windows(payments)
        expected = any(start <= self.now < end for start, end in windows)
        # The gate the site asks, on the reader's clock as the site reads it (no ``now``).
        gate_reader = GateReader(user_id=self.reader.user.pk, anonymous_id=None)
        decision = may_use(reader=gate_reader, benefit=Benefit.UNLIMITED_STORIES)
        assert decision.full == expected, (
            f"at {self.now:%Y-%m-%d %H:%M:%S} the gate lets the reader read: {decision.full}; "
            f"paid periods plus grace say {expected}: {windows}"
        )
        # Every benefit of the plans (the demo plans grant them all), or none.
        assert gate_reader._benefits == (frozenset(Benefit) if expected else frozenset())
        assert self.reader.now() == self.now

    def subscriptions_are_where_the_clock_says(
        self, invoices: dict[int, Invoice], *, after_sweep: bool
    ) -> None:
        subs = list(Subscription.objects.filter(customer=self.customer))
        live = [s for s in subs if s.status in LIVE_STATUSES]
        assert len(live) <= 1
        assert not [s for s in subs if s.status == SubscriptionStatus.PENDING]
        for sub in live:
            assert sub.next_action_at is not None
            if after_sweep:
                # The worker has just run: nothing due is left undone...
                assert sub.next_action_at > self.now, (sub.pk, sub.status, sub.next_action_at)
            if sub.status == SubscriptionStatus.ACTIVE:
                # ...and no renewal (or run-out) was missed: the paid period covers today.
                assert self.now < sub.current_period_end, (sub.pk, sub.current_period_end)
        for sub in subs:
            stopped = sub.cancel_at_period_end or sub.end_reason == EndReason.CANCELLED
            if stopped and sub.current_period_end is not None:
                # Cancelled means no further charge.
                assert not [
                    i
                    for i in invoices.values()
                    if i.subscription_id == sub.pk
                    and i.kind == InvoiceKind.RECURRING
                    and i.status == InvoiceStatus.PAID
                    and i.period_start >= sub.current_period_end
                ], sub.pk

    def teardown(self):
        # Run out the clock: whatever is live is cancelled and the period is left to end; a
        # past-due subscription runs through its retries. Every invariant at every stop.
        live = self._live()
        if live is not None and live.status == SubscriptionStatus.ACTIVE:
            self.cancels.append((live.pk, self.now))
            services.cancel(subscription=live)
        self._run_clock(until=self.now + RUN_OUT)
        # Nothing is left to bill.
        assert self._live() is None
        assert not Subscription.objects.filter(
            customer=self.customer, next_action_at__isnull=False
        ).exists()
        assert renewals.run_due_work().processed == 0
        assert not Invoice.objects.filter(
            customer=self.customer, status=InvoiceStatus.OPEN
        ).exists()
        assert not Payment.objects.filter(
            Q(status=PaymentStatus.PENDING) | Q(status=PaymentStatus.REQUIRES_ACTION),
            invoice__customer=self.customer,
        ).exists()
        assert self.now - self.started >= TWO_YEARS


@pytest.mark.django_db(transaction=True)
def test_billing_invariants_hold_over_random_subscriber_lives(reader_factory):
    SubscriberLife.reader_factory = staticmethod(reader_factory)
    SubscriberLife.TestCase.settings = settings(
        # Reproducible in CI (the same lives every run); set MASTHEAD_CORRECTNESS_EXAMPLES to
        # explore more, and MASTHEAD_CORRECTNESS_RANDOM=1 for new lives each run.
        max_examples=int(os.environ.get("MASTHEAD_CORRECTNESS_EXAMPLES", "30")),
        stateful_step_count=30,
        derandomize=not os.environ.get("MASTHEAD_CORRECTNESS_RANDOM"),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
        print_blob=True,
    )
    SubscriberLife.TestCase().runTest()

"""The worker's incremental refresh of the revenue facts gives the figures the whole ledger
gives, whatever happens to the ledger between two snapshots (hypothesis, stateful).

Readers subscribe (or start a trial), renew, upgrade, schedule a cancellation, are ended
(cancelled or unpaid) and refunded, while the clock moves on across month boundaries in
India time (a month starts at 18:30 UTC the day before). After every step the worker's
snapshot (``snapshots.take``: facts refreshed only for the subscriptions whose ledger changed,
figures summed in SQL) must equal, row for row, the snapshot worked out from the whole ledger
with no facts (``snapshots.take_from_ledger``: each customer's MRR walked in Python, itself
checked against ``insights.metrics`` for any ledger in test_mrr_rules). At the end a full
rebuild of the facts gives the same figures again.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from masthead.billing.models import BillingEvent, Customer, Invoice, Plan, PlanPrice, Subscription
from masthead.insights import queries, revenue_facts, snapshots
from masthead.insights.models import MrrSpan, RevenueFigure
from masthead.insights.tests.ledger import NOW, Ledger, created, november_ledger

START = dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC)
PLANS = {"monthly": 1, "quarterly": 3, "annual": 12, "two-years": 24}
_names = itertools.count(1)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def figures(as_of: dt.datetime) -> list[tuple[object, ...]]:
    return sorted(
        RevenueFigure.objects.filter(as_of=as_of).values_list(
            "kind", "month", "at", "currency", "label", "count", "amount"
        ),
        key=repr,
    )


class LedgerChanges(RuleBasedStateMachine):
    plans: dict[str, Plan] = {}

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger.__new__(Ledger)  # the plans are made once, by the test
        self.ledger.plans = LedgerChanges.plans
        self.now = START
        self.live: list[Subscription] = []
        self.paid: list[Invoice] = []
        # Each example's ledger is its own: rolled back in teardown.
        self.example = transaction.atomic()
        self.example.__enter__()

    def _event(self, sub: Subscription, kind: str) -> None:
        # As billing's services do (``services.common.record_event``) for every change.
        BillingEvent.objects.create(
            customer=sub.customer, subscription=sub, kind=kind, message=kind, occurred_at=self.now
        )

    def _paid(
        self, sub: Subscription, kind: str, start: dt.datetime, plan: str, key: str = ""
    ) -> None:
        end = start + dt.timedelta(days=30 * PLANS[plan])
        price = sub.amount_minor
        self.paid.append(
            self.ledger.invoice(
                sub, kind, _iso(start), _iso(end), price, paid_at=_iso(self.now), key=key
            )
        )
        Subscription.objects.filter(pk=sub.pk).update(current_period_end=end)
        sub.refresh_from_db()

    @rule(
        plan=st.sampled_from(sorted(PLANS)),
        currency=st.sampled_from(["INR", "INR", "USD"]),
        trial=st.booleans(),
        again=st.booleans(),
    )
    def subscribe(self, plan: str, currency: str, trial: bool, again: bool) -> None:
        if currency == "USD" and plan in ("quarterly", "two-years"):
            plan = "monthly"  # priced in rupees only
        # A reader who had paid before comes back (a reactivation) or a new reader.
        gone = Customer.objects.filter(subscriptions__status="ended").exclude(
            subscriptions__status__in=["pending", "active", "past_due"]
        )
        came_back = gone.order_by("-pk").first() if again else None
        customer = came_back or self.ledger.customer(f"r{next(_names)}")
        sub = self.ledger.subscription(customer, plan, currency, status="active")
        created(sub, _iso(self.now))
        self._event(sub, "trial_started" if trial else "payment_succeeded")
        if not trial:
            self._paid(sub, "initial", self.now, plan)
        self.live.append(sub)

    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def renew(self, data: st.DataObject) -> None:
        sub = data.draw(st.sampled_from(self.live))
        plan = sub.plan.slug
        self._paid(sub, "recurring", sub.current_period_end or self.now, plan)
        self._event(sub, "payment_succeeded")

    @precondition(lambda self: self.live)
    @rule(data=st.data(), plan=st.sampled_from(["monthly", "annual", "two-years"]))
    def change_plan(self, data: st.DataObject, plan: str) -> None:
        sub = data.draw(st.sampled_from(self.live))
        if sub.currency == "USD" or plan == sub.plan.slug:
            return
        new = self.ledger.plans[plan]
        price = PlanPrice.objects.get(plan=new, currency="INR").amount_minor
        Subscription.objects.filter(pk=sub.pk).update(plan=new, amount_minor=price)
        sub.refresh_from_db()
        key = f"upgrade:{sub.pk}:{new.pk}:{self.now:%Y%m%dT%H%M%S}"
        self._paid(sub, "proration", self.now, plan, key=key)
        self._event(sub, "upgrade_started")

    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def cancel_at_period_end(self, data: st.DataObject) -> None:
        sub = data.draw(st.sampled_from(self.live))
        Subscription.objects.filter(pk=sub.pk).update(cancel_at_period_end=True)
        self._event(sub, "cancelled")

    @precondition(lambda self: self.live)
    @rule(data=st.data(), reason=st.sampled_from(["cancelled", "unpaid", "staff"]))
    def end(self, data: st.DataObject, reason: str) -> None:
        sub = data.draw(st.sampled_from(self.live))
        Subscription.objects.filter(pk=sub.pk).update(
            status="ended", ended_at=self.now, end_reason=reason, cancel_at_period_end=False
        )
        self._event(sub, "ended")
        self.live.remove(sub)

    @precondition(lambda self: self.paid)
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        invoice = data.draw(st.sampled_from(self.paid))
        self.paid.remove(invoice)  # one refund each
        self.ledger.credit_note(invoice, invoice.total_minor // 2, _iso(self.now))

    @rule(hours=st.sampled_from([1, 7, 30, 24 * 9, 24 * 31]))
    def time_passes(self, hours: int) -> None:
        self.now += dt.timedelta(hours=hours)

    @invariant()
    def the_snapshot_is_the_ledgers(self) -> None:
        snapshots.take(now=self.now)
        incremental = figures(self.now)
        snapshots.take_from_ledger(now=self.now)
        assert incremental == figures(self.now)

    def teardown(self) -> None:
        try:
            snapshots.take_from_ledger(now=self.now)
            expected = figures(self.now)
            assert revenue_facts.rebuild().full
            snapshots.take(now=self.now)
            assert figures(self.now) == expected
            assert expected  # the snapshot is not empty: at least the subscriber states
        finally:
            transaction.set_rollback(True)
            self.example.__exit__(None, None, None)


@pytest.mark.django_db
def test_an_incremental_refresh_gives_what_the_whole_ledger_gives() -> None:
    LedgerChanges.plans = Ledger().plans
    LedgerChanges.TestCase.settings = settings(
        max_examples=5,
        stateful_step_count=6,
        derandomize=True,  # the same ledgers in CI every run
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    LedgerChanges.TestCase().runTest()


@pytest.mark.django_db
def test_the_rebuild_command_recovers_lost_facts() -> None:
    november_ledger()
    snapshots.take(now=NOW)
    MrrSpan.objects.all().delete()  # the facts lost; the ledger still knows
    snapshots.take(now=NOW)
    lost = queries.revenue_report(month=dt.date(2026, 11, 1), now=NOW).movements
    assert "INR" not in lost  # no MRR without its spans: the refresh saw no ledger change
    out = io.StringIO()
    call_command("rebuild_revenue_facts", "--no-snapshot", stdout=out)
    assert "Rebuilt the revenue facts of" in out.getvalue()
    snapshots.take(now=NOW)
    inr = queries.revenue_report(month=dt.date(2026, 11, 1), now=NOW).movements["INR"]
    # The hand-worked figures of test_revenue_from_a_hand_built_ledger.
    assert (inr.start_mrr, inr.end_mrr) == (158_833, 148_450)


@pytest.mark.django_db
def test_a_plan_renamed_in_the_back_office_is_shown_by_its_new_name() -> None:
    """Renaming a plan writes no ledger row; the next refresh still relabels its subscribers."""
    november_ledger()
    snapshots.take(now=NOW)
    before = queries.revenue_report(month=dt.date(2026, 11, 1), now=NOW).by_plan
    assert ("INR", "Annual", 1, 22_500) in [
        (b.currency, b.label, b.subscribers, b.mrr) for b in before
    ]

    Plan.objects.filter(slug="annual").update(name="Smart Annual")  # as the plan's admin form
    snapshots.take(now=NOW)  # the same instant again: the snapshot is replaced
    after = queries.revenue_report(month=dt.date(2026, 11, 1), now=NOW).by_plan
    by_plan = {(b.currency, b.label): (b.subscribers, b.mrr) for b in after}
    # The hand-worked figures of test_revenue_from_a_hand_built_ledger, under the new name.
    assert by_plan[("INR", "Smart Annual")] == (1, 22_500)  # A
    assert by_plan[("USD", "Smart Annual")] == (1, 825)  # H
    assert ("INR", "Annual") not in by_plan and ("USD", "Annual") not in by_plan
    assert by_plan[("INR", "Monthly")] == (2, 59_800)  # the others unchanged

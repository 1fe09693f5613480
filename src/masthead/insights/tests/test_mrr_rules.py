"""The MRR rules hold for every ledger, not only the hand-built one (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.billing.revenue import Segment, SubscriptionLedger
from masthead.insights import metrics, snapshots

BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
START, END = BASE + dt.timedelta(days=200), BASE + dt.timedelta(days=230)


@st.composite
def ledgers(draw: st.DrawFn) -> list[SubscriptionLedger]:
    result = []
    for sub_id in range(1, draw(st.integers(0, 12)) + 1):
        segments = []
        at = BASE + dt.timedelta(days=draw(st.integers(0, 300)))
        for _ in range(draw(st.integers(0, 4))):
            months = draw(st.sampled_from([1, 3, 12, 24]))
            length = dt.timedelta(days=30 * months)
            segments.append(
                Segment(
                    starts_at=at,
                    ends_at=at + length,
                    price_minor=draw(st.integers(1, 500_000)),
                    months=months,
                )
            )
            at += draw(st.sampled_from([length, length // 2]))  # renewal or a mid-period change
        ended = draw(st.none() | st.integers(0, 400).map(lambda d: BASE + dt.timedelta(days=d)))
        result.append(
            SubscriptionLedger(
                id=sub_id,
                customer_id=draw(st.integers(1, 6)),
                user_id=sub_id,
                currency=draw(st.sampled_from(["INR", "USD"])),
                gateway="sandbox",
                plan_slug="p",
                plan_name="P",
                status="ended" if ended else "active",
                cancel_at_period_end=False,
                created_at=BASE,
                ended_at=ended,
                end_reason=draw(st.sampled_from(["cancelled", "unpaid", "staff"])) if ended else "",
                amount_minor=1,
                current_period_end=None,
                next_plan_id=None,
                segments=tuple(segments),
            )
        )
    return result


@settings(max_examples=300, deadline=None)
@given(ledgers())
def test_start_plus_movements_is_the_end_in_every_currency(books: list[SubscriptionLedger]) -> None:
    moves = metrics.movements(books, start=START, end=END)
    for currency, m in moves.items():
        assert m.adds_up, m
        assert m.end_mrr == sum(metrics.mrr_at(b, END) for b in books if b.currency == currency)
        assert m.start_mrr == sum(metrics.mrr_at(b, START) for b in books if b.currency == currency)
        assert min(m.new, m.expansion, m.contraction, m.churn, m.reactivation) >= 0


@given(st.integers(0, 10**9), st.integers(1, 36))
def test_monthly_value_is_the_price_over_the_months_rounded_half_up(
    price: int, months: int
) -> None:
    value = metrics.per_month(price, months)
    # Within half a paisa of the exact quotient, and exactly half rounds up.
    assert abs(value * months * 2 - price * 2) <= months
    if (price * 2) % (months * 2) == months:
        assert value * months > price


@settings(max_examples=200, deadline=None)
@given(ledgers(), st.integers(1, 39))
def test_the_workers_snapshot_gives_the_figures_the_rules_give(
    books: list[SubscriptionLedger], days_before: int
) -> None:
    """The worker works each customer's MRR out once per month boundary
    (``snapshots.add_months``); every figure must equal the rules' own functions."""
    starts = [BASE + dt.timedelta(days=40 * k) for k in range(11)]
    as_of = starts[-1] - dt.timedelta(days=days_before)  # the last month is still running
    totals = snapshots.Totals()
    snapshots.add_months(totals, books, starts=starts, as_of=as_of)
    ends = [*starts[1:-1], as_of]
    for k, start in enumerate(starts[:-1]):
        month = start.date()
        included = [b for b in books if b.created_at < ends[k]]
        expected = metrics.movements(included, start=start, end=ends[k])
        got = {c: dict(figures) for (m, c), figures in totals.moves.items() if m == month}
        assert set(got) == set(expected)
        for currency, m in expected.items():
            for name in snapshots.MOVEMENT_FIELDS:
                assert got[currency].get(name, 0) == getattr(m, name), (k, currency, name)
        for by in ("plan", "gateway"):
            assert {
                (c, label): tuple(cell)
                for (kind, mo, c, label), cell in totals.breakdowns.items()
                if kind == by and mo == month
            } == {
                (b.currency, b.label): (b.subscribers, b.mrr)
                for b in metrics.mrr_breakdown(included, at=ends[k], by=by)
            }
    for cohort in metrics.cohorts(books, month_starts=starts, now=as_of):
        assert totals.cohort_sizes.get(cohort.month, 0) == cohort.size
        for j, retained in enumerate(cohort.retained):
            boundary = starts[
                starts.index(dt.datetime.combine(cohort.month, dt.time(), dt.UTC)) + 1 + j
            ]
            assert totals.cohort_cells.get((cohort.month, boundary), 0) == retained

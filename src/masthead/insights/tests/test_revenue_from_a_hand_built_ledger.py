"""The revenue dashboard's figures against a ledger built by hand, row by row.

Every expected figure below is worked out by hand from the rows that
``ledger.november_ledger`` writes (its comments tell each reader's story: prices, periods,
the rounding rule in ``insights.metrics``), never by calling the code under test. The month
reported is November 2026 in the publisher's time zone (Asia/Kolkata, UTC+5:30): it runs
from 2026-10-31 18:30 UTC to 2026-11-30 18:30 UTC.
"""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.insights import queries

pytestmark = pytest.mark.django_db


def test_inr_mrr_moves_from_start_to_end_by_each_kind_of_movement(
    report: queries.RevenueReport,
) -> None:
    inr = report.movements["INR"]
    # Start (31 Oct 18:30 UTC): B 266.33 + C 299 + D 499 + E 225 + F 299 (past due, still live).
    assert inr.start_mrr == 26_633 + 29_900 + 49_900 + 22_500 + 29_900 == 158_833
    assert inr.new == 22_500  # A, paid at 00:30 on 1 November in Kolkata
    assert inr.expansion == 20_000  # C: 299 → 499
    assert (
        inr.contraction == (26_633 - 16_250) + 20_000 == 30_383
    )  # B's two-year move, D's downgrade
    assert inr.churn_voluntary == 22_500  # E
    assert inr.churn_involuntary == 29_900  # F
    assert inr.reactivation == 29_900  # I
    # End (30 Nov 18:30 UTC): A 225 + B 162.50 + C 499 + D 299 + I 299.
    assert inr.end_mrr == 22_500 + 16_250 + 49_900 + 29_900 + 29_900 == 148_450
    assert inr.start_mrr + 22_500 + 20_000 + 29_900 - 30_383 - 22_500 - 29_900 == inr.end_mrr


def test_inr_churn_arpu_and_lifetime_value(report: queries.RevenueReport) -> None:
    inr = report.movements["INR"]
    assert (inr.customers_start, inr.customers_end, inr.churned_customers) == (5, 5, 2)
    assert inr.arpu == 29_690  # ₹1,484.50 / 5
    # LTV = ARPU / monthly churn (2 of 5) = 29,690 × 5 / 2 = 74,225 paise.
    assert inr.lifetime_value == 74_225


def test_usd_is_reported_apart_and_a_refunded_same_month_sale_moves_nothing(
    report: queries.RevenueReport,
) -> None:
    usd = report.movements["USD"]
    assert (usd.start_mrr, usd.end_mrr) == (999 + 825, 999 + 825)
    assert (usd.new, usd.churn, usd.expansion, usd.contraction, usd.reactivation) == (0, 0, 0, 0, 0)
    assert usd.arpu == 912  # $18.24 / 2
    assert usd.lifetime_value is None  # nobody churned: no finite estimate
    assert set(report.movements) == {"INR", "USD"}


def test_mrr_by_plan_and_gateway_at_the_end_of_the_month(report: queries.RevenueReport) -> None:
    by_plan = {(b.currency, b.label): (b.subscribers, b.mrr) for b in report.by_plan}
    assert by_plan == {
        ("INR", "Monthly"): (2, 59_800),  # D and I
        ("INR", "Premium Monthly"): (1, 49_900),  # C
        ("INR", "Annual"): (1, 22_500),  # A
        ("INR", "Two Years"): (1, 16_250),  # B
        ("USD", "Monthly"): (1, 999),  # G
        ("USD", "Annual"): (1, 825),  # H
    }
    by_gateway = {(b.currency, b.label): (b.subscribers, b.mrr) for b in report.by_gateway}
    assert by_gateway == {("INR", "sandbox"): (5, 148_450), ("USD", "stripe"): (2, 1_824)}


def test_subscriber_counts_by_state(report: queries.RevenueReport) -> None:
    counts = report.counts
    assert (counts.active, counts.trialling, counts.past_due, counts.cancelling) == (5, 1, 1, 1)


def test_renewals_due_in_seven_and_thirty_days_with_amounts(report: queries.RevenueReport) -> None:
    # From 1 Dec 06:00 UTC: G renews 3 Dec ($9.99). Within 30 days also C (20 Dec, ₹499), D
    # (15 Dec, ₹299) and K's trial (10 Dec, ₹2,700); I is cancelling, H is past due.
    assert [(d.currency, d.subscribers, d.amount_minor) for d in report.due_7] == [("USD", 1, 999)]
    assert [(d.currency, d.subscribers, d.amount_minor) for d in report.due_30] == [
        ("INR", 3, 49_900 + 29_900 + 270_000),
        ("USD", 1, 999),
    ]


def test_past_due_queue_and_recovery_rate(report: queries.RevenueReport) -> None:
    assert [(p.customer, p.currency, p.amount_due_minor, p.retries) for p in report.past_due] == [
        ("h", "USD", 9_900, 2)
    ]
    # November's first failures: G (recovered) and H (not yet); F's was in October.
    assert (report.recovery.failed, report.recovery.recovered, report.recovery.rate_bp) == (
        2,
        1,
        5_000,
    )


def test_credit_notes_fall_in_the_month_of_kolkata_time(report: queries.RevenueReport) -> None:
    assert sorted((c.currency, c.amount_minor) for c in report.credit_notes) == [
        ("INR", 5_000),
        ("USD", 9_900),
    ]


def test_cohorts_by_first_paid_month(report: queries.RevenueReport) -> None:
    # The table covers the twelve months to November: December 2025 onwards (E and H, who
    # started in November 2025, are before it).
    assert [c.month for c in report.cohorts][:2] == [dt.date(2025, 12, 1), dt.date(2026, 1, 1)]
    cohorts = {c.month: (c.size, c.retained) for c in report.cohorts if c.size}
    assert cohorts == {
        dt.date(2026, 7, 1): (1, [1, 0, 0, 0, 1]),  # I: July, gone, back in November
        dt.date(2026, 8, 1): (1, [1, 1, 1, 1]),  # D
        dt.date(2026, 9, 1): (2, [2, 2, 1]),  # B and F (F past due through October)
        dt.date(2026, 10, 1): (2, [2, 2]),  # C and G
        dt.date(2026, 11, 1): (2, [1]),  # A (1 Nov in Kolkata) and J (refunded)
    }


def test_the_mrr_trend_ends_with_the_months_end_figure(report: queries.RevenueReport) -> None:
    month, values = report.trend[-1]
    assert month == dt.date(2026, 11, 1)
    assert values == {"INR": 148_450, "USD": 1_824}
    assert report.trend[-2] == (dt.date(2026, 10, 1), {"INR": 158_833, "USD": 1_824})

"""The revenue dashboard's figures against a ledger built by hand, row by row.

Every expected figure below is worked out by hand in the comments from the rows written
here (prices, periods, the rounding rule in ``insights.metrics``), never by calling the code
under test. The month reported is November 2026 in the publisher's time zone (Asia/Kolkata,
UTC+5:30): it runs from 2026-10-31 18:30 UTC to 2026-11-30 18:30 UTC.
"""

from __future__ import annotations

import datetime as dt

import pytest

from masthead.insights import queries
from masthead.insights.tests.ledger import NOW, Ledger, at, created

pytestmark = pytest.mark.django_db


@pytest.fixture
def report() -> queries.RevenueReport:
    ledger = Ledger()
    L = ledger  # noqa: N806 - one letter keeps the hand-built rows readable
    # A: new on the month boundary. Paid 2026-10-31 19:00 UTC = 1 November 00:30 in Kolkata,
    # so it is November's: Annual ₹2,700 / 12 = ₹225.00 MRR.
    a = L.subscription(
        L.customer("a"), "annual", "INR", status="active", current_period_end=at("2027-10-31T19:00")
    )
    created(a, "2026-10-31T18:55")
    L.invoice(
        a, "initial", "2026-10-31T19:00", "2027-10-31T19:00", 270_000, paid_at="2026-10-31T19:00"
    )
    # B: Quarterly since September (₹799 / 3 = ₹266.333… → ₹266.33), moves to Two Years on
    # 15 November (₹3,900 / 24 = ₹162.50): more per bill, less per month → contraction ₹103.83.
    b = L.subscription(
        L.customer("b"),
        "two-years",
        "INR",
        status="active",
        current_period_end=at("2028-11-15T05:00"),
    )
    created(b, "2026-09-10T05:00")
    L.invoice(
        b, "initial", "2026-09-10T05:00", "2026-12-10T05:00", 79_900, paid_at="2026-09-10T05:00"
    )
    L.invoice(
        b,
        "proration",
        "2026-11-15T05:00",
        "2028-11-15T05:00",
        390_000 - 40_000,
        paid_at="2026-11-15T05:00",
        key=f"upgrade:{b.pk}:{L.plans['two-years'].pk}:20261115T050000",
    )
    # C: Monthly ₹299 since 5 October, renewed 5 November, upgraded to Premium Monthly (₹499)
    # on 20 November → expansion ₹200.00.
    c = L.subscription(
        L.customer("c"),
        "premium-monthly",
        "INR",
        status="active",
        current_period_end=at("2026-12-20T04:00"),
    )
    created(c, "2026-10-05T04:00")
    L.invoice(
        c, "initial", "2026-10-05T04:00", "2026-11-05T04:00", 29_900, paid_at="2026-10-05T04:00"
    )
    L.invoice(
        c, "recurring", "2026-11-05T04:00", "2026-12-05T04:00", 29_900, paid_at="2026-11-05T04:00"
    )
    L.invoice(
        c,
        "proration",
        "2026-11-20T04:00",
        "2026-12-20T04:00",
        49_900 - 14_000,
        paid_at="2026-11-20T04:00",
        key=f"upgrade:{c.pk}:{L.plans['premium-monthly'].pk}:20261120T040000",
    )
    # D: Premium Monthly ₹499, downgraded to Monthly ₹299 at the 15 November renewal →
    # contraction ₹200.00.
    d = L.subscription(
        L.customer("d"),
        "monthly",
        "INR",
        status="active",
        current_period_end=at("2026-12-15T06:00"),
    )
    created(d, "2026-08-15T06:00")
    for start, end in [("08-15", "09-15"), ("09-15", "10-15"), ("10-15", "11-15")]:
        L.invoice(
            d,
            "initial" if start == "08-15" else "recurring",
            f"2026-{start}T06:00",
            f"2026-{end}T06:00",
            49_900,
            paid_at=f"2026-{start}T06:00",
        )
    d_nov = L.invoice(
        d, "recurring", "2026-11-15T06:00", "2026-12-15T06:00", 29_900, paid_at="2026-11-15T06:00"
    )
    # E: Annual since 20 November 2025, cancelled, ended at its period end on 20 November
    # 2026 → voluntary churn ₹225.00.
    e = L.subscription(
        L.customer("e"),
        "annual",
        "INR",
        status="ended",
        cancel_at_period_end=True,
        ended_at=at("2026-11-20T07:00"),
        end_reason="cancelled",
        current_period_end=at("2026-11-20T07:00"),
    )
    created(e, "2025-11-20T07:00")
    L.invoice(
        e, "initial", "2025-11-20T07:00", "2026-11-20T07:00", 270_000, paid_at="2025-11-20T07:00"
    )
    # F: Monthly since 25 September; the 25 October renewal was declined (October's failure,
    # not November's) and it ended unpaid on 1 November → involuntary churn ₹299.00.
    f = L.subscription(
        L.customer("f"),
        "monthly",
        "INR",
        status="ended",
        ended_at=at("2026-11-01T10:00"),
        end_reason="unpaid",
        current_period_end=at("2026-10-25T08:00"),
    )
    created(f, "2026-09-25T08:00")
    L.invoice(
        f, "initial", "2026-09-25T08:00", "2026-10-25T08:00", 29_900, paid_at="2026-09-25T08:00"
    )
    L.invoice(
        f,
        "recurring",
        "2026-10-25T08:00",
        "2026-11-25T08:00",
        29_900,
        failed_at=["2026-10-25T08:00"],
    )
    # G: USD Monthly $9.99 since 3 October; the 3 November renewal failed once, paid the
    # next day: recovered. No MRR movement.
    g = L.subscription(
        L.customer("g", "stripe"),
        "monthly",
        "USD",
        status="active",
        current_period_end=at("2026-12-03T09:00"),
    )
    created(g, "2026-10-03T09:00")
    L.invoice(g, "initial", "2026-10-03T09:00", "2026-11-03T09:00", 999, paid_at="2026-10-03T09:00")
    L.invoice(
        g,
        "recurring",
        "2026-11-03T09:00",
        "2026-12-03T09:00",
        999,
        paid_at="2026-11-04T09:00",
        failed_at=["2026-11-03T09:00"],
    )
    # H: USD Annual $99 since 25 November 2025 ($99 / 12 = $8.25); the 25 November 2026
    # renewal failed and it is past due now (still MRR until the retries give up).
    h = L.subscription(
        L.customer("h", "stripe"),
        "annual",
        "USD",
        status="past_due",
        retry_count=2,
        grace_until=at("2026-12-02T10:00"),
        current_period_end=at("2026-11-25T10:00"),
    )
    created(h, "2025-11-25T10:00")
    L.invoice(
        h, "initial", "2025-11-25T10:00", "2026-11-25T10:00", 9_900, paid_at="2025-11-25T10:00"
    )
    L.invoice(
        h,
        "recurring",
        "2026-11-25T10:00",
        "2027-11-25T10:00",
        9_900,
        failed_at=["2026-11-25T10:00", "2026-11-28T10:00"],
    )
    # I: paid for July, ended; came back on 10 November (Monthly ₹299) → reactivation
    # ₹299.00; has since asked to cancel at the period end (cancelling, still MRR).
    i_customer = L.customer("i")
    i_old = L.subscription(
        i_customer,
        "monthly",
        "INR",
        status="ended",
        ended_at=at("2026-08-01T03:00"),
        end_reason="cancelled",
    )
    created(i_old, "2026-07-01T03:00")
    L.invoice(
        i_old, "initial", "2026-07-01T03:00", "2026-08-01T03:00", 29_900, paid_at="2026-07-01T03:00"
    )
    i_new = L.subscription(
        i_customer,
        "monthly",
        "INR",
        status="active",
        cancel_at_period_end=True,
        current_period_end=at("2026-12-10T03:00"),
    )
    created(i_new, "2026-11-10T03:00")
    L.invoice(
        i_new, "initial", "2026-11-10T03:00", "2026-12-10T03:00", 29_900, paid_at="2026-11-10T03:00"
    )
    # J: USD Annual bought 12 November, refunded in full and ended by staff on 13 November:
    # new and gone in the same month, so no movement; a $99 credit note.
    j = L.subscription(
        L.customer("j", "stripe"),
        "annual",
        "USD",
        status="ended",
        ended_at=at("2026-11-13T12:00"),
        end_reason="staff",
    )
    created(j, "2026-11-12T12:00")
    j_inv = L.invoice(
        j, "initial", "2026-11-12T12:00", "2027-11-12T12:00", 9_900, paid_at="2026-11-12T12:00"
    )
    L.credit_note(j_inv, 9_900, "2026-11-13T12:00")
    # Two INR credit notes on D's November invoice: 23:30 on 30 November in Kolkata
    # (November's), and 00:30 on 1 December in Kolkata (December's, though 30 November in UTC).
    L.credit_note(d_nov, 5_000, "2026-11-30T18:00")
    L.credit_note(d_nov, 10_000, "2026-11-30T19:00")
    # K: a trial of Annual ending 10 December: not MRR; its first charge is due in 30 days.
    k = L.subscription(
        L.customer("k"), "annual", "INR", status="active", current_period_end=at("2026-12-10T02:00")
    )
    created(k, "2026-11-26T02:00")
    return queries.revenue_report(month=dt.date(2026, 11, 1), now=NOW)


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

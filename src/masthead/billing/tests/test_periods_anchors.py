"""Billing periods come from one anchor: month ends and leap days never make them drift.

The rule (billing/periods.py, ADR 0005): period n runs from anchor + n×P months to
anchor + (n+1)×P months in the publisher's time zone; a month too short for the anchor's day
ends on its last day, and the next month that has the day gets it back.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.billing.models import Plan, PlanPrice, Subscription
from masthead.billing.periods import add_months, period
from masthead.billing.services import complimentary

IST = ZoneInfo("Asia/Kolkata")


def at_noon(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, 0, tzinfo=IST)


def ends(anchor: dt.datetime, months: int, count: int) -> list[dt.date]:
    return [
        period(anchor=anchor, index=n, months=months).end.astimezone(IST).date()
        for n in range(count)
    ]


def test_a_monthly_run_from_31_january_takes_29_february_then_returns_to_31_march():
    assert ends(at_noon(2028, 1, 31), 1, 4) == [
        dt.date(2028, 2, 29),
        dt.date(2028, 3, 31),
        dt.date(2028, 4, 30),
        dt.date(2028, 5, 31),
    ]


def test_a_monthly_run_anchored_on_29_february_keeps_the_29th_and_takes_28_february_in_2029():
    got = ends(at_noon(2028, 2, 29), 1, 13)
    assert got[:3] == [dt.date(2028, 3, 29), dt.date(2028, 4, 29), dt.date(2028, 5, 29)]
    assert got[11] == dt.date(2029, 2, 28)
    assert got[12] == dt.date(2029, 3, 29)  # back to the 29th, not stuck on the 28th


def test_a_yearly_run_from_29_february_2028_ends_on_28_february_until_the_next_leap_year():
    assert ends(at_noon(2028, 2, 29), 12, 5) == [
        dt.date(2029, 2, 28),
        dt.date(2030, 2, 28),
        dt.date(2031, 2, 28),
        dt.date(2032, 2, 29),
        dt.date(2033, 2, 28),
    ]


def test_a_24_month_run_from_29_february_2028_lands_on_29_february_2032():
    assert ends(at_noon(2028, 2, 29), 24, 3) == [
        dt.date(2030, 2, 28),
        dt.date(2032, 2, 29),
        dt.date(2034, 2, 28),
    ]


def test_periods_keep_the_anchors_time_of_day_in_india():
    chosen = period(anchor=at_noon(2028, 2, 29), index=3, months=12)
    assert chosen.start.astimezone(IST) == at_noon(2031, 2, 28)
    assert chosen.end.astimezone(IST) == at_noon(2032, 2, 29)


def test_period_numbers_and_lengths_below_one_are_refused():
    with pytest.raises(ValueError, match="at least one month"):
        period(anchor=at_noon(2028, 1, 31), index=0, months=0)
    with pytest.raises(ValueError, match="start at 0"):
        period(anchor=at_noon(2028, 1, 31), index=-1, months=1)


anchors = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2090, 12, 31),
    timezones=st.just(dt.UTC),
)
zones = st.sampled_from(["Asia/Kolkata", "UTC", "Asia/Tokyo"]).map(ZoneInfo)


@settings(max_examples=300, deadline=None)
@given(
    anchor=anchors,
    months=st.sampled_from([1, 2, 3, 6, 12, 24]) | st.integers(min_value=1, max_value=36),
    count=st.integers(min_value=1, max_value=40),
    zone=zones,
)
def test_periods_are_contiguous_increasing_and_each_end_is_counted_from_the_anchor(
    anchor, months, count, zone
):
    local_anchor = anchor.astimezone(zone)
    runs = [
        (
            add_months(anchor, n * months, tz=zone),
            add_months(anchor, (n + 1) * months, tz=zone),
        )
        for n in range(count)
    ]
    assert runs[0][0] == anchor  # period 0 starts on the anchor itself
    for (_start, end), (next_start, _next_end) in itertools.pairwise(runs):
        assert next_start == end  # no gap, no overlap
    for n, (start, end) in enumerate(runs):
        assert start < end
        local_end = end.astimezone(zone)
        # The end is anchor + (n+1)×P months: that many calendar months on...
        elapsed = (local_end.year - local_anchor.year) * 12 + local_end.month - local_anchor.month
        assert elapsed == (n + 1) * months
        # ...on the anchor's day, or the month's last day when the month is shorter (no drift)
        last_day = calendar.monthrange(local_end.year, local_end.month)[1]
        assert local_end.day == min(local_anchor.day, last_day)
        assert local_end.time() == local_anchor.time()


@settings(max_examples=300, deadline=None)
@given(
    end=anchors,
    index=st.integers(min_value=0, max_value=12),
    months=st.sampled_from([1, 3, 12, 24]) | st.integers(min_value=1, max_value=36),
)
def test_free_time_moves_a_renewal_to_its_new_date_or_at_most_three_days_later(end, index, months):
    """A complimentary extension re-anchors the subscription so its current period ends on the
    new date; where the calendar has no such anchor (month ends), a little later, never
    earlier: free time is never shorter than what staff gave."""
    anchor = complimentary._anchor_ending_by(end=end, index=index, months=months)
    moved = period(anchor=anchor, index=index, months=months).end
    assert end <= moved <= end + dt.timedelta(days=3)
    if end.astimezone(ZoneInfo("Asia/Kolkata")).day <= 28:
        assert moved == end  # any day every month has: exact


@pytest.fixture
def monthly(plans):
    plan = Plan.objects.create(
        slug="smart-monthly", name="Smart Monthly", period_months=1, is_active=True
    )
    PlanPrice.objects.create(plan=plan, currency="INR", amount_minor=30_000)
    return plan


def test_a_reader_who_subscribes_on_31_january_2028_renews_on_29_february_then_31_march(
    reader_factory, monthly
):
    reader = reader_factory(start=at_noon(2028, 1, 31).astimezone(dt.UTC))
    reader.subscribe("smart-monthly")
    seen = []
    for _ in range(3):
        sub = Subscription.objects.get(customer=reader.customer)
        seen.append(sub.current_period_end.astimezone(IST))
        # Through the renewal (notice, 24 hours, charge) and just past the period's end.
        reader.advance(days=(sub.current_period_end - reader.now()).days + 1)
    assert seen == [at_noon(2028, 2, 29), at_noon(2028, 3, 31), at_noon(2028, 4, 30)]
    sub = Subscription.objects.get(customer=reader.customer)
    assert sub.period_index == 3
    assert sub.current_period_end.astimezone(IST) == at_noon(2028, 5, 31)

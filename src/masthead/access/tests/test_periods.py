from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from masthead.access.periods import calendar_month, rolling_days

KOLKATA = ZoneInfo("Asia/Kolkata")


def test_the_month_turns_at_midnight_in_the_publishers_time_zone_not_utc():
    # 30 Nov 2026 19:00 UTC is already 1 Dec 00:30 in Kolkata.
    late = dt.datetime(2026, 11, 30, 19, 0, tzinfo=dt.UTC)
    window = calendar_month(now=late, tz=KOLKATA)
    assert window.starts == dt.datetime(2026, 12, 1, tzinfo=KOLKATA)
    assert window.ends == dt.datetime(2027, 1, 1, tzinfo=KOLKATA)


@given(
    st.datetimes(min_value=dt.datetime(1997, 1, 1), max_value=dt.datetime(2099, 12, 31)),
    st.sampled_from(["Asia/Kolkata", "America/New_York", "Europe/London", "Pacific/Chatham"]),
)
def test_a_calendar_window_is_the_local_month_containing_now(naive, zone):
    tz = ZoneInfo(zone)
    now = naive.replace(tzinfo=dt.UTC)
    window = calendar_month(now=now, tz=tz)
    assert window.starts <= now < window.ends
    start_local, end_local = window.starts.astimezone(tz), window.ends.astimezone(tz)
    assert (start_local.day, start_local.hour, start_local.minute) == (1, 0, 0)
    assert (end_local.day, end_local.hour) == (1, 0)
    assert start_local.month == now.astimezone(tz).month
    assert 27 * 24 * 3600 < (window.ends - window.starts).total_seconds() < 32 * 24 * 3600


@given(st.integers(min_value=1, max_value=366))
def test_a_rolling_window_reaches_back_exactly_n_days(days):
    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    window = rolling_days(now=now, days=days)
    assert now - window.starts == dt.timedelta(days=days)

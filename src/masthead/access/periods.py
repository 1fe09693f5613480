"""Meter windows: a calendar month in the publisher's time zone, or a rolling N days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Window:
    """Views at or after ``starts`` count; the window closes (and keys expire) at ``ends``."""

    starts: dt.datetime
    ends: dt.datetime


def calendar_month(*, now: dt.datetime, tz: ZoneInfo) -> Window:
    """The month that contains ``now`` where the publisher is, as aware UTC instants."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(tz)
    start_local = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if start_local.month == 12:
        end_local = start_local.replace(year=start_local.year + 1, month=1)
    else:
        end_local = start_local.replace(month=start_local.month + 1)
    return Window(starts=start_local.astimezone(dt.UTC), ends=end_local.astimezone(dt.UTC))


def rolling_days(*, now: dt.datetime, days: int) -> Window:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not 1 <= days <= 366:
        raise ValueError("a rolling window is 1 to 366 days long")
    now_utc = now.astimezone(dt.UTC)
    return Window(starts=now_utc - dt.timedelta(days=days), ends=now_utc + dt.timedelta(days=days))

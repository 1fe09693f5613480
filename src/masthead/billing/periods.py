"""Billing periods, all derived from one anchor so they never drift.

The anchor rule: period *n* runs from ``anchor + n×P months`` to ``anchor + (n+1)×P months``,
counted in the publisher's time zone. Adding months keeps the anchor's day of the month, or
the month's last day when it is shorter. A subscription anchored on 31 January renews on
28 February (29 in a leap year), 31 March, 30 April, 31 May... — it never slides to the 28th
for good, because every date is computed from the anchor, not from the previous period.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings


@dataclass(frozen=True, slots=True)
class Period:
    index: int
    start: dt.datetime
    end: dt.datetime


def add_months(moment: dt.datetime, months: int, *, tz: ZoneInfo | None = None) -> dt.datetime:
    zone = tz or ZoneInfo(settings.TIME_ZONE)
    local = moment.astimezone(zone)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    shifted = local.replace(year=year, month=month, day=day, tzinfo=None)
    return shifted.replace(tzinfo=zone).astimezone(dt.UTC)


def period(*, anchor: dt.datetime, index: int, months: int) -> Period:
    if months < 1:
        raise ValueError("A billing period is at least one month.")
    if index < 0:
        raise ValueError("Period numbers start at 0.")
    return Period(
        index=index,
        start=add_months(anchor, index * months),
        end=add_months(anchor, (index + 1) * months),
    )

"""Every question the dashboards ask, in one module.

Revenue questions read billing's ledger through ``billing.revenue``; conversion questions read
this app's rollups (and, for the meter's distribution, the raw events of the month). A
publisher who outgrows PostgreSQL for rollups swaps the rollup reads here for a column store
(docs/adr: insights rollups), and nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from masthead.billing import revenue
from masthead.insights import metrics


def publisher_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(day: dt.date, *, shift: int = 0) -> dt.datetime:
    """The first instant of ``day``'s month (plus ``shift`` months) in the publisher's time
    zone, aware in that zone."""
    index = day.year * 12 + day.month - 1 + shift
    return dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=publisher_tz())


def local_today(now: dt.datetime) -> dt.date:
    return now.astimezone(publisher_tz()).date()


@dataclass(frozen=True, slots=True)
class DueSum:
    currency: str
    subscribers: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Recovery:
    failed: int
    recovered: int

    @property
    def rate_bp(self) -> int | None:
        """Recovered share in basis points (half up), None when nothing failed."""
        if not self.failed:
            return None
        return (20000 * self.recovered + self.failed) // (2 * self.failed)


@dataclass(frozen=True)
class RevenueReport:
    month: dt.date  # first day of the reported month (publisher's time)
    starts_at: dt.datetime
    ends_at: dt.datetime
    now: dt.datetime
    movements: dict[str, metrics.Movement]
    by_plan: list[metrics.Breakdown]
    by_gateway: list[metrics.Breakdown]
    counts: metrics.StatusCounts
    due_7: list[DueSum]
    due_30: list[DueSum]
    renewals_30: list[tuple[metrics.Renewal, int]]
    past_due: list[revenue.PastDue]
    recovery: Recovery
    credit_notes: list[revenue.CreditNoteRow]
    cohorts: list[metrics.Cohort]
    trend: list[tuple[dt.date, dict[str, int]]]  # MRR per currency at each month's end


def _due(renewals: list[metrics.Renewal], charges: dict[int, int]) -> list[DueSum]:
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in renewals:
        sums[r.currency][0] += 1
        sums[r.currency][1] += charges.get(r.subscription_id, 0)
    return [DueSum(currency=c, subscribers=n, amount_minor=a) for c, (n, a) in sorted(sums.items())]


def revenue_report(
    *, month: dt.date, now: dt.datetime | None = None, history: int = 12
) -> RevenueReport:
    """The revenue dashboard for the publisher's calendar ``month`` (any day in it)."""
    now = now or timezone.now()
    start, end = month_start(month), month_start(month, shift=1)
    # A month still running is reported up to now.
    until = min(end, now)
    ledgers = revenue.subscription_ledgers(created_before=until)
    moves = metrics.movements(ledgers, start=start, end=until)
    due_30 = metrics.renewals_due(ledgers, now=now, days=30)
    due_7 = [r for r in due_30 if r.due_at < now + dt.timedelta(days=7)]
    charges = revenue.expected_renewal_charges(subscription_ids=[r.subscription_id for r in due_30])
    failed = revenue.failed_renewals(since=start, until=end)
    first_month = month_start(month, shift=-(history - 1))
    boundaries = [month_start(first_month.date(), shift=k) for k in range(history + 1)]
    trend = []
    for k in range(history):
        at = min(boundaries[k + 1], now)
        per_currency: dict[str, int] = defaultdict(int)
        for ledger in ledgers:
            value = metrics.mrr_at(ledger, at)
            if value:
                per_currency[ledger.currency] += value
        trend.append((boundaries[k].date(), dict(per_currency)))
    return RevenueReport(
        month=start.date(),
        starts_at=start,
        ends_at=end,
        now=now,
        movements=moves,
        by_plan=metrics.mrr_breakdown(ledgers, at=until, by="plan"),
        by_gateway=metrics.mrr_breakdown(ledgers, at=until, by="gateway"),
        counts=metrics.status_counts(ledgers),
        due_7=_due(due_7, charges),
        due_30=_due(due_30, charges),
        renewals_30=[(r, charges.get(r.subscription_id, 0)) for r in due_30],
        past_due=revenue.past_due_queue(),
        recovery=Recovery(failed=len(failed), recovered=sum(f.recovered for f in failed)),
        credit_notes=revenue.credit_notes(since=start, until=end),
        cohorts=metrics.cohorts(ledgers, month_starts=boundaries, now=now),
        trend=trend,
    )

"""Every question the dashboards ask, in one module.

Revenue questions read the worker's snapshots of billing's ledger (``insights.snapshots``,
``RevenueFigure``) and, for the few live figures, ``billing.revenue``; conversion questions read
this app's rollups (and, for the meter's distribution, the raw events of the month). A
publisher who outgrows PostgreSQL for rollups swaps the rollup reads here for a column store
(docs/adr: insights rollups), and nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from masthead.billing import revenue
from masthead.insights import metrics, stories
from masthead.insights.models import Bucket, EventKind, ReaderEvent, RevenueFigure, Rollup


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
    as_of: dt.datetime | None  # when the worker worked out the ledger's figures (None: not yet)
    movements: dict[str, metrics.Movement]
    by_plan: list[metrics.Breakdown]
    by_gateway: list[metrics.Breakdown]
    counts: metrics.StatusCounts
    due_7: list[DueSum]
    due_30: list[DueSum]
    renewals_30: list[tuple[metrics.Renewal, int]]  # the first RENEWALS_LISTED
    past_due: list[revenue.PastDue]
    recovery: Recovery
    credit_notes: list[revenue.CreditNoteRow]
    cohorts: list[metrics.Cohort]
    trend: list[tuple[dt.date, dict[str, int]]]  # MRR per currency at each month's end


RENEWALS_LISTED = 50


def _breakdowns(rows: list[RevenueFigure], kind: str, month: dt.date) -> list[metrics.Breakdown]:
    found = [
        metrics.Breakdown(currency=r.currency, label=r.label, subscribers=r.count, mrr=r.amount)
        for r in rows
        if r.kind == kind and r.month == month
    ]
    return sorted(found, key=lambda b: (b.currency, -b.mrr, b.label))


def revenue_report(
    *, month: dt.date, now: dt.datetime | None = None, history: int = 12
) -> RevenueReport:
    """The revenue dashboard for the publisher's calendar ``month`` (any day in it): the
    ledger's figures from the worker's newest snapshot as of ``now`` (``insights.snapshots``;
    a month still running is reported up to the snapshot); the past-due queue and the
    credit notes read live."""
    now = now or timezone.now()
    start, end = month_start(month), month_start(month, shift=1)
    as_of = (
        RevenueFigure.objects.filter(kind="status", as_of__lte=now)
        .aggregate(newest=Max("as_of"))["newest"]
    )  # fmt: skip
    rows = list(RevenueFigure.objects.filter(as_of=as_of)) if as_of is not None else []
    month_day = start.date()
    moves: dict[str, metrics.Movement] = {}
    for r in rows:
        if r.kind == "move" and r.month == month_day:
            m = moves.setdefault(r.currency, metrics.Movement(currency=r.currency))
            setattr(m, r.label, r.amount)
    status = {r.label: r.count for r in rows if r.kind == "status"}
    due = {(r.currency, r.label): r for r in rows if r.kind == "due"}
    first_month = month_start(month, shift=-(history - 1))
    bounds = [month_start(first_month.date(), shift=k) for k in range(history + 1)]
    trend = []
    for k in range(history):
        per_currency: dict[str, int] = defaultdict(int)
        for b in _breakdowns(rows, "plan", bounds[k].date()):
            per_currency[b.currency] += b.mrr
        trend.append((bounds[k].date(), dict(per_currency)))
    sizes = {r.month: r.count for r in rows if r.kind == "cohort_size"}
    cells = {(r.month, r.at): r.count for r in rows if r.kind == "cohort"}
    cohorts = []
    for i, cohort_start in enumerate(bounds[:-1]):
        cohort = metrics.Cohort(month=cohort_start.date(), size=sizes.get(cohort_start.date(), 0))
        for boundary in bounds[i + 1 :]:
            if as_of is None or boundary > min(now, as_of):
                break
            cohort.retained.append(cells.get((cohort.month, boundary), 0))
        cohorts.append(cohort)
    recovery = next(
        (Recovery(failed=r.count, recovered=r.amount) for r in rows
         if r.kind == "recovery" and r.month == month_day),
        Recovery(failed=0, recovered=0),
    )  # fmt: skip
    return RevenueReport(
        month=month_day,
        starts_at=start,
        ends_at=end,
        now=now,
        as_of=as_of,
        movements=dict(sorted(moves.items())),
        by_plan=_breakdowns(rows, "plan", month_day),
        by_gateway=_breakdowns(rows, "gateway", month_day),
        counts=metrics.StatusCounts(
            active=status.get("active", 0),
            trialling=status.get("trialling", 0),
            past_due=status.get("past_due", 0),
            cancelling=status.get("cancelling", 0),
        ),
        due_7=[
            DueSum(currency=c, subscribers=r.count, amount_minor=r.amount)
            for (c, days), r in sorted(due.items())
            if days == "7"
        ],
        due_30=[
            DueSum(currency=c, subscribers=r.count, amount_minor=r.amount)
            for (c, days), r in sorted(due.items())
            if days == "30"
        ],
        renewals_30=[
            (
                metrics.Renewal(subscription_id=int(r.label), currency=r.currency, due_at=at),
                r.amount,
            )
            for at, r in sorted(
                ((r.at, r) for r in rows if r.kind == "renewal" and r.at is not None),
                key=lambda pair: (pair[0], int(pair[1].label)),
            )
        ],
        past_due=revenue.past_due_queue(),
        recovery=recovery,
        credit_notes=revenue.credit_notes(since=start, until=end),
        cohorts=cohorts,
        trend=trend,
    )


# --- Conversion (rollups) --------------------------------------------------------------------

FUNNEL = ("story_view", "prompt", "subscribe_click", "checkout_started", "checkout_paid")
BREAKDOWNS = ("prompt", "meter_rule", "plan", "section", "author", "referrer", "device")


@dataclass(frozen=True, slots=True)
class FunnelRow:
    starts: dt.date
    counts: dict[str, int]

    def rate_bp(self, upper: str, lower: str) -> int | None:
        """``lower`` as a share of ``upper`` in basis points, half up."""
        top = self.counts.get(upper, 0)
        if not top:
            return None
        return (20000 * self.counts.get(lower, 0) + top) // (2 * top)


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    value: str
    prompts: int
    paid: int

    @property
    def rate_bp(self) -> int | None:
        if not self.prompts:
            return None
        return (20000 * self.paid + self.prompts) // (2 * self.prompts)


@dataclass(frozen=True, slots=True)
class StoryRow:
    story_id: int
    title: str
    path: str
    paid: int


@dataclass(frozen=True)
class ConversionReport:
    since: dt.date
    until: dt.date  # exclusive
    daily: list[FunnelRow]
    weekly: list[FunnelRow]
    totals: FunnelRow
    breakdowns: dict[str, list[BreakdownRow]]
    top_today: list[StoryRow]
    top_month: list[StoryRow]
    first_stories_month: list[StoryRow]
    registration_prompts: int
    registrations: int
    meter: list[tuple[int, int]]  # (free stories used, readers)


def _day_counts(
    *, since: dt.datetime, until: dt.datetime, kinds: tuple[str, ...], dimension: str = "all"
) -> list[dict[str, Any]]:
    rows = (
        Rollup.objects.filter(
            bucket=Bucket.DAY,
            kind__in=kinds,
            dimension=dimension,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .values("starts_at", "kind", "value")
        .annotate(total=Sum("count"))
    )
    return [dict(row) for row in rows]


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=publisher_tz())


def _top_stories(
    *, since: dt.datetime, until: dt.datetime, dimension: str, limit: int = 10
) -> list[StoryRow]:
    totals: dict[str, int] = defaultdict(int)
    for row in _day_counts(since=since, until=until, kinds=("checkout_paid",), dimension=dimension):
        totals[row["value"]] += int(row["total"])
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    found = stories.stories(int(v) for v, _ in ranked if v.isdigit())
    result = []
    for value, paid in ranked:
        story = found.get(int(value)) if value.isdigit() else None
        result.append(
            StoryRow(
                story_id=int(value) if value.isdigit() else 0,
                title=story.title if story else f"Story {value} (deleted)",
                path=story.path if story else "",
                paid=paid,
            )
        )
    return result


def meter_distribution(*, since: dt.datetime, until: dt.datetime) -> list[tuple[int, int]]:
    """How many readers used 0, 1, 2, 3… of their free stories in [since, until): each
    reader's highest count the meter reported (readers who met only free stories: 0)."""
    histogram: dict[int, int] = defaultdict(int)
    for row in (
        ReaderEvent.objects.filter(
            kind=EventKind.STORY_VIEW, occurred_at__gte=since, occurred_at__lt=until
        )
        .values("reader")
        .annotate(used=Max("reads_used"))
        .values_list("used", flat=True)
        .iterator(chunk_size=10000)
    ):
        histogram[int(row or 0)] += 1
    top = max(histogram, default=0)
    return [(n, histogram.get(n, 0)) for n in range(top + 1)]


def conversion_report(
    *, since: dt.date, until: dt.date, now: dt.datetime | None = None
) -> ConversionReport:
    """The funnel for the publisher's days [since, until)."""
    now = now or timezone.now()
    start, end = _local_midnight(since), _local_midnight(until)
    per_day: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in _day_counts(since=start, until=end, kinds=(*FUNNEL, "registration")):
        day = row["starts_at"].astimezone(publisher_tz()).date()
        per_day[day][row["kind"]] += int(row["total"])
    days = [since + dt.timedelta(days=i) for i in range((until - since).days)]
    daily = [FunnelRow(starts=d, counts=dict(per_day.get(d, {}))) for d in days]
    weeks: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for funnel_day in daily:
        monday = funnel_day.starts - dt.timedelta(days=funnel_day.starts.weekday())
        for kind, n in funnel_day.counts.items():
            weeks[monday][kind] += n
    weekly = [FunnelRow(starts=w, counts=dict(c)) for w, c in sorted(weeks.items())]
    total: dict[str, int] = defaultdict(int)
    for funnel_day in daily:
        for kind, n in funnel_day.counts.items():
            total[kind] += n
    breakdowns: dict[str, list[BreakdownRow]] = {}
    for dimension in BREAKDOWNS:
        upper = "checkout_started" if dimension == "plan" else "prompt"
        pair: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in _day_counts(
            since=start, until=end, kinds=(upper, "checkout_paid"), dimension=dimension
        ):
            pair[row["value"]][0 if row["kind"] == upper else 1] += int(row["total"])
        breakdowns[dimension] = [
            BreakdownRow(value=v, prompts=p, paid=q)
            for v, (p, q) in sorted(pair.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
        ]
    today = local_today(now)
    month_begins = month_start(today)
    registration_prompts = sum(
        int(r["total"])
        for r in _day_counts(since=start, until=end, kinds=("prompt",), dimension="prompt")
        if r["value"] == "registration"
    )
    return ConversionReport(
        since=since,
        until=until,
        daily=daily,
        weekly=weekly,
        totals=FunnelRow(starts=since, counts=dict(total)),
        breakdowns=breakdowns,
        top_today=_top_stories(
            since=_local_midnight(today),
            until=_local_midnight(today + dt.timedelta(days=1)),
            dimension="story",
        ),
        top_month=_top_stories(
            since=month_begins, until=month_start(today, shift=1), dimension="story"
        ),
        first_stories_month=_top_stories(
            since=month_begins, until=month_start(today, shift=1), dimension="first_story"
        ),
        registration_prompts=registration_prompts,
        registrations=total.get("registration", 0),
        meter=meter_distribution(since=month_begins, until=month_start(today, shift=1)),
    )

"""The revenue dashboard's figures, worked out by the worker from billing's ledger (a snapshot).

Reading a million subscribers' paid periods takes minutes, not the second a dashboard has, so
the worker does it (``take``, from ``services.sweep`` when the last snapshot is
``INSIGHTS_REVENUE_SNAPSHOT_MINUTES`` old) and writes a few hundred ``RevenueFigure`` rows
that ``queries.revenue_report`` reads. The ledger is read a slice of customers at a time
(``billing.revenue.subscription_ledgers(customers=...)``), and every figure is computed by the
same rules as before (``insights.metrics``): every figure is a sum over customers, so the
slices' figures add up to the whole ledger's, to the paisa.

A snapshot is written whole in one transaction (taking it twice for the same instant replaces
it); snapshots more than a day older than the one written are deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from masthead.billing import revenue
from masthead.insights import metrics
from masthead.insights.models import RevenueFigure
from masthead.insights.queries import RENEWALS_LISTED, local_today, month_start

CHUNK = 20_000  # customers per slice of the ledger
MOVEMENT_FIELDS = tuple(
    f.name for f in dataclasses.fields(metrics.Movement) if f.name != "currency"
)


@dataclass
class _Totals:
    """The snapshot's figures, summed over slices of customers."""

    moves: dict[tuple[dt.date, str], dict[str, int]] = dataclasses.field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    breakdowns: dict[tuple[str, dt.date, str, str], list[int]] = dataclasses.field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    cohort_sizes: dict[dt.date, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    cohort_cells: dict[tuple[dt.date, dt.datetime], int] = dataclasses.field(
        default_factory=lambda: defaultdict(int)
    )
    status: dict[str, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    due: dict[tuple[str, str], list[int]] = dataclasses.field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    renewals: list[tuple[metrics.Renewal, int]] = dataclasses.field(default_factory=list)


def boundaries(*, as_of: dt.datetime, months: int) -> list[dt.datetime]:
    """The first instants of the ``months`` publisher months up to ``as_of``'s, and of the
    month after it."""
    first = month_start(local_today(as_of), shift=-(months - 1))
    return [month_start(first.date(), shift=k) for k in range(months + 1)]


def _add_slice(
    totals: _Totals, ledgers: list[revenue.SubscriptionLedger], *, starts: list[dt.datetime],
    as_of: dt.datetime,
) -> None:  # fmt: skip
    for k, start in enumerate(starts[:-1]):
        end = min(starts[k + 1], as_of)
        month = start.date()
        books = [ledger for ledger in ledgers if ledger.created_at < end]
        for currency, m in metrics.movements(books, start=start, end=end).items():
            row = totals.moves[(month, currency)]
            for name in MOVEMENT_FIELDS:
                row[name] += getattr(m, name)
        for by in ("plan", "gateway"):
            for b in metrics.mrr_breakdown(books, at=end, by=by):
                cell = totals.breakdowns[(by, month, b.currency, b.label)]
                cell[0] += b.subscribers
                cell[1] += b.mrr
    for i, cohort in enumerate(metrics.cohorts(ledgers, month_starts=starts, now=as_of)):
        totals.cohort_sizes[cohort.month] += cohort.size
        for j, retained in enumerate(cohort.retained):
            totals.cohort_cells[(cohort.month, starts[i + 1 + j])] += retained
    counts = metrics.status_counts(ledgers)
    for name in ("active", "trialling", "past_due", "cancelling"):
        totals.status[name] += getattr(counts, name)
    due = metrics.renewals_due(ledgers, now=as_of, days=30)
    charges = revenue.expected_renewal_charges(subscription_ids=[r.subscription_id for r in due])
    week = as_of + dt.timedelta(days=7)
    for r in due:
        for days in ("7", "30") if r.due_at < week else ("30",):
            cell = totals.due[(r.currency, days)]
            cell[0] += 1
            cell[1] += charges.get(r.subscription_id, 0)
    totals.renewals = sorted(
        [*totals.renewals, *((r, charges.get(r.subscription_id, 0)) for r in due)],
        key=lambda pair: (pair[0].due_at, pair[0].subscription_id),
    )[:RENEWALS_LISTED]


def _rows(totals: _Totals, *, as_of: dt.datetime) -> list[RevenueFigure]:
    rows = [
        RevenueFigure(
            as_of=as_of, kind="move", month=month, currency=currency, label=name, amount=v
        )
        for (month, currency), figures in totals.moves.items()
        for name, v in figures.items()
    ]
    rows += [
        RevenueFigure(
            as_of=as_of, kind=by, month=month, currency=currency, label=label[:120], count=n,
            amount=mrr,
        )
        for (by, month, currency, label), (n, mrr) in totals.breakdowns.items()
    ]  # fmt: skip
    rows += [
        RevenueFigure(as_of=as_of, kind="cohort_size", month=month, count=n)
        for month, n in totals.cohort_sizes.items()
        if n
    ]
    rows += [
        RevenueFigure(as_of=as_of, kind="cohort", month=month, at=at, count=n)
        for (month, at), n in totals.cohort_cells.items()
        if n
    ]
    rows += [
        RevenueFigure(as_of=as_of, kind="status", label=name, count=totals.status[name])
        for name in ("active", "trialling", "past_due", "cancelling")
    ]
    rows += [
        RevenueFigure(as_of=as_of, kind="due", currency=currency, label=days, count=n, amount=a)
        for (currency, days), (n, a) in totals.due.items()
    ]
    rows += [
        RevenueFigure(
            as_of=as_of, kind="renewal", at=r.due_at, currency=r.currency,
            label=str(r.subscription_id), amount=amount,
        )
        for r, amount in totals.renewals
    ]  # fmt: skip
    return rows


@dataclass(frozen=True, slots=True)
class SnapshotReport:
    as_of: dt.datetime
    customers: int  # the span of customer ids read
    figures: int


def take(*, now: dt.datetime | None = None, chunk: int = CHUNK) -> SnapshotReport:
    """Work out the revenue dashboard's figures from the ledger as of ``now`` and write them
    (replacing a snapshot of the same instant)."""
    as_of = now or timezone.now()
    starts = boundaries(as_of=as_of, months=settings.INSIGHTS_REVENUE_MONTHS)
    totals = _Totals()
    low, high = revenue.customer_id_bounds()
    for first in range(low, high, chunk):
        ledgers = revenue.subscription_ledgers(
            created_before=as_of, customers=(first, min(first + chunk, high))
        )
        _add_slice(totals, ledgers, starts=starts, as_of=as_of)
    rows = _rows(totals, as_of=as_of)
    with transaction.atomic():
        RevenueFigure.objects.filter(as_of=as_of).delete()
        RevenueFigure.objects.bulk_create(rows, batch_size=2000)
        RevenueFigure.objects.filter(as_of__lt=as_of - dt.timedelta(days=1)).delete()
    return SnapshotReport(as_of=as_of, customers=high - low, figures=len(rows))


def take_if_due(*, now: dt.datetime | None = None) -> SnapshotReport | None:
    """``take`` when the newest snapshot is ``INSIGHTS_REVENUE_SNAPSHOT_MINUTES`` old (or
    there is none)."""
    now = now or timezone.now()
    newest = RevenueFigure.objects.filter(kind="status").aggregate(newest=Max("as_of"))["newest"]
    every = dt.timedelta(minutes=settings.INSIGHTS_REVENUE_SNAPSHOT_MINUTES)
    if newest is not None and newest <= now < newest + every:
        return None
    return take(now=now)

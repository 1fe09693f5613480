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
from masthead.insights import metrics, revenue_facts
from masthead.insights.models import RevenueFigure
from masthead.insights.queries import RENEWALS_LISTED, local_today, month_start

CHUNK = 20_000  # customers per slice of the ledger
MOVEMENT_FIELDS = tuple(
    f.name for f in dataclasses.fields(metrics.Movement) if f.name != "currency"
)


@dataclass
class Totals:
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
    recovery: dict[dt.date, list[int]] = dataclasses.field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )


def boundaries(*, as_of: dt.datetime, months: int) -> list[dt.datetime]:
    """The first instants of the ``months`` publisher months up to ``as_of``'s, and of the
    month after it."""
    first = month_start(local_today(as_of), shift=-(months - 1))
    return [month_start(first.date(), shift=k) for k in range(months + 1)]


def mrr_points(ledger: revenue.SubscriptionLedger, points: list[dt.datetime]) -> list[int]:
    """``metrics.mrr_at`` at each of ``points`` (ascending), walking the segments once."""
    segments, i, value = ledger.segments, -1, 0
    values: list[int] = []
    ended = ledger.ended_at
    for point in points:
        if ended is not None and ended <= point:
            values.extend([0] * (len(points) - len(values)))  # ended: nothing after either
            break
        moved = False
        while i + 1 < len(segments) and segments[i + 1].starts_at <= point:
            i += 1
            moved = True
        if moved:
            value = metrics.per_month(segments[i].price_minor, segments[i].months)
        values.append(value)
    return values


def _month_of_customer(
    totals: Totals,
    books: list[tuple[revenue.SubscriptionLedger, list[int]]],
    *,
    points: list[dt.datetime],
    month: dt.date,
    k: int,
) -> None:
    """Month ``k``'s movement and breakdowns for one customer's subscriptions: the rules of
    ``metrics.movements`` and ``metrics.mrr_breakdown`` over the MRR already worked out at
    the month's first instant (``points[k]``) and its end (``points[k + 1]``)."""
    start, end = points[k], points[k + 1]
    a: dict[str, int] = {}
    b: dict[str, int] = {}
    unpaid: dict[str, bool] = {}
    paid_before = False
    for ledger, values in books:
        if ledger.created_at >= end:
            continue
        before, after = values[k], values[k + 1]
        a[ledger.currency] = a.get(ledger.currency, 0) + before
        b[ledger.currency] = b.get(ledger.currency, 0) + after
        if before:
            unpaid[ledger.currency] = ledger.end_reason == "unpaid"
        if ledger.segments and ledger.segments[0].starts_at < start:
            paid_before = True
        if after:
            for by, label in (("plan", ledger.plan_name), ("gateway", ledger.gateway)):
                cell = totals.breakdowns[(by, month, ledger.currency, label)]
                cell[0] += 1
                cell[1] += after
    for currency, was in a.items():
        now = b[currency]
        if not was and not now:
            continue
        row = totals.moves[(month, currency)]
        row["start_mrr"] += was
        row["end_mrr"] += now
        row["customers_start"] += bool(was)
        row["customers_end"] += bool(now)
        if not was:
            kind = "reactivation" if paid_before else "new"
            row[kind] += now
            row["reactivated_customers" if paid_before else "new_customers"] += 1
        elif not now:
            row["churned_customers"] += 1
            row["churn_involuntary" if unpaid.get(currency) else "churn_voluntary"] += was
        elif now > was:
            row["expansion"] += now - was
        elif was > now:
            row["contraction"] += was - now


def add_months(
    totals: Totals, ledgers: list[revenue.SubscriptionLedger], *, starts: list[dt.datetime],
    as_of: dt.datetime,
) -> None:  # fmt: skip
    """Each month's movement and breakdowns, and the cohorts, of a slice of customers (all
    of each customer's subscriptions) into ``totals``. No database: a pure function of the
    ledgers, checked against ``insights.metrics`` for any ledger (test_mrr_rules)."""
    # Each month runs from its first instant to the next's; the running one to ``as_of``.
    points = [*starts[:-1], as_of]
    customers: dict[int, list[tuple[revenue.SubscriptionLedger, list[int]]]] = defaultdict(list)
    for ledger in ledgers:
        customers[ledger.customer_id].append((ledger, mrr_points(ledger, points)))
    months = [start.date() for start in starts[:-1]]
    for books in customers.values():
        for k, month in enumerate(months):
            # A month in which none of the customer's subscriptions paid moves nothing.
            if any(v[k] or v[k + 1] for _, v in books):
                _month_of_customer(totals, books, points=points, month=month, k=k)
        # Cohorts (``metrics.cohorts``): the month of the customer's first paid period, and
        # whether they pay at the first instant of each later month up to ``as_of``.
        firsts = [ledger.segments[0].starts_at for ledger, _ in books if ledger.segments]
        if not firsts:
            continue
        first = min(firsts)
        i = next((i for i in range(len(months)) if starts[i] <= first < starts[i + 1]), None)
        if i is None:
            continue
        totals.cohort_sizes[months[i]] += 1
        for j in range(i + 1, len(months)):
            if starts[j] > as_of:
                break
            totals.cohort_cells[(months[i], starts[j])] += any(v[j] for _, v in books)


def _add_slice(
    totals: Totals, ledgers: list[revenue.SubscriptionLedger], *, starts: list[dt.datetime],
    as_of: dt.datetime,
) -> None:  # fmt: skip
    """A slice of the ledger's figures into ``totals``, read from the ledger itself (the way
    every figure was worked out before the facts: ``take_from_ledger``)."""
    add_months(totals, ledgers, starts=starts, as_of=as_of)
    counts = metrics.status_counts(ledgers)
    for name in ("active", "trialling", "past_due", "cancelling"):
        totals.status[name] += getattr(counts, name)
    _add_renewals(totals, metrics.renewals_due(ledgers, now=as_of, days=30), as_of=as_of)


def _add_renewals(totals: Totals, due: list[metrics.Renewal], *, as_of: dt.datetime) -> None:
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


def _add_sums(totals: Totals, *, starts: list[dt.datetime], as_of: dt.datetime) -> None:
    """The figures summed in SQL over insights' facts (``revenue_facts.revenue_sums``)."""
    sums = revenue_facts.revenue_sums(starts=starts, as_of=as_of)
    months = [start.date() for start in starts[:-1]]
    for (k, currency), figures in sums.moves.items():
        totals.moves[(months[k], currency)].update(figures)
    for (by, k, currency, label), (n, mrr) in sums.breakdowns.items():
        totals.breakdowns[(by, months[k], currency, label)] = [n, mrr]
    for i, n in sums.cohort_sizes.items():
        totals.cohort_sizes[months[i]] = n
    for (i, k), n in sums.cohort_cells.items():
        totals.cohort_cells[(months[i], starts[k])] = n
    totals.status.update(sums.status)
    _add_renewals(totals, revenue_facts.renewals_due(as_of=as_of, days=30), as_of=as_of)


def _rows(totals: Totals, *, as_of: dt.datetime) -> list[RevenueFigure]:
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
        RevenueFigure(as_of=as_of, kind="recovery", month=month, count=failed, amount=recovered)
        for month, (failed, recovered) in totals.recovery.items()
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
    subscriptions: int  # subscriptions whose facts were refreshed from the ledger
    full: bool  # every subscription's (a rebuild), or only those whose ledger changed
    figures: int


def take(*, now: dt.datetime | None = None) -> SnapshotReport:
    """Bring insights' revenue facts up to the ledger (``revenue_facts.refresh``: only the
    subscriptions whose ledger changed), work out the revenue dashboard's figures as of
    ``now`` from them and write them (replacing a snapshot of the same instant)."""
    as_of = now or timezone.now()
    refreshed = revenue_facts.refresh()
    starts = boundaries(as_of=as_of, months=settings.INSIGHTS_REVENUE_MONTHS)
    totals = Totals()
    _add_sums(totals, starts=starts, as_of=as_of)
    rows = _write(totals, starts=starts, as_of=as_of)
    return SnapshotReport(
        as_of=as_of, subscriptions=refreshed.subscriptions, full=refreshed.full, figures=rows
    )


def take_from_ledger(*, now: dt.datetime | None = None, chunk: int = CHUNK) -> SnapshotReport:
    """The same snapshot read from the whole ledger a slice of customers at a time, with no
    facts (linear in the ledger: the oracle the facts' sums are tested against)."""
    as_of = now or timezone.now()
    starts = boundaries(as_of=as_of, months=settings.INSIGHTS_REVENUE_MONTHS)
    totals = Totals()
    low, high = revenue.customer_id_bounds()
    subscriptions = 0
    for first in range(low, high, chunk):
        ledgers = revenue.subscription_ledgers(
            created_before=as_of, customers=(first, min(first + chunk, high))
        )
        subscriptions += len(ledgers)
        _add_slice(totals, ledgers, starts=starts, as_of=as_of)
    rows = _write(totals, starts=starts, as_of=as_of)
    return SnapshotReport(as_of=as_of, subscriptions=subscriptions, full=True, figures=rows)


def _write(totals: Totals, *, starts: list[dt.datetime], as_of: dt.datetime) -> int:
    # Renewals whose first declined payment fell in each month, and how many were paid since.
    for failed in revenue.failed_renewals(since=starts[0], until=starts[-1]):
        cell = totals.recovery[month_start(local_today(failed.first_failed_at)).date()]
        cell[0] += 1
        cell[1] += failed.recovered
    rows = _rows(totals, as_of=as_of)
    with transaction.atomic():
        RevenueFigure.objects.filter(as_of=as_of).delete()
        RevenueFigure.objects.bulk_create(rows, batch_size=2000)
        RevenueFigure.objects.filter(as_of__lt=as_of - dt.timedelta(days=1)).delete()
    return len(rows)


def take_if_due(*, now: dt.datetime | None = None) -> SnapshotReport | None:
    """``take`` when the newest snapshot is ``INSIGHTS_REVENUE_SNAPSHOT_MINUTES`` old (or
    there is none)."""
    now = now or timezone.now()
    newest = RevenueFigure.objects.filter(kind="status").aggregate(newest=Max("as_of"))["newest"]
    every = dt.timedelta(minutes=settings.INSIGHTS_REVENUE_SNAPSHOT_MINUTES)
    if newest is not None and newest <= now < newest + every:
        return None
    return take(now=now)

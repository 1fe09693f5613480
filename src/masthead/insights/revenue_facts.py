"""insights' own copy of what the revenue snapshot needs of each subscription, kept up to date
from billing's ledger a few subscriptions at a time.

Reading a million subscribers' ledger on every snapshot took minutes (ADR 0018). Instead, each
subscription's MRR is kept as *spans* (``MrrSpan``: its MRR from one paid period's start to the
next's, or to its end) and its other facts as one ``SubscriptionFact`` row; ``refresh`` rewrites
them only for the subscriptions whose ledger changed since the last refresh
(``billing.revenue.subscriptions_changed``: rows added since the last ``LedgerMark``, or
rows whose own time says they changed since the last refresh), and the snapshot sums them in
SQL (``revenue_sums``). A span holds the same number ``metrics.mrr_at`` gives at every instant
in it, so the sums are the rules' figures, to the paisa; a month passing changes no row.

``rebuild`` (the ``rebuild_revenue_facts`` command) writes every row again from the whole
ledger, for recovery or after the rules change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from masthead.billing import revenue
from masthead.insights import metrics
from masthead.insights.models import MrrSpan, RevenueFactsState, SubscriptionFact

CHUNK = 20_000  # customers per slice of the ledger in a rebuild
IDS_PER_READ = 5_000  # subscriptions per read of the ledger in a refresh
# Rows another transaction wrote with an earlier time but committed after the last refresh
# began are caught by reading that far back (a transaction of billing's lasts seconds).
LATE_COMMITS = dt.timedelta(minutes=10)


def spans_of(ledger: revenue.SubscriptionLedger) -> list[MrrSpan]:
    """The subscription's MRR as spans: each paid segment counts from its start until the next
    segment's start (the last one until the subscription ends), as ``metrics.mrr_at`` reads
    them (the latest segment begun, unless the subscription has ended). Spans of no money
    are left out and neighbours of the same MRR are one span."""
    spans: list[MrrSpan] = []
    segments = ledger.segments
    for i, segment in enumerate(segments):
        until = segments[i + 1].starts_at if i + 1 < len(segments) else None
        if ledger.ended_at is not None and (until is None or ledger.ended_at < until):
            until = ledger.ended_at
        if until is not None and until <= segment.starts_at:
            continue  # superseded at once (two periods from one instant), or begun after the end
        value = metrics.per_month(segment.price_minor, segment.months)
        if spans and spans[-1].ends_at == segment.starts_at and spans[-1].mrr == value:
            spans[-1].ends_at = until
            continue
        spans.append(
            MrrSpan(
                subscription_id=ledger.id,
                starts_at=segment.starts_at,
                ends_at=until,
                mrr=value,
                customer_id=ledger.customer_id,
                currency=ledger.currency,
                created_at=ledger.created_at,
                ended_unpaid=ledger.end_reason == "unpaid",
                plan_name=ledger.plan_name[:120],
                gateway=ledger.gateway[:30],
            )
        )
    return [span for span in spans if span.mrr]


def fact_of(ledger: revenue.SubscriptionLedger) -> SubscriptionFact:
    """The subscription's state as ``metrics.status_counts`` and ``renewals_due`` read it."""
    state = ""
    if ledger.status == "past_due":
        state = "past_due"
    elif ledger.status == "active":
        if ledger.is_trialling:
            state = "trialling"
        elif ledger.cancel_at_period_end:
            state = "cancelling"
        else:
            state = "active"
    renews = ledger.status == "active" and not ledger.cancel_at_period_end
    return SubscriptionFact(
        subscription_id=ledger.id,
        customer_id=ledger.customer_id,
        currency=ledger.currency,
        created_at=ledger.created_at,
        first_paid_at=ledger.segments[0].starts_at if ledger.segments else None,
        state=state,
        renews_at=ledger.current_period_end if renews else None,
    )


def _write(ledgers: Iterable[revenue.SubscriptionLedger]) -> int:
    facts: list[SubscriptionFact] = []
    spans: list[MrrSpan] = []
    for ledger in ledgers:
        facts.append(fact_of(ledger))
        spans.extend(spans_of(ledger))
    SubscriptionFact.objects.bulk_create(facts, batch_size=2000)
    MrrSpan.objects.bulk_create(spans, batch_size=2000)
    return len(facts)


def _save_state(*, mark: revenue.LedgerMark, began: dt.datetime) -> None:
    RevenueFactsState.objects.update_or_create(
        pk=1, defaults={"mark": asdict(mark), "refreshed_at": began}
    )


@dataclass(frozen=True, slots=True)
class RefreshReport:
    full: bool
    subscriptions: int  # subscriptions whose rows were written again


def rebuild(*, chunk: int = CHUNK) -> RefreshReport:
    """Every subscription's facts again, from the whole ledger (in one transaction, so the
    dashboard's snapshot never sees half a rebuild)."""
    began = timezone.now()
    with transaction.atomic():
        mark = revenue.ledger_mark()  # before reading: what is added meanwhile is refreshed next
        SubscriptionFact.objects.all().delete()
        MrrSpan.objects.all().delete()
        written = 0
        low, high = revenue.customer_id_bounds()
        for first in range(low, high, chunk):
            written += _write(
                revenue.subscription_ledgers(customers=(first, min(first + chunk, high)))
            )
        _save_state(mark=mark, began=began)
    _analyze()
    return RefreshReport(full=True, subscriptions=written)


def _analyze() -> None:
    """Fresh planner statistics after a rebuild, so PostgreSQL plans the sums for a million
    rows, not the empty table it last saw."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (MrrSpan, SubscriptionFact):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def refresh_subscriptions(subscription_ids: Collection[int]) -> int:
    """Write the facts of these subscriptions again from the ledger (a subscription no longer
    there, or still a pending checkout, keeps none)."""
    ids = sorted(subscription_ids)
    written = 0
    for i in range(0, len(ids), IDS_PER_READ):
        part = ids[i : i + IDS_PER_READ]
        SubscriptionFact.objects.filter(subscription_id__in=part).delete()
        MrrSpan.objects.filter(subscription_id__in=part).delete()
        written += _write(revenue.subscription_ledgers(subscription_ids=part))
    return written


def _relabelled() -> set[int]:
    """Subscriptions whose stored plan name or gateway is no longer any subscription's (a plan
    renamed in the back office: no ledger row changes, so nothing else would notice)."""
    stale = set(MrrSpan.objects.values_list("plan_name", "gateway").order_by().distinct())
    stale -= {(name[:120], gateway[:30]) for name, gateway in revenue.subscription_labels()}
    found: set[int] = set()
    for name, gateway in stale:
        found.update(
            MrrSpan.objects.filter(plan_name=name, gateway=gateway).values_list(
                "subscription_id", flat=True
            )
        )
    return found


def refresh() -> RefreshReport:
    """Bring the facts up to the ledger: only the subscriptions changed since the last refresh,
    or every one when there was none."""
    began = timezone.now()
    with transaction.atomic():
        # Two workers refreshing at once take turns (on PostgreSQL; SQLite has one writer).
        state = RevenueFactsState.objects.select_for_update().filter(pk=1).first()
        if state is None:
            return rebuild()
        mark = revenue.ledger_mark()
        changed = revenue.subscriptions_changed(
            after=revenue.LedgerMark(**state.mark), since=state.refreshed_at - LATE_COMMITS
        )
        written = refresh_subscriptions(changed | _relabelled())
        _save_state(mark=mark, began=began)
    return RefreshReport(full=False, subscriptions=written)


# --- The snapshot's sums, in SQL over the facts ----------------------------------------------
# (The SQL below is put together from fixed text and the models' own table names; every value
# is a query parameter.)

# MRR at each point ``p.at`` (and at the month's end ``p.nxt``) of every subscription begun
# before the month's end: the span holding the instant.
_HOLDS = "s.starts_at <= {at} AND (s.ends_at IS NULL OR s.ends_at > {at}) AND s.created_at < p.nxt"

# Each customer's MRR per currency at a month's start (a) and end (b), and which of their
# subscriptions paying at the start is the last (by id, as ``snapshots.add_months`` walks
# them): its end reason says whether a churn was involuntary (flag odd).
_CUSTOMER_MONTHS = f"""
    SELECT c, cur, m, SUM(a) AS a, SUM(b) AS b, MAX(flag) AS flag FROM (
        SELECT s.customer_id AS c, s.currency AS cur, p.k AS m, s.mrr AS a, 0 AS b,
               s.subscription_id * 2 + CASE WHEN s.ended_unpaid THEN 1 ELSE 0 END AS flag
        FROM {{span}} s JOIN ({{points}}) p ON {_HOLDS.format(at="p.at")}
        UNION ALL
        SELECT s.customer_id, s.currency, p.k, 0, s.mrr, NULL
        FROM {{span}} s JOIN ({{points}}) p ON {_HOLDS.format(at="p.nxt")}
    ) sides GROUP BY c, cur, m
"""  # noqa: S608 - fixed text and table names; values are parameters

# Each customer's month by the rules of ``metrics.movements``: kept (paying at both ends),
# churned (voluntary, or involuntary when the subscription paying at the start ended unpaid),
# new, or a reactivation when the customer paid before (any subscription's first paid period
# began before the month, among those begun before its end). Summed per kind, so the test
# for "paid before" runs once per customer month that starts from nothing.
_MOVES = f"""
    SELECT m, cur, kind, SUM(a), SUM(b), COUNT(*),
        SUM(CASE WHEN b > a THEN b - a ELSE 0 END), SUM(CASE WHEN a > b THEN a - b ELSE 0 END)
    FROM (
        SELECT cm.m, cm.cur, cm.a, cm.b, CASE
            WHEN cm.a > 0 AND cm.b = 0 AND cm.flag %% 2 = 1 THEN 'churn_involuntary'
            WHEN cm.a > 0 AND cm.b = 0 THEN 'churn_voluntary'
            WHEN cm.a > 0 THEN 'kept'
            WHEN EXISTS (
                SELECT 1 FROM {{fact}} f WHERE f.customer_id = cm.c AND f.first_paid_at < p.at
                AND f.created_at < p.nxt
            ) THEN 'reactivation'
            ELSE 'new' END AS kind
        FROM ({_CUSTOMER_MONTHS}) cm JOIN ({{points}}) p ON p.k = cm.m
    ) classified
    GROUP BY m, cur, kind
"""  # noqa: S608 - fixed text and table names; values are parameters


def _movement(rows: list[tuple[str, int, int, int, int, int]]) -> dict[str, int]:
    """A month's movement in one currency from its customers' sums per kind (``_MOVES``)."""
    figures = dict.fromkeys(("start_mrr", "end_mrr", "customers_start", "customers_end"), 0)
    for kind, a, b, n, up, down in rows:
        figures["start_mrr"] += a
        figures["end_mrr"] += b
        figures["customers_start"] += n if a else 0
        figures["customers_end"] += n if kind in ("kept", "new", "reactivation") else 0
        if kind == "kept":
            for label, value in (("expansion", up), ("contraction", down)):
                if value:
                    figures[label] = value
        elif kind in ("new", "reactivation"):
            figures[kind] = b
            figures["new_customers" if kind == "new" else "reactivated_customers"] = n
        else:
            figures[kind] = a
            figures["churned_customers"] = figures.get("churned_customers", 0) + n
    return figures


# Paying subscribers and MRR at each month's end by plan or gateway.
_BREAKDOWN = f"""
    SELECT p.k, s.currency, s.{{column}}, COUNT(*), SUM(s.mrr)
    FROM {{span}} s JOIN ({{points}}) p ON {_HOLDS.format(at="p.nxt")}
    GROUP BY p.k, s.currency, s.{{column}}
"""  # noqa: S608 - fixed text and table names; values are parameters

# Customers by the month their first paid period began (``bounds``: i, lo, hi), and how many
# of them paid at the first instant of each later month (``points`` up to the running one).
_COHORT_OF = """
    SELECT f.c, b.i FROM (
        SELECT customer_id AS c, MIN(first_paid_at) AS first FROM {fact}
        WHERE first_paid_at IS NOT NULL AND created_at < %s GROUP BY customer_id
    ) f JOIN ({bounds}) b ON b.lo <= f.first AND f.first < b.hi
"""
_COHORT_SIZES = f"SELECT i, COUNT(*) FROM ({_COHORT_OF}) co GROUP BY i"  # noqa: S608 - fixed text
_COHORT_CELLS = f"""
    SELECT co.i, p.k, COUNT(DISTINCT co.c) FROM ({_COHORT_OF}) co
    JOIN {{span}} s ON s.customer_id = co.c
    JOIN ({{points}}) p ON p.k > co.i AND s.starts_at <= p.at
        AND (s.ends_at IS NULL OR s.ends_at > p.at) AND s.created_at < %s
    GROUP BY co.i, p.k
"""  # noqa: S608 - fixed text and table names; values are parameters


def _select_rows(
    rows: list[tuple[int | dt.datetime, ...]], names: tuple[str, ...]
) -> tuple[str, list[Any]]:
    """A table of a few rows as SQL (``SELECT %s AS k, … UNION ALL …``) and its parameters:
    the same text on SQLite and PostgreSQL."""
    first = "SELECT " + ", ".join(f"%s AS {name}" for name in names)
    rest = " UNION ALL SELECT " + ", ".join(["%s"] * len(names))
    params: list[Any] = []
    for row in rows:
        params.extend(_param(v) for v in row)
    return first + rest * (len(rows) - 1), params


def _param(value: int | dt.datetime) -> Any:
    from django.db import connection

    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


@dataclass(frozen=True, slots=True)
class RevenueSums:
    moves: dict[tuple[int, str], dict[str, int]]  # (month index, currency) → label → value
    breakdowns: dict[tuple[str, int, str, str], tuple[int, int]]  # (by, k, currency, label)
    cohort_sizes: dict[int, int]  # month index → customers
    cohort_cells: dict[tuple[int, int], int]  # (cohort's month index, point index) → paying
    status: dict[str, int]


def revenue_sums(*, starts: list[dt.datetime], as_of: dt.datetime) -> RevenueSums:
    """The snapshot's figures over the facts, for the months beginning at ``starts[:-1]``
    (the last one running to ``as_of``), as ``snapshots.add_months`` works them out from the
    ledger."""
    from django.db import connection

    months = len(starts) - 1
    ends = [*starts[1:-1], as_of]
    points, point_params = _select_rows(
        [(k, starts[k], ends[k]) for k in range(months)], ("k", "at", "nxt")
    )
    bounds, bound_params = _select_rows(
        [(i, starts[i], starts[i + 1]) for i in range(months)], ("i", "lo", "hi")
    )
    names = {
        "span": MrrSpan._meta.db_table,
        "fact": SubscriptionFact._meta.db_table,
        "points": points,
        "bounds": bounds,
    }
    moves: dict[tuple[int, str], dict[str, int]] = {}
    breakdowns: dict[tuple[str, int, str, str], tuple[int, int]] = {}
    cohort_sizes: dict[int, int] = {}
    cohort_cells: dict[tuple[int, int], int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Millions of customer months are grouped: in memory rather than in batches on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        # points appear three times in _MOVES: the outer join, and twice in the sides.
        cursor.execute(_MOVES.format(**names), [*point_params, *point_params, *point_params])
        kinds: dict[tuple[int, str], list[tuple[str, int, int, int, int, int]]] = {}
        for m, cur, kind, *values in cursor.fetchall():
            kinds.setdefault((int(m), str(cur)), []).append(
                (str(kind), *(int(v) for v in values))  # type: ignore[arg-type]
            )
        moves = {key: _movement(rows) for key, rows in kinds.items()}
        for by, column in (("plan", "plan_name"), ("gateway", "gateway")):
            cursor.execute(_BREAKDOWN.format(column=column, **names), point_params)
            for k, cur, label, n, mrr in cursor.fetchall():
                breakdowns[(by, int(k), str(cur), str(label))] = (int(n), int(mrr))
        cursor.execute(_COHORT_SIZES.format(**names), [_param(as_of), *bound_params])
        cohort_sizes = {int(i): int(n) for i, n in cursor.fetchall()}
        # Retention is read at each later month's first instant (the running month's too).
        starts_points, starts_params = _select_rows(
            [(k, starts[k]) for k in range(months)], ("k", "at")
        )
        cursor.execute(
            _COHORT_CELLS.format(**{**names, "points": starts_points}),
            [_param(as_of), *bound_params, *starts_params, _param(as_of)],
        )
        cohort_cells = {(int(i), int(k)): int(n) for i, k, n in cursor.fetchall()}
    status = dict.fromkeys(("active", "trialling", "past_due", "cancelling"), 0)
    for state, n in (
        SubscriptionFact.objects.filter(created_at__lt=as_of)
        .exclude(state="")
        .values_list("state")
        .annotate(n=models.Count("pk"))
    ):
        status[str(state)] = int(n)
    return RevenueSums(moves, breakdowns, cohort_sizes, cohort_cells, status)


def renewals_due(*, as_of: dt.datetime, days: int) -> list[metrics.Renewal]:
    """Subscriptions that renew within ``days`` of ``as_of``, as ``metrics.renewals_due``."""
    return [
        metrics.Renewal(subscription_id=int(pk), currency=str(currency), due_at=at)
        for pk, currency, at in SubscriptionFact.objects.filter(
            created_at__lt=as_of,
            renews_at__gte=as_of,
            renews_at__lt=as_of + dt.timedelta(days=days),
        )
        .order_by("renews_at", "subscription_id")
        .values_list("subscription_id", "currency", "renews_at")
        .iterator(chunk_size=5000)
        if at is not None  # the filter leaves none out
    ]

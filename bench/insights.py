"""Revenue insights: what event capture costs the story page, and how fast the dashboards
answer over a large ledger and a large rollup table.

Run by bench/run.py (``make bench``, or ``bench/run.py --only insights``) as
``python -m bench.insights --out i.json``, or on its own with a DATABASE_URL (and REDIS_URL).

1. Capture on vs off, side by side in one run: a returning anonymous reader re-reads a
   metered story (the full gate runs on every request) through Django's test client, in
   alternating rounds with ``INSIGHTS_CAPTURE`` on and off; with the Redis event store (one
   RPUSH per batch) when Redis is there, and the embedded buffered database store. Reports
   pages/s of each and the ratio on/off (aim: at least 0.95).
2. Scale (PostgreSQL only): COPY a ledger of ``--subscribers`` subscribers (users, customers,
   subscriptions, paid invoices and their payments; some cancelled, ended unpaid, past due),
   generate hour and day rollups standing for ``--events`` reader events over ``--days`` days,
   rebuild the worker's revenue facts from the whole ledger and take the snapshot, change
   ``--touch`` subscriptions and take it again (the incremental refresh); reports each build
   time, the worker's steps and how long each dashboard takes (median of 3). ``--phase
   build`` / ``measure`` split the two on a kept database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.common import MARKER, fail, migrate, say, setup_django, write_result  # noqa: E402

# --- 1. Capture on vs off ------------------------------------------------------------------


def _pages_per_second(client: Any, url: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url, HTTP_REFERER="https://www.google.com/")
        if response.status_code != 200 or MARKER not in response.content.decode():
            fail(f"{url} answered {response.status_code} without the full story")
    return requests / (time.perf_counter() - started)


def capture_cost(*, rounds: int, requests: int) -> list[dict[str, Any]]:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from bench.page import seed
    from masthead.insights import events, services
    from masthead.insights.models import ReaderEvent

    url = seed()["url"]
    stores = ["redis", "database"] if settings.REDIS_URL else ["database"]
    results = []
    for store in stores:
        client = Client()
        client.get(url)  # the first read counts the story; re-reads run the whole gate
        on: list[float] = []
        off: list[float] = []
        before = ReaderEvent.objects.count()
        with override_settings(INSIGHTS_EVENT_STORE=store, INSIGHTS_BUFFER_SIZE=200):
            _pages_per_second(client, url, requests // 4)  # warm both paths
            for _ in range(rounds):
                with override_settings(INSIGHTS_CAPTURE=False):
                    off.append(_pages_per_second(client, url, requests))
                with override_settings(INSIGHTS_CAPTURE=True):
                    on.append(_pages_per_second(client, url, requests))
            events.flush_buffer()
            flushed = services.flush_events()
        kept = ReaderEvent.objects.count() - before
        expected = rounds * requests + requests // 4 + 1
        ratio = statistics.median(on) / statistics.median(off)
        say(
            f"{store} event store: capture on {statistics.median(on):.0f} pages/s, off "
            f"{statistics.median(off):.0f} pages/s -> ratio {ratio:.3f} (aim >= 0.95); "
            f"{kept:,} events kept (of {expected:,} views, {flushed:,} flushed by the worker step)"
        )
        results.append(
            {
                "store": store,
                "on_pages_per_s": statistics.median(on),
                "off_pages_per_s": statistics.median(off),
                "ratio": ratio,
                "events_kept": kept,
            }
        )
    return results


# --- 2. Scale --------------------------------------------------------------------------------


def _columns(cursor: Any, table: str) -> dict[str, tuple[str, bool]]:
    cursor.execute(
        "SELECT column_name, data_type, is_nullable = 'YES' FROM information_schema.columns "
        "WHERE table_name = %s",
        [table],
    )
    return {name: (kind, nullable) for name, kind, nullable in cursor.fetchall()}


_FILL = {"boolean": False, "jsonb": "{}", "json": "{}", "text": "", "character varying": ""}


def _tsv(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


# The invoice columns both ledger builders write (the bulk ledger and the touched months).
INVOICE_COLUMNS = [
    "id", "customer_id", "subscription_id", "kind", "status", "period_start", "period_end",
    "currency", "total_minor", "taxable_minor", "number", "financial_year", "sequence",
    "issued_at", "description", "created_at",
]  # fmt: skip


class _Spool:
    """Rows of one table written to a temporary file as COPY text, then copied in one go (the
    ledger's tables are generated together, so they cannot all stream into one COPY)."""

    def __init__(self, table: str, names: Sequence[str]) -> None:
        self.table, self.names, self.count = table, names, 0
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in load

    def add(self, *row: Any) -> None:
        self.file.write("\t".join(_tsv(v) for v in row) + "\n")
        self.count += 1

    def load(self, cursor: Any) -> int:
        columns = _columns(cursor, self.table)
        extra = [
            c
            for c, (kind, nullable) in columns.items()
            if not nullable and c not in self.names and c != "id"
        ]
        fill = "".join("\t" + _tsv(_FILL.get(columns[c][0], 0)) for c in extra)
        self.file.seek(0)
        names = ", ".join([*self.names, *extra])
        with cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
            for line in self.file:
                copy.write(line[:-1] + fill + "\n")
        self.file.close()
        return self.count


def _drop_secondary_indexes(cursor: Any, tables: Sequence[str]) -> list[str]:
    """Drop the tables' unique constraints and indexes other than the primary keys; return
    the statements that make them again (in PostgreSQL's own words)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
        [list(tables)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
        [list(tables)],
    )
    indexes = cursor.fetchall()
    for table, name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in constraints
    ]


def build_ledger(  # noqa: PLR0915 - one generator of five tables, read top to bottom
    *, subscribers: int, now: dt.datetime, seed: int = 11
) -> dict[str, int]:
    from django.db import connection

    from masthead.billing.models import Plan, PlanPrice
    from masthead.billing.periods import add_months

    rng = random.Random(seed)
    plans = []
    for slug, months, inr in (("q", 3, 90_000), ("y", 12, 270_000), ("two", 24, 390_000)):
        plan = Plan.objects.create(name=slug, slug=f"bench-{slug}", period_months=months)
        PlanPrice.objects.create(plan=plan, currency="INR", amount_minor=inr)
        PlanPrice.objects.create(plan=plan, currency="USD", amount_minor=inr // 60)
        plans.append((plan.pk, months, inr))
    users = _Spool(
        "auth_user",
        ["id", "password", "username", "email", "date_joined", "is_active", "is_staff",
         "is_superuser"],
    )  # fmt: skip
    customers = _Spool(
        "billing_customer", ["id", "user_id", "gateway", "created_at", "mandate_limit_minor"]
    )
    subs = _Spool(
        "billing_subscription",
        ["id", "customer_id", "plan_id", "currency", "amount_minor", "status", "anchor",
         "current_period_start", "current_period_end", "cancel_at_period_end", "ended_at",
         "end_reason", "created_at"],
    )  # fmt: skip
    invoices = _Spool("billing_invoice", INVOICE_COLUMNS)
    payments = _Spool(
        "billing_payment",
        ["id", "invoice_id", "amount_minor", "currency", "gateway", "idempotency_key", "attempt",
         "status", "refunded_minor", "created_at", "settled_at"],
    )  # fmt: skip
    invoice_id = payment_id = 0
    for i in range(1, subscribers + 1):
        users.add(i, "!", f"bench-{i}", f"bench-{i}@example.com", now, True, False, False)
        customers.add(i, i, rng.choice(["razorpay", "stripe", "sandbox"]), now, 1_500_000)
        plan_id, months, price = rng.choice(plans)
        currency = "USD" if rng.random() < 0.1 else "INR"
        if currency == "USD":
            price //= 60
        start = now - dt.timedelta(days=rng.uniform(1, 900))
        status, ended_at, end_reason, cancelling = "active", None, "", False
        period_start = start
        while True:
            period_end = add_months(period_start, months)
            invoice_id += 1
            invoices.add(
                invoice_id, i, i, "initial" if period_start == start else "recurring", "paid",
                period_start, period_end, currency, price, price, f"B{invoice_id}", "bench",
                invoice_id, period_start, "x", now,
            )  # fmt: skip
            payment_id += 1
            payments.add(
                payment_id, invoice_id, price, currency, "sandbox", f"bench:{payment_id}", 1,
                "succeeded", 0, period_start, period_start,
            )  # fmt: skip
            if period_end > now:
                break
            roll = rng.random()
            if roll < 0.08:
                status, ended_at, end_reason = "ended", period_end, "cancelled"
                break
            if roll < 0.11:
                status, ended_at, end_reason = "ended", period_end + dt.timedelta(days=7), "unpaid"
                break
            period_start = period_end
        if status == "active" and rng.random() < 0.05:
            cancelling = True
        if status == "active" and period_end - now < dt.timedelta(days=3) and rng.random() < 0.2:
            status = "past_due"
        subs.add(
            i, i, plan_id, currency, price, status, start, period_start, period_end, cancelling,
            ended_at, end_reason, start,
        )  # fmt: skip
    tables = ("auth_user", "billing_customer", "billing_subscription", "billing_invoice",
              "billing_payment")  # fmt: skip
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        # A bulk load of rows made consistent here: skip the per-row foreign-key triggers, and
        # build the secondary indexes once after the load (one sort each) instead of row by row.
        cursor.execute("SET session_replication_role = replica")
        rebuild = _drop_secondary_indexes(cursor, tables)
        counts = {
            "users": users.load(cursor),
            "customers": customers.load(cursor),
            "subscriptions": subs.load(cursor),
            "invoices": invoices.load(cursor),
            "payments": payments.load(cursor),
        }
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for statement in rebuild:
            cursor.execute(statement)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
                f"(SELECT max(id) FROM {table}))"
            )
            cursor.execute(f"ANALYZE {table}")
    return counts


def build_rollups(*, events: int, days: int, now: dt.datetime, seed: int = 5) -> dict[str, int]:
    """Hour and day rollups standing for ``events`` story views (and the prompts, clicks,
    checkouts and payments that follow them) over ``days`` days, generated inside PostgreSQL
    (``generate_series``; a Python loop writing COPY rows took minutes for ten million rows):
    each hour's count of a kind varies at random (0.6 to 1.4 of its share), split over each
    dimension's values with a long tail (weights 1, 1/2, 1/3 …); each day is the sum of its
    hours, as ``services.roll_up`` makes them."""
    from django.conf import settings
    from django.db import connection

    from masthead.insights.services import day_of

    dims = {
        "outcome": ["free", "metered", "blocked", "entitled"],
        "section": [f"section-{n}" for n in range(12)],
        "author": [f"author-{n}" for n in range(40)],
        "referrer": ["search", "social", "newsletter", "direct", "internal", "other"],
        "device": ["phone", "desktop", "tablet"],
        "meter_rule": ["Visitors: 3 a month", "Signed in: 5 a month"],
        "story": [str(n) for n in range(1, 301)],
        "prompt": ["meter_anonymous", "meter_registered", "registration", "premium_anonymous"],
        "plan": ["bench-q", "bench-y", "bench-two"],
    }
    kinds = {  # share of story views
        "story_view": 1.0, "prompt": 0.25, "subscribe_click": 0.03, "registration": 0.01,
        "checkout_started": 0.006, "checkout_paid": 0.004,
    }  # fmt: skip
    shares: list[tuple[str, str, float]] = [("all", "", 1.0)]
    for dim, values in dims.items():
        weights = [1 / (k + 1) for k in range(len(values))]
        shares += [(dim, v, w / sum(weights)) for v, w in zip(values, weights, strict=True)]
    first_day = day_of(now) - dt.timedelta(days=days)
    last_hour = first_day + dt.timedelta(days=days) - dt.timedelta(hours=1)
    per_hour = events / (days * 24)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        # A bulk load: the unique constraint and the read index are built once, after.
        cursor.execute("ALTER TABLE insights_rollup DROP CONSTRAINT one_rollup_row")
        cursor.execute("DROP INDEX rollup_read_idx")
        cursor.execute("SELECT setseed(%s)", [seed / 100])
        cursor.execute("CREATE TEMP TABLE bench_kinds (kind text, share float8)")
        cursor.executemany("INSERT INTO bench_kinds VALUES (%s, %s)", list(kinds.items()))
        cursor.execute("CREATE TEMP TABLE bench_shares (dimension text, value text, w float8)")
        cursor.executemany("INSERT INTO bench_shares VALUES (%s, %s, %s)", shares)
        cursor.execute(
            """
            INSERT INTO insights_rollup (bucket, starts_at, kind, dimension, value, count)
            SELECT 'h', t.hour, t.kind, s.dimension, s.value, floor(t.total * s.w)::bigint
            FROM (
                SELECT hour, kind,
                       greatest(1, floor(%s * share * (0.6 + 0.8 * random()))) AS total
                FROM generate_series(%s::timestamptz, %s::timestamptz, '1 hour') AS hour,
                     bench_kinds
            ) AS t, bench_shares AS s
            WHERE floor(t.total * s.w) >= 1
            """,
            [per_hour, first_day, last_hour],
        )
        cursor.execute(
            """
            INSERT INTO insights_rollup (bucket, starts_at, kind, dimension, value, count)
            SELECT 'd', date_trunc('day', starts_at AT TIME ZONE %s) AT TIME ZONE %s,
                   kind, dimension, value, sum(count)
            FROM insights_rollup WHERE bucket = 'h'
            GROUP BY 2, kind, dimension, value
            """,
            [settings.TIME_ZONE, settings.TIME_ZONE],
        )
        cursor.execute("SELECT count(*) FROM insights_rollup")
        rows = int(cursor.fetchone()[0])
        cursor.execute(
            "ALTER TABLE insights_rollup ADD CONSTRAINT one_rollup_row "
            "UNIQUE (bucket, starts_at, kind, dimension, value)"
        )
        cursor.execute(
            "CREATE INDEX rollup_read_idx ON insights_rollup (bucket, kind, dimension, starts_at)"
        )
        cursor.execute("ANALYZE insights_rollup")
    return {"rollup_rows": rows, "events": events, "days": days}


def timed(label: str, fn: Any, repeat: int = 3) -> dict[str, Any]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    say(f"{label}: {median * 1000:,.0f} ms (median of {repeat}; aim < 1,000 ms)")
    return {"label": label, "seconds": median}


def _built(
    *, subscribers: int, events: int, days: int, now: dt.datetime, phase: str
) -> dict[str, Any]:
    """Build the ledger and the rollups; or, measuring a database built by ``--phase build``
    (a run too long for one sitting), read what that build reported."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_build (id int PRIMARY KEY, report jsonb NOT NULL)"
        )
        if phase == "measure":
            cursor.execute("SELECT report FROM bench_build WHERE id = 1")
            row = cursor.fetchone()
            if row is None:
                fail("--phase measure needs a database built by --phase build")
            report: dict[str, Any] = json.loads(row[0]) if isinstance(row[0], str) else row[0]
            say(f"measuring the ledger and rollups built {report['built_at']}")
            return report
    started = time.perf_counter()
    ledger = build_ledger(subscribers=subscribers, now=now)
    ledger_seconds = time.perf_counter() - started
    say(f"ledger: {', '.join(f'{v:,} {k}' for k, v in ledger.items())} in {ledger_seconds:.1f} s")
    started = time.perf_counter()
    rollups = build_rollups(events=events, days=days, now=now)
    rollup_seconds = time.perf_counter() - started
    say(
        f"rollups: {rollups['rollup_rows']:,} rows standing for {events:,} events over {days} "
        f"days, built in {rollup_seconds:.1f} s"
    )
    report = {
        "built_at": now.isoformat(),
        "ledger": ledger,
        "ledger_build_seconds": ledger_seconds,
        "rollups": rollups,
        "rollup_build_seconds": rollup_seconds,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_build VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET report = "
            "excluded.report",
            [json.dumps(report)],
        )
    return report


def touch_subscriptions(*, count: int, now: dt.datetime, seed: int = 17) -> int:
    """Change ``count`` subscriptions the way billing would: a third renew (a paid invoice
    for the next period), a third upgrade to the two-year plan at its price, a third cancel
    (ended now, with a timeline event); returns how many were changed."""
    from django.db import connection

    from masthead.billing.periods import add_months

    rng = random.Random(seed)
    invoices = _Spool("billing_invoice", INVOICE_COLUMNS)
    events = _Spool(
        "billing_billingevent",
        ["customer_id", "subscription_id", "kind", "message", "occurred_at", "data"],
    )
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute(
            "SELECT id, customer_id, currency, current_period_end, amount_minor "
            "FROM billing_subscription WHERE status = 'active' ORDER BY id"
        )
        chosen = rng.sample(cursor.fetchall(), count)
        cursor.execute("SELECT max(id) FROM billing_invoice")
        invoice_id = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT p.id, pp.amount_minor FROM billing_plan p JOIN billing_planprice pp ON "
            "pp.plan_id = p.id WHERE p.slug = 'bench-two' AND pp.currency = 'INR'"
        )
        two_years, two_years_inr = cursor.fetchone()
        for n, (sub_id, customer_id, currency, period_end, amount) in enumerate(chosen):
            if n % 3 == 2:  # cancelled, ended now
                cursor.execute(
                    "UPDATE billing_subscription SET status = 'ended', ended_at = %s, "
                    "end_reason = 'cancelled' WHERE id = %s",
                    [now, sub_id],
                )
                events.add(customer_id, sub_id, "ended", "bench", now, "{}")
                continue
            upgrade = n % 3 == 1  # to two years from now; else renewed for the next period
            price = (
                (two_years_inr if currency == "INR" else two_years_inr // 60) if upgrade else amount
            )
            start = now if upgrade else period_end
            invoice_id += 1
            invoices.add(
                invoice_id, customer_id, sub_id, "recurring", "paid", start,
                add_months(start, 24 if upgrade else 3), currency, price, price,
                f"T{invoice_id}", "touch", invoice_id, now, "x", now,
            )  # fmt: skip
            if upgrade:
                cursor.execute(
                    "UPDATE billing_subscription SET plan_id = %s, amount_minor = %s WHERE id = %s",
                    [two_years, price, sub_id],
                )
        invoices.load(cursor)
        events.load(cursor)
    return len(chosen)


def _worker_steps(*, now: dt.datetime, touch: int) -> dict[str, Any]:
    """The worker's revenue step three ways: a full rebuild of the facts with the snapshot
    (recovery), the snapshot with nothing changed, and after ``touch`` subscriptions changed."""
    from masthead.insights import revenue_facts, snapshots

    result: dict[str, Any] = {}
    started = time.perf_counter()
    rebuilt = revenue_facts.rebuild()
    result["rebuild_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    snapshot = snapshots.take(now=now)
    result["sums_seconds"] = time.perf_counter() - started
    result["full_snapshot_seconds"] = result["rebuild_seconds"] + result["sums_seconds"]
    say(
        f"revenue facts rebuilt from the whole ledger ({rebuilt.subscriptions:,} subscriptions) "
        f"in {result['rebuild_seconds']:.1f} s; the snapshot's sums over them "
        f"({snapshot.figures:,} figures, {snapshot.subscriptions} refreshed) in "
        f"{result['sums_seconds']:.1f} s"
    )
    if touch:
        changed = touch_subscriptions(count=touch, now=now)
        started = time.perf_counter()
        refreshed = revenue_facts.refresh()
        result["refresh_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        snapshot = snapshots.take(now=now)
        result["incremental_snapshot_seconds"] = (
            time.perf_counter() - started + result["refresh_seconds"]
        )
        result["touched"] = changed
        result["refreshed"] = refreshed.subscriptions
        say(
            f"after {changed:,} subscriptions changed: refresh of {refreshed.subscriptions:,} "
            f"subscriptions' facts in {result['refresh_seconds']:.1f} s; the whole worker step "
            f"(refresh + sums + write) {result['incremental_snapshot_seconds']:.1f} s"
        )
    return result


def scale(
    *, subscribers: int, events: int, days: int, phase: str = "all", touch: int = 1000
) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from masthead.insights import panels, queries

    if connection.vendor != "postgresql":
        say("scale: skipped (needs PostgreSQL)")
        return {"skipped": "needs PostgreSQL"}
    now = timezone.now()
    built = _built(subscribers=subscribers, events=events, days=days, now=now, phase=phase)
    if phase == "build":
        return built
    ledger, rollups = built["ledger"], built["rollups"]
    ledger_seconds, rollup_seconds = built["ledger_build_seconds"], built["rollup_build_seconds"]
    worker = _worker_steps(now=now, touch=touch)
    snapshot_seconds = worker["full_snapshot_seconds"]
    today = queries.local_today(now)
    month = today.replace(day=1)
    timings = [
        timed(
            "revenue dashboard, this month (MRR, movements, cohorts, renewals…)",
            lambda: panels.revenue_panels(queries.revenue_report(month=month, now=now)),
        ),
        timed(
            "revenue dashboard, last month",
            lambda: panels.revenue_panels(
                queries.revenue_report(month=(month - dt.timedelta(days=1)), now=now)
            ),
        ),
        timed(
            "conversion dashboard, last 30 days",
            lambda: panels.conversion_panels(
                queries.conversion_report(
                    since=today - dt.timedelta(days=29), until=today + dt.timedelta(days=1), now=now
                )
            ),
        ),
        timed(
            "conversion dashboard, last 90 days",
            lambda: queries.conversion_report(
                since=today - dt.timedelta(days=89), until=today + dt.timedelta(days=1), now=now
            ),
        ),
    ]
    return {
        "ledger": ledger,
        "ledger_build_seconds": ledger_seconds,
        "rollups": rollups,
        "rollup_build_seconds": rollup_seconds,
        "snapshot_seconds": snapshot_seconds,
        "worker": worker,
        "timings": timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=100_000_000)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--scale-only", action="store_true", help="skip capture on vs off")
    parser.add_argument(
        "--touch", type=int, default=1000, help="subscriptions changed before the refresh"
    )
    parser.add_argument(
        "--phase",
        choices=["all", "build", "measure"],
        default="all",
        help="build: only generate the ledger and rollups (into DATABASE_URL, kept); measure: "
        "only the worker's step and the dashboards over a database built so",
    )
    args = parser.parse_args()
    setup_django()
    say(f"migrated in {migrate():.1f} s")
    capture = [] if args.scale_only else capture_cost(rounds=args.rounds, requests=args.requests)
    scaled = scale(
        subscribers=args.subscribers,
        events=args.events,
        days=args.days,
        phase=args.phase,
        touch=args.touch,
    )
    summary = ["Revenue insights (bench/insights.py):"]
    for c in capture:
        summary.append(
            f"  metered page, capture on / off ({c['store']} event store): "
            f"{c['on_pages_per_s']:.0f} / {c['off_pages_per_s']:.0f} pages/s = {c['ratio']:.3f} "
            "(aim >= 0.95; in-process test client)"
        )
    if "timings" in scaled:
        summary.append(
            f"  built {scaled['ledger']['subscriptions']:,} subscriptions' ledger in "
            f"{scaled['ledger_build_seconds']:.1f} s and {scaled['rollups']['rollup_rows']:,} "
            f"rollup rows ({args.events:,} events' worth) in "
            f"{scaled['rollup_build_seconds']:.1f} s; the worker's full rebuild of the revenue "
            f"facts and snapshot {scaled['snapshot_seconds']:.1f} s"
        )
        worker = scaled["worker"]
        if "incremental_snapshot_seconds" in worker:
            summary.append(
                f"  after {worker['touched']:,} subscriptions changed: the worker's incremental "
                f"step {worker['incremental_snapshot_seconds']:.1f} s (refresh of "
                f"{worker['refreshed']:,} subscriptions' facts {worker['refresh_seconds']:.1f} s)"
            )
        for t in scaled["timings"]:
            summary.append(f"  {t['label']}: {t['seconds'] * 1000:,.0f} ms (aim < 1,000 ms)")
    write_result(args.out, {"capture": capture, "scale": scaled, "summary": summary})


if __name__ == "__main__":
    os.environ.setdefault("MASTHEAD_ENV", "test")
    main()

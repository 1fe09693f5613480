"""Renewals per second: the billing sweep renewing N due subscriptions on PostgreSQL.

Run by bench/run.py (``make bench``) as ``python -m bench.renewals --count N --out r.json``,
or on its own: ``.venv/bin/python -m bench.renewals --count 10000``.

1. Seed once, quickly, into a throwaway database (COPY, in chunks of 5,000; not N checkouts):
   the demo plans and N readers, each with a saved sandbox card (4242…, always succeeds) and
   one *active* INR subscription whose first period is paid: a numbered initial invoice, its
   succeeded payment, the sandbox gateway's charge and the reader's grants. Each renewal is
   due now, in real time (no test clocks): India's pre-debit notice for the exact amount was
   sent 48 hours before the period ends, and the charge time, 24 hours before the end, has
   passed. So the sweep takes the real Indian path: notice found, charge, invoice numbered.
2. For each run, clone the seeded database (CREATE DATABASE … TEMPLATE), so every run starts
   from the same bytes, and run ``renewals.run_due_work()`` in 1 worker process, then in 2 in
   parallel. Workers import Django and connect before the start signal. The rate is renewals
   divided by the time from the first worker's start until the last one finds nothing due.
3. After each run, check the billing invariants with SQL (see ``check_invariants``); if any
   fails, the run still finishes and prints everything, then exits non-zero.
4. Profile one worker with cProfile (``--profile always``; by default only when the two-worker
   rate misses the aim): where a renewal's time goes, and the SQL of one renewal.

Workers run with MASTHEAD_ENV=development and MASTHEAD_DEBUG=false: the task backend is the
database queue, as in production, so each renewal *enqueues* its email, as the real sweep
does (MASTHEAD_ENV=test would render and "send" every email inline, to the console).

Everything it creates is removed at the end, also on failure or Ctrl-C: the databases
``<prefix>_seed``, ``_1w``, ``_2w`` and ``_prof`` (prefix ``masthead_bench_renewals_<pid>``
unless ``--db-prefix`` is given), the worker processes and the temp dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
CURRENCY = "INR"
GOOD_CARD = "pm_sandbox_4242424242424242"
SEED_CHUNK = 5_000
AIM = 1_000.0  # renewals per second with two workers (issue 19)
STARTED = time.monotonic()


class RenewalBenchError(Exception):
    """The benchmark could not run."""


def step(message: str) -> None:
    print(f"[renewals {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def say(message: str) -> None:
    print(f"      {message}", flush=True)


# --- Inside Django: seeding ----------------------------------------------------------------


def copy_rows(cursor: Any, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """COPY rows (dicts keyed by column) into ``model``'s table; every column must be given,
    so a field added to the model later stops the benchmark with its name, not a NULL error."""
    from psycopg import sql

    columns = [field.column for field in model._meta.concrete_fields]
    table = model._meta.db_table
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    written = 0
    with cursor.copy(statement) as copy:
        for row in rows:
            if written == 0 and set(row) != set(columns):
                missing, extra = sorted(set(columns) - set(row)), sorted(set(row) - set(columns))
                raise RenewalBenchError(
                    f"bench/renewals.py seeds {table} with the wrong columns "
                    f"(missing {missing}, unknown {extra}): update its seeding"
                )
            copy.write_row([row[column] for column in columns])
            written += 1
    return written


class SeedRows:
    """The rows N checkouts and N pre-debit notices would have left, subscription ``i`` by
    subscription ``i``. Charge times (period end - 24 h) are spread evenly from
    ``overdue_minutes`` ago to a minute ago, so every renewal is due; its notice went out
    48 h before the period end."""

    def __init__(
        self,
        *,
        count: int,
        prices: list[Any],
        now: dt.datetime,
        base: dict[str, int],
        overdue_minutes: int,
    ) -> None:
        from django.conf import settings
        from django.contrib.auth.hashers import make_password

        from masthead.billing.gateways.sandbox import card_label
        from masthead.billing.invoicing import _fy, _tax_for, seller_snapshot, supply_to
        from masthead.billing.periods import add_months, period

        self.count, self.base = count, base
        self.prefix = settings.INVOICE_PREFIX
        self.mandate_limit = settings.BILLING_MANDATE_LIMIT_MINOR
        self.notice_hours = int(settings.PRE_DEBIT_NOTICE_HOURS)
        self.password = make_password(None)  # unusable; hashing N passwords is not the point
        self.label = card_label(GOOD_CARD)
        self.seller = json.dumps(seller_snapshot())
        # The publisher's own state (CGST + SGST; left blank, as most readers leave it) and
        # another state (IGST): both tax splits appear on the invoices.
        self.states = ["", "29"]
        self.supplies = {
            state: supply_to(
                customer=SimpleNamespace(  # type: ignore[arg-type]
                    pk=0, state_code=state, country_code="IN", gstin=""
                ),
                currency=CURRENCY,
            )
            for state in self.states
        }
        self.splits = {
            (price.pk, state): _tax_for(
                customer=SimpleNamespace(  # type: ignore[arg-type]
                    pk=0, state_code=state, country_code="IN", gstin=""
                ),
                amount_minor=int(price.amount_minor),
                currency=CURRENCY,
            )
            for price in prices
            for state in self.states
        }
        self.price: list[Any] = []
        self.anchor: list[dt.datetime] = []
        self.end: list[dt.datetime] = []
        for i in range(count):
            price = prices[i % len(prices)]
            months = price.plan.period_months
            overdue = dt.timedelta(seconds=60 + (overdue_minutes - 1) * 60 * (count - i) // count)
            target_end = now - overdue + dt.timedelta(hours=24)
            first = period(anchor=add_months(target_end, -months), index=0, months=months)
            if period(anchor=first.start, index=1, months=months).start != first.end:
                raise RenewalBenchError("periods do not chain; the seeding's schedule is wrong")
            if first.end - dt.timedelta(hours=24) > now:
                raise RenewalBenchError("a seeded renewal would not be due yet")
            self.price.append(price)
            self.anchor.append(first.start)
            self.end.append(first.end)
        # Paid at checkout, numbered per financial year in the order they were paid.
        self.issued = [anchor + dt.timedelta(seconds=2) for anchor in self.anchor]
        self.year = [_fy(moment) for moment in self.issued]
        self.sequence = [0] * count
        self.last_number: Counter[str] = Counter()
        for i in sorted(range(count), key=self.issued.__getitem__):
            self.last_number[self.year[i]] += 1
            self.sequence[i] = self.last_number[self.year[i]]
        self.next_grant_id = base["grant"]

    def _state(self, i: int) -> str:
        return self.states[i % len(self.states)]

    def _total(self, i: int) -> int:
        return int(self.splits[(self.price[i].pk, self._state(i))].total)

    @staticmethod
    def _email(i: int) -> str:
        return f"bench{i:07d}@example.com"

    def user(self, lo: int, hi: int) -> Iterator[dict[str, Any]]:
        for i in range(lo, hi):
            yield {
                "id": self.base["user"] + i,
                "password": self.password,
                "last_login": None,
                "is_superuser": False,
                "username": f"bench{i:07d}",
                "first_name": "",
                "last_name": "",
                "email": self._email(i),
                "is_staff": False,
                "is_active": True,
                "date_joined": self.anchor[i] - dt.timedelta(hours=1),
            }

    def customer(self, lo: int, hi: int) -> Iterator[dict[str, Any]]:
        for i in range(lo, hi):
            yield {
                "id": self.base["customer"] + i,
                "user_id": self.base["user"] + i,
                "gateway": "sandbox",
                "gateway_customer_id": "",
                "name": f"Bench Reader {i}",
                "state_code": self._state(i),
                "gstin": "",
                "address": "",
                "city": "",
                "postal_code": "",
                "country_code": "IN",
                "payment_method": GOOD_CARD,
                "payment_method_label": self.label,
                "mandate_limit_minor": self.mandate_limit,
                "test_clock_id": None,
                "sandbox_next_charge": "",
                "created_at": self.anchor[i] - dt.timedelta(minutes=1),
            }

    def subscription(self, lo: int, hi: int) -> Iterator[dict[str, Any]]:
        for i in range(lo, hi):
            yield {
                "id": self.base["subscription"] + i,
                "customer_id": self.base["customer"] + i,
                "plan_id": self.price[i].plan_id,
                "currency": CURRENCY,
                "amount_minor": int(self.price[i].amount_minor),
                "status": "active",
                "anchor": self.anchor[i],
                "period_index": 0,
                "current_period_start": self.anchor[i],
                "current_period_end": self.end[i],
                "cancel_at_period_end": False,
                "cancellation_reason": "",
                "cancellation_reason_code": "",
                "next_plan_id": None,
                # Where _send_notice leaves a subscription: at the charge time.
                "next_action_at": self.end[i] - dt.timedelta(hours=24),
                "retry_count": 0,
                "grace_until": None,
                "ended_at": None,
                "end_reason": "",
                "checkout_key": f"bench-{i:07d}-checkout",
                "next_url": "",
                # Renewals on our own billing clock: no hosted checkout, no gateway schedule.
                "gateway_checkout_id": "",
                "gateway_checkout_url": "",
                "gateway_subscription_id": "",
                # Issue 12: no gateway mandate to reflect, no price change scheduled.
                "gateway_status": "",
                "gateway_stopped": False,
                "next_amount_minor": None,
                "next_amount_from": None,
                "created_at": self.anchor[i],
            }

    def invoice(self, lo: int, hi: int) -> Iterator[dict[str, Any]]:
        from masthead.billing.invoicing import buyer_snapshot, describe_service
        from masthead.billing.numbering import INVOICE_SERIES, document_number

        for i in range(lo, hi):
            split = self.splits[(self.price[i].pk, self._state(i))]
            buyer = buyer_snapshot(
                SimpleNamespace(  # type: ignore[arg-type]
                    user=SimpleNamespace(email=self._email(i)),
                    name=f"Bench Reader {i}",
                    state_code=self._state(i),
                    gstin="",
                    address="",
                    city="",
                    postal_code="",
                    country_code="IN",
                )
            )
            description = describe_service(
                plan=self.price[i].plan, start=self.anchor[i], end=self.end[i]
            )
            yield {
                "id": self.base["invoice"] + i,
                "customer_id": self.base["customer"] + i,
                "subscription_id": self.base["subscription"] + i,
                "kind": "initial",
                "status": "paid",
                "period_start": self.anchor[i],
                "period_end": self.end[i],
                "currency": CURRENCY,
                "total_minor": split.total,
                "taxable_minor": split.taxable,
                "cgst_minor": split.cgst,
                "sgst_minor": split.sgst,
                "igst_minor": split.igst,
                "round_off_minor": split.round_off,
                "tax_rate_bp": split.rate_bp,
                "place_of_supply": self.supplies[self._state(i)].place_of_supply,
                "supply_type": self.supplies[self._state(i)].supply_type,
                "lines": "[]",
                "description": description,
                "number": document_number(
                    prefix=self.prefix,
                    series=INVOICE_SERIES,
                    financial_year=self.year[i],
                    serial=self.sequence[i],
                ),
                "financial_year": self.year[i],
                "sequence": self.sequence[i],
                "buyer": json.dumps(buyer),
                "seller": self.seller,
                "issued_at": self.issued[i],
                "created_at": self.anchor[i],
            }

    def payment(self, lo: int, hi: int) -> Iterator[dict[str, Any]]:
        for i in range(lo, hi):
            yield {
                "id": self.base["payment"] + i,
                "invoice_id": self.base["invoice"] + i,
                "amount_minor": self._total(i),
                "currency": CURRENCY,
                "gateway": "sandbox",
                "idempotency_key": f"checkout:bench-{i:07d}-checkout",
                "attempt": 1,
                "status": "succeeded",
                "gateway_payment_id": f"pay_sbx_seed{i:016d}",
                "failure_code": "",
                "failure_message": "",
                "refunded_minor": 0,
                "created_at": self.anchor[i],
                "settled_at": self.issued[i],
            }

    def sandboxcharge(self, lo: int, hi: int) -> Iterator[dict[str, Any]]:
        for i in range(lo, hi):
            yield {
                "id": self.base["sandboxcharge"] + i,
                "idempotency_key": f"checkout:bench-{i:07d}-checkout",
                "payment_id": f"pay_sbx_seed{i:016d}",
                "customer_ref": f"cus_{self.base['customer'] + i}",
                "amount_minor": self._total(i),
                "currency": CURRENCY,
                "status": "succeeded",
                "failure_code": "",
                "refunded_minor": 0,
                "refund_ids": "[]",
                "challenged": False,
                "created_at": self.anchor[i] + dt.timedelta(seconds=1),
            }

    def predebitnotice(self, lo: int, hi: int) -> Iterator[dict[str, Any]]:
        for i in range(lo, hi):
            yield {
                "id": self.base["predebitnotice"] + i,
                "subscription_id": self.base["subscription"] + i,
                "period_start": self.end[i],  # the renewal's period starts where this ends
                "amount_minor": int(self.price[i].amount_minor),
                "currency": CURRENCY,
                "charge_on": self.end[i] - dt.timedelta(hours=24),
                "sent_at": self.end[i] - dt.timedelta(hours=self.notice_hours),
            }

    def grant(self, lo: int, hi: int) -> Iterator[dict[str, Any]]:
        for i in range(lo, hi):
            for benefit in self.price[i].plan.benefits:
                yield {
                    "id": self.next_grant_id,
                    "user_id": self.base["user"] + i,
                    "benefit": benefit,
                    "source": "subscription",
                    "source_reference": f"subscription:{self.base['subscription'] + i}",
                    "starts_at": self.issued[i] - dt.timedelta(seconds=1),
                    "ends_at": self.end[i],
                    "note": "",
                    "granted_by_id": None,
                    "revoked_at": None,
                    "revoked_by_id": None,
                    "created_at": self.issued[i],
                }
                self.next_grant_id += 1


def seed(count: int, *, overdue_minutes: int) -> dict[str, Any]:
    """N active, paid, due INR subscriptions, as N checkouts and notices would have left them."""
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from bench.common import migrate
    from masthead.access.models import Grant
    from masthead.billing import demo
    from masthead.billing.invoicing import INVOICE_SERIES
    from masthead.billing.models import (
        Customer,
        DocumentSequence,
        Invoice,
        Payment,
        PlanPrice,
        PreDebitNotice,
        SandboxCharge,
        Subscription,
    )

    started = time.perf_counter()
    migrate_seconds = migrate()
    demo.load()
    prices = list(
        PlanPrice.objects.filter(currency=CURRENCY, plan__is_active=True)
        .select_related("plan")
        .order_by("plan__display_order", "plan__pk")
    )
    if not prices:
        raise RenewalBenchError(f"demo.load() made no {CURRENCY} prices")
    # In table order (foreign keys); ids are ours, the sequences are moved past them after.
    models = [
        get_user_model(),
        Customer,
        Subscription,
        Invoice,
        Payment,
        SandboxCharge,
        PreDebitNotice,
        Grant,
    ]
    base = {
        model._meta.model_name: int(model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        for model in models
    }
    now = timezone.now().replace(microsecond=0)
    rows = SeedRows(count=count, prices=prices, now=now, base=base, overdue_minutes=overdue_minutes)
    written: Counter[str] = Counter()
    copy_started = time.perf_counter()
    report_every = max(SEED_CHUNK, (count // 5) // SEED_CHUNK * SEED_CHUNK)
    for lo in range(0, count, SEED_CHUNK):
        hi = min(count, lo + SEED_CHUNK)
        with transaction.atomic(), connection.cursor() as cursor:
            for model in models:
                make = getattr(rows, model._meta.model_name)
                written[model._meta.db_table] += copy_rows(cursor.cursor, model, make(lo, hi))
        if hi % report_every == 0 or hi == count:
            elapsed = time.perf_counter() - copy_started
            say(
                f"seeded {hi:,}/{count:,} subscriptions ({sum(written.values()):,} rows, "
                f"{elapsed:.1f}s, {hi / elapsed:,.0f} subscriptions/s)"
            )
    DocumentSequence.objects.bulk_create(
        [
            DocumentSequence(series=INVOICE_SERIES, financial_year=year, last_number=number)
            for year, number in sorted(rows.last_number.items())
        ]
    )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    return {
        "count": count,
        "currency": CURRENCY,
        "seeded_at": now.isoformat(),
        "overdue_minutes": overdue_minutes,
        "migrate_seconds": migrate_seconds,
        "copy_seconds": time.perf_counter() - copy_started,
        "seconds": time.perf_counter() - started,
        "rows": dict(written),
        "plans": {price.plan.slug: int(price.amount_minor) for price in prices},
        "invoices_by_year": dict(sorted(rows.last_number.items())),
        "notice_hours": rows.notice_hours,
        "benefits_per_subscription": len(prices[0].plan.benefits),
        "task_table": DBTaskResult._meta.db_table,
    }


# --- Inside Django: a worker and the profile -----------------------------------------------


class DatabaseClock:
    """Counts and times every query (execute wrapper) and every COMMIT; about a microsecond
    of overhead per call, so it stays on during the timed runs."""

    def __init__(self) -> None:
        self.queries = 0
        self.query_seconds = 0.0
        self.commits = 0
        self.commit_seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.query_seconds += time.perf_counter() - t0
            self.queries += 1

    def wrap_commits(self, connection: Any) -> None:
        original = connection._commit

        def timed_commit() -> Any:
            t0 = time.perf_counter()
            try:
                return original()
            finally:
                self.commit_seconds += time.perf_counter() - t0
                self.commits += 1

        connection._commit = timed_commit


def process_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process (a worker's PostgreSQL backend), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def worker(*, index: int, ready: Path, out: Path, progress_every: int) -> None:
    import resource

    from bench.common import setup_django

    setup_django()
    from django.db import connection
    from django_tasks.signals import task_enqueued

    from masthead.billing import renewals
    from masthead.billing.gateways import get_gateway

    get_gateway("sandbox")
    renewed = [0]

    # A renewal this worker paid queues its "renewal succeeded" email (the invariants check
    # one per renewal); the batch path bulk-inserts invoices, so there is no post_save to count.
    def count_renewal(sender: Any, task_result: Any, **kwargs: Any) -> None:
        if task_result.task.module_path.endswith(".send_renewal_succeeded"):
            renewed[0] += 1

    task_enqueued.connect(count_renewal, weak=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pid = int(cursor.fetchone()[0])
    clock = DatabaseClock()
    clock.wrap_commits(connection)
    ready.write_text(str(os.getpid()))
    if sys.stdin.readline().strip() != "go":
        return
    started_at = time.time()
    t0 = time.perf_counter()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    backend0 = process_cpu_seconds(backend_pid)
    next_report = [progress_every]

    def progress(done: int) -> None:
        if done >= next_report[0]:
            next_report[0] += progress_every
            elapsed = time.perf_counter() - t0
            say(f"worker {index}: {done:,} processed ({done / elapsed:,.0f}/s)")

    with connection.execute_wrapper(clock):
        report = renewals.run_due_work(progress=progress)
    seconds = time.perf_counter() - t0
    finished_at = time.time()
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    backend1 = process_cpu_seconds(backend_pid)
    out.write_text(
        json.dumps(
            {
                "index": index,
                "pid": os.getpid(),
                "backend_pid": backend_pid,
                "processed": report.processed,
                "renewed": renewed[0],
                "failed": report.failed,
                "started_at": started_at,
                "finished_at": finished_at,
                "seconds": seconds,
                "queries": clock.queries,
                "query_seconds": clock.query_seconds,
                "commits": clock.commits,
                "commit_seconds": clock.commit_seconds,
                "cpu_seconds": (usage1.ru_utime + usage1.ru_stime)
                - (usage0.ru_utime + usage0.ru_stime),
                "backend_cpu_seconds": (
                    backend1 - backend0 if backend0 is not None and backend1 is not None else None
                ),
            }
        )
    )


def _sql_kind(sql: str) -> str:
    """'SELECT billing_subscription', 'INSERT billing_invoice', 'SAVEPOINT', …"""
    import re

    words = sql.split(None, 1)
    verb = words[0].upper() if words else "?"
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        return verb
    pattern = {
        "SELECT": r'\bFROM "(\w+)"',
        "INSERT": r'\bINTO "(\w+)"',
        "UPDATE": r'^UPDATE "(\w+)"',
        "DELETE": r'\bFROM "(\w+)"',
    }.get(verb)
    found = re.search(pattern, sql) if pattern else None
    kind = f"{verb} {found.group(1)}" if found else verb
    if verb == "SELECT" and "FOR UPDATE" in sql:
        kind += " FOR UPDATE"
    return kind


def profile(*, renewals_to_profile: int, out: Path) -> None:
    import cProfile
    import pstats

    from bench.common import setup_django

    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.billing import renewals

    # One renewal's SQL, claim included (a real batch claims 200 at once).
    with CaptureQueriesContext(connection) as captured:
        renewals.run_due_work(limit=1)
    sample = [query["sql"] for query in captured.captured_queries]
    # A warm batch, then the profile.
    renewals.run_due_work(limit=50)
    clock = DatabaseClock()
    clock.wrap_commits(connection)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    with connection.execute_wrapper(clock):
        profiler.enable()
        report = renewals.run_due_work(limit=renewals_to_profile)
        profiler.disable()
    seconds = time.perf_counter() - t0
    done = max(1, report.processed)
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]

    def where(filename: str) -> str:
        path = filename.replace("\\", "/")
        for marker, label in (
            ("/masthead/", "Masthead code (billing, access)"),
            ("/psycopg/", "psycopg: driver, waiting on PostgreSQL"),
            ("/django/db/models/sql/", "Django ORM: compiling SQL"),
            ("/django/db/models/", "Django ORM: querysets, models"),
            ("/django/db/backends/", "Django DB backend wrapper"),
            ("/django/db/transaction", "Django transactions"),
            ("/django_tasks", "django_tasks: enqueueing emails"),
            ("/django/", "Django, other"),
            ("/zoneinfo/", "zoneinfo"),
        ):
            if marker in path:
                return label
        if path.startswith("~") or "{" in filename:
            return "builtins (C calls not attributed above)"
        return "Python stdlib / other"

    by_place: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, tottime, _cum, _callers) in raw.items():
        by_place[where(filename)] += tottime
    masthead_steps = []
    for (filename, line, name), (_cc, calls, _tot, cumtime, _callers) in raw.items():
        if "/masthead/" in filename.replace("\\", "/") and name not in {
            "run_due_work",
            "<lambda>",
        }:
            short = filename.replace("\\", "/").split("/masthead/", 1)[1]
            masthead_steps.append(
                {
                    "function": f"{short.removesuffix('.py')}.{name}",
                    "line": line,
                    "calls_per_renewal": calls / done,
                    "ms_per_renewal": cumtime * 1000 / done,
                }
            )
    masthead_steps.sort(key=lambda s: -s["ms_per_renewal"])
    top_self = sorted(raw.items(), key=lambda item: -item[1][2])[:15]
    out.write_text(
        json.dumps(
            {
                "renewals": report.processed,
                "seconds": seconds,
                "ms_per_renewal": seconds * 1000 / done,
                "queries_per_renewal": clock.queries / done,
                "query_ms_per_renewal": clock.query_seconds * 1000 / done,
                "commits_per_renewal": clock.commits / done,
                "commit_ms_per_renewal": clock.commit_seconds * 1000 / done,
                "sample_sql": sample,
                "sample_kinds": dict(Counter(_sql_kind(sql) for sql in sample)),
                "by_place_ms": {
                    place: seconds_ * 1000 / done for place, seconds_ in by_place.most_common()
                },
                "masthead_steps": masthead_steps[:18],
                "top_self": [
                    {
                        "function": f"{Path(filename).name}:{line}({name})",
                        "ms_per_renewal": tottime * 1000 / done,
                        "calls_per_renewal": calls / done,
                    }
                    for (filename, line, name), (_cc, calls, tottime, _cum, _cl) in top_self
                ],
            },
            indent=2,
        )
    )


# --- Outside Django: databases, processes, invariants --------------------------------------


def admin(statement: str, *names: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))


def database_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def connect(name: str) -> Any:
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=name, autocommit=True)


class Databases:
    """The throwaway databases of this run; ``drop_all`` removes every one, whatever happened."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.names: list[str] = []

    def create(self, tag: str, template: str | None = None) -> str:
        name = f"{self.prefix}_{tag}"
        admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        self.names.append(name)
        if template is None:
            admin("CREATE DATABASE {}", name)
        else:
            # FILE_COPY: a file-level copy, much faster than WAL_LOG for a database this size.
            admin("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY", name, template)
        return name

    def drop(self, name: str) -> None:
        try:
            admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
            say(f"dropped database {name}")
        except Exception as exc:
            say(f"WARNING: could not drop database {name}: {exc}")
        else:
            with suppress(ValueError):
                self.names.remove(name)

    def drop_all(self) -> None:
        for name in list(reversed(self.names)):
            self.drop(name)


def child_env(*, url: str, var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MASTHEAD_")
        and key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
            "MASTHEAD_ENV": "development",  # the database task queue, as in production
            "MASTHEAD_DEBUG": "false",
            "MASTHEAD_LOG_LEVEL": "WARNING",
            "MASTHEAD_VAR_DIR": str(var_dir),
            "MASTHEAD_BILLING_GATEWAY": "sandbox",
            "DATABASE_URL": url,
            "REDIS_URL": "",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


class Children:
    """Processes this run started; ``stop_all`` ends each by its own pid."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [PYTHON, "-m", "bench.renewals", *args], cwd=ROOT, env=env, **kwargs
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
                say(f"stopped worker process {process.pid}")
        self.processes.clear()


def run_role(children: Children, args: list[str], env: dict[str, str], out: Path) -> Any:
    process = children.start([*args, "--out", str(out)], env)
    code = process.wait()
    if code != 0 or not out.exists():
        raise RenewalBenchError(f"bench.renewals {args[:2]} failed (exit {code}); see above")
    return json.loads(out.read_text())


def cpu_sample() -> tuple[int, int]:
    """(all jiffies, idle jiffies) of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]), fields[3] + (fields[4] if len(fields) > 4 else 0)


def cpu_busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    total, idle = after[0] - before[0], after[1] - before[1]
    return 1 - idle / max(1, total)


def busy_now(seconds: float = 1.0) -> float | None:
    try:
        before = cpu_sample()
        time.sleep(seconds)
        return cpu_busy_between(before, cpu_sample())
    except (OSError, ValueError, IndexError):
        return None


class BackendSampler:
    """Samples what the workers' PostgreSQL backends are doing, every 0.1 s, from
    pg_stat_activity: executing, waiting for a lock, flushing WAL, or waiting for the worker."""

    def __init__(self, database: str) -> None:
        import threading

        self.database = database
        self.samples: Counter[str] = Counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def classify(state: str | None, wait_type: str | None, wait_event: str | None) -> str:
        if state == "active":
            if wait_type is None:
                return "executing a statement (PostgreSQL CPU)"
            if wait_type == "Lock":
                return f"waiting for a lock ({wait_event})"
            if (wait_event or "").startswith("WAL"):
                return "writing/flushing WAL (COMMIT)"
            return f"active, waiting on {wait_type}:{wait_event}"
        if state == "idle in transaction":
            return "idle in transaction (worker's Python)"
        if state == "idle":
            return "idle between transactions (worker's Python)"
        return str(state)

    def _run(self) -> None:
        with connect(self.database) as conn:
            while not self.stop.wait(0.1):
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'"
                ).fetchall()
                for state, wait_type, wait_event in rows:
                    self.samples[self.classify(state, wait_type, wait_event)] += 1

    def __enter__(self) -> BackendSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)

    def shares(self) -> dict[str, float]:
        total = max(1, sum(self.samples.values()))
        return {kind: n / total for kind, n in self.samples.most_common()}


def check_invariants(
    conn: Any, *, count: int, notice_hours: int, task_table: str
) -> list[dict[str, Any]]:
    """The issue's invariants, at the scale of the run, in SQL. Each: name, ok, detail."""

    def one(sql: str, *params: Any) -> Any:
        row = conn.execute(sql, params).fetchone()
        return row if len(row) > 1 else row[0]

    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool, detail: str) -> None:
        checks.append({"name": name, "ok": bool(ok), "detail": detail})

    subs, active_one = one(
        "SELECT count(*), count(*) FILTER (WHERE status = 'active' AND period_index = 1) "
        "FROM billing_subscription"
    )
    check(
        "every subscription active, period_index 1",
        subs == count and active_one == count,
        f"{active_one:,} of {subs:,} subscriptions (seeded {count:,})",
    )

    recurring, distinct_subs, recurring_paid = one(
        "SELECT count(*), count(DISTINCT subscription_id), count(*) FILTER (WHERE status = 'paid')"
        " FROM billing_invoice WHERE kind = 'recurring'"
    )
    repeats = one(
        "SELECT count(*) FROM (SELECT 1 FROM billing_invoice WHERE kind = 'recurring' "
        "GROUP BY subscription_id, period_start HAVING count(*) > 1) AS d"
    )
    wrong_period = one(
        "SELECT count(*) FROM billing_invoice r "
        "JOIN billing_invoice i ON i.subscription_id = r.subscription_id AND i.kind = 'initial' "
        "JOIN billing_subscription s ON s.id = r.subscription_id "
        "WHERE r.kind = 'recurring' AND (r.period_start <> i.period_end "
        "OR r.period_start <> s.current_period_start OR r.period_end <> s.current_period_end)"
    )
    check(
        "exactly one recurring invoice per subscription, for the next period",
        recurring == distinct_subs == recurring_paid == count
        and repeats == 0
        and wrong_period == 0,
        f"{recurring:,} recurring invoices ({recurring_paid:,} paid) for {distinct_subs:,} "
        f"subscriptions; {repeats} repeated (subscription, period_start); {wrong_period} not "
        "the period after the paid one",
    )

    bad_paid = one(
        "WITH sp AS (SELECT invoice_id, count(*) AS n, min(amount_minor) AS amount, "
        "max(amount_minor) AS amount_max, min(currency) AS currency FROM billing_payment "
        "WHERE status = 'succeeded' GROUP BY invoice_id) "
        "SELECT count(*) FROM billing_invoice i LEFT JOIN sp ON sp.invoice_id = i.id "
        "WHERE i.status = 'paid' AND (sp.n IS DISTINCT FROM 1 OR sp.amount <> i.total_minor "
        "OR sp.amount_max <> i.total_minor OR sp.currency <> i.currency)"
    )
    paid_elsewhere = one(
        "SELECT count(*) FROM billing_payment p JOIN billing_invoice i ON i.id = p.invoice_id "
        "WHERE p.status = 'succeeded' AND i.status <> 'paid'"
    )
    paid, not_paid = one(
        "SELECT count(*) FILTER (WHERE status = 'paid'), count(*) FILTER (WHERE status <> 'paid')"
        " FROM billing_invoice"
    )
    unsettled = one("SELECT count(*) FROM billing_payment WHERE status <> 'succeeded'")
    check(
        "one succeeded payment per paid invoice, same amount and currency",
        bad_paid == 0 and paid_elsewhere == 0 and paid == 2 * count,
        f"{paid:,} paid invoices; {bad_paid} without exactly one matching succeeded payment; "
        f"{paid_elsewhere} succeeded payments on unpaid invoices",
    )
    check(
        "nothing open, pending or failed",
        not_paid == 0 and unsettled == 0,
        f"{not_paid} invoices not paid, {unsettled} payments not succeeded",
    )

    charges, charges_ok = one(
        "SELECT count(*), count(*) FILTER (WHERE status = 'succeeded') FROM billing_sandboxcharge"
    )
    unmatched = one(
        "SELECT count(*) FROM billing_sandboxcharge c LEFT JOIN billing_payment p "
        "ON p.idempotency_key = c.idempotency_key AND p.status = 'succeeded' "
        "WHERE p.id IS NULL OR p.amount_minor <> c.amount_minor OR p.currency <> c.currency "
        "OR p.gateway_payment_id <> c.payment_id"
    )
    check(
        "sandbox charges == paid invoices, each its payment's",
        charges == charges_ok == paid and unmatched == 0,
        f"{charges:,} sandbox charges ({charges_ok:,} succeeded) for {paid:,} paid invoices; "
        f"{unmatched} without their succeeded payment",
    )

    years = conn.execute(
        "SELECT financial_year, count(*), count(DISTINCT sequence), min(sequence), "
        "max(sequence), count(DISTINCT number), count(*) FILTER (WHERE number IS NULL OR "
        "right(number, 11) <> substr(financial_year, 3, 2) || substr(financial_year, 6, 2) "
        "|| '/' || lpad(sequence::text, 6, '0')) FROM billing_invoice WHERE status = 'paid' "
        "GROUP BY financial_year ORDER BY financial_year"
    ).fetchall()
    counters = dict(
        conn.execute(
            "SELECT financial_year, last_number FROM billing_documentsequence WHERE series = 'INV'"
        ).fetchall()
    )
    gapless = all(
        n == distinct == top == numbers == counters.get(year) and low == 1 and misnumbered == 0
        for year, n, distinct, low, top, numbers, misnumbered in years
    )
    check(
        "invoice numbers per financial year 1..n, no gaps or duplicates",
        gapless and bool(years),
        "; ".join(
            f"{year}: {n:,} invoices, numbers {low}..{top}, {distinct:,} distinct"
            for year, n, distinct, low, top, _numbers, _bad in years
        ),
    )

    grants, wrong_grants = one(
        "SELECT count(*), count(*) FILTER (WHERE g.ends_at <> s.current_period_end) "
        "FROM access_grant g JOIN billing_subscription s "
        "ON g.source_reference = 'subscription:' || s.id WHERE g.revoked_at IS NULL"
    )
    check(
        "access runs to the new period end",
        wrong_grants == 0 and grants >= count,
        f"{grants:,} open grants, {wrong_grants} not ending at the renewed period's end",
    )

    notified = one(
        "SELECT count(*) FROM billing_invoice r JOIN billing_predebitnotice n "
        "ON n.subscription_id = r.subscription_id AND n.period_start = r.period_start "
        "WHERE r.kind = 'recurring' AND r.total_minor = n.amount_minor "
        "AND n.sent_at <= n.charge_on - interval '24 hours' AND r.issued_at >= n.charge_on"
    )
    check(
        "charged the notified amount, ≥ 24 h after the notice",
        notified == count,
        f"{notified:,} of {count:,} renewals",
    )

    # The soak's ledger verdicts (soak/verdicts.py), the same functions the soak judges with:
    # no charge without our record or twice, one payment per paid invoice, one recurring
    # invoice per period, numbers gap-free per series.
    from soak import ledger as soak_ledger
    from soak import verdicts as soak_verdicts

    shared = soak_ledger.fetch(conn)
    for verdict in (
        soak_verdicts.gateway_charges_are_ours_and_once,
        soak_verdicts.paid_invoices_have_one_payment,
        soak_verdicts.one_recurring_invoice_per_period,
        soak_verdicts.invoice_numbers_gap_free,
    ):
        found = verdict(shared)
        check(f"soak: {found.name}", found.ok, found.detail)

    from psycopg import sql

    emails, distinct_emails = conn.execute(
        sql.SQL(
            "SELECT count(*), count(DISTINCT args_kwargs -> 'kwargs' ->> 'invoice_id') "
            "FROM {} WHERE task_path LIKE %s"
        ).format(sql.Identifier(task_table)),
        ["%.send_renewal_succeeded"],
    ).fetchone()
    check(
        "one renewal email queued per renewal",
        emails == distinct_emails == count,
        f"{emails:,} queued, for {distinct_emails:,} invoices",
    )

    due, misscheduled = one(
        "SELECT count(*) FILTER (WHERE next_action_at <= now()), "
        "count(*) FILTER (WHERE next_action_at IS DISTINCT FROM "
        "current_period_end - make_interval(hours => %s)) "
        "FROM billing_subscription WHERE status IN ('pending', 'active', 'past_due')",
        notice_hours,
    )
    check(
        "nothing left due; next step is the next notice",
        due == 0 and misscheduled == 0,
        f"{due} still due, {misscheduled} not scheduled {notice_hours} h before the period end",
    )
    return checks


def start_workers(
    *,
    workers: int,
    tag: str,
    env: dict[str, str],
    children: Children,
    scratch: Path,
    progress_every: int,
) -> list[tuple[subprocess.Popen[bytes], Path, Path]]:
    """Worker processes, each with Django imported and connected, waiting for ``go``."""
    started: list[tuple[subprocess.Popen[bytes], Path, Path]] = []
    for index in range(1, workers + 1):
        ready, out = scratch / f"{tag}-{index}.ready", scratch / f"{tag}-{index}.json"
        process = children.start(
            [
                "--role",
                "worker",
                "--index",
                str(index),
                "--ready",
                str(ready),
                "--progress-every",
                str(progress_every),
                "--out",
                str(out),
            ],
            env,
            stdin=subprocess.PIPE,
        )
        started.append((process, ready, out))
    deadline = time.monotonic() + 120
    while not all(ready.exists() for _p, ready, _o in started):
        for process, _ready, _out in started:
            if process.poll() is not None:
                raise RenewalBenchError(f"a worker exited at start (code {process.returncode})")
        if time.monotonic() > deadline:
            raise RenewalBenchError("the workers were not ready within 120 seconds")
        time.sleep(0.05)
    return started


def run_sweep(
    *,
    workers: int,
    template: str,
    databases: Databases,
    children: Children,
    scratch: Path,
    count: int,
    seed_info: dict[str, Any],
) -> dict[str, Any]:
    tag = f"{workers}w"
    clone_started = time.perf_counter()
    name = databases.create(tag, template=template)
    clone_seconds = time.perf_counter() - clone_started
    env = child_env(url=database_url(name), var_dir=scratch / "var")
    busy_before = busy_now()
    busy_text = f"{busy_before:.0%}" if busy_before is not None else "unknown"
    say(
        f"cloned the seeded database in {clone_seconds:.1f}s; CPU busy before start "
        f"(nothing of ours running): {busy_text}"
        + (" — other processes are busy; figures will be noisy" if (busy_before or 0) > 0.2 else "")
    )
    started = start_workers(
        workers=workers,
        tag=tag,
        env=env,
        children=children,
        scratch=scratch,
        progress_every=max(1_000, count // workers // 5),
    )
    with connect(name) as conn:
        commits0 = conn.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()[0]
    cpu0 = cpu_sample()
    go = time.time()
    with BackendSampler(name) as sampler:
        for process, _ready, _out in started:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            process.stdin.close()
        for process, _ready, _out in started:
            code = process.wait()
            if code != 0:
                raise RenewalBenchError(f"worker {process.pid} failed (exit {code}); see above")
    all_done = time.time()
    cpu1 = cpu_sample()
    results = [json.loads(out.read_text()) for _p, _r, out in started]
    first_start = min(r["started_at"] for r in results)
    last_finish = max(r["finished_at"] for r in results)
    seconds = last_finish - first_start
    processed = sum(r["processed"] for r in results)
    with connect(name) as conn:
        renewed = conn.execute(
            "SELECT count(*) FROM billing_invoice WHERE kind = 'recurring' AND status = 'paid'"
        ).fetchone()[0]
        server_commits = (
            conn.execute(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
            ).fetchone()[0]
            - commits0
        )
        check_started = time.perf_counter()
        invariants = check_invariants(
            conn,
            count=count,
            notice_hours=seed_info["notice_hours"],
            task_table=seed_info["task_table"],
        )
        check_seconds = time.perf_counter() - check_started
    databases.drop(name)
    per = max(1, renewed)
    cpu_python = sum(r["cpu_seconds"] for r in results)
    backend_cpu = [r["backend_cpu_seconds"] for r in results]
    cpu_postgres = sum(backend_cpu) if None not in backend_cpu else None
    machine_busy = cpu_busy_between(cpu0, cpu1)
    cores = os.cpu_count() or 1
    ours = (cpu_python + (cpu_postgres or 0)) / max(1e-9, seconds * cores)
    result = {
        "workers": workers,
        "renewals": renewed,
        "processed": processed,
        "claimed_again": processed - renewed,
        "failed": sum(r["failed"] for r in results),
        "seconds": seconds,
        "seconds_parent": all_done - go,
        "rate": renewed / seconds,
        "per_worker": [
            {
                "processed": r["processed"],
                "renewed": r["renewed"],
                "seconds": r["seconds"],
                "rate": r["renewed"] / max(1e-9, r["seconds"]),
            }
            for r in results
        ],
        "queries_per_renewal": sum(r["queries"] for r in results) / per,
        "query_ms_per_renewal": sum(r["query_seconds"] for r in results) * 1000 / per,
        "commits_per_renewal": sum(r["commits"] for r in results) / per,
        "commit_ms_per_renewal": sum(r["commit_seconds"] for r in results) * 1000 / per,
        "server_transactions_per_renewal": server_commits / per,
        "worker_ms_per_renewal": sum(r["seconds"] for r in results) * 1000 / per,
        "python_cpu_ms_per_renewal": cpu_python * 1000 / per,
        "postgres_cpu_ms_per_renewal": (
            cpu_postgres * 1000 / per if cpu_postgres is not None else None
        ),
        "machine_busy": machine_busy,
        "ours_busy": ours,
        "busy_before": busy_before,
        "clone_seconds": clone_seconds,
        "check_seconds": check_seconds,
        "backends": sampler.shares(),
        "invariants": invariants,
    }
    say(
        f"{workers} worker(s): {renewed:,} renewals in {seconds:.1f}s = {result['rate']:,.0f}/s "
        f"({result['queries_per_renewal']:.1f} queries, {result['commits_per_renewal']:.1f} "
        f"commits per renewal; process() ran {processed:,} times, {processed - renewed:,} on "
        f"an already renewed subscription; CPU busy during the run {machine_busy:.0%}, "
        f"ours ≈ {ours:.0%})"
    )
    for item in invariants:
        say(f"  {'ok  ' if item['ok'] else 'FAIL'} {item['name']}: {item['detail']}")
    return result


def cpu_ceiling(run: dict[str, Any]) -> dict[str, float] | None:
    """What the run's measured CPU per renewal allows on this machine: the worker processes'
    CPU (getrusage) plus their PostgreSQL backends' (/proc), per renewal; with every core busy
    on nothing else, at most cores × 1000 / (worker + PostgreSQL ms) renewals per second."""
    pg = run.get("postgres_cpu_ms_per_renewal")
    if pg is None:
        return None
    worker = float(run["python_cpu_ms_per_renewal"])
    cores = os.cpu_count() or 1
    return {
        "worker_ms": worker,
        "postgres_ms": float(pg),
        "total_ms": worker + float(pg),
        "cores": cores,
        "ceiling": cores * 1000 / max(1e-9, worker + float(pg)),
    }


def ceiling_lines(result: dict[str, Any]) -> list[str]:
    """Beside the aim: CPU per renewal in the worker and in PostgreSQL, measured in each run,
    and the rate that CPU allows on this machine's cores (the limit, whatever the code waits on)."""
    lines = []
    for run in result["runs"]:
        found = cpu_ceiling(run)
        if found is None:
            continue
        lines.append(
            f"  CPU per renewal, {run['workers']}w (measured): worker {found['worker_ms']:.2f} ms"
            f" + PostgreSQL {found['postgres_ms']:.2f} ms = {found['total_ms']:.2f} ms; "
            f"{found['cores']:.0f} cores allow at most {found['ceiling']:,.0f} renewals/s "
            f"(the aim needs ≤ {found['cores'] * 1000 / AIM:.2f} ms)"
        )
    return lines


def summary_lines(result: dict[str, Any]) -> list[str]:
    """The few lines bench/run.py prints in its final summary."""
    seed_info = result["seed"]
    lines = [
        f"Renewals per second: {result['count']:,} due {seed_info['currency']} subscriptions, "
        "sandbox gateway, PostgreSQL, renewals.run_due_work() per worker process",
        f"  {'workers':<9}{'renewals':>9}{'seconds':>9}{'renewals/s':>12}{'per worker/s':>14}"
        f"{'re-claimed':>12}{'SQL/renewal':>13}{'COMMITs':>9}{'CPU busy (ours)':>17}",
    ]
    for run in result["runs"]:
        per_worker = "/".join(f"{w['rate']:.0f}" for w in run["per_worker"])
        lines.append(
            f"  {run['workers']:<9}{run['renewals']:>9,}{run['seconds']:>9.1f}{run['rate']:>12.1f}"
            f"{per_worker:>14}{run['claimed_again']:>12,}{run['queries_per_renewal']:>13.1f}"
            f"{run['commits_per_renewal']:>9.1f}{run['machine_busy']:>10.0%} "
            f"({run['ours_busy']:.0%})"
        )
    befores = [run["busy_before"] for run in result["runs"] if run["busy_before"] is not None]
    if befores:
        lines.append(
            "  CPU busy before each run (other processes): "
            + ", ".join(f"{busy:.0%}" for busy in befores)
        )
    if result.get("ratio") is not None:
        lines.append(f"  two workers / one worker: {result['ratio']:.2f}x")
    if result.get("two_worker_rate") is not None:
        verdict = "met" if result["aim_met"] else "NOT met"
        lines.append(
            f"  Target: ≥ {AIM:,.0f} renewals/s with two workers — "
            f"{result['two_worker_rate']:.1f}/s, {verdict}"
        )
    lines += ceiling_lines(result)
    reclaimed = sum(run["claimed_again"] for run in result["runs"])
    if reclaimed:
        lines.append(
            f"  re-claimed: {reclaimed:,} process() calls on subscriptions already renewed by the "
            "other worker (claim_due's lease is next_action_at + 10 min, so a row overdue by "
            "more than 10 minutes stays claimable)"
        )
    checks = [item for run in result["runs"] for item in run["invariants"]]
    broken = sorted({item["name"] for item in checks if not item["ok"]})
    lines.append(
        "  Invariants: "
        + (f"BROKEN: {'; '.join(broken)}" if broken else f"all {len(checks)} checks held")
    )
    lines.append(
        f"  Seeding (not in the rates): {seed_info['seconds']:.1f}s for "
        f"{sum(seed_info['rows'].values()):,} rows (COPY {seed_info['copy_seconds']:.1f}s), "
        f"VACUUM ANALYZE {result['vacuum_seconds']:.1f}s"
    )
    prof = result.get("profile")
    if prof:
        places = ", ".join(
            f"{place} {ms:.1f}" for place, ms in list(prof["by_place_ms"].items())[:4]
        )
        lines.append(
            f"  Profile (1 worker, {prof['renewals']:,} renewals under cProfile): "
            f"{prof['ms_per_renewal']:.1f} ms/renewal; self ms per renewal: {places}"
        )
    return lines


def print_report(result: dict[str, Any]) -> None:
    seed_info = result["seed"]
    runs = result["runs"]
    print()
    print(
        f"Renewals per second: {result['count']:,} due {seed_info['currency']} subscriptions "
        "(sandbox gateway, PostgreSQL, real time, pre-debit notices already sent)"
    )
    print(
        f"  seeding (not in the rates): {seed_info['seconds']:.1f}s "
        f"(migrate {seed_info['migrate_seconds']:.1f}s, COPY of "
        f"{sum(seed_info['rows'].values()):,} rows {seed_info['copy_seconds']:.1f}s), "
        f"VACUUM ANALYZE {result['vacuum_seconds']:.1f}s, each clone "
        + ", ".join(f"{run['clone_seconds']:.1f}s" for run in runs)
    )
    print(
        f"  {'workers':<8}{'renewals':>10}{'seconds':>9}{'renewals/s':>12}{'per worker/s':>14}"
        f"{'re-claimed':>12}"
        f"{'SQL/renewal':>13}{'commits':>9}{'ms in SQL':>11}{'ms COMMIT':>11}"
        f"{'py CPU ms':>11}{'pg CPU ms':>11}{'CPU busy':>10}"
    )
    for run in runs:
        per_worker = "/".join(f"{w['rate']:.0f}" for w in run["per_worker"])
        pg = run["postgres_cpu_ms_per_renewal"]
        print(
            f"  {run['workers']:<8}{run['renewals']:>10,}{run['seconds']:>9.1f}"
            f"{run['rate']:>12,.1f}{per_worker:>14}{run['claimed_again']:>12,}"
            f"{run['queries_per_renewal']:>13.1f}"
            f"{run['commits_per_renewal']:>9.1f}{run['query_ms_per_renewal']:>11.2f}"
            f"{run['commit_ms_per_renewal']:>11.2f}{run['python_cpu_ms_per_renewal']:>11.2f}"
            f"{(f'{pg:.2f}' if pg is not None else '-'):>11}{run['machine_busy']:>9.0%} "
        )
    print(
        "  (per renewal, summed over workers: SQL statements, COMMITs, ms inside the SQL calls "
        "and COMMITs, CPU ms of the worker processes and of their PostgreSQL backends; "
        "'re-claimed': process() calls on a subscription that was already renewed)"
    )
    befores = ", ".join(
        f"{run['workers']}w {run['busy_before']:.0%}"
        for run in runs
        if run["busy_before"] is not None
    )
    print(
        "  CPU busy before each run (others): "
        + (befores or "unknown")
        + "; during: "
        + ", ".join(
            f"{run['workers']}w {run['machine_busy']:.0%} (ours ≈ {run['ours_busy']:.0%})"
            for run in runs
        )
    )
    for run in runs:
        shown = ", ".join(f"{share:.0%} {kind}" for kind, share in run["backends"].items())
        print(f"  {run['workers']}w, the workers' PostgreSQL backends (sampled): {shown}")
    if result.get("ratio") is not None:
        print(f"  two workers / one worker: {result['ratio']:.2f}x")
    if result.get("two_worker_rate") is not None:
        verdict = "met" if result["aim_met"] else "NOT met"
        print(
            f"  Aim: ≥ {AIM:,.0f} renewals/s with two workers on this {os.cpu_count()}-core "
            f"machine — {result['two_worker_rate']:,.1f}/s, {verdict}"
        )
        for line in ceiling_lines(result):
            print(line)
    for line in summary_lines(result):
        if line.startswith("  re-claimed:"):
            print(line)
    failed = [
        f"{run['workers']}w: {item['name']}"
        for run in runs
        for item in run["invariants"]
        if not item["ok"]
    ]
    if failed:
        print("  INVARIANTS FAILED: " + "; ".join(failed))
    else:
        names = [item["name"] for item in runs[0]["invariants"]] if runs else []
        print(f"  Invariants held after every run ({len(names)} checks): " + "; ".join(names))
    if result.get("profile"):
        print_profile(result["profile"])


def print_profile(prof: dict[str, Any]) -> None:
    print(
        f"  Profile, one worker, {prof['renewals']:,} renewals under cProfile: "
        f"{prof['ms_per_renewal']:.2f} ms/renewal with the profiler's overhead; "
        f"{prof['queries_per_renewal']:.1f} queries ({prof['query_ms_per_renewal']:.2f} ms), "
        f"{prof['commits_per_renewal']:.1f} COMMITs ({prof['commit_ms_per_renewal']:.2f} ms)"
    )
    print("    self time by where it is spent, ms per renewal:")
    for place, ms in prof["by_place_ms"].items():
        print(f"      {place:<44}{ms:7.2f}")
    print("    Masthead steps, cumulative ms per renewal (calls per renewal):")
    for item in prof["masthead_steps"][:14]:
        print(
            f"      {item['function']:<52}{item['ms_per_renewal']:7.2f}"
            f"  ({item['calls_per_renewal']:.2f})"
        )
    print(f"    SQL of one renewal (claim of a batch of 1 included), {len(prof['sample_sql'])}:")
    for kind, n in sorted(prof["sample_kinds"].items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"      {n:3d} x {kind}")
    print("    top functions by self time, ms per renewal (calls per renewal):")
    for item in prof["top_self"][:10]:
        print(
            f"      {item['function'][:60]:<62}{item['ms_per_renewal']:6.2f}"
            f"  ({item['calls_per_renewal']:.1f})"
        )


# --- The run -------------------------------------------------------------------------------


def profile_one_worker(
    *,
    args: argparse.Namespace,
    aim_missed: bool,
    template: str,
    databases: Databases,
    children: Children,
    scratch: Path,
) -> dict[str, Any]:
    step(
        f"profiling one worker: cProfile on run_due_work(limit={args.profile_count:,})"
        + (" — the two-worker rate missed the aim" if aim_missed else "")
    )
    name = databases.create("prof", template=template)
    try:
        return dict(
            run_role(
                children,
                ["--role", "profile", "--count", str(args.profile_count)],
                child_env(url=database_url(name), var_dir=scratch / "var"),
                scratch / "profile.json",
            )
        )
    finally:
        databases.drop(name)


def orchestrate(args: argparse.Namespace) -> int:
    databases = Databases(args.db_prefix or f"masthead_bench_renewals_{os.getpid()}")
    children = Children()
    scratch = Path(tempfile.mkdtemp(prefix="masthead-bench-renewals-"))
    (scratch / "var").mkdir()
    workers_list = [int(n) for n in args.workers.split(",") if n.strip()]
    result: dict[str, Any] = {"count": args.count, "aim": AIM, "runs": []}
    failed = False

    def on_sigterm(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        step(
            f"seeding {args.count:,} due {CURRENCY} subscriptions into {databases.prefix}_seed "
            f"(COPY in chunks of {SEED_CHUNK:,})"
        )
        template = databases.create("seed")
        seed_info = run_role(
            children,
            [
                "--role",
                "seed",
                "--count",
                str(args.count),
                "--overdue-minutes",
                str(args.overdue_minutes),
            ],
            child_env(url=database_url(template), var_dir=scratch / "var"),
            scratch / "seed.json",
        )
        result["seed"] = seed_info
        vacuum_started = time.perf_counter()
        with connect(template) as conn:
            conn.execute("VACUUM (ANALYZE)")
        result["vacuum_seconds"] = time.perf_counter() - vacuum_started
        say(
            f"seeded in {seed_info['seconds']:.1f}s (migrate {seed_info['migrate_seconds']:.1f}s,"
            f" COPY {seed_info['copy_seconds']:.1f}s: "
            + ", ".join(f"{table} {n:,}" for table, n in seed_info["rows"].items())
            + f"); VACUUM ANALYZE {result['vacuum_seconds']:.1f}s; initial invoices by "
            f"financial year {seed_info['invoices_by_year']}"
        )
        for workers in workers_list:
            step(f"sweep with {workers} worker process(es): renewals.run_due_work() each")
            run = run_sweep(
                workers=workers,
                template=template,
                databases=databases,
                children=children,
                scratch=scratch,
                count=args.count,
                seed_info=seed_info,
            )
            result["runs"].append(run)
            failed |= not all(item["ok"] for item in run["invariants"])
            failed |= run["renewals"] != args.count or run["failed"] != 0
        rates = {run["workers"]: run["rate"] for run in result["runs"]}
        result["ratio"] = rates[2] / rates[1] if 1 in rates and 2 in rates else None
        result["two_worker_rate"] = rates.get(2)
        result["aim_met"] = rates[2] >= AIM if 2 in rates else None
        want_profile = args.profile == "always" or (
            args.profile == "auto" and result["aim_met"] is False
        )
        if want_profile and args.profile_count > 0:
            result["profile"] = profile_one_worker(
                args=args,
                aim_missed=result["aim_met"] is False,
                template=template,
                databases=databases,
                children=children,
                scratch=scratch,
            )
        result["total_seconds"] = time.monotonic() - STARTED
        result["summary"] = summary_lines(result)
        print_report(result)
        if args.out:
            Path(args.out).write_text(json.dumps(result, indent=2, default=str))
    except RenewalBenchError as exc:
        step(f"FAILED: {exc}")
        return 1
    except KeyboardInterrupt:
        step("interrupted; cleaning up")
        return 130
    finally:
        children.stop_all()
        databases.drop_all()
        shutil.rmtree(scratch, ignore_errors=True)
    if failed:
        step("FAILED: an invariant did not hold, or not every subscription was renewed (above)")
        return 1
    step(f"done in {time.monotonic() - STARTED:.0f}s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="due subscriptions to renew")
    parser.add_argument("--workers", default="1,2", help="worker counts to run, e.g. 1,2")
    parser.add_argument(
        "--profile",
        choices=["auto", "always", "never"],
        default="auto",
        help="cProfile one worker afterwards (auto: when the two-worker rate misses the aim)",
    )
    parser.add_argument("--profile-count", type=int, default=2_000)
    parser.add_argument(
        "--overdue-minutes",
        type=int,
        default=22 * 60,
        help="charge times are spread from this many minutes ago to a minute ago "
        "(default 1320: a backlog up to 22 hours old)",
    )
    parser.add_argument("--db-prefix", help="name prefix of the throwaway databases")
    parser.add_argument("--out", help="write every figure to this JSON file")
    # Internal: what bench/renewals.py runs in its child processes.
    parser.add_argument("--role", choices=["run", "seed", "worker", "profile"], default="run")
    parser.add_argument("--index", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--ready", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--progress-every", type=int, default=10_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count < 1:
        parser.error("--count must be at least 1")
    if not 1 <= args.overdue_minutes <= 23 * 60:
        parser.error("--overdue-minutes must be between 1 and 1380")
    if args.role == "seed":
        from bench.common import setup_django, write_result

        setup_django()
        write_result(args.out, seed(args.count, overdue_minutes=args.overdue_minutes))
        return 0
    if args.role == "worker":
        worker(
            index=args.index,
            ready=args.ready,
            out=Path(args.out),
            progress_every=args.progress_every,
        )
        return 0
    if args.role == "profile":
        profile(renewals_to_profile=args.count, out=Path(args.out))
        return 0
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())

"""The Prometheus metrics page: process counters plus figures read from the database.

Two kinds of figure, chosen by where the truth lives:

- counted in a process (request latency by view, the gate's decisions by reason): prometheus
  client metrics in ``masthead.core.metrics``; with PROMETHEUS_MULTIPROC_DIR set (gunicorn,
  see ``deploy/gunicorn.conf.py``) every worker process's values are added up here;
- kept in the database (due renewals, queues, webhook backlog, meter-store misses, worker
  heartbeats and the renewals they did): read at scrape time, so any web process answers with
  the same numbers and nothing is lost when a process restarts.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from masthead.access.models import MeterMiss
from masthead.billing.models import LIVE_STATUSES, Subscription, WebhookEvent
from masthead.ops import heartbeats


class _ThisProcess(Collector):
    """This process's own metrics (runserver, a single process: no multiprocess directory)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        yield from _renewals(now)
        yield from _queues(now)
        yield from _webhooks(now)
        yield from _meter_misses()
        yield from _workers(now)


def _renewals(now: dt.datetime) -> Iterator[Metric]:
    # Real time only: sandbox readers on test clocks live in another time.
    due = Subscription.objects.filter(
        status__in=LIVE_STATUSES,
        customer__test_clock__isnull=True,
        next_action_at__lte=now,
    ).aggregate(count=Count("pk"), oldest=Min("next_action_at"))
    yield GaugeMetricFamily(
        "masthead_renewals_due", "Subscriptions whose due work (renewal, notice, retry) waits.",
        value=due["count"],
    )  # fmt: skip
    oldest = GaugeMetricFamily(
        "masthead_renewals_oldest_due_age_seconds",
        "How long the longest-waiting due subscription has waited (0 when none waits).",
    )
    oldest.add_metric([], (now - due["oldest"]).total_seconds() if due["oldest"] else 0.0)
    yield oldest
    done = CounterMetricFamily(
        "masthead_renewals",
        "Subscriptions' due work done by the workers, by outcome (failed: tried again later).",
        labels=["outcome"],
    )
    totals = heartbeats.renewal_totals()
    done.add_metric(["done"], totals.done)
    done.add_metric(["failed"], totals.failed)
    yield done


def _queues(now: dt.datetime) -> Iterator[Metric]:
    depth = GaugeMetricFamily(
        "masthead_task_queue_depth", "Tasks waiting to run, by queue and task.",
        labels=["queue", "task"],
    )  # fmt: skip
    oldest = GaugeMetricFamily(
        "masthead_task_queue_oldest_age_seconds", "Age of the oldest waiting task, by queue.",
        labels=["queue"],
    )  # fmt: skip
    rows = (
        DBTaskResult.objects.filter(status="READY")
        .values("queue_name", "task_path")
        .annotate(count=Count("pk"), first=Min("enqueued_at"))
        .order_by("queue_name", "task_path")
    )
    firsts: dict[str, dt.datetime] = {}
    for row in rows:
        depth.add_metric([row["queue_name"], row["task_path"]], row["count"])
        queue = row["queue_name"]
        firsts[queue] = min(firsts.get(queue, row["first"]), row["first"])
    for queue, first in sorted(firsts.items()):
        oldest.add_metric([queue], max((now - first).total_seconds(), 0.0))
    yield depth
    yield oldest


def _webhooks(now: dt.datetime) -> Iterator[Metric]:
    backlog = GaugeMetricFamily(
        "masthead_webhook_backlog", "Gateway webhook events received and not yet applied.",
        labels=["gateway"],
    )  # fmt: skip
    oldest = GaugeMetricFamily(
        "masthead_webhook_backlog_oldest_age_seconds",
        "Age of the oldest webhook event not yet applied, by gateway.",
        labels=["gateway"],
    )
    for row in (
        WebhookEvent.objects.filter(processed_at__isnull=True)
        .values("gateway")
        .annotate(count=Count("pk"), first=Min("received_at"))
        .order_by("gateway")
    ):
        backlog.add_metric([row["gateway"]], row["count"])
        oldest.add_metric([row["gateway"]], max((now - row["first"]).total_seconds(), 0.0))
    yield backlog
    yield oldest


def _meter_misses() -> Iterator[Metric]:
    misses = CounterMetricFamily(
        "masthead_meter_store_misses",
        "Stories decided without the meter store (it was down), by store and the policy used.",
        labels=["store", "policy"],
    )
    for row in MeterMiss.objects.values("store", "policy").annotate(count=Count("pk")).order_by():
        misses.add_metric([row["store"], row["policy"]], row["count"])
    yield misses


def _workers(now: dt.datetime) -> Iterator[Metric]:
    up = GaugeMetricFamily(
        "masthead_worker_up", "1 for a worker role beating, 0 for one gone quiet without stopping.",
        labels=["role", "host", "pid"],
    )  # fmt: skip
    age = GaugeMetricFamily(
        "masthead_worker_heartbeat_age_seconds", "Seconds since a worker role's last heartbeat.",
        labels=["role", "host", "pid"],
    )  # fmt: skip
    failed = CounterMetricFamily(
        "masthead_worker_steps_failed", "Worker steps that raised (logged, run again).",
        labels=["role", "host", "pid"],
    )  # fmt: skip
    for worker in heartbeats.workers(now=now):
        if worker.state == "stopped":
            continue
        labels = [worker.beat.role, worker.beat.host, str(worker.beat.pid)]
        up.add_metric(labels, 1 if worker.state == "running" else 0)
        age.add_metric(labels, worker.age.total_seconds())
        failed.add_metric(labels, worker.beat.steps_failed)
    yield up
    yield age
    yield failed


def render() -> tuple[bytes, str]:
    """The metrics page's body and content type."""
    from prometheus_client import CONTENT_TYPE_LATEST

    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST

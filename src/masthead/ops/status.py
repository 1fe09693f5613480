"""What ``masthead status`` prints: the readiness checks, the workers, the backlogs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masthead.billing.models import LIVE_STATUSES, Subscription, WebhookEvent
from masthead.ops import health, heartbeats

# A role that stopped cleanly is listed for this long (a restart shows the old and the new).
SHOW_STOPPED_FOR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Status:
    checks: list[health.Check]
    workers: list[heartbeats.WorkerState]
    renewals_due: int
    oldest_due: dt.timedelta | None
    queues: dict[str, int]
    webhook_backlog: int
    renewals_done: int
    renewals_failed: int

    @property
    def healthy(self) -> bool:
        running = {w.beat.role for w in self.workers if w.state == "running"}
        return all(c.ok for c in self.checks) and bool(running)


def current(*, now: dt.datetime | None = None) -> Status:
    at = now or timezone.now()
    checks = health.readiness()
    if not checks[0].ok:
        return Status(checks, [], 0, None, {}, 0, 0, 0)
    due = Subscription.objects.filter(
        status__in=LIVE_STATUSES, customer__test_clock__isnull=True, next_action_at__lte=at
    ).aggregate(count=Count("pk"), oldest=Min("next_action_at"))
    queues = dict(
        DBTaskResult.objects.filter(status="READY")
        .values_list("queue_name")
        .annotate(count=Count("pk"))
        .order_by("queue_name")
        .values_list("queue_name", "count")
    )
    totals = heartbeats.renewal_totals()
    return Status(
        checks=checks,
        workers=heartbeats.workers(now=at),
        renewals_due=due["count"],
        oldest_due=at - due["oldest"] if due["oldest"] else None,
        queues=queues,
        webhook_backlog=WebhookEvent.objects.filter(processed_at__isnull=True).count(),
        renewals_done=totals.done,
        renewals_failed=totals.failed,
    )


def _ago(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds}s ago"
    if seconds < 7200:
        return f"{seconds // 60}m ago"
    return f"{seconds // 3600}h ago"


def lines(status: Status) -> list[str]:
    out = ["Health"]
    out += [f"  {'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in status.checks]
    out.append("Workers")
    if not status.workers:
        out.append("  FAIL no worker has ever run: start `masthead worker`")
    elif not any(w.state == "running" for w in status.workers):
        out.append("  FAIL no worker role is running: start `masthead worker`")
    for worker in status.workers:
        if worker.state == "stopped" and worker.age > SHOW_STOPPED_FOR:
            continue  # kept for the renewal totals, not worth a line
        beat = worker.beat
        mark = {"running": "ok  ", "stale": "FAIL", "stopped": "    "}[worker.state]
        busy = beat.current_step and worker.state != "stopped"
        step = f", in {beat.current_step}" if busy else ""
        out.append(
            f"  {mark} {beat.role:<12} {beat.host} pid {beat.pid}: {worker.state}, "
            f"last beat {_ago(worker.age)}{step}"
        )
        if beat.last_error and beat.last_error_at:
            when = _ago(timezone.now() - beat.last_error_at)
            out.append(f"       last error {when}: {beat.last_error}")
    out.append("Work waiting")
    oldest = f" (oldest due {_ago(status.oldest_due)})" if status.oldest_due else ""
    out.append(f"  renewals due: {status.renewals_due}{oldest}")
    out.append(
        f"  renewals by the workers: {status.renewals_done} done, "
        f"{status.renewals_failed} failed (tried again later)"
    )
    queued = ", ".join(f"{q} {n}" for q, n in status.queues.items()) or "none"
    out.append(f"  queued tasks: {queued}")
    out.append(f"  webhook events not yet applied: {status.webhook_backlog}")
    return out

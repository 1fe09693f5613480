"""Worker heartbeats: written by each running role, read by ``masthead status`` and metrics."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass

from django.db.models import F, Sum
from django.utils import timezone

from masthead.ops.models import WorkerHeartbeat

# A role beats after every pass (every few seconds); one that has not beaten for this long is
# shown as stale: stuck in a step, or dead without saying so.
STALE_AFTER = dt.timedelta(minutes=2)


def start(*, role: str) -> WorkerHeartbeat:
    now = timezone.now()
    host = socket.gethostname()
    pid = os.getpid()
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=f"{host}:{pid}:{role}",
        defaults={
            "host": host,
            "pid": pid,
            "role": role,
            "started_at": now,
            "beat_at": now,
            "stopped_at": None,
            "current_step": "",
        },
    )
    return beat


def beat(*, heartbeat: WorkerHeartbeat, step: str = "") -> None:
    WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
        beat_at=timezone.now(), current_step=step
    )


def step_failed(*, heartbeat: WorkerHeartbeat, step: str, error: BaseException) -> None:
    WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
        steps_failed=F("steps_failed") + 1,
        # The exception's type and message only; the traceback is in the log.
        last_error=f"{step}: {type(error).__name__}: {error}"[:1000],
        last_error_at=timezone.now(),
        beat_at=timezone.now(),
    )


def count_renewals(*, heartbeat: WorkerHeartbeat, done: int, failed: int) -> None:
    if done or failed:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
            renewals_done=F("renewals_done") + done,
            renewals_failed=F("renewals_failed") + failed,
        )


def stop(*, heartbeat: WorkerHeartbeat) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
        stopped_at=now, beat_at=now, current_step=""
    )


@dataclass(frozen=True)
class WorkerState:
    beat: WorkerHeartbeat
    state: str  # "running", "stale" or "stopped"
    age: dt.timedelta


def workers(*, now: dt.datetime | None = None) -> list[WorkerState]:
    """Every role that has ever beaten, newest first within each role, with its state."""
    at = now or timezone.now()
    states = []
    for row in WorkerHeartbeat.objects.order_by("role", "-beat_at"):
        age = at - row.beat_at
        if row.stopped_at is not None:
            state = "stopped"
        elif age > STALE_AFTER:
            state = "stale"
        else:
            state = "running"
        states.append(WorkerState(beat=row, state=state, age=age))
    return states


@dataclass(frozen=True)
class RenewalTotals:
    done: int
    failed: int


def renewal_totals() -> RenewalTotals:
    """Renewals done and failed by every worker that ever ran (rows are kept when it stops)."""
    totals = WorkerHeartbeat.objects.aggregate(
        done=Sum("renewals_done"), failed=Sum("renewals_failed")
    )
    return RenewalTotals(done=totals["done"] or 0, failed=totals["failed"] or 0)

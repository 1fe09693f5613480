"""The worker: roles that run side by side, each step isolated, a heartbeat per role.

A role is a loop of *steps* (sweeps that find due work in the database) and *queues* (tasks
waiting in the database task queue). ``masthead worker`` runs every role, each in its own thread
with its own database connection, so a 100,000-copy newsletter send or a long e-paper render
never holds up a renewal; ``masthead worker --role billing`` runs one role, for operators who
want a process (or a machine) per role. See ADR 0020.

Nothing a step raises ends the loop: the exception is logged with the step's name and the
role, counted on the heartbeat, and the step runs again on the next pass. The sweeps claim their
rows with leases, so whatever a failed step held is taken up again once the lease runs out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from masthead.access.selectors import meter_history_needed
from masthead.access.stores import DatabaseMeterStore
from masthead.billing import operations as billing_operations
from masthead.billing import renewals, webhooks
from masthead.billing.einvoice import services as einvoice
from masthead.epaper import services as epaper
from masthead.insights import services as insights
from masthead.newsletters import sending as newsletter_sending
from masthead.ops import heartbeats
from masthead.ops.background import run_queued_tasks
from masthead.ops.models import WorkerHeartbeat
from masthead.partners import services as partners

logger = logging.getLogger(__name__)
# Renewals claimed per pass: the billing role checks for SIGTERM between batches, so this is
# also the most it finishes after being asked to stop.
RENEWAL_BATCH = 200


@dataclass(frozen=True)
class Pass:
    """What one role's loop can see of the process: the stop flag and where to report."""

    stopping: threading.Event
    say: Callable[[str], None]
    heartbeat: WorkerHeartbeat


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Pass], None]
    every: float = 0.0  # seconds between runs; 0 runs it on every pass


@dataclass(frozen=True)
class Role:
    name: str
    steps: tuple[Step, ...]
    queues: tuple[str, ...] = ()
    description: str = ""


def _renew(run: Pass) -> None:
    done = failed = 0
    while not run.stopping.is_set():
        report = renewals.run_due_work(batch=RENEWAL_BATCH, limit=RENEWAL_BATCH)
        done += report.processed - report.failed
        failed += report.failed
        heartbeats.count_renewals(
            heartbeat=run.heartbeat, done=report.processed - report.failed, failed=report.failed
        )
        if report.processed < RENEWAL_BATCH:
            break
    if done or failed:
        run.say(f"billing: {done + failed} due item(s) processed, {failed} to try again later")


def _waiting_webhooks(run: Pass) -> None:
    # Events that arrived before the payment they mention was written here.
    applied = webhooks.retry_waiting()
    if applied:
        run.say(f"billing: {applied} waiting webhook event(s) applied")


def _stale_payments(run: Pass) -> None:
    # Payments whose request died mid-way, whatever their subscription's due date.
    looked_at = billing_operations.reconcile_stale_payments()
    if looked_at:
        run.say(f"billing: {looked_at} payment(s) left pending settled with the gateway's answer")


def _einvoices(run: Pass) -> None:
    # E-invoices (when on): registered, failures retried with a back-off; never blocking.
    registered = einvoice.register_due()
    if registered:
        run.say(f"billing: {registered} e-invoice(s) registered")


def _insights(run: Pass) -> None:
    # Reader events flushed, rolled up by hour and day, pruned; the revenue snapshot when due.
    insights.sweep_if_due()


def _partner_codes(run: Pass) -> None:
    given = partners.assign_codes()
    if given.assigned or given.waiting:
        run.say(
            f"partners: {given.assigned} code(s) given, {given.waiting} reader(s) waiting for codes"
        )


def _prune_meter(run: Pass) -> None:
    DatabaseMeterStore().prune(now=timezone.now(), keep=meter_history_needed())


def _abandoned_renders(run: Pass) -> None:
    # Editions whose render died with its worker: rendered again from the start.
    recovered = epaper.recover_stale_renders()
    if recovered:
        run.say(f"e-paper: {recovered} abandoned render(s) started again")


def _scheduled_sends(run: Pass) -> None:
    for send in newsletter_sending.run_due_sends(stopping=run.stopping):
        run.say(f"newsletters: issue {send.issue_id}: {send.sent} sent")


ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(
            name="billing",
            description="renewals, notices, dunning; webhook events; partner codes; the meter",
            steps=(
                Step("renewals", _renew),
                Step("waiting webhooks", _waiting_webhooks, every=60),
                Step("stale payments", _stale_payments, every=60),
                Step("e-invoices", _einvoices, every=30),
                Step("partner codes", _partner_codes, every=settings.PARTNER_SWEEP_SECONDS),
                Step("meter prune", _prune_meter, every=3600),
            ),
            queues=("billing",),
        ),
        Role(
            name="newsletters",
            description="scheduled newsletter sends and sends a dead worker left",
            steps=(Step("scheduled sends", _scheduled_sends),),
            queues=("newsletters",),
        ),
        Role(
            name="epaper",
            description="e-paper renders, and renders abandoned by a dead worker",
            steps=(Step("abandoned renders", _abandoned_renders),),
            queues=("epaper",),
        ),
        Role(
            name="insights",
            description="reader events rolled up; the revenue dashboard's snapshot",
            steps=(Step("events and rollups", _insights),),
        ),
        Role(
            name="email",
            description="transactional email: receipts, notices, confirmations, codes",
            steps=(),
            queues=("email", "default"),
        ),
    )
}


def _queued(role: Role) -> Step:
    def run(run: Pass) -> None:
        ran = run_queued_tasks(
            worker_id=run.heartbeat.worker_id, queues=role.queues, stopping=run.stopping
        )
        if ran:
            run.say(f"{role.name}: {ran} queued task(s) run")

    return Step(f"queue {','.join(role.queues)}", run)


def run_role(
    *,
    role: Role,
    stopping: threading.Event,
    say: Callable[[str], None],
    interval: float,
    once: bool = False,
) -> None:
    """Run one role's loop until ``stopping`` is set (or once). Never raises for a step."""
    heartbeat = heartbeats.start(role=role.name)
    run = Pass(stopping=stopping, say=say, heartbeat=heartbeat)
    steps = (*role.steps, _queued(role)) if role.queues else role.steps
    last_ran: dict[str, float] = {}
    try:
        while True:
            close_old_connections()
            for step in steps:
                if stopping.is_set():
                    break
                if step.every and time.monotonic() - last_ran.get(step.name, -1e12) < step.every:
                    continue
                _run_step(step=step, run=run, role=role)
                last_ran[step.name] = time.monotonic()
            _beat(heartbeat)
            if once or stopping.is_set():
                break
            stopping.wait(interval)
    finally:
        try:
            heartbeats.stop(heartbeat=heartbeat)
        finally:
            connection.close()


def _run_step(*, step: Step, run: Pass, role: Role) -> None:
    try:
        heartbeats.beat(heartbeat=run.heartbeat, step=step.name)
        step.run(run)
    except Exception as exc:
        # Anything at all: the step is tried again on the next pass, the role goes on.
        logger.exception(
            "worker role %s: step %r failed; it runs again on the next pass",
            role.name,
            step.name,
            extra={"worker_role": role.name, "worker_step": step.name},
        )
        close_old_connections()
        try:
            heartbeats.step_failed(heartbeat=run.heartbeat, step=step.name, error=exc)
        except Exception:
            logger.exception("worker role %s: could not record the failure", role.name)


def _beat(heartbeat: WorkerHeartbeat) -> None:
    try:
        heartbeats.beat(heartbeat=heartbeat)
    except Exception:
        # The database is away: the next pass tries again; the role stays up.
        logger.exception("worker role %s: heartbeat not written", heartbeat.role)
        close_old_connections()


def run_roles(
    *,
    roles: list[Role],
    stopping: threading.Event,
    say: Callable[[str], None],
    interval: float,
    once: bool = False,
) -> None:
    """Run several roles side by side, one thread each; return when all have stopped."""
    if len(roles) == 1:
        run_role(role=roles[0], stopping=stopping, say=say, interval=interval, once=once)
        return
    threads = [
        threading.Thread(
            target=run_role,
            kwargs={
                "role": role,
                "stopping": stopping,
                "say": say,
                "interval": interval,
                "once": once,
            },
            name=f"worker-{role.name}",
            # Not a daemon: on SIGTERM each role finishes the step it is in and says so.
            daemon=False,
        )
        for role in roles
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

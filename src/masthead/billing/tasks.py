"""Background work for billing. Emails are sent by the worker, never inside a request.

Tasks take ids, reload what they need and do nothing if it is gone, so running one twice or
late is harmless. They are enqueued only after the transaction that asked for them commits.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json

from masthead.billing import emails


@task(queue_name="email")
def send_receipt(*, invoice_id: int) -> None:
    emails.send_receipt(invoice_id=invoice_id)


@task(queue_name="email")
def send_renewal_succeeded(*, invoice_id: int) -> None:
    emails.send_renewal_succeeded(invoice_id=invoice_id)


@task(queue_name="email")
def send_pre_debit_notice(*, notice_id: int) -> None:
    emails.send_pre_debit_notice(notice_id=notice_id)


@task(queue_name="email")
def send_payment_failed(*, subscription_id: int, failure_message: str) -> None:
    emails.send_payment_failed(subscription_id=subscription_id, failure_message=failure_message)


@task(queue_name="email")
def send_cancellation_confirmed(*, subscription_id: int) -> None:
    emails.send_cancellation_confirmed(subscription_id=subscription_id)


@task(queue_name="email")
def send_access_ending_soon(*, subscription_id: int) -> None:
    emails.send_access_ending_soon(subscription_id=subscription_id)


# The worker's billing role runs these (masthead.ops.worker).
@task(queue_name="billing")
def process_webhook(*, event_pk: int) -> None:
    from masthead.billing.webhooks import process_event

    process_event(event_pk=event_pk)


def after_commit(work: Task[Any, Any], **kwargs: Any) -> None:
    """Enqueue once the surrounding transaction commits (at once if there is none)."""
    transaction.on_commit(partial(work.enqueue, **kwargs))


def after_commit_many(work: Task[Any, Any], calls: list[dict[str, Any]]) -> None:
    """Enqueue many calls once the surrounding transaction commits, in one transaction of
    their own: a batch of renewals queues its emails with one COMMIT, not one each."""
    if not calls:
        return

    transaction.on_commit(partial(enqueue_many, work, calls))


def enqueue_many(work: Task[Any, Any], calls: list[dict[str, Any]]) -> None:
    """Enqueue ``work`` once per keyword set, in one transaction.

    On the database queue (production's) the rows go in with one multi-row INSERT: a batch of
    200 renewals spent more time queueing its 200 emails one INSERT at a time than settling
    them. The rows are the ones ``DatabaseBackend.enqueue`` writes (django-tasks-db is pinned to
    0.13.x, whose ``_get_id`` this reuses); any other backend gets one ``enqueue`` per call.
    """
    # Models: not at import time. bulk_create skips the pre_save signal that turns "no
    # run_after" into the backend's far-future marker, so it is set here as that signal does.
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = work.get_backend()
    with transaction.atomic():
        if not isinstance(backend, DatabaseBackend):
            for kwargs in calls:
                work.enqueue(**kwargs)
            return
        backend.validate_task(work)
        DBTaskResult.objects.bulk_create(
            [
                DBTaskResult(
                    id=backend._get_id(),  # the backend's own id rule
                    args_kwargs=normalize_json({"args": [], "kwargs": kwargs}),
                    priority=work.priority,
                    task_path=work.module_path,
                    queue_name=work.queue_name,
                    run_after=work.run_after or get_date_max(),
                    backend_name=backend.alias,
                )
                for kwargs in calls
            ]
        )

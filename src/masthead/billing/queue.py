"""Enqueueing billing's background work once the transaction that asked for it commits.

One place every billing module enqueues through (services, renewals, webhooks), importing no
billing module itself, so that the tasks' own modules can import the services they run without
an import cycle.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json

from masthead.core.bulk import insert_rows


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

    On the database queue (production's) the rows go in at once (``core.bulk.insert_rows``: a
    COPY on PostgreSQL, a multi-row INSERT elsewhere): a batch of
    200 renewals spent more time queueing its 200 emails one INSERT at a time than settling
    them. The rows are the ones ``DatabaseBackend.enqueue`` writes (django-tasks-db is pinned to
    0.13.x, whose ``_get_id`` this reuses); any other backend gets one ``enqueue`` per call.
    """
    # Models: not at import time. insert_rows skips the pre_save signal that turns "no
    # run_after" into the backend's far-future marker, so it is set here as that signal does.
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = work.get_backend()
    with transaction.atomic():
        if not isinstance(backend, DatabaseBackend):
            for kwargs in calls:
                work.enqueue(**kwargs)
            return
        backend.validate_task(work)
        insert_rows(
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

"""Background work for newsletters. Tasks take ids and are safe to run twice or late."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

from masthead.newsletters import emails, sending


# The worker's newsletters role: a large send never holds up receipts or renewals.
@task(queue_name="newsletters")
def send_issue(*, issue_id: int) -> None:
    # Resumable: the worker's sweep also picks up any send this task did not finish.
    sending.send_issue(issue_id=issue_id)


@task(queue_name="email")
def send_confirmation(*, signup_ids: list[int], email: str) -> None:
    emails.send_confirmation(signup_ids=signup_ids, email=email)


def after_commit(work: Task[Any, Any], **kwargs: Any) -> None:
    """Enqueue once the surrounding transaction commits (at once if there is none)."""
    transaction.on_commit(partial(work.enqueue, **kwargs))

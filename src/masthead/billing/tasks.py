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


@task()
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

    def enqueue_all() -> None:
        with transaction.atomic():
            for kwargs in calls:
                work.enqueue(**kwargs)

    transaction.on_commit(enqueue_all)

"""Background work for billing. Emails are sent by the worker, never inside a request.

Tasks take ids, reload what they need and do nothing if it is gone, so running one twice or
late is harmless. They are enqueued only after the transaction that asked for them commits
(``billing.queue``). Webhook processing is ``webhooks.process_webhook``, beside what it runs.
"""

from __future__ import annotations

from django_tasks import task

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

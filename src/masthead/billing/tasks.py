"""Background work for billing. Emails are sent by the worker, never inside a request.

Tasks take ids, reload what they need and do nothing if it is gone, so running one twice or
late is harmless. They are enqueued only after the transaction that asked for them commits
(``billing.queue``). Webhook processing is ``webhooks.process_webhook``, beside what it runs.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from masthead.billing import emails, event_emails


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


@task(queue_name="email")
def send_mandate_stopped(*, subscription_id: int) -> None:
    emails.send_mandate_stopped(subscription_id=subscription_id)


@task(queue_name="email")
def send_price_change_notice(*, subscription_id: int) -> None:
    emails.send_price_change_notice(subscription_id=subscription_id)


# --- Emails that say what just happened (billing.event_emails) ------------------------------


@task(queue_name="email")
def send_refund_issued(*, credit_note_id: int) -> None:
    event_emails.send_refund_issued(credit_note_id=credit_note_id)


@task(queue_name="email")
def send_subscription_ended(*, subscription_id: int) -> None:
    event_emails.send_subscription_ended(subscription_id=subscription_id)


@task(queue_name="email")
def send_staff_ended(*, subscription_id: int, refunded_minor: int, note: str = "") -> None:
    event_emails.send_staff_ended(
        subscription_id=subscription_id, refunded_minor=refunded_minor, note=note
    )


@task(queue_name="email")
def send_complimentary_time(*, subscription_id: int, label: str, note: str = "") -> None:
    event_emails.send_complimentary_time(subscription_id=subscription_id, label=label, note=note)


@task(queue_name="email")
def send_complimentary_access(*, customer_id: int, label: str, until: str, note: str = "") -> None:
    # ``until`` travels as ISO 8601: task arguments are JSON.
    event_emails.send_complimentary_access(
        customer_id=customer_id, label=label, until=dt.datetime.fromisoformat(until), note=note
    )


@task(queue_name="email")
def send_plan_changed(*, invoice_id: int) -> None:
    event_emails.send_plan_changed(invoice_id=invoice_id)


@task(queue_name="email")
def send_downgrade_scheduled(*, subscription_id: int) -> None:
    event_emails.send_downgrade_scheduled(subscription_id=subscription_id)


@task(queue_name="email")
def send_payment_approval_needed(*, subscription_id: int) -> None:
    event_emails.send_payment_approval_needed(subscription_id=subscription_id)

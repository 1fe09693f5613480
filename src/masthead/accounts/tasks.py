"""Account emails (sign-up verification, password reset) go out from the worker, like every
other email: the request renders them and queues them once its transaction commits."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from masthead.accounts.emails import AccountEmail


@task(queue_name="email")
def send_account_email(
    *, subject: str, from_email: str, to: list[str], text: str, html: str, message_id: str
) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=to,
        # The same Message-ID if the worker sends it again after a crash: one message.
        headers={"Message-ID": message_id},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def queue(email: AccountEmail) -> None:
    """Enqueue for the worker. The database queue writes the task in the request's own
    transaction, so the worker sees it only once that commits, and never if it rolls back:
    the same guarantee as enqueueing on commit, and allauth's views mostly run outside any
    transaction anyway (then the task is committed at once)."""
    send_account_email.enqueue(
        subject=email.subject,
        from_email=email.from_email,
        to=email.to,
        text=email.text,
        html=email.html,
        message_id=email.message_id,
    )

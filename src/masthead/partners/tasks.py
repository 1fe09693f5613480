"""Background work for partner codes: the code's email, sent by the worker after the claim
commits. Idempotent: a code already emailed is not emailed again."""

from __future__ import annotations

from django_tasks import task

from masthead.partners import emails


@task(queue_name="email")
def send_partner_code(*, code_id: int) -> None:
    emails.send_partner_code(code_id=code_id)

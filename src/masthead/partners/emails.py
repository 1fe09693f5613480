"""The email that gives a reader their partner code (plain text and HTML).

The code is in the message, because that is the point of it, and nowhere else: nothing here
logs it. The send is claimed first (``emailed_at`` set where empty), so two workers never both
send; if sending fails the claim is released and the error propagates, so the worker retries.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from masthead.partners.models import PartnerCode

logger = logging.getLogger(__name__)


def send_partner_code(*, code_id: int) -> bool:
    """Email the reader their code once. False if already sent, or nobody to send it to."""
    code = PartnerCode.objects.select_related("pool", "claimed_by").filter(pk=code_id).first()
    if code is None or code.claimed_by is None or not code.claimed_by.email:
        return False
    claimed = PartnerCode.objects.filter(pk=code.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    context = {
        "publisher_name": settings.PUBLISHER_NAME,
        "pool": code.pool,
        "code": code.code,
        "page_url": settings.SITE_URL + reverse("partners:mine"),
    }
    subject = f"Your {code.pool.partner_name} code from {settings.PUBLISHER_NAME}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("partners/emails/code.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[code.claimed_by.email],
    )
    message.attach_alternative(render_to_string("partners/emails/code.html", context), "text/html")
    try:
        message.send()
    except Exception:
        PartnerCode.objects.filter(pk=code.pk).update(emailed_at=None)
        logger.warning("could not email partner code #%s; it will be retried", code.pk)
        raise
    logger.info("partner code #%s emailed to reader %s", code.pk, code.claimed_by_id)
    return True

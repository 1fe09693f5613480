"""The one email newsletters send outside an issue: "confirm your address" (double opt-in)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from masthead.newsletters.models import Signup, SignupStatus
from masthead.newsletters.tokens import CONFIRM_MAX_AGE, confirm_token


def confirm_url(*, signup_ids: list[int], email: str) -> str:
    token = confirm_token(signup_ids=signup_ids, email=email)
    return settings.SITE_URL + reverse("newsletters:confirm", args=[token])


def send_confirmation(*, signup_ids: list[int], email: str) -> None:
    pending = list(
        Signup.objects.filter(pk__in=signup_ids, email=email, status=SignupStatus.PENDING)
        .select_related("newsletter")
        .order_by("newsletter__position")
    )
    if not pending:
        return  # confirmed meanwhile, or gone: nothing to ask
    context = {
        "newsletters": [s.newsletter for s in pending],
        "confirm_url": confirm_url(signup_ids=[s.pk for s in pending], email=email),
        "days": CONFIRM_MAX_AGE // 86400,
        "publisher_name": settings.PUBLISHER_NAME,
    }
    message = EmailMultiAlternatives(
        subject=f"Confirm your newsletters from {settings.PUBLISHER_NAME}",
        body=render_to_string("newsletters/emails/confirm.txt", context),
        from_email=f"{settings.PUBLISHER_NAME} <{settings.NEWSLETTERS_FROM_EMAIL}>",
        to=[email],
    )
    message.attach_alternative(
        render_to_string("newsletters/emails/confirm.html", context), "text/html"
    )
    message.send()

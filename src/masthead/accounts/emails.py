"""Account emails as allauth renders them, made ready for the worker: text and HTML bodies and a
Message-ID on the site's own domain (Django's default would end ``@localhost`` or the machine's
name, which spam filters distrust; RFC 5322 §3.6.4 asks for a domain the sender controls)."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives


@dataclass(frozen=True)
class AccountEmail:
    subject: str
    from_email: str
    to: list[str]
    text: str
    html: str
    message_id: str


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def ready_to_queue(message: EmailMessage) -> AccountEmail:
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((str(body) for body, kind in message.alternatives if kind == "text/html"), "")
    return AccountEmail(
        subject=str(message.subject),
        from_email=str(message.from_email),
        to=[str(address) for address in message.to],
        text=str(message.body),
        html=html,
        message_id=make_msgid(idstring="account", domain=site_domain()),
    )

"""Which email backend newsletters go through, and a faster subclass of Django's SMTP backend.

``SMTPBackend`` is Django's SMTP backend (same settings, connection, TLS, authentication and
errors) with one difference: a ``NewsletterEmail`` that carries its pre-built bytes (see
``rendering``) is sent as those bytes, with the From address parsed once per connection rather
than once per message. Every other message goes through Django's own code unchanged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import EmailMessage, sanitize_address

DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"
FAST_SMTP = "masthead.newsletters.mail.SMTPBackend"


def backend_for_newsletters() -> str | None:
    """Our subclass where Django's SMTP backend is configured; else the configured backend."""
    return FAST_SMTP if settings.EMAIL_BACKEND == DJANGO_SMTP else None


class SMTPBackend(EmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._senders: dict[str, str] = {}

    def _send(self, email_message: EmailMessage) -> bool:
        prebuilt: bytes | None = getattr(email_message, "prebuilt", None)
        if prebuilt is None or self.connection is None:
            return bool(super()._send(email_message))  # type: ignore[misc]
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        sender = self._senders.get(email_message.from_email)
        if sender is None:
            sender = sanitize_address(email_message.from_email, encoding)
            self._senders[email_message.from_email] = sender
        recipients = [
            a if _plain_address(a) else sanitize_address(a, encoding)
            for a in email_message.recipients()
        ]
        try:
            self.connection.sendmail(sender, recipients, prebuilt)
        except Exception:
            if not self.fail_silently:
                raise
            return False
        return True


_ADDRESS_SPECIALS = frozenset(' \t\r\n<>()[],;:"\\')


def _plain_address(address: str) -> bool:
    """A bare ASCII address (as sign-ups store them): nothing for sanitize_address to do."""
    return (
        address.isascii()
        and address.count("@") == 1
        and not any(c in _ADDRESS_SPECIALS for c in address)
    )

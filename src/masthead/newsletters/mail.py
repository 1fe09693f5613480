"""Which email backend newsletters go through, and a faster subclass of Django's SMTP backend.

``SMTPBackend`` is Django's SMTP backend (same settings, connection, TLS, authentication and
errors) with two additions:

- a ``NewsletterEmail`` that carries its pre-built bytes (see ``rendering``) is sent as those
  bytes, with the From address parsed once per connection rather than once per message;
- ``pipeline()``: a ``Pipeline`` over the open connection that hands pre-built messages to the
  server one after another, each message's envelope travelling with the previous message's
  content (RFC 2920 PIPELINING, when the server offers it).

Every other message goes through Django's own code unchanged.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
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

    def pipeline(self, *, from_email: str) -> Pipeline | None:
        """A pipeline over the open connection, or None if there is no connection."""
        if self.connection is None:
            return None
        return Pipeline(self.connection, sender=self._sender(from_email))

    def _sender(self, from_email: str) -> str:
        sender = self._senders.get(from_email)
        if sender is None:
            sender = sanitize_address(from_email, settings.DEFAULT_CHARSET)
            self._senders[from_email] = sender
        return sender

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
            a if plain_address(a) else sanitize_address(a, encoding)
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


def plain_address(address: str) -> bool:
    """A bare ASCII address (as sign-ups store them): nothing for sanitize_address to do."""
    return address.isascii() and address.count("@") == 1 and _ADDRESS_SPECIALS.isdisjoint(address)


_LINE_STARTING_WITH_A_DOT = re.compile(rb"(?m)^\.")


class Pipeline:
    """Pre-built messages to one SMTP server, one at a time, one round trip each.

    ``send(to=..., data=..., following=...)`` hands one message over and returns once the server
    has accepted it (or raises what ``smtplib.SMTP.sendmail`` would raise: ``SMTPSenderRefused``,
    ``SMTPRecipientsRefused``, ``SMTPDataError``, ``SMTPServerDisconnected``). When the server
    offers PIPELINING, the envelope of ``following`` (MAIL, RCPT, DATA) is written with this
    message's content, and its replies are read at the next ``send``. The next message's
    *content* is still written only after this message's reply and after the caller's next call:
    at most one message is ever on the wire unanswered, as with ``sendmail``. A caller that does
    not send ``following`` after all calls ``close()`` (the server drops the open transaction
    with the connection). ``to`` must be a plain ASCII address (``plain_address``).
    """

    def __init__(self, smtp: smtplib.SMTP, *, sender: str) -> None:
        smtp.ehlo_or_helo_if_needed()
        self.smtp = smtp
        self.pipelining = bool(smtp.does_esmtp and smtp.has_extn("pipelining"))
        self.sizes = bool(smtp.does_esmtp and smtp.has_extn("size"))
        self.mail_from = smtplib.quoteaddr(sender).encode("ascii")
        self._pending: str | None = None  # the recipient whose envelope is on the wire

    def _envelope(self, to: str, size: int) -> list[bytes]:
        mail = b"MAIL FROM:" + self.mail_from
        if self.sizes:
            mail += b" SIZE=%d" % size
        return [mail + b"\r\n", b"RCPT TO:<" + to.encode("ascii") + b">\r\n", b"DATA\r\n"]

    def send(self, *, to: str, data: bytes, following: tuple[str, int] | None = None) -> None:
        """Hand ``data`` to ``to``; ``following``: the next message's (recipient, size)."""
        if not self.pipelining:
            following = None
        if self._pending is None:
            commands = self._envelope(to, len(data))
            if self.pipelining:
                self.smtp.send(b"".join(commands))
                replies = [self.smtp.getreply() for _ in commands]
            else:
                replies = []
                for command in commands:
                    self.smtp.send(command)
                    replies.append(self.smtp.getreply())
                    if replies[-1][0] not in (250, 251):
                        break
        elif self._pending != to:
            raise ValueError(f"the envelope on the wire is for {self._pending}, not {to}")
        else:
            replies = [self.smtp.getreply() for _ in range(3)]
        self._pending = None
        self._check_envelope(to, replies)
        content = _LINE_STARTING_WITH_A_DOT.sub(b"..", data) if b"\n." in data else data
        if not content.endswith(b"\r\n"):
            content += b"\r\n"
        out = [content, b".\r\n"]
        if following is not None:
            out.extend(self._envelope(*following))
        self.smtp.send(b"".join(out))
        if following is not None:
            self._pending = following[0]
        code, reply = self.smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)

    def _check_envelope(self, to: str, replies: list[tuple[int, bytes]]) -> None:
        mail = replies[0]
        if mail[0] != 250:
            self._reset()
            raise smtplib.SMTPSenderRefused(mail[0], mail[1], self.mail_from.decode())
        rcpt = replies[1] if len(replies) > 1 else (-1, b"")
        data = replies[2] if len(replies) > 2 else (-1, b"")
        if rcpt[0] not in (250, 251):
            if data[0] == 354:
                # DATA must fail when no recipient was accepted (RFC 2920 3.1); a server that
                # waits for content anyway would read RSET as content: drop the conversation.
                self.smtp.close()
            else:
                self._reset()
            raise smtplib.SMTPRecipientsRefused({to: rcpt})
        if data[0] != 354:
            self._reset()
            raise smtplib.SMTPDataError(data[0], data[1])

    def _reset(self) -> None:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            self.smtp.rset()

    def close(self) -> None:
        """Give up on an envelope already on the wire: close the connection without QUIT (in
        DATA mode the server would take QUIT as content), so the server drops the transaction."""
        if self._pending is not None:
            self._pending = None
            self.smtp.close()

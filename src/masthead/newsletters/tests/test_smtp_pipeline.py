"""Sending through a real SMTP server (the aiosmtpd sink, which offers PIPELINING): the path a
production send takes, where each message is pre-built bytes with the recipient's own parts
filled in and copies go down one pipelined conversation."""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from email.message import EmailMessage
from typing import Any

import pytest
from django.utils import timezone

from masthead.newsletters import sending, services
from masthead.newsletters.models import Delivery, DeliveryStatus, IssueStatus, Signup
from masthead.newsletters.sink import Received, Sink
from masthead.newsletters.tests.conftest import active_signup, issue, newsletter, reader
from masthead.newsletters.tests.takeover import send_taken_over
from masthead.newsletters.tokens import read_unsubscribe_token

pytestmark = pytest.mark.django_db

UNSUBSCRIBE_PATH = re.compile(r"/newsletters/u/([^/<>\s\"]+)/")


@pytest.fixture
def smtp(settings: Any) -> Any:
    """A sink on 127.0.0.1, and Django's SMTP backend pointed at it."""
    with Sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink


def _send(made: Any, **kwargs: Any) -> sending.SendReport:
    services.schedule(issue_id=made.pk, send_at=timezone.now())
    return sending.send_issue(issue_id=made.pk, **kwargs)


def _parsed(received: Received) -> EmailMessage:
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def _once_each(messages: list[Received]) -> dict[str, Received]:
    got = Counter(rcpt for m in messages for rcpt in m.rcpt_tos)
    assert set(got.values()) == {1}, f"someone got it twice: {got}"
    return {m.rcpt_tos[0]: m for m in messages}


def test_each_message_carries_its_own_recipients_unsubscribe_link_and_nobody_elses(
    smtp: Sink, client: Any
) -> None:
    from django.conf import settings as django_settings

    news = newsletter()
    names = {"asha@example.com": "Asha", "ravi@example.com": "Ravi"}
    for address, name in names.items():
        active_signup(news, user=reader(address, first_name=name))
    for number in range(4):
        active_signup(news, f"anon{number}@example.com")
    made = issue(news)

    report = _send(made, batch_size=3)  # two batches: two conversations

    assert (report.sent, report.failed, report.finished) == (6, 0, True)
    signups = dict(Signup.objects.filter(newsletter=news).values_list("email", "pk"))
    deliveries = dict(Delivery.objects.filter(issue=made).values_list("email", "pk"))
    got = _once_each(smtp.messages)
    assert sorted(got) == sorted(signups)
    tokens: dict[str, str] = {}
    for address, received in got.items():
        message = _parsed(received)
        assert message["To"] == address
        header = str(message["List-Unsubscribe"])
        (token,) = UNSUBSCRIBE_PATH.findall(header)
        # The real verifier says the link unsubscribes this recipient's own sign-up.
        assert read_unsubscribe_token(token) == signups[address]
        assert header == f"<{django_settings.SITE_URL}/newsletters/u/{token}/>"
        assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        assert str(message["Message-ID"]) == (
            f"<issue-{made.pk}.copy-{deliveries[address]}@example.com>"
        )
        assert message["Date"] is not None
        # The same link in both bodies; the greeting names this recipient or nobody.
        assert UNSUBSCRIBE_PATH.findall(_text(message)) == [token]
        assert token in _html(message)
        known = names.get(address)
        assert _text(message).startswith(f"Hello {known},\n" if known else "Hello,\n")
        tokens[address] = token
    assert len(set(tokens.values())) == len(tokens)
    for address, received in got.items():
        raw = received.data.decode()
        for other, token in tokens.items():
            if other != address:
                assert token not in raw, f"{other}'s link in {address}'s message"
                assert other not in raw, f"{other}'s address in {address}'s message"
        for other_name in set(names.values()) - {names.get(address)}:
            assert f"Hello {other_name}" not in raw

    # One click (RFC 8058: a POST to the header's URL) takes off that recipient alone.
    path = str(_parsed(got["ravi@example.com"])["List-Unsubscribe"])[1:-1]
    response = client.post(
        path.removeprefix(django_settings.SITE_URL), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code < 400
    statuses = dict(Signup.objects.filter(newsletter=news).values_list("email", "status"))
    assert statuses.pop("ravi@example.com") != "active"
    assert set(statuses.values()) == {"active"}


def test_a_line_of_the_issue_that_starts_with_a_dot_arrives_whole(smtp: Sink) -> None:
    """SMTP ends a message at a line holding a single dot: the sender must double a leading dot
    (RFC 5321 4.5.2), or the server cuts the message short or reads the rest as commands."""
    news = newsletter()
    active_signup(news, "dots@example.com")
    introduction = "Good morning.\n\n.NET shares rose.\n\n.\n\nThat was the news."
    made = issue(news, introduction=introduction)

    _send(made)

    (received,) = smtp.messages
    text = _text(_parsed(received))
    assert ".NET shares rose." in text
    assert "\n.\n" in text
    assert "That was the news." in text


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelining", "lockstep"])
def test_a_refused_recipient_mid_conversation_fails_alone_and_the_next_still_go(
    settings: Any, pipelining: bool
) -> None:
    """Also against a server that does not offer PIPELINING: one command, one reply."""
    news = newsletter()
    addresses = [f"reader{i}@example.com" for i in range(5)]
    for address in addresses:
        active_signup(news, address)
    made = issue(news)
    with Sink(refuse=frozenset({"reader2@example.com"}), pipelining=pipelining) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        report = _send(made, batch_size=5)
        messages = sink.messages

    assert (report.sent, report.failed, report.finished) == (4, 1, True)
    got = _once_each(messages)
    assert sorted(got) == [a for a in addresses if a != "reader2@example.com"]
    failed = Delivery.objects.get(issue=made, status=DeliveryStatus.FAILED)
    assert failed.email == "reader2@example.com" and "550" in failed.error


def test_a_name_outside_ascii_goes_between_pipelined_copies_on_the_same_server(
    smtp: Sink,
) -> None:
    news = newsletter()
    active_signup(news, "first@example.com")
    active_signup(news, user=reader("asha@example.com", first_name="आशा"))
    active_signup(news, "last@example.com")
    made = issue(news)

    report = _send(made, batch_size=3)

    assert report.sent == 3
    got = _once_each(smtp.messages)
    assert _text(_parsed(got["asha@example.com"])).startswith("Hello आशा,")
    for address in ("first@example.com", "last@example.com"):
        assert _text(_parsed(got[address])).startswith("Hello,")


def test_a_sender_that_lost_its_claim_drops_the_envelope_it_had_sent_ahead(
    smtp: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next copy's envelope travels with the copy before it; when the claim lapses before
    that next copy, the sender leaves without sending it, and the one that took over sends it,
    once."""

    news = newsletter()
    addresses = [f"reader{i}@example.com" for i in range(5)]
    for address in addresses:
        active_signup(news, address)
    made = issue(news)
    services.schedule(issue_id=made.pk, send_at=timezone.now())
    first, second = send_taken_over(
        monkeypatch=monkeypatch, issue_id=made.pk, sent=lambda: smtp.count
    )

    assert (first.sent, second.sent) == (2, 3)
    assert sorted(_once_each(smtp.messages)) == addresses
    made.refresh_from_db()
    assert made.status == IssueStatus.SENT


def test_listing_again_after_a_crash_adds_nobody_twice(smtp: Sink) -> None:
    """The list is written before ``recipients_listed_at``; a crash between the two lists again."""
    news = newsletter()
    for number in range(3):
        active_signup(news, f"list{number}@example.com")
    made = issue(news)
    now = timezone.now()
    assert sending.list_recipients(issue=made, now=now) == 3
    made.recipients_listed_at = None  # as if the process died before noting the list was made
    made.save(update_fields=["recipients_listed_at"])
    active_signup(news, "late@example.com")

    assert sending.list_recipients(issue=made, now=now) == 4
    rows = list(Delivery.objects.filter(issue=made).values_list("email", "status", "claim"))
    assert sorted(rows) == sorted(
        (address, DeliveryStatus.PENDING, "")
        for address in ["late@example.com", *(f"list{n}@example.com" for n in range(3))]
    )
    _send(made)
    assert sorted(_once_each(smtp.messages)) == sorted(r[0] for r in rows)


def test_the_bytes_on_the_wire_are_the_email_django_would_build() -> None:
    """``wire`` skips building the email object; what it returns is the same email."""
    from masthead.access.identity import Reader
    from masthead.newsletters.rendering import IssueRenderer, Recipient

    news = newsletter()
    user = reader("wire@example.com", first_name="Meera")
    signup = active_signup(news, user=user)
    renderer = IssueRenderer.for_issue(issue=issue(news), now=timezone.now())
    recipient = Recipient(
        email=user.email, signup_id=signup.pk, user_id=user.pk, first_name="Meera",
        message_id="issue-7.copy-9",
    )  # fmt: skip
    who = Reader(user_id=user.pk, anonymous_id=None)
    wire = renderer.wire(recipient=recipient, reader=who)
    django_built = renderer.message(recipient=recipient, reader=who).message()
    assert wire is not None
    ours = email.message_from_bytes(wire, policy=email.policy.default)
    theirs = email.message_from_bytes(
        django_built.as_bytes(linesep="\r\n"),  # type: ignore[call-arg]
        policy=email.policy.default,
    )
    assert isinstance(ours, EmailMessage) and isinstance(theirs, EmailMessage)
    for name in ("To", "From", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert str(ours[name]).strip() == str(theirs[name]).strip(), name
    assert str(ours["Message-ID"]) == "<issue-7.copy-9@example.com>"
    assert _text(ours) == _text(theirs)
    assert _html(ours) == _html(theirs)
    assert _text(ours).startswith("Hello Meera,\n")


def test_a_name_with_html_characters_is_escaped_in_the_html_and_kept_in_the_text(
    smtp: Sink,
) -> None:
    news = newsletter()
    active_signup(news, user=reader("amp@example.com", first_name='Tom & "Jerry" <b>'))
    _send(issue(news))

    (received,) = smtp.messages
    message = _parsed(received)
    assert _text(message).startswith('Hello Tom & "Jerry" <b>,\n')
    assert "Hello Tom &amp; &quot;Jerry&quot; &lt;b&gt;," in _html(message)
    assert "<b>," not in _html(message)

"""Sending an issue: what each recipient sees is the gate's answer, everyone gets it once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masthead.access.models import Grant
from masthead.access.services import revoke_grants
from masthead.newsletters import sending, services
from masthead.newsletters.models import (
    Audience,
    Delivery,
    DeliveryStatus,
    IssueStatus,
    SuppressionReason,
)
from masthead.newsletters.tests.conftest import (
    active_signup,
    issue,
    newsletter,
    reader,
    subscriber,
)
from masthead.newsletters.tests.takeover import send_taken_over
from masthead.ops.testing import PARAGRAPHS

pytestmark = pytest.mark.django_db

SECRETS = [p for p in PARAGRAPHS if p.startswith("SECRET")]


def _schedule_now(made: Any) -> None:
    services.schedule(issue_id=made.pk, send_at=timezone.now())


def _body_of(message: Any) -> str:
    return message.body + "\n" + "".join(str(a[0]) for a in message.alternatives)


def _by_recipient(outbox: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for message in outbox:
        (to,) = message.to
        assert to not in found, f"{to} got the issue twice"
        found[to] = message
    return found


def test_a_free_recipient_never_gets_the_full_text_of_a_gated_story(
    mailoutbox: list[Any], gated_stories: list[Any]
) -> None:
    """Ghost's bug: premium posts' full text reached free members by email."""
    news = newsletter()
    paying = subscriber("paying@example.com")
    free_account = reader("free@example.com")
    active_signup(news, user=paying)
    active_signup(news, user=free_account)
    active_signup(news, "no-account@example.com")
    made = issue(news, gated_stories)
    _schedule_now(made)

    report = sending.send_issue(issue_id=made.pk)

    assert report.sent == 3
    got = _by_recipient(mailoutbox)
    for address in ("free@example.com", "no-account@example.com"):
        body = _body_of(got[address])
        for secret in SECRETS:
            # The free story is free for everyone: in full. The gated two: never.
            assert body.count(secret) == 2, f"{address}: free story's text, in text and HTML"
        for story in gated_stories:
            assert story.headline in body and story.standfirst in body
            assert story.get_absolute_url() in body
        assert "Subscribers read this story in full" in body
    paying_body = _body_of(got["paying@example.com"])
    for secret in SECRETS:
        assert paying_body.count(secret) == 6, "a subscriber reads all three in full"


def test_every_email_carries_one_click_unsubscribe_headers(mailoutbox: list[Any]) -> None:
    news = newsletter()
    signup = active_signup(news, "one@example.com")
    made = issue(news)
    _schedule_now(made)
    sending.send_issue(issue_id=made.pk)

    (message,) = mailoutbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    assert "/newsletters/u/" in header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header[1:-1] in message.body, "the link works without signing in, in the body too"
    assert message.extra_headers["Message-ID"].startswith(f"<issue-{made.pk}.copy-")
    assert signup.email in message.to


def test_recipients_are_greeted_by_name_when_we_know_it(mailoutbox: list[Any]) -> None:
    news = newsletter()
    active_signup(news, user=reader("asha@example.com", first_name="Asha"))
    active_signup(news, "anon@example.com")
    made = issue(news)
    _schedule_now(made)
    sending.send_issue(issue_id=made.pk)
    got = _by_recipient(mailoutbox)
    assert got["asha@example.com"].body.startswith("Hello Asha,")
    assert got["anon@example.com"].body.startswith("Hello,")


def test_a_reader_who_loses_the_benefit_stops_getting_subscriber_newsletters_only(
    mailoutbox: list[Any],
) -> None:
    free_list = newsletter("markets")
    subscribers_list = newsletter("finance", audience=Audience.SUBSCRIBERS)
    user = subscriber("lapsed@example.com")
    active_signup(free_list, user=user)
    active_signup(subscribers_list, user=user)
    revoke_grants(grants=list(Grant.objects.filter(user=user)), revoked_by=None)

    for news in (free_list, subscribers_list):
        made = issue(news)
        _schedule_now(made)
        sending.send_issue(issue_id=made.pk)

    assert [m.subject for m in mailoutbox] == [free_list.issues.get().subject]


def test_suppressed_and_unsubscribed_addresses_are_not_sent_to(mailoutbox: list[Any]) -> None:
    news = newsletter()
    active_signup(news, "bounced@example.com")
    gone = active_signup(news, "gone@example.com")
    active_signup(news, "fine@example.com")
    services.suppress(email="bounced@example.com", reason=SuppressionReason.BOUNCE)
    services.unsubscribe(signup_id=gone.pk)
    made = issue(news)
    _schedule_now(made)
    sending.send_issue(issue_id=made.pk)
    assert [m.to for m in mailoutbox] == [["fine@example.com"]]


def test_an_address_unsubscribing_during_a_send_is_skipped(mailoutbox: list[Any]) -> None:
    news = newsletter()
    first = active_signup(news, "a@example.com")
    second = active_signup(news, "b@example.com")
    made = issue(news)
    _schedule_now(made)
    sending.send_issue(issue_id=made.pk, batch_size=1, max_batches=1)
    services.unsubscribe(signup_id=second.pk)
    report = sending.send_issue(issue_id=made.pk)

    assert [m.to for m in mailoutbox] == [[first.email]]
    assert report.skipped == 1 and report.finished
    made.refresh_from_db()
    assert made.status == IssueStatus.SENT


def test_a_scheduled_issue_waits_for_its_time_then_the_sweep_sends_it(
    mailoutbox: list[Any],
) -> None:
    news = newsletter()
    active_signup(news, "later@example.com")
    made = issue(news)
    services.schedule(issue_id=made.pk, send_at=timezone.now() + dt.timedelta(hours=1))

    assert sending.run_due_sends() == []
    assert mailoutbox == []
    made.refresh_from_db()
    made.send_at = timezone.now() - dt.timedelta(seconds=1)
    made.save(update_fields=["send_at"])
    (report,) = sending.run_due_sends()
    assert report.sent == 1 and report.finished
    assert len(mailoutbox) == 1


def test_send_now_hands_the_issue_to_the_worker_after_commit(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    news = newsletter()
    active_signup(news, "now@example.com")
    made = issue(news)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_now(issue_id=made.pk)
    assert len(mailoutbox) == 1
    made.refresh_from_db()
    assert made.status == IssueStatus.SENT and made.finished_at is not None


def test_an_issue_cannot_be_sent_twice(mailoutbox: list[Any]) -> None:
    news = newsletter()
    active_signup(news, "once@example.com")
    made = issue(news)
    _schedule_now(made)
    sending.send_issue(issue_id=made.pk)
    with pytest.raises(services.NewsletterError, match="already sent"):
        services.send_now(issue_id=made.pk)
    sending.send_issue(issue_id=made.pk)
    assert len(mailoutbox) == 1


@pytest.fixture
def django_settings(settings: Any) -> Any:
    """pytest-django's settings (this module's ``settings`` is hypothesis')."""
    return settings


def test_a_worker_told_to_stop_finishes_its_batch_and_leaves_the_rest_for_the_next(
    mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch, django_settings: Any
) -> None:
    django_settings.NEWSLETTERS_BATCH_SIZE = 2
    news = newsletter()
    for number in range(5):
        active_signup(news, f"stop{number}@example.com")
    made = issue(news)
    _schedule_now(made)
    stopping = threading.Event()
    send_batch = sending._send_batch

    def sigterm_during_the_batch(**kwargs: Any) -> Any:
        stopping.set()  # the worker's SIGTERM arrives while the first batch is going out
        return send_batch(**kwargs)

    monkeypatch.setattr(sending, "_send_batch", sigterm_during_the_batch)
    [report] = sending.run_due_sends(stopping=stopping)

    # The batch in hand went out whole; nothing else was claimed or held.
    assert (report.sent, report.finished) == (2, False)
    assert len(mailoutbox) == 2
    assert Delivery.objects.filter(issue=made, status=DeliveryStatus.PENDING).count() == 3
    assert not Delivery.objects.filter(issue=made, status=DeliveryStatus.CLAIMED).exists()
    made.refresh_from_db()
    assert made.status == IssueStatus.SENDING
    # The next worker goes on from there: each of the five gets it once.
    monkeypatch.undo()
    sending.run_due_sends()
    assert sorted(m.to[0] for m in mailoutbox) == [f"stop{n}@example.com" for n in range(5)]
    made.refresh_from_db()
    assert made.status == IssueStatus.SENT


def test_a_refused_recipient_is_counted_failed_and_the_rest_still_go(
    mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages

    def refuse_one(self: Any, messages: list[Any]) -> int:
        if messages[0].to == ["refused@example.com"]:
            raise smtplib.SMTPRecipientsRefused({"refused@example.com": (550, b"no such user")})
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_one)
    news = newsletter()
    active_signup(news, "refused@example.com")
    active_signup(news, "fine@example.com")
    made = issue(news)
    _schedule_now(made)
    report = sending.send_issue(issue_id=made.pk)
    assert (report.sent, report.failed, report.finished) == (1, 1, True)
    failed = Delivery.objects.get(issue=made, status=DeliveryStatus.FAILED)
    assert failed.email == "refused@example.com" and "550" in failed.error


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    recipients=st.integers(min_value=0, max_value=12),
    batch_size=st.integers(min_value=1, max_value=5),
    stops=st.lists(st.integers(min_value=0, max_value=3), max_size=6),
)
def test_however_a_send_is_interrupted_and_resumed_each_recipient_gets_it_once(
    recipients: int, batch_size: int, stops: list[int]
) -> None:
    """Any sequence of partial runs (each stopping after a few batches), then a full one."""
    mail.outbox = []
    news = newsletter(f"prop-{recipients}-{batch_size}-{len(stops)}")
    news.signups.all().delete()
    addresses = [f"r{i}-{news.slug}@example.com" for i in range(recipients)]
    for address in addresses:
        active_signup(news, address)
    made = issue(news)
    _schedule_now(made)
    for batches in stops:
        sending.send_issue(issue_id=made.pk, batch_size=batch_size, max_batches=batches)
    sending.send_issue(issue_id=made.pk, batch_size=batch_size)

    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == sorted(addresses)
    made.refresh_from_db()
    assert made.status == IssueStatus.SENT


def _parts(raw: bytes) -> dict[str, Any]:
    import email
    import email.policy

    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
    assert text is not None and html is not None
    keep = ("To", "From", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post", "Message-ID")
    return {
        **{name: str(parsed[name]).strip() for name in keep},  # folding may differ
        "text": text.get_content(),
        "html": html.get_content(),
    }


@pytest.mark.parametrize("name", ["Asha", ""])
def test_the_prebuilt_bytes_are_the_same_email_django_would_build(
    gated_stories: list[Any], name: str
) -> None:
    from masthead.access.identity import Reader
    from masthead.newsletters.rendering import IssueRenderer, Recipient

    news = newsletter()
    user = subscriber("fast@example.com", first_name=name)
    signup = active_signup(news, user=user)
    made = issue(news, gated_stories)
    renderer = IssueRenderer.for_issue(issue=made, now=timezone.now())
    message = renderer.message(
        recipient=Recipient(
            email=user.email, signup_id=signup.pk, user_id=user.pk, first_name=name,
            message_id="issue-1.copy-1",
        ),
        reader=Reader(user_id=user.pk, anonymous_id=None),
    )  # fmt: skip
    assert message.prebuilt is not None
    serialised = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
    assert _parts(message.prebuilt) == _parts(serialised)


def test_a_name_outside_ascii_takes_the_ordinary_path() -> None:
    from masthead.access.identity import Reader
    from masthead.newsletters.rendering import IssueRenderer, Recipient

    made = issue(newsletter())
    renderer = IssueRenderer.for_issue(issue=made, now=timezone.now())
    message = renderer.message(
        recipient=Recipient(email="a@example.com", signup_id=1, user_id=None, first_name="आशा"),
        reader=Reader(user_id=None, anonymous_id=None),
    )
    assert message.prebuilt is None
    assert message.body.startswith("Hello आशा,")


def _five_readers_and_an_issue() -> tuple[Any, list[str]]:
    news = newsletter()
    addresses = [f"reader{i}@example.com" for i in range(5)]
    for address in addresses:
        active_signup(news, address)
    made = issue(news)
    _schedule_now(made)
    return made, addresses


def test_a_sender_whose_claim_was_taken_over_mid_batch_sends_none_of_the_others_copies(
    mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    made, addresses = _five_readers_and_an_issue()
    first, second = send_taken_over(
        monkeypatch=monkeypatch, issue_id=made.pk, sent=lambda: len(mailoutbox)
    )

    assert (first.sent, second.sent) == (2, 3)
    assert sorted(_by_recipient(mailoutbox)) == addresses, "each reader once"
    made.refresh_from_db()
    assert made.status == IssueStatus.SENT
    assert Delivery.objects.filter(issue=made, status=DeliveryStatus.SENT).count() == 5


def test_a_slow_sender_keeps_its_batch_and_nobody_else_sends_it(
    mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.conf import settings as django_settings
    from django.core.mail.backends.locmem import EmailBackend

    made, addresses = _five_readers_and_an_issue()
    lease = dt.timedelta(seconds=django_settings.NEWSLETTERS_CLAIM_SECONDS)
    clock = [timezone.now()]
    real_send = EmailBackend.send_messages
    meanwhile: list[sending.SendReport] = []

    def slow_server(self: Any, messages: list[Any]) -> int:
        accepted = real_send(self, messages)
        clock[0] += lease / 2  # each copy takes half the lease: the batch, 2.5 leases
        return accepted

    real_mark = sending._Marks.sent

    def another_sender_arrives(self: Any, pk: int, at: dt.datetime) -> None:
        real_mark(self, pk, at)
        if len(mailoutbox) == 3 and not meanwhile:  # (placeholder first, as above)
            meanwhile.append(sending.SendReport(issue_id=made.pk))
            meanwhile[0] = sending.send_issue(issue_id=made.pk, now=lambda: clock[0])

    monkeypatch.setattr(EmailBackend, "send_messages", slow_server)
    monkeypatch.setattr(sending._Marks, "sent", another_sender_arrives)
    first = sending.send_issue(issue_id=made.pk, batch_size=5, now=lambda: clock[0])

    assert meanwhile[0].sent == 0, "the batch was still claimed: nothing for the second sender"
    assert first.sent == 5 and first.finished
    assert sorted(_by_recipient(mailoutbox)) == addresses

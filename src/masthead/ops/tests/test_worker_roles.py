"""The worker's roles run side by side: a newsletter send stuck on a slow mail server does not
hold up a renewal that falls due meanwhile."""

from __future__ import annotations

import signal
import time

import pytest
from django.utils import timezone

from masthead.newsletters import services as newsletters
from masthead.newsletters.models import Delivery, DeliveryStatus, IssueStatus
from masthead.newsletters.sink import Sink
from masthead.newsletters.tests.conftest import active_signup, issue, newsletter
from masthead.newsletters.tests.processes import masthead, sender_env, start
from masthead.ops.models import WorkerHeartbeat
from masthead.ops.tests.builders import charges_due, notices_sent, renewed, subscribed

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_renewal_falling_due_during_a_stuck_newsletter_send_is_charged_at_once():
    clock, (sub,) = subscribed(1, prefix="roles")
    clock = notices_sent(clock)
    news = newsletter()
    for number in range(30):
        active_signup(news, f"list{number:02d}@example.com")
    made = issue(news)
    newsletters.schedule(issue_id=made.pk, send_at=timezone.now())

    # The mail server accepts three copies, then holds the fourth until told to go on: the
    # send is under way and not finishing (as a 100,000-copy send would not, for a while).
    # Only the newsletter is held: the reader's renewal email, sent by the email role while
    # the send waits, is taken at once (held, it would be refused on release and retried later).
    with Sink(hold_after=3, hold_from="newsletters@example.com") as sink:
        env = sender_env(smtp_port=sink.port, batch_size=5, claim_seconds=5)
        worker = start(masthead("worker", "--interval", "0.2"), env)
        try:
            assert sink.wait_until_held(timeout=60), "the send reached the slow server"
            charges_due(clock)  # the renewal falls due now, mid-send
            # The old single loop would wait for the send however long it took: the server
            # holds the send until told, so "renewed at all while held" is the whole claim (the
            # generous timeout is for a loaded CI machine, not for the worker).
            assert wait_for(lambda: renewed(sub), timeout=90), "renewed while the send waits"
            assert sink.handler.release.is_set() is False, "the server was still holding"
            made.refresh_from_db()
            assert made.status == IssueStatus.SENDING, "the send is still waiting"
            assert Delivery.objects.filter(issue=made, status=DeliveryStatus.SENT).count() == 3
            roles = set(WorkerHeartbeat.objects.values_list("role", flat=True))
            assert roles == {"billing", "newsletters", "epaper", "insights", "email"}
            newsletters_beat = WorkerHeartbeat.objects.get(role="newsletters")
            assert newsletters_beat.current_step == "scheduled sends"

            sink.stop_holding()
            # All 30 copies (the held one is refused on release and retried once its 5-second
            # claim lapses), and the reader's renewal email from the email role, before SIGTERM.
            assert wait_for(lambda: finished(sink), timeout=120), "the send finishes"
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=60)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert worker.returncode == 0, output
    # Every list member exactly once.
    newsletter_copies = [m.rcpt_tos[0] for m in sink.messages if m.rcpt_tos[0] != READER]
    assert sorted(newsletter_copies) == [f"list{number:02d}@example.com" for number in range(30)]
    # The reader's renewal email went out beside the held send, once.
    # (Python folds a long encoded Subject after "Subject:"; unfolded, it starts with a space.)
    subjects = [m.header("Subject").strip() for m in sink.messages if m.rcpt_tos[0] == READER]
    assert subjects.count("Your Meridian Ledger subscription has renewed (ML/2627/000001)") == 1
    assert WorkerHeartbeat.objects.count() == 5  # one row a role, the five above
    assert not WorkerHeartbeat.objects.filter(stopped_at__isnull=True).exists(), "each said so"


READER = "roles0@example.com"


def finished(sink: Sink) -> bool:
    messages = sink.messages
    copies = {m.rcpt_tos[0] for m in messages if m.rcpt_tos[0].startswith("list")}
    renewed_email = any(
        m.rcpt_tos[0] == READER and "has renewed" in m.header("Subject") for m in messages
    )
    return len(copies) == 30 and renewed_email

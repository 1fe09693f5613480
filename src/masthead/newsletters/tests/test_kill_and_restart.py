"""A sending process killed halfway (SIGKILL) and restarted: each recipient gets it once."""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest
from django.utils import timezone

from masthead.newsletters import services
from masthead.newsletters.models import Delivery, DeliveryStatus, IssueStatus
from masthead.newsletters.sink import Sink
from masthead.newsletters.tests.conftest import active_signup, issue, newsletter
from masthead.newsletters.tests.processes import masthead, run, sender_env, start

pytestmark = pytest.mark.django_db(transaction=True)

RECIPIENTS = 40
KILLED_AFTER = 13  # accepted before the kill: mid-batch (batches of 5), mid-send


def test_a_send_killed_mid_batch_and_restarted_reaches_everyone_exactly_once() -> None:
    news = newsletter()
    addresses = [f"reader{i:02d}@example.com" for i in range(RECIPIENTS)]
    for address in addresses:
        active_signup(news, address)
    made = issue(news)
    services.schedule(issue_id=made.pk, send_at=timezone.now())

    with Sink(hold_after=KILLED_AFTER) as sink:
        env = sender_env(smtp_port=sink.port, batch_size=5, claim_seconds=1)
        sender = start(masthead("send_newsletters", "--issue", str(made.pk)), env)
        try:
            # The 14th message is on the wire, waiting for the server's answer: kill now.
            assert sink.wait_until_held(timeout=60), sender.communicate(timeout=5)[0]
            sender.send_signal(signal.SIGKILL)
            sender.wait(timeout=10)
        finally:
            if sender.poll() is None:
                sender.kill()
        assert sender.returncode == -signal.SIGKILL
        statuses = Counter(Delivery.objects.filter(issue=made).values_list("status", flat=True))
        assert statuses[DeliveryStatus.SENT] == KILLED_AFTER
        assert statuses[DeliveryStatus.CLAIMED] > 0, "the killed sender held a batch"
        made.refresh_from_db()
        assert made.status == IssueStatus.SENDING

        sink.stop_holding()
        time.sleep(1.2)  # the dead sender's claim outlives its 1-second lease
        restarted = run(masthead("send_newsletters"), env)
        assert restarted.returncode == 0, restarted.stdout + restarted.stderr
        assert f"{RECIPIENTS - KILLED_AFTER} sent" in restarted.stdout
        messages = sink.messages

    got: Counter[str] = Counter(rcpt for m in messages for rcpt in m.rcpt_tos)
    assert sorted(got) == addresses, "nobody skipped"
    assert set(got.values()) == {1}, "nobody twice"
    assert len({m.header("Message-ID") for m in messages}) == RECIPIENTS
    for m in messages:
        assert m.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    made.refresh_from_db()
    assert made.status == IssueStatus.SENT
    assert Delivery.objects.filter(issue=made, status=DeliveryStatus.SENT).count() == RECIPIENTS

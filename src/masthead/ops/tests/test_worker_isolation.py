"""One subscription's renewal fails unexpectedly: it is logged and retried later, the others
renew, and the worker process keeps running (and stops cleanly on SIGTERM)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import signal
import time

import pytest

from masthead.billing import renewals
from masthead.billing.models import Subscription
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


def test_a_renewal_that_raises_is_logged_and_retried_while_the_others_renew_and_the_worker_lives():
    clock, subs = subscribed(3, prefix="iso")
    clock = charges_due(notices_sent(clock))
    broken, healthy = subs[1], [subs[0], subs[2]]
    # A row no code path expects (an active subscription without an anchor): the renewal
    # raises ValueError, which is no gateway error the sweep knew to expect.
    Subscription.objects.filter(pk=broken.pk).update(anchor=None)

    worker = start(
        masthead("worker", "--role", "billing", "--interval", "0.2"), sender_env(smtp_port=1)
    )
    try:
        assert wait_for(lambda: all(renewed(sub) for sub in healthy)), "the others renewed"
        assert wait_for(
            lambda: WorkerHeartbeat.objects.filter(role="billing", renewals_failed__gte=1).exists()
        )
        time.sleep(1)  # a few more passes: the process is still there
        assert worker.poll() is None, "the worker is still running"
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert f"due work for subscription {broken.pk} failed" in output
    assert "ValueError: An active subscription has an anchor." in output
    assert "Worker stopped." in output

    broken.refresh_from_db()
    assert broken.period_index == 0, "not renewed while broken"
    # Kept under its claim's lease: tried again when the lease runs out, not in a tight loop.
    assert broken.next_action_at == clock.frozen_time + renewals.LEASE
    beat = WorkerHeartbeat.objects.get(role="billing")
    assert beat.stopped_at is not None
    assert beat.renewals_done >= 2
    assert beat.renewals_failed >= 1
    assert "ValueError" not in beat.last_error  # the step itself never failed: one row did


def test_the_broken_subscription_renews_once_mended_and_its_lease_has_run_out():
    clock, subs = subscribed(2, prefix="mend")
    clock = charges_due(notices_sent(clock))
    anchor = subs[0].anchor
    Subscription.objects.filter(pk=subs[0].pk).update(anchor=None)
    report = renewals.run_due_work()
    assert (report.processed, report.failed) == (2, 1)
    assert renewed(subs[1])
    assert not renewed(subs[0])

    Subscription.objects.filter(pk=subs[0].pk).update(anchor=anchor)
    assert renewals.run_due_work().processed == 0, "nothing due inside the lease"
    from masthead.billing.clock import advance

    advance(clock, by=renewals.LEASE + dt.timedelta(seconds=1))
    assert renewals.run_due_work().failed == 0
    assert renewed(subs[0])


def test_on_a_gateway_charged_one_at_a_time_a_broken_renewal_holds_up_none_after_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Razorpay and Stripe charge one subscription at a time (only the sandbox takes batches):
    # here the sandbox is made to look like them, so every renewal goes through ``process``.
    monkeypatch.setattr(renewals, "_charges_in_batches", lambda gateway_name: False)
    clock, subs = subscribed(3, prefix="one")
    charges_due(notices_sent(clock))
    broken = subs[0]  # the first in the pass: the two after it must still renew
    Subscription.objects.filter(pk=broken.pk).update(anchor=None)

    with caplog.at_level(logging.ERROR, logger="masthead.billing.renewals"):
        report = renewals.run_due_work()

    assert (report.processed, report.failed) == (3, 1)
    assert renewed(subs[1]) and renewed(subs[2])
    assert not renewed(broken)
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.getMessage().startswith(f"due work for subscription {broken.pk} failed")


def test_a_step_that_raises_is_logged_counted_and_the_other_steps_still_run(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.core.management import call_command

    from masthead.partners import services as partners

    clock, subs = subscribed(1, prefix="step")
    charges_due(notices_sent(clock))

    def broken_sweep() -> None:
        raise RuntimeError("partner pool table is locked")

    monkeypatch.setattr(partners, "assign_codes", broken_sweep)
    out = io.StringIO()
    with caplog.at_level(logging.ERROR, logger="masthead.ops.worker"):
        call_command("worker", "--once", "--role", "billing", stdout=out)

    assert renewed(subs[0]), "the renewals step ran all the same"
    assert "Worker stopped." in out.getvalue()
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.getMessage() == (
        "worker role billing: step 'partner codes' failed; it runs again on the next pass"
    )
    assert failure.exc_info and "partner pool table is locked" in str(failure.exc_info[1])
    beat = WorkerHeartbeat.objects.get(role="billing")
    assert beat.steps_failed == 1
    assert beat.last_error == "partner codes: RuntimeError: partner pool table is locked"
    assert beat.renewals_done == 1

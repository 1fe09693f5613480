"""Webhooks in: signed, stored raw, deduplicated, and order-proof."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masthead.access.models import Benefit
from masthead.access.selectors import active_benefits
from masthead.billing import renewals, webhooks
from masthead.billing.gateways.sandbox import sign_sandbox_payload
from masthead.billing.models import (
    Payment,
    PaymentStatus,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
    WebhookEvent,
)
from masthead.ops.background import run_queued_tasks
from masthead.ops.testing import WorkerKilled

pytestmark = pytest.mark.django_db(transaction=True)


def event(event_id: str, kind: str, key: str, payment_id: str = "") -> bytes:
    return json.dumps(
        {"id": event_id, "type": kind, "object_id": payment_id, "data": {"idempotency_key": key}}
    ).encode()


def post(client, body: bytes, signature: str | None = None):
    headers = {"HTTP_X_SANDBOX_SIGNATURE": signature or sign_sandbox_payload(body)}
    return client.post(
        reverse("billing:webhook", args=["sandbox"]),
        body,
        content_type="application/json",
        **headers,
    )


def renewal_key(sub) -> str:
    """The key the renewal of ``sub``'s next period will carry (ADR 0005: derived from the
    subscription, the period start and the attempt), known before the payment is written."""
    return f"renewal:{sub.pk}:{sub.current_period_end:%Y%m%d%H%M}:1"


def crash_while_settling_the_renewal(reader, monkeypatch) -> Payment:
    """The gateway charged the renewal, and the worker died before recording it."""
    from masthead.billing.services import settlement

    for settling in ("settle_payment", "settle_renewal_payments"):
        monkeypatch.setattr(
            settlement, settling, lambda **kw: (_ for _ in ()).throw(WorkerKilled())
        )
    with pytest.raises(WorkerKilled):
        reader.advance(days=89, hours=12)
    monkeypatch.undo()
    return Payment.objects.get(status=PaymentStatus.PENDING)


def reads_after(reader, moment) -> bool:
    """Whether the reader's grants still let them read at ``moment``."""
    return Benefit.UNLIMITED_STORIES in active_benefits(user_id=reader.user.pk, now=moment)


def test_a_signed_event_is_stored_raw_and_answered_at_once(client, reader):
    reader.subscribe()
    payment = Payment.objects.get()
    body = event("evt_1", "payment.succeeded", payment.idempotency_key, payment.gateway_payment_id)
    response = post(client, body)
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.payload == body.decode()
    assert stored.processed_at is not None


def test_a_bad_signature_is_refused_and_nothing_is_stored(client, reader):
    body = event("evt_2", "payment.succeeded", "k")
    assert post(client, body, signature="0" * 64).status_code == 400
    tampered = body.replace(b"evt_2", b"evt_3")
    assert post(client, tampered, signature=sign_sandbox_payload(body)).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_webhooks_need_no_csrf_token_but_other_posts_do(reader):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    body = event("evt_4", "payment.failed", "unknown-key")
    assert post(strict, body).status_code == 200
    strict.force_login(reader.user)
    assert strict.post(reverse("billing:cancel")).status_code == 403


def test_a_duplicate_delivery_has_one_effect_and_both_get_a_2xx(
    client, reader, monkeypatch, mailoutbox
):
    sub = reader.subscribe()
    pending = crash_while_settling_the_renewal(reader, monkeypatch)
    mailoutbox.clear()
    body = event("evt_5", "payment.succeeded", pending.idempotency_key)
    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 200
    assert WebhookEvent.objects.count() == 1
    sub.refresh_from_db()
    assert sub.period_index == 1  # renewed once, not twice
    assert sub.events.filter(kind="payment_succeeded").count() == 2  # checkout + renewal
    assert len([m for m in mailoutbox if "renew" in m.subject.lower()]) == 1


def test_an_event_before_its_payment_is_known_is_kept_and_applied_by_reconcile(
    client, reader, monkeypatch, mailoutbox
):
    """The gateway's event names a renewal we have not written yet: it is kept, answered 2xx,
    and once the payment exists, `masthead billing reconcile` applies it."""
    sub = reader.subscribe("smart-quarterly")
    old_end = sub.current_period_end
    key = renewal_key(sub)
    assert not Payment.objects.filter(idempotency_key=key).exists()

    response = post(client, event("evt_early", "payment.succeeded", key))

    assert response.status_code == 200
    early = WebhookEvent.objects.get(event_id="evt_early")
    assert early.processed_at is None
    assert "no matching payment" in early.error

    pending = crash_while_settling_the_renewal(reader, monkeypatch)
    assert pending.idempotency_key == key  # the payment the event named now exists
    mailoutbox.clear()
    sub.refresh_from_db()
    assert (sub.period_index, sub.current_period_end) == (0, old_end)
    assert not reads_after(reader, old_end + dt.timedelta(hours=1))

    out = io.StringIO()
    call_command("billing", "reconcile", stdout=out)

    assert "1 webhook event(s)" in out.getvalue()
    early.refresh_from_db()
    assert early.processed_at is not None
    assert early.error == ""
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.SUCCEEDED
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.period_index == 1
    assert sub.current_period_end > old_end
    assert reads_after(reader, old_end + dt.timedelta(hours=1))  # access runs on
    assert [m.to for m in mailoutbox if "renew" in m.subject.lower()] == [[reader.user.email]]
    assert SandboxCharge.objects.count() == 2  # the checkout and the one renewal, no more


def test_the_worker_applies_an_early_event_once_its_payment_exists_without_an_operator(
    client, reader, monkeypatch, mailoutbox
):
    """The worker's sweep looks again at events that arrived before their payment, for as long
    as the gateway would redeliver them (three days); older ones wait for reconcile."""
    sub = reader.subscribe("smart-quarterly")
    old_end = sub.current_period_end
    key = renewal_key(sub)
    assert post(client, event("evt_early", "payment.succeeded", key)).status_code == 200
    assert (
        post(client, event("evt_stale", "payment.succeeded", "renewal:0:gone:1")).status_code == 200
    )
    WebhookEvent.objects.filter(event_id="evt_stale").update(
        received_at=timezone.now() - dt.timedelta(days=4)
    )
    pending = crash_while_settling_the_renewal(reader, monkeypatch)
    assert pending.idempotency_key == key

    # Within 30 seconds the event's own task is still in charge: the sweep leaves it.
    assert webhooks.retry_waiting(now=timezone.now()) == 0
    assert webhooks.retry_waiting(now=timezone.now() + dt.timedelta(minutes=1)) == 1

    pending.refresh_from_db()
    assert pending.status == PaymentStatus.SUCCEEDED
    sub.refresh_from_db()
    assert sub.current_period_end > old_end
    assert reads_after(reader, old_end + dt.timedelta(hours=1))
    stale = WebhookEvent.objects.get(event_id="evt_stale")
    assert stale.processed_at is None  # past the gateway's redelivery window: reconcile's
    assert SandboxCharge.objects.count() == 2


def test_with_the_database_queue_a_delivery_is_stored_and_queued_and_applied_by_the_worker(
    client, reader, monkeypatch, settings
):
    """As in production: the request only stores the event and queues a task; the
    subscription changes when the worker runs that task, not before."""
    sub = reader.subscribe("smart-quarterly")
    pending = crash_while_settling_the_renewal(reader, monkeypatch)
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }

    response = post(client, event("evt_q", "payment.succeeded", pending.idempotency_key))

    assert response.status_code == 200
    stored = WebhookEvent.objects.get(event_id="evt_q")
    assert stored.processed_at is None
    [queued] = DBTaskResult.objects.filter(task_path__endswith=".process_webhook")
    assert queued.status == "READY"
    assert queued.args_kwargs["kwargs"] == {"event_pk": stored.pk}
    pending.refresh_from_db()
    sub.refresh_from_db()
    assert pending.status == PaymentStatus.PENDING
    assert sub.period_index == 0

    run_queued_tasks(worker_id="test-webhook-worker")

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    stored.refresh_from_db()
    assert stored.processed_at is not None
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.SUCCEEDED
    sub.refresh_from_db()
    assert (sub.status, sub.period_index) == (SubscriptionStatus.ACTIVE, 1)
    assert SandboxCharge.objects.count() == 2


def test_reconcile_settles_payments_left_pending_by_an_outage(reader, monkeypatch):
    from masthead.billing.operations import reconcile

    reader.subscribe("smart-quarterly")
    crash_while_settling_the_renewal(reader, monkeypatch)
    assert reconcile().payments == 1
    assert not Payment.objects.filter(status=PaymentStatus.PENDING).exists()
    assert SandboxCharge.objects.count() == 2
    assert Subscription.objects.get().period_index == 1
    # Reconciling again finds nothing to do.
    assert reconcile().payments == 0
    renewals.run_due_work()
    assert SandboxCharge.objects.count() == 2


def test_an_attempt_left_pending_after_the_reader_paid_is_not_charged_and_its_charge_returned(
    reader, monkeypatch
):
    """The sweep charged the renewal and died; the reader then paid the open invoice
    themselves. Reconciling the stray attempt must not make it a second payment: its charge
    goes back in full and the reader stays renewed once."""
    from masthead.billing.operations import reconcile

    sub = reader.subscribe("smart-quarterly")
    stray = crash_while_settling_the_renewal(reader, monkeypatch)
    paid = renewals.pay_now(subscription=sub).payment
    assert paid.status == PaymentStatus.SUCCEEDED

    assert reconcile().payments == 1

    stray.refresh_from_db()
    assert (stray.status, stray.failure_code) == (PaymentStatus.FAILED, "superseded")
    charge = SandboxCharge.objects.get(idempotency_key=stray.idempotency_key)
    assert charge.refunded_minor == charge.amount_minor == stray.refunded_minor
    sub.refresh_from_db()
    assert (sub.status, sub.period_index) == (SubscriptionStatus.ACTIVE, 1)
    assert reconcile().payments == 0


def test_an_attempt_that_never_reached_the_gateway_is_not_charged_once_the_reader_paid(
    reader, monkeypatch
):
    from masthead.billing.operations import reconcile
    from masthead.billing.services import settlement

    sub = reader.subscribe("smart-quarterly")
    # The worker dies after writing the renewal's keyed payment, before calling the gateway.
    for charging in ("charge_payment", "charge_payments"):
        monkeypatch.setattr(
            settlement, charging, lambda **kw: (_ for _ in ()).throw(WorkerKilled())
        )
    with pytest.raises(WorkerKilled):
        reader.advance(days=89, hours=12)
    monkeypatch.undo()
    stray = Payment.objects.get(status=PaymentStatus.PENDING)
    renewals.pay_now(subscription=sub)

    reconcile()

    assert not SandboxCharge.objects.filter(idempotency_key=stray.idempotency_key).exists()
    assert SandboxCharge.objects.count() == 2  # the checkout and the reader's own payment
    stray.refresh_from_db()
    assert stray.status == PaymentStatus.FAILED
    sub.refresh_from_db()
    assert (sub.status, sub.period_index) == (SubscriptionStatus.ACTIVE, 1)

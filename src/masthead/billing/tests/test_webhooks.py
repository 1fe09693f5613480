"""Webhooks in: signed, stored raw, deduplicated, and order-proof."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

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


def test_a_duplicate_delivery_has_one_effect_and_both_get_a_2xx(client, reader):
    reader.subscribe()
    payment = Payment.objects.get()
    body = event("evt_5", "payment.succeeded", payment.idempotency_key)
    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_an_event_before_its_payment_is_known_is_kept_and_applied_by_reconcile(reader, monkeypatch):
    """A crash left the renewal pending; the gateway's event arrives first; reconcile settles."""
    from masthead.billing import services
    from masthead.billing.operations import reconcile

    sub = reader.subscribe("smart-quarterly")
    body = event("evt_early", "payment.succeeded", "renewal:not-yet-written")
    webhooks.ingest(
        gateway_name="sandbox",
        body=body,
        headers={"x-sandbox-signature": sign_sandbox_payload(body)},
    )
    early = WebhookEvent.objects.get(event_id="evt_early")
    assert early.processed_at is None
    assert "no matching payment" in early.error

    # The worker dies after the gateway answered, before settling (one by one or a batch).
    for settling in ("settle_payment", "settle_renewal_payments"):
        monkeypatch.setattr(services, settling, lambda **kw: (_ for _ in ()).throw(RuntimeError()))
    with pytest.raises(RuntimeError):
        reader.advance(days=89, hours=12)
    monkeypatch.undo()
    pending = Payment.objects.get(status=PaymentStatus.PENDING)
    # The gateway's event for it, delivered out of order and twice:
    late = event("evt_late", "payment.succeeded", pending.idempotency_key)
    headers = {"x-sandbox-signature": sign_sandbox_payload(late)}
    webhooks.ingest(gateway_name="sandbox", body=late, headers=headers)
    webhooks.ingest(gateway_name="sandbox", body=late, headers=headers)
    pending.refresh_from_db()
    assert pending.status == PaymentStatus.SUCCEEDED
    report = reconcile()
    assert report.events >= 1
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.period_index == 1
    assert SandboxCharge.objects.count() == 2


def test_reconcile_settles_payments_left_pending_by_an_outage(reader, monkeypatch):
    from masthead.billing import services
    from masthead.billing.operations import reconcile

    reader.subscribe("smart-quarterly")
    # The worker dies after the gateway answered, before settling (one by one or a batch).
    for settling in ("settle_payment", "settle_renewal_payments"):
        monkeypatch.setattr(services, settling, lambda **kw: (_ for _ in ()).throw(RuntimeError()))
    with pytest.raises(RuntimeError):
        reader.advance(days=89, hours=12)
    monkeypatch.undo()
    assert reconcile().payments == 1
    assert not Payment.objects.filter(status=PaymentStatus.PENDING).exists()
    assert SandboxCharge.objects.count() == 2
    assert Subscription.objects.get().period_index == 1
    # Reconciling again finds nothing to do.
    assert reconcile().payments == 0
    renewals.run_due_work()
    assert SandboxCharge.objects.count() == 2

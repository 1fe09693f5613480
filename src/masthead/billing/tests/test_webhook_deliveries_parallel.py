"""Gateways deliver the same event more than once, sometimes at the same moment: every
delivery gets a 2xx (or the gateway retries for days) and the reader sees one effect.
Needs PostgreSQL's row locks and real parallel connections."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from masthead.billing.gateways.sandbox import sign_sandbox_payload
from masthead.billing.models import (
    BillingEvent,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    SandboxCharge,
    SubscriptionStatus,
    WebhookEvent,
)
from masthead.billing.services import settlement
from masthead.ops.testing import WorkerKilled

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def deliver_together(bodies: list[bytes]) -> list[int]:
    """POST each body from its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(bodies))

    def deliver(body: bytes) -> int:
        try:
            barrier.wait(timeout=30)
            return (
                Client()
                .post(
                    reverse("billing:webhook", args=["sandbox"]),
                    body,
                    content_type="application/json",
                    HTTP_X_SANDBOX_SIGNATURE=sign_sandbox_payload(body),
                )
                .status_code
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(deliver, bodies))


def event(event_id: str, kind: str, key: str) -> bytes:
    return json.dumps(
        {"id": event_id, "type": kind, "object_id": "", "data": {"idempotency_key": key}}
    ).encode()


@pytest.fixture
def charged_but_unrecorded(reader, monkeypatch):
    """A renewal the gateway charged while the worker died before recording it."""
    sub = reader.subscribe("smart-quarterly")
    for settling in ("settle_payment", "settle_renewal_payments"):
        monkeypatch.setattr(
            settlement, settling, lambda **kw: (_ for _ in ()).throw(WorkerKilled())
        )
    with pytest.raises(WorkerKilled):
        reader.advance(days=89, hours=12)
    monkeypatch.undo()
    return sub, Payment.objects.get(status=PaymentStatus.PENDING)


def assert_renewed_once(sub, payment, mailoutbox) -> None:
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    sub.refresh_from_db()
    assert (sub.status, sub.period_index) == (SubscriptionStatus.ACTIVE, 1)
    renewal = Invoice.objects.get(subscription=sub, kind="recurring")
    assert renewal.status == InvoiceStatus.PAID
    # The renewal (30 Apr 2026) opens financial year 2026-27: numbered once, the first.
    assert renewal.number == "ML/2627/000001"
    assert Invoice.objects.exclude(number=None).count() == 2
    assert BillingEvent.objects.filter(subscription=sub, kind="payment_succeeded").count() == 2
    assert len([m for m in mailoutbox if "renew" in m.subject.lower()]) == 1
    assert SandboxCharge.objects.count() == 2


def test_identical_deliveries_at_the_same_moment_all_get_a_2xx_and_renew_once(
    charged_but_unrecorded, mailoutbox
):
    sub, payment = charged_but_unrecorded
    mailoutbox.clear()
    body = event("evt_same_moment", "payment.succeeded", payment.idempotency_key)

    statuses = deliver_together([body] * 8)

    assert statuses == [200] * 8
    assert WebhookEvent.objects.count() == 1
    assert_renewed_once(sub, payment, mailoutbox)


def test_different_events_about_one_payment_at_the_same_moment_renew_once(
    charged_but_unrecorded, mailoutbox
):
    sub, payment = charged_but_unrecorded
    mailoutbox.clear()
    bodies = [
        event(f"evt_{n}", kind, payment.idempotency_key)
        for n, kind in enumerate(["payment.authorized", "payment.captured", "payment.succeeded"])
    ] * 2  # and each of them twice

    statuses = deliver_together(bodies)

    assert statuses == [200] * 6
    assert WebhookEvent.objects.count() == 3
    assert not WebhookEvent.objects.filter(processed_at=None).exists()
    assert_renewed_once(sub, payment, mailoutbox)

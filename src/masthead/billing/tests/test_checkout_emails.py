"""A checkout request sends no email itself: it queues the receipt for the worker."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from masthead.billing.models import Subscription, SubscriptionStatus
from masthead.ops.background import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def run_the_workers_queued_tasks() -> None:
    """What `masthead worker` does with queued tasks on each pass."""
    run_queued_tasks(worker_id="test-worker")


def test_a_checkout_request_queues_the_receipt_and_the_worker_sends_it(
    client, reader, settings, mailoutbox
):
    # Production's queue (the test settings run tasks at once).
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }
    client.force_login(reader.user)

    response = client.post(
        reverse("billing:checkout", args=["smart-quarterly"]),
        {
            "checkout_key": "e" * 24,
            "name": "Asha Reader",
            "state_code": "27",
            "gstin": "",
            "card_number": "4242 4242 4242 4242",
            "currency": "INR",
        },
    )

    assert response.status_code == 302
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE
    assert mailoutbox == []  # nothing sent inside the request
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path.endswith(".send_receipt")
    assert queued.queue_name == "email"
    assert queued.status == "READY"

    run_the_workers_queued_tasks()

    (receipt,) = mailoutbox
    assert receipt.to == [reader.user.email]
    assert "receipt" in receipt.subject.lower()
    assert receipt.attachments[0][0].endswith(".pdf")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

"""The sweep renews due subscriptions a batch at a time: the same guarantees as one by one
(one charge and one invoice per period, gap-free numbers, reconciliation after a crash), in a
number of statements that does not grow with the batch."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from masthead.billing import renewals, services
from masthead.billing.clock import advance
from masthead.billing.models import (
    DocumentSequence,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    PlanPrice,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
    TestClock,
)
from masthead.billing.services import settlement
from masthead.ops import testing
from masthead.ops.background import run_queued_tasks
from masthead.ops.testing import WorkerKilled

from .conftest import DECLINED, GOOD_CARD, START

pytestmark = pytest.mark.django_db(transaction=True)
RENEWAL_YEAR = "2026-27"  # checkouts on 31 Jan 2026 (FY 2025-26) renew on 30 April


@pytest.fixture
def clock(plans):
    return TestClock.objects.create(name="batch", frozen_time=START)


def subscribe_many(clock, count, *, prefix="b", cards=None):
    price = PlanPrice.objects.select_related("plan").get(
        plan__slug="smart-quarterly", currency="INR"
    )
    subs = []
    for number in range(count):
        user = testing.reader_account(f"{prefix}{number}@example.com")
        customer = services.ensure_customer(user=user)
        customer.test_clock = clock
        customer.save()
        card = (cards or {}).get(number, GOOD_CARD)
        subs.append(
            services.checkout(
                user=user,
                price=price,
                payment_method=GOOD_CARD,
                payment_method_label="card",
                checkout_key=f"{prefix}-{number:04d}-checkout",
            ).subscription
        )
        if card != GOOD_CARD:
            customer.refresh_from_db()
            customer.payment_method = card
            customer.save(update_fields=["payment_method"])
    return subs


def bring_renewals_due(clock):
    """Notices go out 48 h before the period ends; 36 h later the charges are due."""
    advance(clock, by=dt.timedelta(days=88))
    renewals.run_due_work()
    advance(clock, by=dt.timedelta(days=1, hours=12))


def renewal_numbers():
    return sorted(
        Invoice.objects.filter(
            kind="recurring", status=InvoiceStatus.PAID, financial_year=RENEWAL_YEAR
        ).values_list("sequence", flat=True)
    )


def assert_each_renewed_once(subs):
    for sub in subs:
        sub.refresh_from_db()
        assert sub.status == SubscriptionStatus.ACTIVE
        assert sub.period_index == 1
        renewal = Invoice.objects.get(subscription=sub, kind="recurring")
        assert renewal.status == InvoiceStatus.PAID
        paid = Payment.objects.get(invoice=renewal, status=PaymentStatus.SUCCEEDED)
        assert SandboxCharge.objects.filter(idempotency_key=paid.idempotency_key).count() == 1
    renewal_charges = SandboxCharge.objects.filter(
        idempotency_key__startswith="renewal:", status="succeeded"
    )
    assert renewal_charges.count() == len(subs)
    assert renewal_numbers() == list(range(1, len(subs) + 1))


def test_a_batch_of_renewals_costs_a_fixed_number_of_statements_and_the_worker_emails_each(
    clock, settings, mailoutbox
):
    subs = subscribe_many(clock, 30)
    bring_renewals_due(clock)
    mailoutbox.clear()
    # As in production: emails are queued in the database for the worker, not sent inline.
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
    }
    with CaptureQueriesContext(connection) as captured:
        report = renewals.run_due_work(batch=200)
    assert report.processed == 30
    assert report.failed == 0
    assert_each_renewed_once(subs)
    assert mailoutbox == []  # nothing sent by the sweep itself
    emails = [q for q in captured.captured_queries if "dbtaskresult" in q["sql"]]
    others = [q for q in captured.captured_queries if "dbtaskresult" not in q["sql"]]
    assert len(emails) == 1  # the batch's 30 renewal emails queued in one statement
    queued = DBTaskResult.objects.filter(task_path__endswith=".send_renewal_succeeded")
    assert queued.count() == 30
    # Claims, loads, invoices, payments, the gateway, settling, numbering, grants, events and
    # their BEGIN/COMMITs: the same count for 30 renewals as for 300.
    # (Each COPY of new invoices or payments first takes its ids from the sequence: one more.)
    assert len(others) <= 42, [q["sql"][:80] for q in others]

    run_queued_tasks(worker_id="test-worker")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(s.customer.user.email for s in subs)
    assert all("renew" in m.subject.lower() for m in mailoutbox), [m.subject for m in mailoutbox]
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


def test_a_decline_in_a_batch_is_dunned_alone_and_the_rest_renew(clock):
    subs = subscribe_many(clock, 5, cards={2: DECLINED})
    bring_renewals_due(clock)
    renewals.run_due_work()
    declined = subs.pop(2)
    declined.refresh_from_db()
    assert declined.status == SubscriptionStatus.PAST_DUE
    assert Invoice.objects.get(subscription=declined, kind="recurring").status == "open"
    assert_each_renewed_once(subs)


def test_a_crash_after_the_gateway_charged_part_of_a_batch_never_charges_twice(clock, monkeypatch):
    subs = subscribe_many(clock, 6)
    bring_renewals_due(clock)
    real_charge = settlement.charge_payments

    def charge_half_then_die(*, gateway, payments, customers):
        real_charge(gateway=gateway, payments=payments[:3], customers=customers)
        raise WorkerKilled("worker killed while the gateway was charging the batch")

    monkeypatch.setattr(settlement, "charge_payments", charge_half_then_die)
    with pytest.raises(WorkerKilled):
        renewals.run_due_work()
    monkeypatch.setattr(settlement, "charge_payments", real_charge)
    assert Payment.objects.filter(status=PaymentStatus.PENDING).count() == 6
    assert SandboxCharge.objects.filter(idempotency_key__startswith="renewal:").count() == 3
    # Until the lease runs out, no other worker touches the batch.
    assert renewals.run_due_work().processed == 0
    advance(clock, by=renewals.LEASE + dt.timedelta(seconds=1))
    renewals.run_due_work()
    # Three settled from what the gateway remembered under their keys, three charged now.
    assert_each_renewed_once(subs)


def test_a_crash_while_settling_a_batch_rolls_all_of_it_back_and_returns_the_numbers(
    clock, monkeypatch
):
    subs = subscribe_many(clock, 4)
    bring_renewals_due(clock)

    def die(**kwargs):
        raise WorkerKilled("worker killed after numbering the invoices")

    monkeypatch.setattr(settlement.access, "sync_grants_many", die)
    with pytest.raises(WorkerKilled):
        renewals.run_due_work()
    monkeypatch.undo()
    # The gateway took the money, but nothing of the settling was kept: no number was used.
    assert SandboxCharge.objects.filter(idempotency_key__startswith="renewal:").count() == 4
    assert Payment.objects.filter(status=PaymentStatus.PENDING).count() == 4
    assert not Invoice.objects.filter(kind="recurring", status=InvoiceStatus.PAID).exists()
    assert (
        not DocumentSequence.objects.filter(financial_year=RENEWAL_YEAR)
        .exclude(last_number=0)
        .exists()
    )
    advance(clock, by=renewals.LEASE + dt.timedelta(seconds=1))
    renewals.run_due_work()
    assert_each_renewed_once(subs)


@pytest.mark.postgres_only
def test_two_workers_racing_on_one_batch_charge_and_invoice_each_renewal_once(clock):
    """A lease that ran out under a slow worker: two workers hold the same batch at once."""
    subs = subscribe_many(clock, 24)
    bring_renewals_due(clock)
    ids = renewals.claim_due(batch=100)
    assert sorted(ids) == sorted(sub.pk for sub in subs)
    barrier = threading.Barrier(2)

    def work(_n):
        try:
            barrier.wait(timeout=30)
            return renewals.process_batch(subscription_ids=ids)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(work, range(2))) == [0, 0]
    assert_each_renewed_once(subs)
    assert Subscription.objects.filter(status=SubscriptionStatus.ACTIVE).count() == 24

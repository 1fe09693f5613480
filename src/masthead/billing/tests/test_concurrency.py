"""Several workers, deliveries and renewals at the same moment, on PostgreSQL row locks."""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from masthead.billing import renewals, services, webhooks
from masthead.billing.clock import advance
from masthead.billing.gateways.sandbox import sign_sandbox_payload
from masthead.billing.models import (
    Invoice,
    InvoiceStatus,
    PlanPrice,
    SandboxCharge,
    Subscription,
    TestClock,
    WebhookEvent,
)
from masthead.ops import testing

from .conftest import GOOD_CARD, START

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def in_parallel(work, items, workers=None):
    items = list(items)
    workers = workers or len(items)
    # Everyone starts together when there is a thread per item; otherwise the pool staggers.
    barrier = threading.Barrier(len(items)) if workers >= len(items) else None

    def run(item):
        try:
            if barrier is not None:
                barrier.wait(timeout=30)
            return work(item)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, items))


@pytest.fixture
def shared_clock(plans):
    return TestClock.objects.create(name="shared", frozen_time=START)


def subscribers(clock, count):
    price = PlanPrice.objects.select_related("plan").get(
        plan__slug="smart-quarterly", currency="INR"
    )
    subs = []
    for number in range(count):
        user = testing.reader_account(f"p{number}@example.com")
        customer = services.ensure_customer(user=user)
        customer.test_clock = clock
        customer.payment_method = GOOD_CARD
        customer.save()
        subs.append(
            services.checkout(
                user=user,
                price=price,
                payment_method=GOOD_CARD,
                payment_method_label="card",
                checkout_key=f"parallel-{number:04d}-checkout",
            ).subscription
        )
    return subs


def test_parallel_workers_renew_each_subscription_exactly_once(shared_clock):
    subs = subscribers(shared_clock, 40)
    advance(shared_clock, by=dt.timedelta(days=88))  # notices are due
    in_parallel(lambda _n: renewals.run_due_work(batch=7), range(4), workers=4)
    advance(shared_clock, by=dt.timedelta(days=1, hours=12))  # charges are due
    in_parallel(lambda _n: renewals.run_due_work(batch=7), range(4), workers=4)
    assert SandboxCharge.objects.count() == 80
    for sub in subs:
        sub.refresh_from_db()
        assert sub.period_index == 1
        assert Invoice.objects.filter(subscription=sub, status=InvoiceStatus.PAID).count() == 2
    # Checkouts fell in FY 2025-26 and renewals in 2026-27: each year numbers from 1, no gaps.
    for year in ("2025-26", "2026-27"):
        numbers = sorted(
            Invoice.objects.filter(status="paid", financial_year=year).values_list(
                "sequence", flat=True
            )
        )
        assert numbers == list(range(1, 41))


def test_parallel_checkouts_get_gap_free_unique_invoice_numbers(plans):
    price = PlanPrice.objects.select_related("plan").get(
        plan__slug="smart-essential", currency="INR"
    )
    users = [testing.reader_account(f"n{i}@example.com") for i in range(24)]

    def buy(user):
        return services.checkout(
            user=user,
            price=price,
            payment_method=GOOD_CARD,
            payment_method_label="card",
            checkout_key=f"number-{user.pk:06d}-key",
        ).subscription.pk

    in_parallel(buy, users, workers=12)
    numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, 25))
    assert len(set(Invoice.objects.values_list("number", flat=True))) == 24


def test_the_same_checkout_submitted_in_parallel_charges_once(plans):
    price = PlanPrice.objects.select_related("plan").get(
        plan__slug="smart-essential", currency="INR"
    )
    user = testing.reader_account("double@example.com")

    def buy(_n):
        try:
            return services.checkout(
                user=user,
                price=price,
                payment_method=GOOD_CARD,
                payment_method_label="card",
                checkout_key="one-key-for-many-clicks",
            ).subscription.pk
        except services.AlreadySubscribed:
            return None

    results = in_parallel(buy, range(8))
    assert Subscription.objects.count() == 1
    assert SandboxCharge.objects.count() == 1
    assert {r for r in results if r is not None} == {Subscription.objects.get().pk}


def test_identical_webhook_deliveries_at_the_same_moment_have_one_effect(plans):
    body = json.dumps(
        {"id": "evt_same", "type": "payment.succeeded", "object_id": "x", "data": {}}
    ).encode()
    headers = {"x-sandbox-signature": sign_sandbox_payload(body)}
    outcomes = in_parallel(
        lambda _n: webhooks.ingest(gateway_name="sandbox", body=body, headers=headers), range(10)
    )
    assert outcomes.count(True) == 1
    assert outcomes.count(False) == 9
    assert WebhookEvent.objects.count() == 1


def test_a_backlog_overdue_for_hours_is_claimed_by_one_worker_only(shared_clock):
    subscribers(shared_clock, 6)
    # Everything fell due long ago (a worker was down for a day).
    advance(shared_clock, by=dt.timedelta(days=92))
    first = renewals.claim_due(batch=100)
    assert len(first) == 6
    # Another worker asking now finds nothing: the claims hold for the lease.
    assert renewals.claim_due(batch=100) == []
    advance(shared_clock, by=renewals.LEASE + dt.timedelta(seconds=1))
    # A worker that died leaves its claims to expire; then they are claimable again.
    assert sorted(renewals.claim_due(batch=100)) == sorted(first)

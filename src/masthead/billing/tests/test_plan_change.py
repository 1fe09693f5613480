"""Upgrading: a double click, a reload or two requests at once make one charge."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse

from masthead.billing import services
from masthead.billing.gateways.base import GatewayError
from masthead.billing.gateways.sandbox import SandboxGateway
from masthead.billing.models import (
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Plan,
    SandboxCharge,
    Subscription,
)
from masthead.billing.services import plan_change

from .conftest import DECLINED, GOOD_CARD

pytestmark = pytest.mark.django_db(transaction=True)


def upgrade_charges() -> list[SandboxCharge]:
    return list(SandboxCharge.objects.filter(idempotency_key__startswith="upgrade:"))


def upgrade_invoices():
    return Invoice.objects.filter(kind="proration")


def ask_to_upgrade(client, plan="smart-essential") -> list[str]:
    """What the reader is told on My subscription after asking."""
    response = client.post(reverse("billing:change_plan"), {"plan": plan}, follow=True)
    assert response.redirect_chain == [(reverse("billing:my_subscription"), 302)]
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def subscriber(client, reader):
    reader.subscribe("smart-quarterly")
    reader.advance(days=30, step_hours=24)
    client.force_login(reader.user)
    return reader


def test_a_double_submitted_upgrade_charges_once_and_the_repeat_says_it_is_done(client, subscriber):
    assert ask_to_upgrade(client) == ["You are now on Smart Essential."]
    assert ask_to_upgrade(client) == ["You are now on Smart Essential."]

    assert len(upgrade_charges()) == 1
    (invoice,) = upgrade_invoices()
    assert invoice.status == InvoiceStatus.PAID
    assert Subscription.objects.get().plan.slug == "smart-essential"
    page = client.get(reverse("billing:my_subscription")).content.decode()
    assert page.count("<tr><td>") == 2  # the checkout's invoice and the upgrade's, once


def test_a_reload_after_the_gateways_answer_was_lost_finishes_the_same_charge(
    client, subscriber, monkeypatch
):
    real_charge = SandboxGateway.charge
    lost = {"done": False}

    def charge_then_lose_the_answer(self, **kwargs):
        result = real_charge(self, **kwargs)
        if not lost["done"]:
            lost["done"] = True
            raise GatewayError("connection reset after the charge was made")
        return result

    monkeypatch.setattr(SandboxGateway, "charge", charge_then_lose_the_answer)

    (said,) = ask_to_upgrade(client)
    assert "could not be reached" in said
    assert "you will not be charged twice" in said
    (said,) = ask_to_upgrade(client)
    assert said == "You are now on Smart Essential."

    (charge,) = upgrade_charges()
    (invoice,) = upgrade_invoices()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.payments.get().idempotency_key == charge.idempotency_key


def test_after_a_declined_upgrade_a_new_attempt_is_charged_anew(client, subscriber):
    subscriber.use_card(DECLINED)
    (said,) = ask_to_upgrade(client)
    assert "declined" in said
    assert Subscription.objects.get().plan.slug == "smart-quarterly"
    assert Subscription.objects.get().amount_minor == 90_000

    subscriber.use_card(GOOD_CARD)
    assert ask_to_upgrade(client) == ["You are now on Smart Essential."]
    declined, paid = sorted(upgrade_charges(), key=lambda charge: charge.created_at)
    assert declined.status == "failed"
    assert paid.status == "succeeded"
    assert paid.idempotency_key == f"{declined.idempotency_key}:2"


def test_a_second_request_arriving_just_before_the_first_takes_its_lock_charges_nothing(
    subscriber, monkeypatch
):
    sub = Subscription.objects.get()
    essential = Plan.objects.get(slug="smart-essential")
    real_lock = plan_change._lock_for_plan_change
    second = {"ran": False}

    def the_other_request_gets_in_first(subscription_id):
        if not second["ran"]:
            second["ran"] = True
            services.change_plan(subscription=sub, plan=essential)
        return real_lock(subscription_id)

    monkeypatch.setattr(plan_change, "_lock_for_plan_change", the_other_request_gets_in_first)
    services.change_plan(subscription=sub, plan=essential)

    assert second["ran"]
    assert len(upgrade_charges()) == 1
    assert upgrade_invoices().count() == 1
    assert Payment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 2


@pytest.mark.postgres_only
def test_two_upgrade_requests_at_the_same_moment_charge_once(subscriber):
    sub = Subscription.objects.get()
    essential = Plan.objects.get(slug="smart-essential")
    barrier = threading.Barrier(2)

    def upgrade(_):
        try:
            barrier.wait(timeout=30)
            return services.change_plan(subscription=sub, plan=essential).plan.slug
        except services.BillingError as exc:
            return str(exc)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(upgrade, range(2)))

    assert answers == ["smart-essential", "smart-essential"]
    assert len(upgrade_charges()) == 1
    (invoice,) = upgrade_invoices()
    assert invoice.status == InvoiceStatus.PAID
    assert Subscription.objects.get().plan.slug == "smart-essential"

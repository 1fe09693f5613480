"""Billing test fixtures: demo plans, readers on sandbox test clocks, and a way to move time."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from masthead.billing import demo, renewals, services
from masthead.billing.clock import advance
from masthead.billing.gateways import get_gateway
from masthead.billing.models import Customer, PlanPrice, Subscription, TestClock
from masthead.billing.tests.recorded_gateway import FakeStripe
from masthead.ops import testing

START = dt.datetime(2026, 1, 31, 6, 30, tzinfo=dt.UTC)  # 31 Jan, 12:00 in Kolkata
GOOD_CARD = "pm_sandbox_4242424242424242"
DECLINED = "pm_sandbox_4000000000000002"
NO_FUNDS = "pm_sandbox_4000000000009995"
_emails = itertools.count(1)


@dataclass
class Reader:
    user: User
    customer: Customer
    clock: TestClock

    def subscribe(
        self, plan_slug: str = "smart-quarterly", *, currency: str = "INR", key: str = ""
    ):
        price = PlanPrice.objects.select_related("plan").get(
            plan__slug=plan_slug, currency=currency
        )
        return services.checkout(
            user=self.user,
            price=price,
            payment_method=self.customer.payment_method or GOOD_CARD,
            payment_method_label="Test card",
            checkout_key=key or secrets.token_urlsafe(16),
        ).subscription

    def use_card(self, token: str) -> None:
        Customer.objects.filter(pk=self.customer.pk).update(payment_method=token)
        self.customer.refresh_from_db()

    def now(self) -> dt.datetime:
        self.clock.refresh_from_db()
        return self.clock.frozen_time

    def advance(
        self, *, days: float = 0, hours: float = 0, step_hours: float = 6, after_step=None
    ) -> None:
        """Move this reader's clock, running due work at each step as a worker would."""
        left = dt.timedelta(days=days, hours=hours)
        step = dt.timedelta(hours=step_hours)
        while left > dt.timedelta(0):
            move = min(left, step)
            advance(self.clock, by=move)
            renewals.run_due_work()
            if after_step is not None:
                after_step()
            left -= move

    def subscription(self) -> Subscription | None:
        return Subscription.objects.filter(customer=self.customer).order_by("-pk").first()


@pytest.fixture
def plans(db):
    demo.load()


@pytest.fixture
def reader_factory(plans):
    def make(
        *,
        state_code: str = "27",
        card: str = GOOD_CARD,
        start: dt.datetime = START,
        country_code: str = "IN",
    ) -> Reader:
        user = testing.reader_account(f"sub{next(_emails)}@example.com")
        clock = TestClock.objects.create(name=f"clock for {user.email}", frozen_time=start)
        customer = services.ensure_customer(user=user)
        customer.test_clock = clock
        customer.state_code = state_code
        customer.country_code = country_code
        customer.payment_method = card
        customer.name = "Asha Reader"
        customer.save()
        return Reader(user=user, customer=customer, clock=clock)

    return make


@pytest.fixture
def reader(reader_factory):
    return reader_factory()


# Stripe's hosted checkout and mandates, against the local fake Stripe (recorded_gateway).
HOSTED_STRIPE_SECRET_KEY = "sk_test_51PqR0aF4wXyZ2aBcHosted"
HOSTED_STRIPE_WEBHOOK_SECRET = "whsec_hosted"


@pytest.fixture
def stripe_api(settings: Any, monkeypatch: pytest.MonkeyPatch, plans: None) -> Iterator[FakeStripe]:
    """The publisher on Stripe: a fake Stripe served locally, the gateway pointed at it."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeStripe(secret_key=HOSTED_STRIPE_SECRET_KEY)
    server.start()
    settings.BILLING_GATEWAY = "stripe"
    settings.STRIPE_API_BASE = server.base_url
    settings.STRIPE_SECRET_KEY = HOSTED_STRIPE_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = HOSTED_STRIPE_WEBHOOK_SECRET
    get_gateway.cache_clear()
    yield server
    server.stop()
    get_gateway.cache_clear()

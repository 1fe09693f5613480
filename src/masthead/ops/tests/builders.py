"""Due renewals for the worker tests: real readers subscribed through the real checkout."""

from __future__ import annotations

import datetime as dt

from masthead.billing import demo, renewals, services
from masthead.billing.clock import advance
from masthead.billing.models import PlanPrice, Subscription, TestClock
from masthead.ops import testing

START = dt.datetime(2026, 1, 31, 6, 30, tzinfo=dt.UTC)  # 31 Jan, 12:00 in Kolkata
GOOD_CARD = "pm_sandbox_4242424242424242"  # the sandbox's card that always pays


def subscribed(count: int, *, prefix: str) -> tuple[TestClock, list[Subscription]]:
    """``count`` readers on one test clock, each on the quarterly plan, paid by card."""
    demo.load()
    clock = TestClock.objects.create(name=prefix, frozen_time=START)
    price = PlanPrice.objects.get(plan__slug="smart-quarterly", currency="INR")
    subs = []
    for number in range(count):
        user = testing.reader_account(f"{prefix}{number}@example.com")
        customer = services.ensure_customer(user=user)
        customer.test_clock = clock
        customer.save()
        subs.append(
            services.checkout(
                user=user,
                price=price,
                payment_method=GOOD_CARD,
                payment_method_label="card",
                checkout_key=f"{prefix}-{number}-checkout",
            ).subscription
        )
    return clock, subs


def notices_sent(clock: TestClock) -> TestClock:
    """88 days on: the pre-debit notices go out (48 h before the period ends)."""
    clock = advance(clock, by=dt.timedelta(days=88))
    renewals.run_due_work()
    return clock


def charges_due(clock: TestClock) -> TestClock:
    """36 hours after the notices, the renewals fall due (RBI: 24 h after the notice)."""
    return advance(clock, by=dt.timedelta(days=1, hours=12))


def renewed(sub: Subscription) -> bool:
    sub.refresh_from_db()
    return sub.period_index == 1

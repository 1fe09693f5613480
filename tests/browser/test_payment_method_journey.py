"""Update payment method in a real browser (issue 12, deliverable 4), on the sandbox: a reader
whose renewal was declined opens Update payment method, sees what is owed, enters a new test
card and is active again, with the renewal paid on the new card."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from masthead.billing import renewals, services
from masthead.billing.clock import advance
from masthead.billing.models import (
    Customer,
    PlanPrice,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
    TestClock,
)
from masthead.ops import testing
from tests.browser.helpers import DESKTOP, STRONG_PASSWORD, new_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DECLINED = "pm_sandbox_4000000000000002"


def past_due_reader(email: str) -> Subscription:
    """A sandbox reader on Smart Quarterly (₹900) whose card was declined at renewal."""
    user = testing.reader_account(email=email, password=STRONG_PASSWORD)
    customer = services.ensure_customer(user=user)
    customer.test_clock = TestClock.objects.create(name="journey", frozen_time=timezone.now())
    customer.state_code = "27"
    customer.name = "Asha Reader"
    customer.save()
    price = PlanPrice.objects.select_related("plan").get(
        plan__slug="smart-quarterly", currency="INR"
    )
    sub = services.checkout(
        user=user,
        price=price,
        payment_method="pm_sandbox_4242424242424242",
        payment_method_label="Test card ending 4242",
        checkout_key="journey-update-method-0001",
    ).subscription
    Customer.objects.filter(pk=customer.pk).update(
        payment_method=DECLINED, payment_method_label="Test card ending 0002"
    )
    assert sub.current_period_end is not None
    clock = customer.test_clock
    while clock.frozen_time < sub.current_period_end + dt.timedelta(hours=1):
        advance(clock, by=dt.timedelta(hours=12))
        renewals.run_due_work()
        clock.refresh_from_db()
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE
    return sub


def test_a_past_due_reader_updates_the_card_and_is_active_again(
    site: str, page_factory: Any, shoot: Any
) -> None:
    email = new_email("method")
    sub = past_due_reader(email)
    page = page_factory(**DESKTOP)
    page.goto(f"{site}/accounts/login/?next=/subscribe/my/payment-method/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.locator("form.account-form").get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Update payment method", level=1)).to_be_visible()
    expect(page.locator(".notice")).to_contain_text("Your renewal of ₹900 is unpaid")
    expect(page.locator("main")).to_contain_text("Test card ending 0002")
    shoot(page, "update-payment-method-past-due")

    # A card that is not a sandbox test card is refused, and says which to use.
    page.get_by_label("New card number").fill("5555 5555 5555 4444")
    page.get_by_role("button", name="Save and pay ₹900").click()
    expect(page.locator("main")).to_contain_text("That is not a sandbox test card")

    page.get_by_label("New card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name="Save and pay ₹900").click()
    expect(page.locator(".messages")).to_contain_text(
        "your renewal was paid with Test card ending 4242"
    )
    expect(page.get_by_role("heading", name="My subscription", level=1)).to_be_visible()
    shoot(page, "update-payment-method-paid")
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_index == 1
    succeeded = SandboxCharge.objects.filter(status="succeeded")
    assert sorted(succeeded.values_list("amount_minor", flat=True)) == [90_000, 90_000]

"""A subscriber changes plan in a real browser: sees today's charge, the credit for the unused
part and the next renewal before confirming, and is charged exactly that; then cancels on the
confirmation page with a reason. The amounts are worked by hand from the README's rule (as in
billing/tests/test_plan_change_preview.py): 45 of 89 days of a ₹900 quarter unused is a credit
of 45,505 paise; Smart Essential's ₹2,700 less that is ₹2,244.95 today."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from masthead.billing import services
from masthead.billing.clock import advance
from masthead.billing.models import PlanPrice, SandboxCharge, Subscription, TestClock
from masthead.ops import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = dt.datetime(2026, 1, 31, 6, 30, tzinfo=dt.UTC)  # 31 Jan, 12:00 in Kolkata
PASSWORD = "a-long-test-password"


def log_in(page: Page, site: str, email: str) -> None:
    page.goto(site + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("form.account-form").get_by_role("button", name="Log in").click()
    account_nav = page.get_by_role("navigation", name="Your account")
    expect(account_nav.get_by_role("button", name="Log out")).to_be_visible()


def quarterly_subscriber_44_days_in(email: str) -> Subscription:
    user = testing.reader_account(email, password=PASSWORD)
    customer = services.ensure_customer(user=user)
    clock = TestClock.objects.create(name="plan change journey", frozen_time=START)
    customer.test_clock = clock
    customer.state_code = "27"
    customer.name = "Asha Reader"
    customer.save()
    sub = services.checkout(
        user=user,
        price=PlanPrice.objects.select_related("plan").get(
            plan__slug="smart-quarterly", currency="INR"
        ),
        payment_method="pm_sandbox_4242424242424242",
        payment_method_label="Test card ending 4242",
        checkout_key="plan-change-journey-checkout",
    ).subscription
    advance(clock, by=dt.timedelta(days=44))
    return sub


def test_a_plan_change_with_its_preview_then_a_cancellation_with_its_confirmation(
    site: str, page_factory: Any, shoot: Any
) -> None:
    email = "plan-change-journey@example.com"
    sub = quarterly_subscriber_44_days_in(email)
    page = page_factory(width=1280, height=900)
    log_in(page, site, email)

    # My subscription: plan, price, next renewal, payment method.
    page.goto(site + "/subscribe/my/")
    facts = page.locator("dl.facts")
    expect(facts.locator(".subscription-price")).to_have_text("₹900 every 3 months")
    expect(facts.locator(".next-renewal")).to_have_text("30 Apr 2026, ₹900")
    expect(facts.locator(".payment-method")).to_contain_text("Test card ending 4242")
    shoot(page, "my-subscription-before-change")

    # The preview: nothing is charged until the reader confirms the amount shown.
    page.get_by_label("Plan").select_option(label="Smart Essential")
    page.get_by_role("button", name="See the price").click()
    expect(page.get_by_role("heading", name="Change to Smart Essential", level=1)).to_be_visible()
    expect(page.locator(".quote-price")).to_have_text("₹2,700")
    expect(page.locator(".quote-credit")).to_have_text("−₹455.05")
    expect(page.locator(".quote-today")).to_have_text("₹2,244.95")
    expect(page.locator(".quote-next")).to_have_text("16 Mar 2027, ₹2,700")
    shoot(page, "plan-change-preview")
    assert not SandboxCharge.objects.filter(idempotency_key__startswith="upgrade:").exists()

    page.get_by_role("button", name="Pay ₹2,244.95 and change plan").click()
    expect(page.locator(".messages")).to_have_text(
        "You are now on Smart Essential. Charged today: ₹2,244.95. Next renewal: 16 Mar 2027."
    )
    expect(facts.locator(".subscription-price")).to_have_text("₹2,700 every year")
    shoot(page, "plan-changed")
    (charge,) = SandboxCharge.objects.filter(idempotency_key__startswith="upgrade:")
    assert charge.amount_minor == 224_495

    # Cancelling: a confirmation page first, with an optional reason.
    page.get_by_role("link", name="Cancel subscription").click()
    expect(page.get_by_role("heading", name="Cancel Smart Essential?", level=1)).to_be_visible()
    expect(page.locator(".cancel-until")).to_have_text(
        "You keep reading until 16 Mar 2027. No further charge."
    )
    page.get_by_label("Too expensive").check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill("Two plans at home")
    shoot(page, "cancel-confirmation")
    sub.refresh_from_db()
    assert not sub.cancel_at_period_end  # nothing happens before the reader confirms
    page.get_by_role("button", name="Yes, cancel my subscription").click()
    expect(page.locator(".messages")).to_have_text(
        "Cancelled. Access until 16 Mar 2027; no further charge."
    )
    expect(page.get_by_role("button", name="Keep my subscription")).to_be_visible()
    shoot(page, "cancelled-with-reason")
    sub.refresh_from_db()
    assert sub.cancel_at_period_end
    assert (sub.cancellation_reason_code, sub.cancellation_reason) == (
        "too_expensive",
        "Two plans at home",
    )

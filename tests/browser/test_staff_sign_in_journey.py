"""A staff member signs in to the back office with a password and an authenticator app code
(TOTP, computed here from RFC 6238 with the standard library), in Chromium, under the site's
Content-Security-Policy."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from masthead.accounts.tests.totp import totp
from tests.browser.helpers import DESKTOP

pytestmark = pytest.mark.browser

ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "run-the-ledger-1997"  # the demo's admin


def sign_in_with_password(page: Any, site: str) -> None:
    page.goto(site + "/admin/")
    # The admin's own login page passed us on to the site's sign-in, keeping where we were going.
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert "next=%2Fadmin%2F" in page.url
    page.get_by_label("Email address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_staff_member_sets_up_an_authenticator_app_then_signs_in_with_its_code(
    site: str, page_factory: Any, shoot: Any, settings: Any
) -> None:
    settings.STAFF_MFA_REQUIRED = True

    # First visit: the password is right, but the back office stays shut until a factor is set.
    first = page_factory(**DESKTOP)
    sign_in_with_password(first, site)
    expect(first.get_by_role("heading", level=1)).to_contain_text("Activate Authenticator App")
    assert "/accounts/2fa/totp/activate/" in first.url
    secret = first.locator("#authenticator_secret").input_value()
    shoot(first, "staff-set-up-authenticator")
    first.locator("input[name=code]").fill(totp(secret))
    first.get_by_role("button", name="Activate").click()
    # Recovery codes come with it.
    expect(first.get_by_role("heading", level=1)).to_contain_text("Recovery Codes")
    first.goto(site + "/admin/")
    expect(first.locator("#site-name")).to_contain_text("back office")

    # Another day, another browser: password, then the app's code (the next period's: a code
    # opens once only, and the set-up used this period's).
    second = page_factory(**DESKTOP)
    sign_in_with_password(second, site)
    expect(second.get_by_role("heading", level=1)).to_contain_text("Two-Factor Authentication")
    second.locator("input[name=code]").fill("123456" if totp(secret) != "123456" else "654321")
    second.get_by_role("button", name="Sign In").click()
    expect(second.locator("input[name=code]")).to_be_visible()  # a wrong code: still outside
    second.locator("input[name=code]").fill(totp(secret, at=time.time() + 30))
    second.get_by_role("button", name="Sign In").click()

    expect(second.locator("#site-name")).to_contain_text("back office")
    assert second.url.rstrip("/").endswith("/admin")
    shoot(second, "staff-signed-in-with-totp")

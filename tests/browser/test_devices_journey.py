"""Every device, in a real browser: a subscriber at the device limit signs in on one more
browser, is asked which device to sign out, picks one, and that browser is signed out on its
very next page while the other stays in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from masthead.access.models import Benefit, GrantSource
from masthead.access.services import grant_benefits
from masthead.devices.models import DevicePolicy, OverLimitChoice
from masthead.newsroom.models import Article
from masthead.ops import testing
from tests.browser.helpers import SEED_SLUG, STRONG_PASSWORD, new_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WINDOWS_FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"


@pytest.fixture
def open_browser(browser: Any) -> Iterator[Any]:
    """A separate browser (own cookies) announcing itself with a given user agent."""
    contexts: list[Any] = []

    def make(user_agent: str | None = None) -> Page:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            **({"user_agent": user_agent} if user_agent else {}),
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in(page: Page, site: str, email: str, path: str) -> None:
    page.goto(f"{site}/accounts/login/?next={path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.locator("form.account-form").get_by_role("button", name="Log in").click()


def account_nav(page: Page) -> Any:
    return page.get_by_role("navigation", name="Your account")


def test_one_device_too_many_asks_which_to_sign_out_and_that_one_is_signed_out(
    site: str, open_browser: Any, shoot: Any
) -> None:
    # The publisher allows two devices with a subscription, and asks which to sign out.
    DevicePolicy.objects.update_or_create(
        pk=1, defaults={"subscriber_limit": 2, "when_over_limit": OverLimitChoice.ASK}
    )
    email = new_email("subscriber")
    user = testing.reader_account(email=email, password=STRONG_PASSWORD)
    grant_benefits(
        user=user,
        benefits=[Benefit.DEVICES],
        source=GrantSource.COMPLIMENTARY,
        starts_at=timezone.now() - timezone.timedelta(days=1),
        ends_at=None,
    )
    path = Article.objects.get(slug=SEED_SLUG).get_absolute_url()

    phone, laptop, office = open_browser(IPHONE), open_browser(), open_browser(WINDOWS_FIREFOX)
    for page in (phone, laptop):
        log_in(page, site, email, path)
        expect(account_nav(page).get_by_role("button", name="Log out")).to_be_visible()

    # A third browser: asked, not yet signed in.
    log_in(office, site, email, path)
    expect(office.get_by_role("heading", level=1)).to_have_text("You are signed in on 2 devices")
    expect(account_nav(office).get_by_role("link", name="Log in")).to_be_visible()
    choices = office.get_by_role("group", name="Sign out")
    expect(choices.get_by_role("radio")).to_have_count(2)
    shoot(office, "devices-choose")
    choices.get_by_label("Safari on iPhone").check()
    office.get_by_role("button", name="Sign out that device and sign in here").click()

    # Signed in, back on the story.
    expect(account_nav(office).get_by_role("button", name="Log out")).to_be_visible()
    assert office.url.endswith(path), f"after choosing the reader is at {office.url}"

    # The phone's next page: signed out, and told why. The laptop stays in.
    phone.reload()
    expect(account_nav(phone).get_by_role("link", name="Log in")).to_be_visible()
    expect(
        phone.get_by_text("You were signed out on this device from another one.")
    ).to_be_visible()
    laptop.reload()
    expect(account_nav(laptop).get_by_role("button", name="Log out")).to_be_visible()

    # The devices page shows the two left, this one marked.
    office.goto(site + "/accounts/devices/")
    devices = office.locator(".device")
    expect(devices).to_have_count(2)
    expect(office.locator(".device", has_text="This device")).to_contain_text("Firefox on Windows")
    expect(office.locator(".device", has_text="Chrome on Linux")).to_be_visible()
    shoot(office, "devices-page")

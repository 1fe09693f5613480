"""Readers signing in from several browsers: each a real test client with its own cookies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from masthead.access.models import Benefit, GrantSource
from masthead.access.services import grant_benefits
from masthead.devices.models import DevicePolicy, OverLimitChoice

PASSWORD = "ink-and-newsprint-42"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36"
)
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
LAPTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
MAC_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)


def make_reader(email: str, *, subscriber: bool = False) -> Any:
    user = get_user_model().objects.create_user(
        username=email.split("@", maxsplit=1)[0], email=email, password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if subscriber:
        grant_benefits(
            user=user,
            benefits=[Benefit.DEVICES, Benefit.UNLIMITED_STORIES],
            source=GrantSource.COMPLIMENTARY,
            starts_at=timezone.now() - dt.timedelta(days=1),
            ends_at=None,
        )
    return user


@pytest.fixture
def reader(db: Any) -> Any:
    """Signed up, no subscription: the reader limit (2 by default)."""
    return make_reader("reader@example.com")


@pytest.fixture
def subscriber(db: Any) -> Any:
    """Holds "Access on every device": the subscriber limit (5 by default)."""
    return make_reader("subscriber@example.com", subscriber=True)


@pytest.fixture
def set_policy(db: Any) -> Callable[..., DevicePolicy]:
    def apply(
        *,
        subscriber_limit: int = 5,
        reader_limit: int = 2,
        when_over_limit: str = OverLimitChoice.ASK,
    ) -> DevicePolicy:
        policy, _ = DevicePolicy.objects.update_or_create(
            pk=1,
            defaults={
                "subscriber_limit": subscriber_limit,
                "reader_limit": reader_limit,
                "when_over_limit": when_over_limit,
            },
        )
        return policy

    return apply


def log_in(user: Any, *, agent: str = LAPTOP_UA, next_url: str = "") -> tuple[Client, Any]:
    """A new browser (its own cookies) logging in with the password; (client, response)."""
    browser = Client(HTTP_USER_AGENT=agent)
    data = {"login": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return browser, browser.post("/accounts/login/", data)


def signed_in(browser: Client) -> bool:
    """What the reader notices: the account page opens, or sends them to log in."""
    response = browser.get("/accounts/me/")
    return response.status_code == 200


@pytest.fixture
def browser_of() -> Callable[..., Client]:
    def sign_in(user: Any, agent: str = LAPTOP_UA) -> Client:
        browser, response = log_in(user, agent=agent)
        assert response.status_code == 302, response.content.decode()[:500]
        assert "/devices/choose/" not in response["Location"]
        return browser

    return sign_in

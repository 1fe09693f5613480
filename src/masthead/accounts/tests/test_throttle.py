"""Guessing passwords is throttled, for minutes, without locking the real owner out for long."""

from __future__ import annotations

import re
import time

import allauth.core.internal.ratelimit as allauth_ratelimit
import pytest
from django.conf import settings
from django.core import mail

from masthead.accounts.tests.helpers import (
    NEW_PASSWORD,
    READER_EMAIL,
    READER_PASSWORD,
    audit,
    is_logged_in,
    link_in,
    log_in,
    page_text,
)

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many attempts to log in with this email address. Please try again in a few minutes"
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^(\d+)/(\d*)([smhd])(?:/(ip|key|user))?$")


def parsed_rates(action):
    """settings.ACCOUNT_RATE_LIMITS[action] as (amount, seconds, per) triples."""
    rates = []
    for rate in settings.ACCOUNT_RATE_LIMITS[action].split(","):
        match = RATE_RE.match(rate.strip())
        assert match, rate
        amount, count, unit, per = match.groups()
        rates.append((int(amount), int(count or 1) * SECONDS[unit], per or "ip"))
    return rates


def per_account_limit():
    """How many failed logins one address may have, and over how many seconds."""
    [(amount, seconds)] = [(a, s) for a, s, per in parsed_rates("login_failed") if per == "key"]
    return amount, seconds


def lock_out(client, email=READER_EMAIL, **extra):
    amount, _ = per_account_limit()
    for _ in range(amount):
        response = log_in(client, email, "a-wrong-guess-123", **extra)
        assert TOO_MANY not in response.content.decode()


class _Later:
    """allauth's limiter's clock, moved on; its lock keeps the real monotonic clock."""

    def __init__(self, seconds):
        self.seconds = seconds

    def time(self):
        return time.time() + self.seconds

    def monotonic(self):
        return time.monotonic()

    def sleep(self, seconds):
        time.sleep(seconds)


def test_after_too_many_failed_logins_the_account_is_refused_with_a_clear_message(client, reader):
    lock_out(client)

    # Even the right password is refused while the limit lasts: that is what stops guessing.
    refused = log_in(client, READER_EMAIL, READER_PASSWORD)

    # allauth's behaviour: the login form again (HTTP 200) with the error, not a 429 page.
    assert refused.status_code == 200
    assert TOO_MANY in refused.content.decode()
    assert audit(refused).alerts == 1
    assert not is_logged_in(client)


def test_guesses_from_many_addresses_still_count_against_the_one_account(client, reader):
    amount, _ = per_account_limit()
    for n in range(amount):
        log_in(client, READER_EMAIL, "a-wrong-guess-123", REMOTE_ADDR=f"198.51.100.{n + 1}")

    refused = log_in(client, READER_EMAIL, READER_PASSWORD, REMOTE_ADDR="198.51.100.200")

    assert TOO_MANY in refused.content.decode()
    assert not is_logged_in(client)


def test_the_lockout_reads_the_same_for_an_address_with_no_account(client, reader):
    stranger = "nobody.here@example.com"
    lock_out(client, READER_EMAIL, REMOTE_ADDR="198.51.100.1")
    lock_out(client, stranger, REMOTE_ADDR="198.51.100.2")

    known = log_in(client, READER_EMAIL, "another-guess-1", REMOTE_ADDR="198.51.100.1")
    unknown = log_in(client, stranger, "another-guess-1", REMOTE_ADDR="198.51.100.2")

    assert known.status_code == unknown.status_code == 200
    assert page_text(known, typed=READER_EMAIL) == page_text(unknown, typed=stranger)


def test_failed_login_limits_are_configured_in_minutes_not_hours():
    rates = parsed_rates("login_failed")

    assert {per for _, _, per in rates} == {"ip", "key"}
    for _, seconds, _ in rates:
        assert 0 < seconds <= 15 * 60


def test_the_real_owner_can_log_in_once_the_window_has_passed(client, reader, monkeypatch):
    lock_out(client)
    assert TOO_MANY in log_in(client, READER_EMAIL, READER_PASSWORD).content.decode()
    _, seconds = per_account_limit()

    monkeypatch.setattr(allauth_ratelimit, "time", _Later(seconds + 1))
    response = log_in(client, READER_EMAIL, READER_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_password_reset_lifts_the_lockout_at_once(client, reader):
    lock_out(client)
    client.post("/accounts/password/reset/", {"email": READER_EMAIL})
    opened = client.get(link_in(mail.outbox[0]))
    client.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = log_in(client, READER_EMAIL, NEW_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_flood_of_logins_from_one_address_gets_the_too_many_attempts_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for _ in range(3):
        assert log_in(client, "someone@example.com", "a-guess-1234").status_code == 200

    flooded = log_in(client, "someone@example.com", "a-guess-1234")

    assert flooded.status_code == 429
    html = flooded.content.decode()
    assert "<h1>Too many attempts</h1>" in html
    assert "Please wait a few minutes and try again." in html
    assert 'class="site-header"' in html


def test_readers_behind_the_sites_proxy_each_have_their_own_allowance(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    via_proxy = {"REMOTE_ADDR": "10.0.0.5"}

    for _ in range(2):
        log_in(
            client,
            "a@example.com",
            "a-guess-1234",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
            **via_proxy,
        )
    first = log_in(
        client, "a@example.com", "a-guess-1234", HTTP_X_FORWARDED_FOR="198.51.100.7", **via_proxy
    )
    second = log_in(
        client, "b@example.com", "a-guess-1234", HTTP_X_FORWARDED_FOR="198.51.100.8", **via_proxy
    )

    assert first.status_code == 429
    assert second.status_code == 200


def test_a_made_up_forwarded_for_header_does_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}

    statuses = [
        log_in(
            client,
            "a@example.com",
            "a-guess-1234",
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]

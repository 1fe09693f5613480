"""Guessing passwords is slowed down by growing delays, and no one can lock the owner out."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from masthead.accounts import throttle
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

TOO_MANY = "Too many attempts to log in with this email address. Please try again in"
WAY_IN = "get in straight away with a sign-in code we email you, or by resetting your password"
OWNER_ADDRESS = {"REMOTE_ADDR": "203.0.113.10"}
ATTACKER_ADDRESS = {"REMOTE_ADDR": "198.51.100.66"}
FREE = 5  # settings.SIGNIN_THROTTLE's default free failures per account


class Clock:
    """The throttle's clock, moved by hand (time.time() otherwise)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(throttle, "_now", fake)
    return fake


def guess(client, email=READER_EMAIL, **extra):
    return log_in(client, email, "a-wrong-guess-123", **extra)


def owner_signed_in_here_before(client):
    """The owner's own browser: it signed in once (and so holds the sign-in device cookie)."""
    assert log_in(client, READER_EMAIL, READER_PASSWORD, **OWNER_ADDRESS).status_code == 302
    client.post("/accounts/logout/")
    assert not is_logged_in(client)
    assert throttle.DEVICE_COOKIE in client.cookies


def test_after_five_failures_the_next_attempt_must_wait_even_with_the_right_password(
    client, reader, clock
):
    for _ in range(FREE):
        assert TOO_MANY not in guess(client).content.decode()

    refused = log_in(client, READER_EMAIL, READER_PASSWORD)

    # allauth's form again (HTTP 200) with the error announced, not a 429 page.
    assert refused.status_code == 200
    html = refused.content.decode()
    assert f"{TOO_MANY} a few seconds, or {WAY_IN}." in html
    assert audit(refused).alerts == 1
    assert not is_logged_in(client)


def test_the_wait_doubles_with_each_further_failure_up_to_fifteen_minutes(client, reader, clock):
    # Hand-worked from the schedule: 5 free, then 2 s doubling, never more than 900 s.
    expected = [0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]
    waits = []
    for _ in expected:
        guess(client)
        waits.append(
            throttle.wait_seconds(throttle.Attempt(login=READER_EMAIL, address="127.0.0.1"))
        )
        clock.now += waits[-1]  # wait exactly as long as asked, then guess again

    assert waits == expected


def test_once_the_wait_has_passed_the_owner_signs_in_with_no_lock_left(client, reader, clock):
    for _ in range(FREE + 3):
        clock.now += 60
        guess(client)
    # 8 failures: the ninth attempt waits 2 × 2³ = 16 s after the last failure.
    assert TOO_MANY in log_in(client, READER_EMAIL, READER_PASSWORD).content.decode()
    assert "16 seconds" in log_in(client, READER_EMAIL, READER_PASSWORD).content.decode()

    clock.now += 16
    response = log_in(client, READER_EMAIL, READER_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_an_attackers_failures_from_another_address_do_not_stop_the_owner(client, reader, clock):
    owner_signed_in_here_before(client)
    attacker = Client()
    for _ in range(40):
        guess(attacker, **ATTACKER_ADDRESS)
    assert TOO_MANY in guess(attacker, **ATTACKER_ADDRESS).content.decode()

    # At the same moment, from the owner's own browser: straight in.
    response = log_in(client, READER_EMAIL, READER_PASSWORD, **OWNER_ADDRESS)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_owners_browser_has_its_own_allowance_for_the_owners_typos(client, reader, clock):
    owner_signed_in_here_before(client)
    for _ in range(FREE):
        guess(client, **OWNER_ADDRESS)

    assert (
        TOO_MANY in log_in(client, READER_EMAIL, READER_PASSWORD, **OWNER_ADDRESS).content.decode()
    )
    # ...which is no one else's: a stranger's allowance for the account is untouched.
    assert throttle.wait_seconds(throttle.Attempt(login=READER_EMAIL, address="192.0.2.1")) == 0


def test_a_new_browser_kept_waiting_gets_in_at_once_with_an_emailed_sign_in_code(
    client, reader, clock
):
    attacker = Client()
    for _ in range(20):
        guess(attacker, **ATTACKER_ADDRESS)
    for _ in range(5):
        # The attacker also asks for codes for the owner's address, to use up the owner's.
        Client().post("/accounts/login/code/", {"email": READER_EMAIL}, **ATTACKER_ADDRESS)
    assert (
        TOO_MANY in log_in(client, READER_EMAIL, READER_PASSWORD, **OWNER_ADDRESS).content.decode()
    )
    mail.outbox.clear()

    asked = client.post("/accounts/login/code/", {"email": READER_EMAIL}, **OWNER_ADDRESS)
    [message] = mail.outbox
    # allauth's default code: eight letters and digits in two dashed halves ("ABCD-EF23").
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.M).group(1)
    confirmed = client.post(asked["Location"], {"code": code}, **OWNER_ADDRESS)

    assert asked.status_code == 302
    assert confirmed.status_code == 302
    assert is_logged_in(client)


def test_a_password_reset_clears_the_failures_at_once(client, reader, clock):
    for _ in range(FREE + 5):
        guess(client)
    client.post("/accounts/password/reset/", {"email": READER_EMAIL})
    opened = client.get(link_in(mail.outbox[0]))
    client.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = log_in(client, READER_EMAIL, NEW_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_wait_reads_the_same_for_an_address_with_no_account(client, reader, clock):
    stranger = "nobody.here@example.com"
    for _ in range(FREE + 2):
        guess(client, READER_EMAIL, REMOTE_ADDR="198.51.100.1")
        guess(client, stranger, REMOTE_ADDR="198.51.100.2")

    known = guess(client, READER_EMAIL, REMOTE_ADDR="198.51.100.1")
    unknown = guess(client, stranger, REMOTE_ADDR="198.51.100.2")

    assert known.status_code == unknown.status_code == 200
    assert TOO_MANY in known.content.decode()
    assert page_text(known, typed=READER_EMAIL) == page_text(unknown, typed=stranger)


def test_guesses_spread_over_many_addresses_still_slow_a_stranger_on_the_account(
    client, reader, clock
):
    for n in range(FREE):
        guess(client, REMOTE_ADDR=f"198.51.100.{n + 1}")

    refused = log_in(client, READER_EMAIL, READER_PASSWORD, REMOTE_ADDR="198.51.100.200")

    assert TOO_MANY in refused.content.decode()
    assert not is_logged_in(client)


def test_failures_from_one_address_do_not_stop_readers_who_signed_in_there_before(
    client, reader, clock
):
    office = {"REMOTE_ADDR": "192.0.2.44"}
    owner_signed_in_here_before(client)
    colleague = Client()
    for n in range(60):  # guesses at many accounts from the shared office address
        guess(colleague, f"someone{n}@example.com", **office)
    assert TOO_MANY in guess(colleague, "someone-new@example.com", **office).content.decode()

    response = log_in(client, READER_EMAIL, READER_PASSWORD, **office)

    assert response.status_code == 302


def test_no_more_than_a_hundred_failures_an_hour_on_one_account(clock):
    """OWASP ASVS 4.0.3 V2.2.1: at most 100 failed attempts per hour on a single account."""
    attempt = throttle.Attempt(login=READER_EMAIL, address="198.51.100.9")
    start, failures = clock.now, 0
    while clock.now < start + 3600:
        clock.now += throttle.wait_seconds(attempt) or 0.5
        if clock.now >= start + 3600:
            break
        with throttle.judged(attempt):
            throttle.failed(attempt)
        failures += 1

    assert FREE < failures <= 100


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


def test_asking_for_a_sign_in_code_answers_alike_for_known_and_unknown_addresses(client, reader):
    known = Client().post("/accounts/login/code/", {"email": READER_EMAIL})
    unknown = Client().post("/accounts/login/code/", {"email": "nobody.here@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Each address got one email; only the account's holds a code.
    assert [m.to for m in mail.outbox] == [[READER_EMAIL], ["nobody.here@example.com"]]


@given(
    free=st.integers(min_value=0, max_value=50),
    first=st.integers(min_value=1, max_value=60),
    longest=st.integers(min_value=1, max_value=86_400),
    failures=st.integers(min_value=0, max_value=10_000),
)
def test_a_wait_never_shrinks_with_more_failures_and_never_passes_the_longest(
    free, first, longest, failures
):
    schedule = throttle.Schedule(
        free_failures=free, first_delay_seconds=first, longest_delay_seconds=longest
    )

    now, then = schedule.wait_after(failures), schedule.wait_after(failures + 1)

    assert 0 <= now <= then <= max(longest, 0)
    assert (now == 0) == (failures < free)

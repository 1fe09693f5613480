"""Password guessing slowed down, never a lock-out: growing delays per address and per account,
and the browsers an account has signed in from before kept out of a stranger's delays.

A fixed lock ("five failures and the account is shut for five minutes") hands anyone who knows
a reader's email address a way to keep the reader out forever, and a per-address lock shuts out
everyone behind one office or mobile-carrier address. Instead (OWASP, "Slow Down Online
Guessing Attacks with Device Cookies"):

- Every failed password counts against the typed email address (whether or not it has an
  account: the answers must not tell) and against the client's address. A few failures are
  free; after that each further attempt must wait a delay that doubles with each failure, up to
  ``longest_delay_seconds``. Nothing is ever shut; ASVS V2.2.1's "no more than 100 failed
  attempts per hour on a single account" holds with the default schedule (about twenty).
- A browser that has signed in to an account before holds a signed *sign-in device* cookie
  naming that account. Its attempts on that account count only against that browser: an
  attacker's failures from anywhere else do not slow the owner down at all.
- A new browser that is being made to wait can always get in another way: an emailed sign-in
  code (allauth's login by code; its per-address limit is per reader *and* client address) or a
  password reset, which clears the account's failures.

Counters live in the cache (Redis when REDIS_URL is set), keyed by a hash of the address, and
are forgotten ``forget_after_seconds`` after the last failure. Only one attempt per counter is
judged at a time, so a burst of parallel guesses cannot all slip through one opening.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils.crypto import get_random_string

DEVICE_COOKIE = "mh_signin_device"
_DEVICE_SALT = "masthead.accounts.throttle.device"
# How many accounts one browser remembers having signed in to.
_DEVICE_ACCOUNTS = 5
# A judged attempt holds its counters this long at most (a password hash takes far less).
_JUDGING_SECONDS = 10


@dataclass(frozen=True)
class Schedule:
    free_failures: int
    first_delay_seconds: int
    longest_delay_seconds: int

    def wait_after(self, failures: int) -> int:
        """Seconds the next attempt must wait after ``failures`` failures in a row."""
        beyond = failures - self.free_failures
        if beyond < 0:
            return 0
        # 2**40 seconds is past any longest delay; no need to build bigger numbers.
        return int(min(self.longest_delay_seconds, self.first_delay_seconds * 2 ** min(beyond, 40)))


def _schedules() -> dict[str, Schedule]:
    rules = settings.SIGNIN_THROTTLE
    common = {
        "first_delay_seconds": rules["first_delay_seconds"],
        "longest_delay_seconds": rules["longest_delay_seconds"],
    }
    return {
        "account": Schedule(free_failures=rules["free_failures_per_account"], **common),
        "device": Schedule(free_failures=rules["free_failures_per_account"], **common),
        "address": Schedule(free_failures=rules["free_failures_per_address"], **common),
    }


def _now() -> float:
    return time.time()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def normalized(login: str) -> str:
    return login.strip().lower()


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: who it claims to be, from where, and from which browser."""

    login: str
    address: str
    device: str | None = None

    def counters(self) -> dict[str, str]:
        """The counters this attempt is judged by and counts against."""
        account = _digest(normalized(self.login))
        if self.device is not None:
            # A browser the account signed in from before answers only for itself.
            return {"device": f"signin:device:{_digest(self.device)}:{account}"}
        return {"account": f"signin:account:{account}", "address": f"signin:address:{self.address}"}


@dataclass(frozen=True)
class Throttled(Exception):
    """The attempt must wait ``seconds`` more (the password was not even checked)."""

    seconds: int

    def in_words(self) -> str:
        if self.seconds < 60:
            return "a few seconds" if self.seconds <= 5 else f"{self.seconds} seconds"
        minutes = math.ceil(self.seconds / 60)
        return "a minute" if minutes == 1 else f"{minutes} minutes"


def _state(key: str) -> tuple[int, float]:
    failures, last = cache.get(key) or (0, 0.0)
    return int(failures), float(last)


def wait_seconds(attempt: Attempt) -> int:
    """How long ``attempt`` must wait before its password may be checked (0: check it now)."""
    schedules, now, longest = _schedules(), _now(), 0.0
    for kind, key in attempt.counters().items():
        failures, last = _state(key)
        longest = max(longest, last + schedules[kind].wait_after(failures) - now)
    return math.ceil(longest) if longest > 0 else 0


@contextmanager
def judged(attempt: Attempt) -> Iterator[None]:
    """Let the attempt's password be checked now, or raise Throttled.

    Holds the attempt's counters while the password is checked, so parallel guesses are judged
    one at a time (each sees the failures before it); a guess arriving meanwhile waits a
    moment and is told to retry in a few seconds.
    """
    wait = wait_seconds(attempt)
    if wait:
        raise Throttled(seconds=wait)
    held: list[str] = []
    try:
        for key in attempt.counters().values():
            if not cache.add(f"{key}:judging", 1, _JUDGING_SECONDS):
                raise Throttled(seconds=1)
            held.append(f"{key}:judging")
        # Another attempt may have failed between the first look and taking the counters.
        wait = wait_seconds(attempt)
        if wait:
            raise Throttled(seconds=wait)
        yield
    finally:
        cache.delete_many(held)


def failed(attempt: Attempt) -> None:
    forget_after = settings.SIGNIN_THROTTLE["forget_after_seconds"]
    for key in attempt.counters().values():
        failures, _ = _state(key)
        cache.set(key, (failures + 1, _now()), forget_after)


def succeeded(attempt: Attempt) -> None:
    """The right password: the account's (or this browser's) failures are forgotten. The
    client address keeps its count, so one valid account cannot wash out guesses at others."""
    account = _digest(normalized(attempt.login))
    keys = [f"signin:account:{account}"]
    if attempt.device is not None:
        keys.append(f"signin:device:{_digest(attempt.device)}:{account}")
    cache.delete_many(keys)


def forget_accounts(logins: Iterable[str]) -> None:
    """A new password: the guesses were at the old one, so the owner starts afresh."""
    cache.delete_many([f"signin:account:{_digest(normalized(login))}" for login in logins])


# --- The sign-in device cookie -------------------------------------------------------------


def _device_claim(request: HttpRequest) -> dict[str, Any] | None:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        claim = signing.loads(raw, salt=_DEVICE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(claim, dict) or not isinstance(claim.get("id"), str):
        return None
    return claim


def device_for(request: HttpRequest, login: str) -> str | None:
    """The browser's sign-in device id if it has signed in to ``login``'s account before."""
    claim = _device_claim(request)
    if claim is None or _digest(normalized(login)) not in claim.get("accounts", []):
        return None
    return str(claim["id"])


def remember_device(
    request: HttpRequest, response: HttpResponseBase, logins: Iterable[str]
) -> None:
    """After a sign-in: this browser is now one the account (any of its addresses, ``logins``)
    has signed in from."""
    claim = _device_claim(request) or {"id": get_random_string(24), "accounts": []}
    mine = list(dict.fromkeys(_digest(normalized(login)) for login in logins if login))
    others = [a for a in claim.get("accounts", []) if a not in mine]
    claim["accounts"] = [*mine, *others][: max(_DEVICE_ACCOUNTS, len(mine))]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(claim, salt=_DEVICE_SALT),
        max_age=settings.SIGNIN_THROTTLE["device_days"] * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def attempt_for(request: HttpRequest, *, login: str, address: str) -> Attempt:
    return Attempt(login=login, address=address, device=device_for(request, login))

"""allauth adapter: what to tell readers, and who they are for the rate limits."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from masthead.core.net import client_ip

# The same words whether or not the address has an account: nothing here may tell them apart.
READER_ERROR_MESSAGES = {
    "email_password_mismatch": (
        "The email address or password you entered is not right. Check them and try again."
    ),
    # Failed logins are limited per address for minutes (settings.ACCOUNT_RATE_LIMITS);
    # a password reset lifts the limit at once, so the real owner is never locked out for long.
    "too_many_login_attempts": (
        "Too many attempts to log in with this email address. Please try again in a few "
        "minutes, or reset your password to get in straight away."
    ),
    "rate_limited": "You are going a little fast. Please wait a minute and try again.",
}


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """allauth already honours a safe ``?next=``; this keeps the story as the default return."""

    error_messages = {**DefaultAccountAdapter.error_messages, **READER_ERROR_MESSAGES}

    def get_client_ip(self, request: HttpRequest) -> str:
        """The reader's address for allauth's per-IP limits, as the rest of Masthead sees it.

        allauth on its own takes REMOTE_ADDR, which behind a proxy is the proxy: every reader
        would share one login and sign-up allowance. ``client_ip`` follows X-Forwarded-For only
        through MASTHEAD_TRUSTED_PROXIES, so a reader cannot dodge a limit with a made-up header.
        """
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's IP address.")
        return ip

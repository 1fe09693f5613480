"""allauth adapter: what to tell readers, and who they are for the rate limits."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from masthead.accounts import tasks
from masthead.accounts.emails import ready_to_queue
from masthead.core.net import client_ip
from masthead.devices import services as devices
from masthead.devices.models import SignOutReason

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

    # --- Emails: text and HTML, sent by the worker (masthead.accounts.tasks) -----------------

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Rendered here (allauth's links need the request), sent by the worker after commit."""
        request = context_request()
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        ctx.setdefault("site_url", settings.SITE_URL)
        ctx.setdefault("publisher_name", settings.PUBLISHER_NAME)
        tasks.queue(ready_to_queue(self.render_mail(template_prefix, email, ctx)))

    # --- Devices: every sign-in is a device, within the reader's limit (masthead.devices) ---

    def get_login_stages(self) -> list[str]:
        # Last, so a reader is asked about devices only once every other check has passed.
        return [*super().get_login_stages(), "masthead.devices.stages.DeviceLimitStage"]

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        devices.register_browser(
            user_id=user.pk,
            session=request.session,
            user_agent=str(request.META.get("HTTP_USER_AGENT", "")),
        )

    def logout(self, request: HttpRequest) -> None:
        device_id = devices.current_browser_id(request.session)
        if request.user.is_authenticated and device_id is not None:
            # Already signed out from another device: then there is nothing left to free.
            with suppress(ValidationError):
                devices.sign_out_device(
                    user_id=request.user.pk, device_id=device_id, reason=SignOutReason.LOGOUT
                )
        super().logout(request)

    def set_password(self, user: Any, password: str) -> None:
        """A new password (changed or reset) signs out every other device, apps included:
        whoever knew the old one keeps nothing. The browser that changed it stays in."""
        super().set_password(user, password)
        request = context.request
        keep = None
        current = getattr(request, "user", None)
        if request is not None and current is not None and current.pk == user.pk:
            keep = devices.current_browser_id(request.session)
        devices.sign_out_other_devices(
            user_id=user.pk, keep_device_id=keep, reason=SignOutReason.PASSWORD
        )


def context_request() -> HttpRequest | None:
    request: HttpRequest | None = context.request
    return request

"""allauth adapter: what to tell readers, and who they are for the rate limits."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from masthead.accounts import selectors, tasks, throttle
from masthead.accounts.emails import ready_to_queue
from masthead.core.net import client_ip
from masthead.devices import services as devices
from masthead.devices.models import SignOutReason
from masthead.insights import events as insights_events

# The same words whether or not the address has an account: nothing here may tell them apart.
READER_ERROR_MESSAGES = {
    "email_password_mismatch": (
        "The email address or password you entered is not right. Check them and try again."
    ),
    # Failed logins slow further attempts down (masthead.accounts.throttle), never lock: the
    # emailed sign-in code and a password reset get the real owner in straight away.
    "too_many_login_attempts": (
        "Too many attempts to log in with this email address. Please try again in a few "
        "minutes, or get in straight away with a sign-in code we email you, or by resetting "
        "your password."
    ),
    "login_throttled": (
        "Too many attempts to log in with this email address. Please try again in %s, or get "
        "in straight away with a sign-in code we email you, or by resetting your password."
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

    # --- Password guessing: growing delays, never a lock-out (masthead.accounts.throttle) ---

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """allauth's fixed lock per address is replaced by ``authenticate`` below."""

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        login = str(credentials.get("email") or credentials.get("username") or "")
        attempt = throttle.attempt_for(request, login=login, address=self.get_client_ip(request))
        try:
            with throttle.judged(attempt):
                user = super().authenticate(request, **credentials)
                if user is None:
                    throttle.failed(attempt)
                else:
                    throttle.succeeded(attempt)
        except throttle.Throttled as exc:
            raise self.validation_error("login_throttled", exc.in_words()) from exc
        return user

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> Any:
        response = super().post_login(request, user, **kwargs)
        throttle.remember_device(request, response, _addresses_of(user))
        return response

    # --- Staff's second factor (masthead.accounts.middleware) ---

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up a *first* second factor minutes after signing in does not ask for the
        password again (the staff member was just sent there from the admin); adding another
        or removing one always does, so a borrowed session cannot swap the factor."""
        required = bool(super().is_reauthentication_required(app=app, **kwargs))
        request = context.request
        if not required or app != "allauth.mfa" or request is None:
            return required
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return required
        return not selectors.may_add_first_factor_now(
            user_id=user.pk,
            records=get_authentication_records(request, user),
            within_seconds=account_settings.REAUTHENTICATION_TIMEOUT,
        )

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        saved = super().save_user(request, user, form, commit)
        if saved.pk is not None:  # the funnel's sign-up (pseudonymous)
            insights_events.registered(request=request, user_id=saved.pk)
        return saved

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
        throttle.forget_accounts(_addresses_of(user))
        request = context.request
        keep = None
        current = getattr(request, "user", None)
        if request is not None and current is not None and current.pk == user.pk:
            keep = devices.current_browser_id(request.session)
        devices.sign_out_other_devices(
            user_id=user.pk, keep_device_id=keep, reason=SignOutReason.PASSWORD
        )


def _addresses_of(user: Any) -> list[str]:
    return [user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)]


def context_request() -> HttpRequest | None:
    request: HttpRequest | None = context.request
    return request

"""The forms a reader fills in: allauth's, with plain labels, and a sign-up that tells no one who
has an account.

allauth prevents sign-up enumeration only when email verification is mandatory: with optional
verification (a new reader reads at once) it refuses a registered address with "A user is
already registered with this email address", which tells anyone who owns which account. Here a
registered address gets the answer a new address gets -- the same redirect and the same "we have
sent an email" notice -- while no second account is made and the owner is emailed that someone
tried to sign up with their address (allauth's "account already exists" email).

What cannot be hidden with optional verification is that a genuine new reader ends up logged
in; only ACCOUNT_EMAIL_VERIFICATION = "mandatory" closes that, and then allauth's own flow is
used unchanged.
"""

from __future__ import annotations

from typing import Any, ClassVar

from allauth.account import app_settings
from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.internal import userkit
from allauth.account.utils import filter_users_by_email, get_login_redirect_url
from allauth.core import context, ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponseRedirect

EMAIL = "Email address"
RETYPE_NEW = "Type the new password again"


class PlainLabelsMixin:
    """Labels in plain words, and no placeholders: a placeholder that repeats the label makes
    an empty box look filled in, and disappears as soon as the reader types."""

    labels: ClassVar[dict[str, str]] = {}
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]


class LoginForm(PlainLabelsMixin, allauth_forms.LoginForm):  # type: ignore[misc]
    labels: ClassVar[dict[str, str]] = {"login": EMAIL}


class ResetPasswordForm(PlainLabelsMixin, allauth_forms.ResetPasswordForm):  # type: ignore[misc]
    labels: ClassVar[dict[str, str]] = {"email": EMAIL}


class ResetPasswordKeyForm(PlainLabelsMixin, allauth_forms.ResetPasswordKeyForm):  # type: ignore[misc]
    labels: ClassVar[dict[str, str]] = {
        "password1": "New password",
        "password2": RETYPE_NEW,
    }


class ChangePasswordForm(PlainLabelsMixin, allauth_forms.ChangePasswordForm):  # type: ignore[misc]
    labels: ClassVar[dict[str, str]] = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": RETYPE_NEW,
    }


class SetPasswordForm(PlainLabelsMixin, allauth_forms.SetPasswordForm):  # type: ignore[misc]
    labels: ClassVar[dict[str, str]] = {"password2": "Type the password again"}


class AddEmailForm(PlainLabelsMixin, allauth_forms.AddEmailForm):  # type: ignore[misc]
    labels: ClassVar[dict[str, str]] = {"email": EMAIL}


class RequestLoginCodeForm(PlainLabelsMixin, allauth_forms.RequestLoginCodeForm):  # type: ignore[misc]
    """ "Email me a sign-in code", limited per reader *and* client address.

    allauth limits codes per address alone, so anyone could keep a reader's allowance spent
    and the reader could never get a code: the one way in that guessing must not block
    (masthead.accounts.throttle). A code is tied to the browser that asked for it, so codes
    asked for elsewhere are no use to anyone but that browser; the per-client part keeps one
    sender from filling the reader's inbox.
    """

    labels: ClassVar[dict[str, str]] = {"email": EMAIL}

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"])
        if not email:
            return email
        adapter = get_adapter()
        request = context.request
        key = f"{email.lower()}|{adapter.get_client_ip(request)}"
        if not ratelimit.consume(request, action="request_login_code", key=key):
            raise adapter.validation_error("too_many_login_attempts")
        # As allauth does, with enumeration prevented: no error for an unknown address.
        users = userkit.filter_users_by_email(
            email, is_active=True, prefer_verified=True, for_login=True
        )
        self._user = users[0] if users else None
        return email


def _verification_is_mandatory() -> bool:
    return bool(app_settings.EMAIL_VERIFICATION == app_settings.EmailVerificationMethod.MANDATORY)


def tell_owner_someone_signed_up_again(request: HttpRequest, email: str) -> None:
    """Email the owner, with the notice and the rate limit a new sign-up's email gets."""
    # Same per-address limit allauth applies before sending a verification email; when it is
    # spent allauth sends nothing and says nothing, so neither do we.
    if not ratelimit.consume(request, action="confirm_email", key=email.lower()):
        return
    adapter = get_adapter(request)
    adapter.send_account_already_exists_mail(email)
    adapter.add_message(
        request,
        messages.INFO,
        "account/messages/email_confirmation_sent.txt",
        {"email": email, "login": False, "signup": True},
    )


class SignupForm(PlainLabelsMixin, allauth_forms.SignupForm):  # type: ignore[misc]
    labels: ClassVar[dict[str, str]] = {"email": EMAIL, "password2": "Type the password again"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "We will email you a link to confirm it."

    def validate_unique_email(self, value: str) -> str:
        if _verification_is_mandatory() or not filter_users_by_email(value):
            return str(super().validate_unique_email(value))
        self.account_already_exists = True
        return str(get_adapter().validate_unique_email(value))

    def try_save(self, request: HttpRequest) -> tuple[Any, HttpResponseRedirect | None]:
        if not self.account_already_exists or _verification_is_mandatory():
            return super().try_save(request)  # type: ignore[no-any-return]
        # Hash the password anyway: a new sign-up spends this time, so the answer takes as long.
        make_password(self.cleaned_data.get("password1"))
        tell_owner_someone_signed_up_again(request, self.cleaned_data["email"])
        # Where a new reader is sent after signing up: a safe ?next=, else the sign-up default.
        return None, HttpResponseRedirect(get_login_redirect_url(request, signup=True))

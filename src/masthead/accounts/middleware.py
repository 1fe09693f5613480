"""Staff show a second factor before the back office opens (allauth's MFA).

The back office can refund money, comp access and edit the script served on every page, so a
password alone must not open it. A staff member's request for an admin page (or another
staff-only page named in ``STAFF_SECOND_FACTOR_URLS``) is sent

- to set up an authenticator app (which also gives recovery codes) when they have no factor;
- to enter a code when they have one but this session has not shown it;

and otherwise goes through. Readers are never asked (they may add a factor if they like).
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from masthead.accounts.selectors import SecondFactor, second_factor

SET_UP = (
    "The back office needs a code from an authenticator app as well as your password. "
    "Set one up here: it takes a minute, and you keep recovery codes for a lost phone."
)
SHOW = "Enter a code from your authenticator app to open the back office."


def _staff_only(path: str) -> bool:
    return any(path.startswith(reverse(name)) for name in settings.STAFF_SECOND_FACTOR_URLS)


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self._redirect(request)
        return redirect if redirect is not None else self.get_response(request)

    def _redirect(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not settings.STAFF_MFA_REQUIRED or user is None or not user.is_authenticated:
            return None
        if not user.is_staff or not _staff_only(request.path):
            return None
        if request.path == reverse("admin:logout"):
            return None
        state = second_factor(user_id=user.pk, records=get_authentication_records(request, user))
        if state is SecondFactor.SHOWN:
            return None
        if state is SecondFactor.MISSING:
            target, why = "mfa_activate_totp", SET_UP
        else:
            target, why = "mfa_reauthenticate", SHOW
        messages.info(request, why)
        return HttpResponseRedirect(
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )

"""End the session of a browser that was signed out from another device.

Runs after authentication, before the reader's identity is worked out, so a signed-out
browser's very next request is an anonymous one (and its meter carries over as at a logout).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from masthead.devices import selectors, services


class DeviceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            device_id = services.current_browser_id(request.session)
            if device_id is None:
                # Signed in before devices were recorded (or by staff tooling): record it now.
                services.register_browser(
                    user_id=user.pk,
                    session=request.session,
                    user_agent=str(request.META.get("HTTP_USER_AGENT", "")),
                )
            elif not selectors.browser_still_signed_in(device_id=device_id, user_id=user.pk):
                logout(request)
                messages.info(
                    request,
                    "You were signed out on this device from another one. "
                    "Log in again to carry on.",
                )
            else:
                services.note_browser_seen(session=request.session, device_id=device_id)
        return self.get_response(request)

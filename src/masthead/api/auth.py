"""Bearer tokens for the publisher's apps.

API requests are authenticated only by ``Authorization: Bearer <token>``, never by the session
cookie: a browser cannot be made to send that header cross-site, so these views are exempt
from CSRF (docs/adr/0010-devices-and-app-tokens.md). A cookie on the request is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from masthead.devices.models import Device
from masthead.devices.services import app_device_for_token

View = Callable[..., HttpResponse]


def error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)


def bearer_token(request: HttpRequest) -> str | None:
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = bearer_token(request)
        device = app_device_for_token(token=token) if token else None
        if device is None:
            response = error(
                401,
                "unauthorized",
                "Send a valid token as “Authorization: Bearer <token>”. "
                "POST /api/v1/tokens with your email and password makes one.",
            )
            response["WWW-Authenticate"] = 'Bearer realm="masthead"'
            return response
        request.api_device = device  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def device_of(request: HttpRequest) -> Device:
    device: Device = request.api_device  # type: ignore[attr-defined]
    return device

"""The devices page, and the sign-in step that asks which device to sign out. Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from masthead.devices import selectors, services
from masthead.devices.models import OverLimitChoice


def _reader_id(request: HttpRequest) -> int:
    """The signed-in reader's id (the views below all need a login)."""
    return int(request.user.pk or 0)


def _device_id(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


@require_safe
@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    user_id = _reader_id(request)
    return render(
        request,
        "devices/list.html",
        {
            "devices": list(selectors.active_devices(user_id=user_id)),
            "current_id": services.current_browser_id(request.session),
            "limit": selectors.device_limit(user_id=user_id),
            "every_device": selectors.holds_every_device_benefit(user_id=user_id),
            "asks": selectors.policy().when_over_limit == OverLimitChoice.ASK,
        },
    )


@require_POST
@login_required
def sign_out(request: HttpRequest, device_id: int) -> HttpResponse:
    if device_id == services.current_browser_id(request.session):
        messages.error(request, "To sign out of this browser, use Log out.")
        return redirect("devices:list")
    try:
        device = services.sign_out_device(user_id=_reader_id(request), device_id=device_id)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Signed out {device.name}.")
    return redirect("devices:list")


@require_POST
@login_required
def sign_out_others(request: HttpRequest) -> HttpResponse:
    count = services.sign_out_other_devices(
        user_id=_reader_id(request), keep_device_id=services.current_browser_id(request.session)
    )
    if count:
        messages.success(request, f"Signed out {count} other device{'s' if count != 1 else ''}.")
    else:
        messages.info(request, "You are not signed in anywhere else.")
    return redirect("devices:list")


def choose(request: HttpRequest) -> HttpResponse:
    """One device too many at sign-in: pick one to sign out, or cancel the sign-in."""
    # Imported here: allauth's stages module and its internals import each other, and loading
    # it first while the URLconf is being built breaks that cycle.
    from allauth.account.stages import LoginStageController

    from masthead.devices.stages import DeviceLimitStage

    stage = LoginStageController.enter(request, DeviceLimitStage.key)
    if stage is None:
        messages.info(request, "Your sign-in has expired. Please log in again.")
        return HttpResponseRedirect(reverse("account_login"))
    user: Any = stage.login.user
    error = ""
    if request.method == "POST":
        if "cancel" in request.POST:
            messages.info(request, "You did not sign in. Your other devices stay signed in.")
            response: HttpResponse = stage.abort()
            return response
        picked = _device_id(request.POST.get("device"))
        if picked is None:
            error = "Choose the device to sign out, or cancel."
        else:
            try:
                services.replace_before_sign_in(user_id=user.pk, device_id=picked)
            except ValidationError as exc:
                error = exc.messages[0]
            else:
                return stage.exit()  # type: ignore[no-any-return]
    elif request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    return render(
        request,
        "devices/choose.html",
        {
            "devices": list(selectors.active_devices(user_id=user.pk)),
            "limit": selectors.device_limit(user_id=user.pk),
            "error": error,
        },
        status=400 if error else 200,
    )

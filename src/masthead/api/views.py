"""The JSON API for the publisher's apps, under /api/v1/. Thin: devices' services make and end
tokens, the one gate decides what each story shows, exactly as on the story page."""

from __future__ import annotations

import json
import re
from contextlib import suppress
from typing import Any

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from masthead.access.gate import Context, Surface, decide, may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit
from masthead.accounts.adapter import READER_ERROR_MESSAGES
from masthead.api import openapi as openapi_document
from masthead.api import selectors
from masthead.api.auth import device_of, error, token_required
from masthead.devices import selectors as devices_selectors
from masthead.devices import services as devices
from masthead.devices.models import Device, SignOutReason
from masthead.newsroom.blocks import split_lead, without_cut
from masthead.newsroom.models import Article
from masthead.search import params as search_params
from masthead.search import selectors as search_selectors
from masthead.search.presenters import results_json

NO_STORE = {"Cache-Control": "private, no-store"}
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _not_allowed(*methods: str) -> JsonResponse:
    response = error(405, "method_not_allowed", f"Use {' or '.join(methods)}.")
    response["Allow"] = ", ".join(methods)
    return response


def _device_json(device: Device, *, current: Device | None = None) -> dict[str, Any]:
    return {
        "id": device.pk,
        "kind": device.kind,
        "name": device.name,
        "first_seen_at": device.first_seen_at.isoformat(),
        "last_seen_at": device.last_seen_at.isoformat(),
        "current": current is not None and device.pk == current.pk,
    }


def _payload(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError("The request body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise ValidationError("Send a JSON object.")
        return data
    return {key: request.POST.get(key) for key in request.POST}


def _optional_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).isdigit():
        raise ValidationError("replace_device must be the id of one of your devices.")
    return int(value)


@csrf_exempt  # authenticated by email and password in the body, never by a cookie
def tokens(request: HttpRequest) -> HttpResponse:
    """POST {email, password, device_name[, replace_device]} -> 201 {token, device}.

    Over the device limit: 409 with the devices, when the publisher asks (send one of their ids
    as ``replace_device`` to sign it out); otherwise the least recently used is signed out and
    listed in ``signed_out``.
    """
    if request.method != "POST":
        return _not_allowed("POST")
    if not ratelimit.consume(request, action="api_token"):
        response = error(429, "rate_limited", READER_ERROR_MESSAGES["rate_limited"])
        response["Retry-After"] = "60"
        return response
    try:
        data = _payload(request)
        replace = _optional_id(data.get("replace_device"))
    except ValidationError as exc:
        return error(400, "invalid_request", exc.messages[0])
    email, password = str(data.get("email") or "").strip(), str(data.get("password") or "")
    if not email or not password:
        return error(400, "invalid_request", "Send your email address and password.")
    try:
        # allauth's own check, with the failed-login limit the login page has (shared with it).
        user = get_adapter(request).authenticate(request, email=email, password=password)
    except ValidationError:
        return error(429, "too_many_attempts", READER_ERROR_MESSAGES["too_many_login_attempts"])
    if user is None or not user.is_active:
        return error(401, "invalid_credentials", READER_ERROR_MESSAGES["email_password_mismatch"])
    try:
        issued = devices.issue_app_token(
            user_id=user.pk,
            name=str(data.get("device_name") or ""),
            user_agent=str(request.META.get("HTTP_USER_AGENT", "")),
            replace_device_id=replace,
        )
    except devices.DeviceLimitReached as exc:
        return error(
            409,
            "device_limit_reached",
            f"{exc} Send the id of the device to sign out as replace_device.",
            limit=exc.limit,
            devices=[_device_json(d) for d in exc.devices],
        )
    except ValidationError as exc:
        return error(400, "invalid_request", exc.messages[0])
    return JsonResponse(
        {
            "token": issued.token,
            "token_type": "Bearer",
            "device": _device_json(issued.device, current=issued.device),
            "signed_out": [_device_json(d) for d in issued.signed_out],
        },
        status=201,
        headers=NO_STORE,
    )


@csrf_exempt  # bearer token only
@token_required
def current_token(request: HttpRequest) -> HttpResponse:
    """DELETE: sign this app out (its token stops working at once)."""
    if request.method != "DELETE":
        return _not_allowed("DELETE")
    device = device_of(request)
    with suppress(ValidationError):  # signed out meanwhile: the answer is the same
        devices.sign_out_device(
            user_id=device.user_id, device_id=device.pk, reason=SignOutReason.LOGOUT
        )
    return HttpResponse(status=204)


def _reader(request: HttpRequest) -> Reader:
    return Reader(
        user_id=device_of(request).user_id,
        anonymous_id=None,
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
    )


@csrf_exempt  # bearer token only
@token_required
def me(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return _not_allowed("GET")
    device = device_of(request)
    reader = _reader(request)
    return JsonResponse(
        {
            "email": device.user.email,
            # Each benefit asked of the gate (one query: the reader keeps its grants).
            "benefits": [b.value for b in Benefit if may_use(reader=reader, benefit=b).full],
            "device_limit": devices_selectors.device_limit(user_id=device.user_id),
            "devices": [
                _device_json(d, current=device)
                for d in devices_selectors.active_devices(user_id=device.user_id)
            ],
        },
        headers=NO_STORE,
    )


def _summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "slug": article.slug,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "section": article.section.slug,
        "access_level": article.access_level,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "url": settings.SITE_URL + article.get_absolute_url(),
        "agency": article.agency.short_name if article.agency_id and article.agency else None,
    }


@csrf_exempt  # bearer token only
@token_required
def stories(request: HttpRequest) -> HttpResponse:
    if request.method not in {"GET", "HEAD"}:
        return _not_allowed("GET")
    for name in ("page", "section"):
        if len(request.GET.getlist(name)) > 1:
            return error(400, "invalid_request", f"Give {name} once.")
    asked = request.GET.get("page", "1")
    if not asked.isascii() or not asked.isdigit() or int(asked) < 1:
        return error(400, "invalid_request", "page must be a whole number from 1 (1 is first).")
    section = request.GET.get("section", "")
    if section and not SLUG.fullmatch(section):
        return error(400, "invalid_request", "section must be a section's slug, e.g. markets.")
    page = selectors.story_page(section_slug=section or None, page=int(asked))
    return JsonResponse(
        {
            "stories": [_summary(a) for a in page.object_list],
            "page": page.number,
            "pages": page.paginator.num_pages,
        },
        headers=NO_STORE,
    )


@csrf_exempt  # bearer token only
@token_required
def story(request: HttpRequest, key: str) -> HttpResponse:
    """The story as the page shows it to this reader: the whole body or only the lead."""
    if request.method not in {"GET", "HEAD"}:
        return _not_allowed("GET")
    try:
        article = selectors.story(key=key)
    except Http404:
        return error(
            404, "not_found", f"No published story {key!r}. List them at /api/v1/stories/."
        )
    # Opening a story in the app uses the meter exactly as opening its page does; HEAD does not.
    decision = decide(
        reader=_reader(request),
        article=article,
        context=Context(surface=Surface.API, count=request.method == "GET"),
    )
    if decision.full:
        body = without_cut(article.body)
    else:
        body = split_lead(article.body, default_paragraphs=settings.LEAD_PARAGRAPHS).lead
    meter = None
    if decision.remaining is not None:
        meter = {
            "free_limit": decision.free_limit,
            "read": decision.read,
            "remaining": decision.remaining,
        }
    return JsonResponse(
        {
            **_summary(article),
            "full": decision.full,
            "reason": decision.reason.value,
            "prompt": decision.prompt.value if decision.prompt else None,
            "meter": meter,
            "body": body,
        },
        headers=NO_STORE,
    )


@csrf_exempt  # read-only: any other method gets 405, not a CSRF 403
def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document of this API (no token needed)."""
    if request.method not in {"GET", "HEAD"}:
        return _not_allowed("GET")
    return JsonResponse(openapi_document.document(), json_dumps_params={"indent": 1})


@csrf_exempt  # bearer token only
@token_required
def search(request: HttpRequest) -> HttpResponse:
    """The archive search with the search page's parameters; the gate decides each result."""
    if request.method not in {"GET", "HEAD"}:
        return _not_allowed("GET")
    try:
        wanted = search_params.read(request.GET)
    except search_params.ParamError as exc:
        return error(400, "invalid_search", str(exc))
    results = search_selectors.search(
        reader=_reader(request),
        query=wanted.query,
        filters=wanted.filters,
        sort=wanted.sort,
        page=wanted.page,
    )
    return JsonResponse(results_json(results), headers=NO_STORE)

"""The e-paper's pages. Every page image and PDF goes out through a view that asks the gate
(``access.gate.may_use``) or checks a signed share link; there is no public file URL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.access.gate import Decision, may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit
from masthead.access.prompt import Prompt, build_prompt
from masthead.epaper import clips, selectors, services
from masthead.epaper.models import Edition
from masthead.epaper.rendering import Clip, crop

# Pages link their images with ?v=<edition row>, and a re-upload is a new row: a reader's
# browser may keep an image a day; no shared cache ever may (they are behind the gate).
PRIVATE_IMAGE_CACHE = "private, max-age=86400"


def _reader(request: HttpRequest) -> Reader:
    return request.reader  # type: ignore[attr-defined, no-any-return]


def _decision(request: HttpRequest) -> Decision:
    return may_use(reader=_reader(request), benefit=Benefit.EPAPER)


def _prompt(request: HttpRequest, decision: Decision, next_url: str) -> Prompt | None:
    prompt = build_prompt(
        decision=decision, signed_in=_reader(request).is_signed_in, next_url=next_url
    )
    if prompt is None:
        return None
    # The publisher's copy speaks of stories; beside a page of the paper it speaks of the paper.
    verb = "Upgrade" if prompt.signed_in else "Subscribe"
    return dataclasses.replace(
        prompt,
        heading="The e-paper is for subscribers.",
        message=(f"{verb} to read every page of the print edition, download it and share clips."),
        button_label=f"{verb} to read the e-paper →",
    )


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404("No such date.") from exc


def _image(content: bytes, *, cache: str = PRIVATE_IMAGE_CACHE) -> HttpResponse:
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = cache
    return response


def _refused(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        "The e-paper is for subscribers. Sign in with a subscription that includes it.",
        status=403,
        content_type="text/plain; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    latest = selectors.latest_editions(today=today)
    month_param = request.GET.get("month", "")
    anchor = latest[0].date if latest else today
    if month_param:
        try:
            anchor = dt.date.fromisoformat(f"{month_param}-01")
        except ValueError:
            anchor = today
        if not 1900 < anchor.year <= today.year + 1:
            anchor = today
    month = selectors.month_calendar(year=anchor.year, month=anchor.month, today=today)
    decision = _decision(request)
    response = render(
        request,
        "epaper/home.html",
        {
            "latest": latest,
            "is_today": bool(latest) and latest[0].date == today,
            "month": month,
            "entitled": decision.full,
            "prompt": _prompt(request, decision, request.get_full_path()),
        },
    )
    response["Cache-Control"] = "private, no-cache"
    return response


def _edition(date: str, slug: str) -> Edition:
    return selectors.published_edition(date=_date(date), slug=slug)


@require_GET
def edition(request: HttpRequest, date: str, slug: str) -> HttpResponse:
    return redirect("epaper:page", date=date, slug=slug, number=1)


@require_GET
def page(request: HttpRequest, date: str, slug: str, number: int) -> HttpResponse:
    edition = _edition(date, slug)
    if not 1 <= number <= edition.page_count:
        raise Http404("No such page.")
    decision = _decision(request)
    context: dict[str, Any] = {
        "edition": edition,
        "number": number,
        "entitled": decision.full,
        "others": selectors.latest_editions(today=edition.date),
    }
    if decision.full:
        context["pages"] = range(1, edition.page_count + 1)
        context["page"] = selectors.edition_page(edition=edition, number=number)
        context["previous"] = number - 1 if number > 1 else None
        context["next"] = number + 1 if number < edition.page_count else None
    else:
        context["prompt"] = _prompt(request, decision, request.get_full_path())
    response = render(request, "epaper/page.html", context)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def page_image(request: HttpRequest, date: str, slug: str, number: int, size: str) -> HttpResponse:
    edition = _edition(date, slug)
    if not _decision(request).full:
        return _refused(request)
    return _image(selectors.page_image(edition=edition, number=number, size=size))


@require_GET
def cover(request: HttpRequest, date: str, slug: str) -> HttpResponse:
    """The front page small and blurred: what readers without the e-paper may see."""
    edition = _edition(date, slug)
    return _image(selectors.blurred_cover(edition=edition), cache="public, max-age=86400")


def _download(request: HttpRequest, edition: Edition, number: int | None) -> HttpResponse:
    user = request.user
    if not _decision(request).full or not user.is_authenticated:
        return _refused(request)
    stamped = services.stamped_download(edition=edition, user=user, page_number=number)
    response = HttpResponse(stamped.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stamped.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def download_edition(request: HttpRequest, date: str, slug: str) -> HttpResponse:
    return _download(request, _edition(date, slug), None)


@require_GET
def download_page(request: HttpRequest, date: str, slug: str, number: int) -> HttpResponse:
    edition = _edition(date, slug)
    if not 1 <= number <= edition.page_count:
        raise Http404("No such page.")
    return _download(request, edition, number)


def _clip_from(post: Any) -> Clip | None:
    values = [post.get(name, "").strip() for name in ("x", "y", "w", "h")]
    if not any(values):
        return None
    try:
        return Clip(*(round(float(v)) for v in values))
    except ValueError:
        return None


@require_POST
def share(request: HttpRequest, date: str, slug: str, number: int) -> HttpResponse:
    edition = _edition(date, slug)
    if not 1 <= number <= edition.page_count:
        raise Http404("No such page.")
    if not _decision(request).full:
        return _refused(request)
    clip = _clip_from(request.POST)
    if clip is None and any(request.POST.get(name) for name in ("x", "y", "w", "h")):
        return HttpResponse(
            "That clip is too small or lies outside the page. Draw a larger rectangle.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    token = clips.share_token(
        shared=clips.SharedPage(date=edition.date, slug=edition.slug, page=number, clip=clip)
    )
    url = request.build_absolute_uri(reverse("epaper:shared", kwargs={"token": token}))
    response = render(
        request,
        "epaper/share_ready.html",
        {
            "edition": edition,
            "number": number,
            "url": url,
            "token": token,
            "clip": clip,
            "share_days": settings.EPAPER_SHARE_DAYS,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _shared(token: str) -> tuple[clips.SharedPage, Edition]:
    try:
        shared = clips.read_share_token(token)
    except clips.ShareLinkInvalid as exc:
        raise Http404("expired" if exc.expired else "invalid") from exc
    edition = selectors.published_edition(date=shared.date, slug=shared.slug)
    if not 1 <= shared.page <= edition.page_count:
        raise Http404("No such page.")
    return shared, edition


@require_http_methods(["GET", "HEAD"])
def shared(request: HttpRequest, token: str) -> HttpResponse:
    try:
        shared_page, edition = _shared(token)
    except Http404 as exc:
        return render(
            request,
            "epaper/share_invalid.html",
            {"expired": str(exc) == "expired", "share_days": settings.EPAPER_SHARE_DAYS},
            status=404,
        )
    decision = _decision(request)
    response = render(
        request,
        "epaper/shared.html",
        {
            "edition": edition,
            "shared": shared_page,
            "token": token,
            "entitled": decision.full,
            "prompt": _prompt(request, decision, reverse("epaper:home")),
        },
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
def shared_image(request: HttpRequest, token: str) -> HttpResponse:
    """The shared page or clip as an image: the signed token is the permission."""
    shared_page, edition = _shared(token)
    if shared_page.clip is None:
        content = selectors.page_image(edition=edition, number=shared_page.page, size="medium")
    else:
        large = selectors.page_image(edition=edition, number=shared_page.page, size="large")
        content = crop(large, shared_page.clip)
    return _image(content, cache="private, max-age=3600")

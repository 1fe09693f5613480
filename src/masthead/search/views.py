"""The reader's search page, and its JSON form (``?format=json``). Thin: params reads the
request, selectors search and ask the gate, the template shows."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.newsroom.models import Section
from masthead.search import params, selectors
from masthead.search.presenters import results_json

# Results differ by reader (the gate decides each one): no shared cache may keep them.
PRIVATE = {"Cache-Control": "private, no-cache", "Vary": "Cookie"}


def _page(request: HttpRequest, context: dict[str, object], status: int = 200) -> HttpResponse:
    response = render(request, "search/search.html", context, status=status)
    for name, value in PRIVATE.items():
        response[name] = value
    return response


def _wants_json(request: HttpRequest) -> bool:
    return request.GET.get("format") == "json"


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    as_json = _wants_json(request)
    context: dict[str, object] = {
        "sections": Section.objects.all(),
        "story_types": params.STORY_TYPES,
        "sorts": params.SORTS,
        "form": {
            k: request.GET.get(k, "")
            for k in ("q", "section", "author", "from", "to", "year", "type", "sort")
        },
        "search_query": request.GET.get("q", ""),
    }
    if "q" not in request.GET and not as_json:
        return _page(request, context)
    try:
        wanted = params.read(request.GET)
    except params.ParamError as exc:
        if as_json:
            return JsonResponse(
                {"error": {"code": "invalid_search", "message": str(exc)}},
                status=400,
                headers=PRIVATE,
            )
        return _page(request, {**context, "error": str(exc)}, status=400)
    results = selectors.search(
        reader=request.reader,  # type: ignore[attr-defined]
        query=wanted.query,
        filters=wanted.filters,
        sort=wanted.sort,
        page=wanted.page,
    )
    if as_json:
        return JsonResponse(results_json(results), headers=PRIVATE)
    kept = {k: v for k, v in request.GET.items() if k not in {"page", "format"} and v}

    def page_url(number: int) -> str:
        return "?" + urlencode({**kept, "page": number})

    suggestion_url = (
        "?" + urlencode({**kept, "q": results.suggestion}) if results.suggestion else ""
    )
    return _page(
        request,
        {
            **context,
            "results": results,
            "previous_url": page_url(results.page - 1) if results.has_previous else "",
            "next_url": page_url(results.page + 1) if results.has_next else "",
            "suggestion_url": suggestion_url,
        },
    )

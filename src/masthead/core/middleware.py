"""Refuse malformed or oversized requests cleanly, before any view sees them."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if len(query) > settings.MAX_QUERY_STRING_LENGTH:
            return HttpResponse(
                "The address is too long. Remove the extra parameters and try again.",
                status=414,
                content_type="text/plain; charset=utf-8",
            )
        if "\x00" in query or "%00" in query:
            return HttpResponseBadRequest(
                "The address contains a null character. Check the link and try again.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

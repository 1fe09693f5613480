"""Every request: an id (in the logs and the X-Request-ID header), its latency, one log line."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from masthead.core.metrics import REQUEST_LATENCY
from masthead.core.net import client_ip
from masthead.core.observability import new_request_id, request_id

logger = logging.getLogger("masthead.requests")


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = new_request_id(str(request.META.get("HTTP_X_REQUEST_ID", "")))
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        took = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        # The URL pattern's name, never the path: paths are unbounded, label values must not be.
        view = (match.view_name if match else "") or "unmatched"
        REQUEST_LATENCY.labels(
            view=view, method=request.method or "", status=f"{response.status_code // 100}xx"
        ).observe(took)
        response["X-Request-ID"] = rid
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": rid,
                "view": view,
                "status": response.status_code,
                "duration_ms": round(took * 1000, 1),
                "client": client_ip(request),
            },
        )
        return response

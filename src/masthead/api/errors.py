"""Every answer under /api/v1/ that is an error is JSON in one shape:

    {"error": {"code": "not_found", "message": "What was wrong and what to do."}}

The views answer their own errors so (``api.auth.error``). This middleware catches the rest —
an unknown path, a CSRF or size refusal from a middleware, a server error — which Django would
otherwise answer with the site's HTML pages, and rewrites them in the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from masthead.api.auth import error

PREFIX = "/api/v1/"

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    429: "rate_limited",
}

MESSAGES = {
    404: "No such endpoint: {path}. The API's endpoints are listed in /api/v1/openapi.json.",
    405: "This endpoint does not take {method}. See /api/v1/openapi.json.",
    500: "Something went wrong on our side; it has been logged. Try again in a moment.",
}


def json_error_for(*, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The same refusal as JSON: same status, same Allow/Retry-After headers."""
    status = response.status_code
    code = CODES.get(status, "server_error" if status >= 500 else "bad_request")
    template = MESSAGES.get(status) or _phrase(status) + ". See /api/v1/openapi.json."
    message = template.format(path=request.path, method=request.method)
    if str(response.get("Content-Type", "")).startswith("text/plain") and status < 500:
        # A middleware's own plain-text refusal already says what was wrong and what to do.
        message = response.content.decode("utf-8", "replace").strip()[:500] or message
    answer = error(status, code, message)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            answer[header] = response[header]
    answer["Cache-Control"] = "private, no-store"
    return answer


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Refused"


def _is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


class JsonErrorsMiddleware:
    """Outermost but for SecurityMiddleware: it sees every other middleware's refusals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(PREFIX)
            and response.status_code >= 400
            and not _is_json(response)
        ):
            return json_error_for(request=request, response=response)
        return response

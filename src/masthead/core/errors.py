"""Error pages in the site's design that Django would otherwise render bare."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form that came back without a valid CSRF token.

    Django's own page speaks to developers; a reader gets plain words and a way on. The reason
    is logged (it names no secret: "CSRF token missing", "Origin checking failed", ...).
    """
    logger.warning("CSRF check failed for %s %s: %s", request.method, request.path, reason)
    return render(request, "403_csrf.html", status=403)

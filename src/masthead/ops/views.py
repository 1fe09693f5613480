"""Health and metrics endpoints for load balancers, orchestrators and Prometheus."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from masthead.ops import health
from masthead.ops import metrics as ops_metrics

METRICS_PERMISSION = "ops.view_workerheartbeat"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Alive: the process answers. Touches nothing else, so a slow database never kills it."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: database and cache answer, every migration applied (503 if not)."""
    checks = health.readiness()
    ready = all(check.ok for check in checks)
    return JsonResponse(
        {
            "ready": ready,
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        },
        status=200 if ready else 503,
    )


def _bearer(request: HttpRequest) -> str:
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a scraper holding MASTHEAD_METRICS_TOKEN or staff allowed to.

    Anyone else gets a 404 (the page's existence is not advertised); a wrong token, or staff
    without the permission, a 403 saying what is missing.
    """
    token = _bearer(request)
    expected = settings.METRICS_TOKEN
    if token:
        if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
            return HttpResponse(
                "That metrics token is not the one this site expects (MASTHEAD_METRICS_TOKEN).",
                status=403,
                content_type="text/plain; charset=utf-8",
            )
    elif not request.user.is_authenticated or not request.user.is_staff:
        raise Http404
    elif not request.user.has_perm(METRICS_PERMISSION):
        return HttpResponse(
            "Reading the metrics needs the “Can view worker heartbeat” permission.",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    body, content_type = ops_metrics.render()
    return HttpResponse(body, content_type=content_type)

"""The back office's revenue and conversion dashboards, their CSVs and the CSV exports.

Thin: parse the question, ask ``queries``, lay out ``panels``. Staff need the "view revenue"
permission (``insights.view_revenue``); exports of readers need ``insights.export_readers``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from masthead.insights import exports, panels, queries

VIEW = "insights.view_revenue"
EXPORT = "insights.export_readers"


def _guarded(
    permission: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    def wrap(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        return staff_member_required(
            permission_required(permission, raise_exception=True)(require_safe(view))
        )

    return wrap


class BadQuestion(ValueError):
    pass


def _month(request: HttpRequest) -> dt.date:
    raw = request.GET.get("month", "")
    if not raw:
        return queries.local_today(timezone.now()).replace(day=1)
    try:
        return dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError as exc:
        raise BadQuestion(f"month={raw!r} is not a month: use YYYY-MM, e.g. 2026-11.") from exc


def _days(request: HttpRequest) -> tuple[dt.date, dt.date]:
    raw = request.GET.get("days", "30")
    if not raw.isdigit() or not 1 <= int(raw) <= 366:
        raise BadQuestion(f"days={raw!r}: give a number of days from 1 to 366.")
    until = queries.local_today(timezone.now()) + dt.timedelta(days=1)
    return until - dt.timedelta(days=int(raw)), until


def _bad(exc: BadQuestion) -> HttpResponse:
    return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")


def _csv_response(name: str, header: list[str], rows: Iterable[Iterable[Any]]) -> HttpResponseBase:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(["" if v is None else exports.cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _table_csv(found: list[panels.Panel], slug: str, name: str) -> HttpResponseBase:
    for panel in found:
        if panel.table.slug == slug:
            return _csv_response(name, panel.table.columns, panel.table.rows)
    raise Http404(f"No table called {slug!r} on this dashboard.")


@_guarded(VIEW)
def revenue(request: HttpRequest) -> HttpResponse:
    try:
        month = _month(request)
    except BadQuestion as exc:
        return _bad(exc)
    report = queries.revenue_report(month=month)
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "insights/dashboard.html",
        {
            **admin.site.each_context(request),
            "is_nav_sidebar_enabled": False,  # the plots need the width
            "title": f"Revenue — {month:%B %Y}",
            "dashboard": "revenue",
            "panels": panels.revenue_panels(report),
            "query": f"month={month:%Y-%m}",
            "prev": f"?month={prev_month:%Y-%m}",
            "next": f"?month={next_month:%Y-%m}"
            if next_month <= queries.local_today(timezone.now())
            else "",
            "lede": _revenue_lede(report),
        },
    )


def _revenue_lede(report: queries.RevenueReport) -> str:
    if report.as_of is None:
        return (
            "The worker has not yet worked out the ledger's figures: they appear within a few "
            "minutes of its next run (masthead worker)."
        )
    local = report.as_of.astimezone(report.starts_at.tzinfo)
    return (
        "From the billing ledger, in the publisher's time zone, as of "
        f"{local:%d %b %Y %H:%M} (the worker works them out every "
        f"{settings.INSIGHTS_REVENUE_SNAPSHOT_MINUTES} minutes). "
        "Each currency on its own, never converted."
    )


@_guarded(VIEW)
def revenue_csv(request: HttpRequest, table: str) -> HttpResponseBase:
    try:
        month = _month(request)
    except BadQuestion as exc:
        return _bad(exc)
    found = panels.revenue_panels(queries.revenue_report(month=month))
    return _table_csv(found, table, f"revenue-{month:%Y-%m}-{table}")


@_guarded(VIEW)
def conversion(request: HttpRequest) -> HttpResponse:
    try:
        since, until = _days(request)
    except BadQuestion as exc:
        return _bad(exc)
    report = queries.conversion_report(since=since, until=until)
    days = (until - since).days
    return render(
        request,
        "insights/dashboard.html",
        {
            **admin.site.each_context(request),
            "is_nav_sidebar_enabled": False,  # the plots need the width
            "title": f"Conversion — last {days} days",
            "dashboard": "conversion",
            "panels": panels.conversion_panels(report),
            "query": f"days={days}",
            "ranges": [7, 30, 90],
            "days": days,
            "lede": "From reader events rolled up hourly by the worker, and the ledger.",
        },
    )


@_guarded(VIEW)
def conversion_csv(request: HttpRequest, table: str) -> HttpResponseBase:
    try:
        since, until = _days(request)
    except BadQuestion as exc:
        return _bad(exc)
    found = panels.conversion_panels(queries.conversion_report(since=since, until=until))
    return _table_csv(found, table, f"conversion-{since:%Y%m%d}-{table}")


@_guarded(EXPORT)
def export(request: HttpRequest, what: str) -> HttpResponseBase:
    table = exports.EXPORTS.get(what)
    if table is None:
        raise Http404(f"Nothing called {what!r} to export: try {', '.join(exports.EXPORTS)}.")
    header, rows = table()
    return _csv_response(f"{what}-{timezone.now():%Y%m%d}", header, rows)

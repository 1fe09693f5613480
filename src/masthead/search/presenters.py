"""Results as JSON, the same for the search page's JSON form and the apps' API."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from masthead.search.selectors import Result, Results


def result_json(result: Result) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "url": settings.SITE_URL + result.url,
        "headline": result.headline,
        "headline_html": str(result.headline_html),
        "snippet": result.snippet.text,
        "snippet_html": str(result.snippet.html),
        "published_at": result.published_at.isoformat(),
        "section": result.section,
        "authors": list(result.authors),
        "agency": result.agency or None,
        "access_level": result.access_level or None,
        "full": result.full,
        "reason": result.reason or None,
        "matches_in_full_story": result.matches_in_full_story,
        "label": result.label or None,
    }


def results_json(results: Results) -> dict[str, Any]:
    return {
        "query": results.query.text(),
        "total": results.total,
        "more_than_total": results.more_than,
        "page": results.page,
        "pages": results.pages,
        "sort": results.sort,
        "did_you_mean": results.suggestion or None,
        "epaper_included": results.epaper_included,
        "results": [result_json(r) for r in results.results],
    }

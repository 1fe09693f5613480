"""Canonical link, Open Graph and JSON-LD for the newspaper's listing pages.

A story's page carries its own (``presenters.build_kit``: NewsArticle). Every other page kind of
the newspaper — home, section, author, premium, market analysis, archive, e-paper — gets a
``page_meta`` from this context processor, worked out from the URL it answers (so the views
stay as they are): ``CollectionPage`` for listings, ``ProfilePage`` for an author, ``WebPage``
otherwise, each with the publisher (name, URL, logo) as schema.org asks of news publishers
(developers.google.com/search/docs/appearance/structured-data/article). Every address is
absolute, from ``MASTHEAD_SITE_URL``; the query string is dropped but for ``page``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.templatetags.static import static
from django.utils import dateformat
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from masthead.core.web import absolute_url
from masthead.newsroom import selectors

LOGO = "brand/logo.png"
LOGO_SIZE = (600, 60)
SHARE_IMAGE = "icon-512.png"


@dataclass(frozen=True)
class PageMeta:
    kind: str  # schema.org type
    title: str
    description: str
    canonical: str
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (title, absolute URL)

    @property
    def image(self) -> str:
        return absolute_url(static(SHARE_IMAGE))

    @property
    def json_ld(self) -> SafeString:
        data = {
            "@context": "https://schema.org",
            "@type": self.kind,
            "name": self.title,
            "description": self.description,
            "url": self.canonical,
            "inLanguage": settings.LANGUAGE_CODE,
            "isPartOf": {"@type": "WebSite", "name": settings.PUBLISHER_NAME, "url": _home()},
            "publisher": publisher(),
        }
        return script_json(data)


def _home() -> str:
    return absolute_url("/")


def publisher() -> dict[str, Any]:
    """The publisher as every page's structured data names it."""
    width, height = LOGO_SIZE
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.PUBLISHER_NAME,
        "url": _home(),
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(static(LOGO)),
            "width": width,
            "height": height,
        },
    }


def script_json(data: dict[str, Any]) -> SafeString:
    """JSON for a <script type="application/ld+json">: nothing in it can close the element."""
    text = (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return mark_safe(text)


def _canonical(request: HttpRequest) -> str:
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isdigit() and page != "1" else ""
    return absolute_url(request.path) + query


def _feed(title: str, slug: str) -> tuple[str, str]:
    return (title, absolute_url(f"/rss/{slug}.xml"))


def meta_for(request: HttpRequest) -> PageMeta | None:
    """The page's metadata, or None for pages that are no part of the newspaper's listings
    (accounts, checkout, the back office) and for the story page (its kit has its own)."""
    match = request.resolver_match
    if match is None or request.path.startswith(("/admin/", "/api/")):
        return None
    name, kwargs = match.view_name, match.kwargs
    name_of = settings.PUBLISHER_NAME
    canonical = _canonical(request)

    def listing(title: str, description: str, **extra: Any) -> PageMeta:
        return PageMeta(
            kind="CollectionPage",
            title=title,
            description=description,
            canonical=canonical,
            **extra,
        )

    try:
        if name == "newsroom:home":
            return listing(name_of, settings.PUBLISHER_TAGLINE)
        if name == "newsroom:section":
            section = selectors.section_by_slug(slug=kwargs["section_slug"])
            return listing(
                f"{section.name} — {name_of}",
                section.description or f"The latest from {section.name}.",
                feeds=[_feed(section.name, section.slug)],
            )
        if name == "newsroom:author":
            author = selectors.author_by_slug(slug=kwargs["author_slug"])
            return PageMeta(
                kind="ProfilePage",
                title=f"{author.name} — {name_of}",
                description=f"Stories by {author.name}.",
                canonical=canonical,
            )
        if name == "newsroom:premium":
            return listing(f"Premium — {name_of}", "Today's premium stories, then earlier ones.")
        if name == "newsroom:market_analysis":
            return listing(
                f"Market analysis — {name_of}",
                "In-depth market analysis and investment insights.",
                feeds=[_feed(s.name, s.slug) for s in selectors.market_analysis_sections()],
            )
        if name.startswith("newsroom:archive"):
            return listing(f"{_archive_title(kwargs)} — {name_of}", f"Stories from {name_of}.")
        if name.startswith("epaper:") and name in {"epaper:home", "epaper:page"}:
            return PageMeta(
                kind="WebPage",
                title=f"E-paper — {name_of}",
                description=f"Today's {name_of}, page by page.",
                canonical=canonical,
            )
    except Http404:
        return None
    return None


def _archive_title(kwargs: dict[str, Any]) -> str:
    import datetime as dt

    year, month, day = kwargs.get("year"), kwargs.get("month"), kwargs.get("day")
    try:
        if year and month and day:
            return "Archive: " + dateformat.format(dt.date(year, month, day), "j F Y")
        if year and month:
            return "Archive: " + dateformat.format(dt.date(year, month, 1), "F Y")
    except ValueError:
        return "Archive"
    return f"Archive: {year}" if year else "Archive"


def page_meta(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``page_meta``, worked out only when a template asks for it."""
    return {"page_meta": SimpleLazyObject(lambda: meta_for(request))}

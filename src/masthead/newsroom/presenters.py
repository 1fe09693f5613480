"""What an article page shows: a kit of fragments rendered once per story, and per reader the
fragments the gate's decision allows.

``build_kit`` renders what every reader of a story shares — the <head> metadata (canonical,
Open Graph, JSON-LD), the story header, the free lead, the wire disclaimer, the related
stories — and, in a fragment of its own, the rest of the body. The shared fragments carry only
the headline, standfirst, lead and metadata, never the body past the lead, so they may go to
any reader. ``present_page`` is the one place that picks the fragments for a reader: the rest
of the body only when ``decision.full``. A gated page cannot leak the story through its
metadata because the metadata never had it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from masthead.access.gate import Decision
from masthead.core.context_processors import nav_pairs
from masthead.newsroom.blocks import clean_inline, split_lead, without_cut
from masthead.newsroom.models import AccessLevel, Article

PAYWALL_CLASS = "paywall"


@dataclass(frozen=True, slots=True)
class ArticleKit:
    """One story's page, minus the reader: immutable, cached (see ``newsroom.page_cache``).

    Fragments are plain strings rendered from autoescaping templates; only ``present_page``
    marks them safe, and only it may hand ``rest_html`` to a template.
    """

    # What decide() reads of a story (see ``gate_article``).
    pk: int
    access_level: str
    section_id: int
    agency_id: int | None
    # Addressing: the page redirects when the URL names another section.
    slug: str
    section_slug: str
    path: str
    # <title> and meta description, plain text (escaped when printed).
    title: str
    description: str
    # The section navigation when the kit was built, so a warm page needs nothing else.
    nav: tuple[tuple[str, str], ...]
    # Fragments any reader may see.
    head_html: str
    header_html: str
    lead_html: str
    disclaimer_html: str
    related_html: str
    # The rest of the body (and the wire credit): readers with full access only.
    rest_html: str

    def gate_article(self) -> Article:
        """An unsaved Article with the fields the gate reads (pk, access level, section,
        agency): deciding needs no database row."""
        return Article(
            id=self.pk,
            slug=self.slug,
            access_level=self.access_level,
            section_id=self.section_id,
            agency_id=self.agency_id,
        )


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """The fragments one reader's page prints, chosen by the gate's decision."""

    gated: bool
    title: str
    description: str
    head_html: SafeString
    header_html: SafeString
    lead_html: SafeString
    rest_html: SafeString  # empty unless the reader may read in full
    disclaimer_html: SafeString
    related_html: SafeString


def present_page(*, kit: ArticleKit, decision: Decision) -> ArticlePage:
    # A reader without access gets the lead and nothing of the rest, in any form. The kit's
    # fragments were rendered by build_kit from autoescaping templates.
    full = decision.full
    return ArticlePage(
        gated=not full,
        title=kit.title,
        description=kit.description,
        head_html=mark_safe(kit.head_html),
        header_html=mark_safe(kit.header_html),
        lead_html=mark_safe(kit.lead_html),
        rest_html=mark_safe(kit.rest_html if full else ""),
        disclaimer_html=mark_safe(kit.disclaimer_html),
        related_html=mark_safe(kit.related_html),
    )


def _blocks_for_display(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shown = []
    for block in blocks:
        if block.get("type") == "paragraph":
            # Stored bodies are clean already; cleaning again on the way out costs little
            # and means a row edited outside the services still cannot carry a script.
            shown.append({**block, "html": clean_inline(str(block.get("html", "")))})
        else:
            shown.append(block)
    return shown


def build_kit(*, article: Article, related: list[Article], nav: list[dict[str, str]]) -> ArticleKit:
    """Render a story's kit. ``article`` needs section, agency and authors loaded."""
    split = split_lead(article.body, default_paragraphs=settings.LEAD_PARAGRAPHS)
    path = article.get_absolute_url()
    url = settings.SITE_URL + path
    description = article.standfirst or article.headline
    context: dict[str, Any] = {
        "article": article,
        "publisher_name": settings.PUBLISHER_NAME,
        "publisher_short_name": settings.PUBLISHER_SHORT_NAME,
        "site_url": settings.SITE_URL,
        "paywall_class": PAYWALL_CLASS,
    }

    def render(template: str, **extra: Any) -> str:
        return str(render_to_string(f"newsroom/{template}", {**context, **extra}))

    return ArticleKit(
        pk=article.pk,
        access_level=article.access_level,
        section_id=article.section_id,
        agency_id=article.agency_id,
        slug=article.slug,
        section_slug=article.section.slug,
        path=path,
        title=article.headline,
        description=description,
        nav=nav_pairs(nav),
        head_html=render(
            "_article_meta.html",
            canonical=article.canonical_url or url,
            description=description,
            json_ld=_json_ld(article=article, url=url, description=description),
        ),
        header_html=render("_article_header.html"),
        lead_html=render("_blocks.html", blocks=_blocks_for_display(without_cut(split.lead))),
        disclaimer_html=render("_article_disclaimer.html"),
        related_html=render("_related.html", related=related),
        rest_html=render("_article_rest.html", rest=_blocks_for_display(without_cut(split.rest))),
    )


def _json_ld(*, article: Article, url: str, description: str) -> str:
    free = article.access_level == AccessLevel.FREE
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": description,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": (article.updated_at or article.published_at).isoformat()
        if article.published_at
        else None,
        "articleSection": article.section.name,
        "author": [
            {"@type": "Person", "name": a.name, "url": settings.SITE_URL + a.get_absolute_url()}
            for a in article.authors.all()
        ]
        or ([{"@type": "Organization", "name": article.agency.name}] if article.agency else []),
        "publisher": {"@type": "NewsMediaOrganization", "name": settings.PUBLISHER_NAME},
        "isAccessibleForFree": free,
    }
    if not free:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": f".{PAYWALL_CLASS}",
        }
    # Escape so a headline cannot close the <script> element it sits in.
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )

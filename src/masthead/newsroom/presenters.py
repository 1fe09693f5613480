"""What an article page shows, decided once: blocks, JSON-LD, Open Graph. Text comes only
from what the gate allowed, so a gated page cannot leak the story through its metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from masthead.access.gate import Decision
from masthead.newsroom.blocks import clean_inline, split_lead, without_cut
from masthead.newsroom.models import AccessLevel, Article

PAYWALL_CLASS = "paywall"


@dataclass(frozen=True)
class ArticleView:
    lead: list[dict[str, Any]]
    rest: list[dict[str, Any]]  # empty unless the reader may read in full
    gated: bool
    json_ld: str
    description: str


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


def present_article(*, article: Article, decision: Decision, url: str) -> ArticleView:
    split = split_lead(article.body, default_paragraphs=settings.LEAD_PARAGRAPHS)
    # A reader without access gets the lead and nothing of the rest, in any form.
    lead, rest = split.lead, (split.rest if decision.full else [])
    gated = not decision.full
    description = article.standfirst or article.headline
    return ArticleView(
        lead=_blocks_for_display(without_cut(lead)),
        rest=_blocks_for_display(without_cut(rest)),
        gated=gated,
        json_ld=_json_ld(article=article, url=url, description=description),
        description=description,
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

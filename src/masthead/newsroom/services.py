"""Writing the newsroom: publishing and editing stories, loading the demo newsroom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.newsroom import changes
from masthead.newsroom.blocks import BodyError, parse_body
from masthead.newsroom.models import (
    RESERVED_SLUGS,
    AccessLevel,
    Article,
    ArticleStatus,
    Author,
    Section,
    WireAgency,
)


def validate_section_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            f"{slug!r} is used by the site itself; pick another address for the section."
        )


@transaction.atomic
def upsert_section(
    *,
    name: str,
    slug: str,
    description: str = "",
    position: int = 100,
    is_market_analysis: bool = False,
) -> Section:
    validate_section_slug(slug)
    section, _ = Section.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "description": description,
            "position": position,
            "is_market_analysis": is_market_analysis,
        },
    )
    forget_newsroom()
    return section


@transaction.atomic
def upsert_author(*, slug: str, name: str, role: str = "", bio: str = "") -> Author:
    author, _ = Author.objects.update_or_create(
        slug=slug, defaults={"name": name, "role": role, "bio": bio}
    )
    forget_newsroom()
    return author


@transaction.atomic
def upsert_agency(*, slug: str, name: str, short_name: str) -> WireAgency:
    agency, _ = WireAgency.objects.update_or_create(
        slug=slug, defaults={"name": name, "short_name": short_name}
    )
    forget_newsroom()
    return agency


def body_from_text(*, text: str) -> list[dict[str, Any]]:
    """Parse and clean the editor's body text; a ValidationError says which block is wrong."""
    try:
        return parse_body(text)
    except BodyError as exc:
        raise ValidationError(str(exc)) from exc


@transaction.atomic
def save_article(
    *,
    slug: str,
    headline: str,
    section: Section,
    body_text: str,
    standfirst: str = "",
    authors: Sequence[Author] = (),
    agency: WireAgency | None = None,
    canonical_url: str = "",
    dateline: str = "",
    access_level: str = AccessLevel.METERED,
    published_at: dt.datetime | None = None,
    publish: bool = True,
    premium_pick: int | None = None,
) -> Article:
    """Create or update a story by slug. The body is cleaned here, whoever calls."""
    if access_level not in AccessLevel.values:
        raise ValidationError(f"Access level {access_level!r} is not free, metered or premium.")
    slug = slugify(slug)[:120]
    if not slug:
        raise ValidationError("A story needs an address (slug) made of letters or digits.")
    if published_at is not None and timezone.is_naive(published_at):
        raise ValidationError("published_at must carry a time zone.")
    check_premium_pick(access_level=access_level, premium_pick=premium_pick)
    article, _ = Article.objects.update_or_create(
        slug=slug,
        defaults={
            "headline": headline.strip(),
            "standfirst": standfirst.strip(),
            "section": section,
            "body": body_from_text(text=body_text),
            "agency": agency,
            "canonical_url": canonical_url,
            "dateline": dateline.strip().upper(),
            "access_level": access_level,
            "status": ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
            "published_at": published_at or (timezone.now() if publish else None),
            "premium_pick": premium_pick,
        },
    )
    article.authors.set(list(authors))
    forget_article(slug=article.slug)
    return article


def check_premium_pick(*, access_level: str, premium_pick: int | None) -> None:
    """Only premium stories can be in the day's premium selection."""
    if premium_pick is not None and access_level != AccessLevel.PREMIUM:
        raise ValidationError(
            "Only premium stories can be picked for the premium selection: set the access "
            "level to premium, or clear the place in the selection."
        )


def set_authors(*, article: Article, authors: Iterable[Author]) -> None:
    article.authors.set(list(authors))
    forget_article(slug=article.slug)


def forget_article(*, slug: str) -> None:
    """Edits to this story show on its next page view: whatever the pages cache of it is dropped
    (``newsroom.changes``; see ``pages.page_cache`` for how fresh pages are)."""
    changes.story_changed(slug=slug)


def forget_newsroom() -> None:
    """Edits to sections, authors or agencies show on every story's and listing's next view."""
    changes.newsroom_changed()

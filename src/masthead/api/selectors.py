"""What the apps list: published stories, newest first (headlines only, never the body)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from masthead.newsroom.models import Article

PER_PAGE = 20


def _published() -> QuerySet[Article]:
    return Article.objects.published().select_related("section", "agency")


def story_page(*, section_slug: str | None, page: str | int | None) -> Page[Article]:
    stories = _published().defer("body").order_by("-published_at", "-pk")
    if section_slug:
        stories = stories.filter(section__slug=section_slug)
    return Paginator(stories, PER_PAGE).get_page(page)


def story(*, key: str) -> Article:
    """By id (all digits) or by slug; only published stories."""
    lookup = {"pk": int(key)} if key.isdigit() else {"slug": key}
    try:
        return _published().get(**lookup)
    except (Article.DoesNotExist, ValueError, OverflowError) as exc:
        raise Http404(f"No published story {key!r}.") from exc

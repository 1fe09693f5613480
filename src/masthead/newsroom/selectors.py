"""Reading the newsroom: the queries every page and feed uses."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from masthead.newsroom.models import Article, Author, Section


def _listing() -> QuerySet[Article]:
    # Listings never need the body; leaving it out keeps the home page light.
    return (
        Article.objects.published()
        .select_related("section", "agency")
        .prefetch_related(Prefetch("authors", queryset=Author.objects.only("name", "slug")))
        .defer("body")
    )


def sections() -> list[Section]:
    return list(Section.objects.all())


def section_by_slug(*, slug: str) -> Section:
    try:
        return Section.objects.get(slug=slug)
    except Section.DoesNotExist as exc:
        raise Http404(f"No section called {slug!r}.") from exc


def author_by_slug(*, slug: str) -> Author:
    try:
        return Author.objects.get(slug=slug)
    except Author.DoesNotExist as exc:
        raise Http404(f"No author called {slug!r}.") from exc


def published_article(*, slug: str) -> Article:
    try:
        return (
            Article.objects.published()
            .select_related("section", "agency")
            .prefetch_related("authors")
            .get(slug=slug)
        )
    except Article.DoesNotExist as exc:
        raise Http404(f"No story called {slug!r}.") from exc


@dataclass(frozen=True)
class SectionFront:
    section: Section
    articles: list[Article]


@dataclass(frozen=True)
class FrontPage:
    lead: Article | None
    top: list[Article]
    sections: list[SectionFront]


def front_page(*, per_section: int = 4) -> FrontPage:
    latest = list(_listing()[:5])
    shown = {a.pk for a in latest}
    fronts: list[SectionFront] = []
    for section in sections():
        items = [
            a for a in _listing().filter(section=section)[: per_section + 5] if a.pk not in shown
        ][:per_section]
        if items:
            fronts.append(SectionFront(section=section, articles=items))
    return FrontPage(lead=latest[0] if latest else None, top=latest[1:], sections=fronts)


def section_page(*, section: Section, page: int | str | None, per_page: int = 20) -> Page[Article]:
    paginator = Paginator(_listing().filter(section=section), per_page)
    return paginator.get_page(page)


def author_page(*, author: Author, page: int | str | None, per_page: int = 20) -> Page[Article]:
    paginator = Paginator(_listing().filter(authors=author), per_page)
    return paginator.get_page(page)


def latest_in_section(*, section: Section, limit: int = 30) -> list[Article]:
    return list(
        Article.objects.published()
        .filter(section=section)
        .select_related("section", "agency")
        .prefetch_related("authors")[:limit]
    )


def related(*, article: Article, limit: int = 4) -> list[Article]:
    return list(_listing().filter(section=article.section).exclude(pk=article.pk)[:limit])


def sitemap_articles() -> QuerySet[Article]:
    return (
        Article.objects.published()
        .select_related("section")
        .only("slug", "published_at", "updated_at", "section__slug")
    )

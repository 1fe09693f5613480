"""Reading the newsroom: the queries every page and feed uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Extract, ExtractDay, ExtractMonth
from django.http import Http404
from django.utils import timezone

from masthead.newsroom.models import AccessLevel, Article, Author, Section


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
    premium_today: int = 0


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
    return FrontPage(
        lead=latest[0] if latest else None,
        top=latest[1:],
        sections=fronts,
        premium_today=premium_today_count(),
    )


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


def sitemap_articles(*, year: int | None = None) -> QuerySet[Article]:
    """Stories whose own address is this site's: a wire story whose canonical address is the
    agency's is left out (a sitemap lists only canonical URLs). Oldest first within a year."""
    stories = (
        Article.objects.published()
        .filter(canonical_url="")
        .select_related("section")
        .only("slug", "published_at", "updated_at", "section__slug")
    )
    if year is not None:
        stories = stories.filter(published_at__gte=_local(year), published_at__lt=_local(year + 1))
    return stories.order_by("published_at", "pk")


def sitemap_years() -> list[tuple[int, dt.datetime]]:
    """Each year with stories in the sitemap, and when its newest change was (for lastmod)."""
    years: dict[int, dt.datetime] = {}
    rows = sitemap_articles().values_list("published_at", "updated_at").order_by()
    for published_at, updated_at in rows.iterator(chunk_size=5000):
        if published_at is None:  # published() has a date; the column allows none
            continue
        year = timezone.localtime(published_at).year
        changed = max(published_at, updated_at) if updated_at else published_at
        if year not in years or changed > years[year]:
            years[year] = changed
    return sorted(years.items())


def news_sitemap_articles(*, since: dt.datetime) -> list[Article]:
    """Google News sitemap: this site's own stories published since then (at most 1,000)."""
    return list(
        sitemap_articles()
        .filter(published_at__gte=since)
        .only("slug", "headline", "published_at", "updated_at", "section__slug")
        .order_by("-published_at")[:1000]
    )


def latest(*, limit: int = 30) -> list[Article]:
    """The newest stories of every section (the site-wide feed)."""
    return list(
        Article.objects.published()
        .select_related("section", "agency")
        .prefetch_related("authors")
        .order_by("-published_at", "-pk")[:limit]
    )


# --- Plan benefits: premium selection, the market-analysis vertical, the archive browser ---


def _local_midnight(now: dt.datetime | None = None) -> dt.datetime:
    """The start of today in the publisher's time zone (settings.TIME_ZONE)."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def premium_today_count(*, now: dt.datetime | None = None) -> int:
    return (
        Article.objects.published()
        .filter(access_level=AccessLevel.PREMIUM, published_at__gte=_local_midnight(now))
        .count()
    )


@dataclass(frozen=True)
class PremiumFront:
    today: list[Article]  # today's selection: the editors' picks in order, then the newest
    earlier: Page[Article]


def premium_front(*, page: int | str | None, per_page: int = 20) -> PremiumFront:
    midnight = _local_midnight()
    premium = _listing().filter(access_level=AccessLevel.PREMIUM)
    today = list(
        premium.filter(published_at__gte=midnight).order_by(
            F("premium_pick").asc(nulls_last=True), "-published_at"
        )
    )
    earlier = Paginator(premium.filter(published_at__lt=midnight), per_page).get_page(page)
    return PremiumFront(today=today, earlier=earlier)


def market_analysis_sections() -> list[Section]:
    return list(Section.objects.filter(is_market_analysis=True))


def market_analysis_page(*, page: int | str | None, per_page: int = 20) -> Page[Article]:
    stories = _listing().filter(section__is_market_analysis=True)
    return Paginator(stories, per_page).get_page(page)


@dataclass(frozen=True, slots=True)
class ArchiveCount:
    value: int  # a year, a month (1-12) or a day of the month
    stories: int


def _local(year: int, month: int = 1, day: int = 1) -> dt.datetime:
    return dt.datetime(year, month, day, tzinfo=timezone.get_current_timezone())


def _counts(stories: QuerySet[Article], part: Extract) -> list[ArchiveCount]:
    """Stories per year, month or day: one GROUP BY query, never a row per story."""
    rows = (
        stories.order_by()
        .annotate(part=part)
        .values("part")
        .annotate(stories=Count("pk"))
        .order_by("part")
    )
    return [ArchiveCount(value=int(row["part"]), stories=int(row["stories"])) for row in rows]


# The year list counts every story: kept in the shared cache, keyed on the newest row, so a new
# story shows at once; an edited date or a deletion shows within ARCHIVE_YEARS_TTL.
ARCHIVE_YEARS_TTL = 600


def archive_years() -> list[ArchiveCount]:
    """Every year with stories, newest first (years in the publisher's time zone).

    One aggregate query with a filtered count per year: comparisons on the indexed column, no
    per-row date arithmetic (SQLite would call Python for each row to shift time zones)."""
    newest = Article.objects.aggregate(newest=Max("pk"))["newest"]
    if newest is None:
        return []
    key = f"newsroom:archive-years:{newest}"
    cached = cache.get(key)
    if cached is not None:
        return [ArchiveCount(value=year, stories=stories) for year, stories in cached]
    published = Article.objects.published()
    first = published.aggregate(first=Min("published_at"))["first"]
    if first is None:
        return []
    years = range(timezone.localtime().year, timezone.localtime(first).year - 1, -1)
    counts = published.aggregate(
        **{
            f"y{year}": Count(
                "pk", filter=Q(published_at__gte=_local(year), published_at__lt=_local(year + 1))
            )
            for year in years
        }
    )
    found = [(year, int(counts[f"y{year}"])) for year in years if counts[f"y{year}"]]
    cache.set(key, found, ARCHIVE_YEARS_TTL)
    return [ArchiveCount(value=year, stories=stories) for year, stories in found]


def archive_months(*, year: int) -> list[ArchiveCount]:
    stories = Article.objects.published().filter(
        published_at__gte=_local(year), published_at__lt=_local(year + 1)
    )
    return _counts(stories, ExtractMonth("published_at"))


def archive_days(*, year: int, month: int) -> list[ArchiveCount]:
    start = _local(year, month)
    end = _local(year + 1) if month == 12 else _local(year, month + 1)
    stories = Article.objects.published().filter(published_at__gte=start, published_at__lt=end)
    return _counts(stories, ExtractDay("published_at"))


def archive_day_page(*, day: dt.date, page: int | str | None, per_page: int = 30) -> Page[Article]:
    start = _local(day.year, day.month, day.day)
    stories = _listing().filter(
        published_at__gte=start, published_at__lt=start + dt.timedelta(days=1)
    )
    return Paginator(stories.order_by("published_at"), per_page).get_page(page)

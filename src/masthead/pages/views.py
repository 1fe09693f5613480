"""The news site's pages. Thin: selectors (or the article page cache) fetch, the gate decides,
templates render."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from masthead.access import observers
from masthead.access.gate import Context, decide, may_use
from masthead.access.models import Benefit
from masthead.access.selectors import benefit_copy
from masthead.ads.models import Placement
from masthead.ads.presenters import ad_slot_html
from masthead.core.context_processors import chrome_for, nav_pairs, nav_sections
from masthead.core.web import absolute_url
from masthead.newsroom import images, selectors
from masthead.pages import listing_cache, page_cache
from masthead.pages.listing_cache import Listing
from masthead.pages.metadata import meta_for
from masthead.pages.presenters import (
    LISTING_SLOTS,
    ArticleKit,
    account_nav_html,
    benefit_note_html,
    messages_html,
    render_article_page,
    render_shell,
)


def _is_prefetch(request: HttpRequest) -> bool:
    meta = request.META
    purpose = (meta.get("HTTP_SEC_PURPOSE", "") or meta.get("HTTP_PURPOSE", "")).lower()
    return "prefetch" in purpose or "prerender" in purpose


# --- Listings: rendered once for every reader (pages.listing_cache), filled per reader -----

# What a benefit's landing page tells a reader without it, beside the back office's copy.
_LOCKED_LINES: dict[str, str] = {
    Benefit.PREMIUM_STORIES: "Readers without a subscription get the first paragraphs of each "
    "premium story.",
    Benefit.MARKET_ANALYSIS: "Every analysis opens with its first paragraphs; subscribers with "
    "market analysis read it all.",
    Benefit.ARCHIVES: "Anyone may browse the archive; opening older stories in full needs the "
    "archives.",
}


def _listing(
    request: HttpRequest,
    *,
    key: str,
    template: str,
    context: Callable[[], dict[str, Any]],
    placement: str,
    benefit: str | None = None,
) -> HttpResponse:
    """A listing page: what every reader shares from the listings' cache (no SQL when warm),
    then this reader's own parts — account links, messages, ads (none with ad-free reading)
    and, on a benefit's page, whether it is included for them."""
    page = listing_cache.page_key(request)

    def build() -> Listing:
        nav = nav_pairs(nav_sections())
        copy = _benefit_copy(benefit) if benefit else ("", "")
        shell = render_shell(
            template,
            {**context(), "page_meta": meta_for(request)},
            chrome=chrome_for(nav),
            slots=LISTING_SLOTS + (("note",) if benefit else ()),
        )
        return Listing(
            shell=shell,
            content_type="text/html; charset=utf-8",
            nav=nav,
            note_title=copy[0],
            note_description=copy[1],
        )

    entry = listing_cache.listing(key=None if page is None else f"{key}:{page}", build=build)
    reader = getattr(request, "reader", None)
    chrome = chrome_for(entry.nav)
    values = {
        "account_nav": account_nav_html(request, chrome),
        "messages": messages_html(request),
        # Per request, never in the entry: readers with ad-free reading get no ad markup.
        "ads": ""
        if reader is None
        else ad_slot_html(
            reader=reader, placement=placement, nonce=str(getattr(request, "csp_nonce", ""))
        ),
    }
    if benefit:
        values["note"] = benefit_note_html(
            included=may_use(reader=request.reader, benefit=benefit).full,  # type: ignore[attr-defined]
            title=entry.note_title,
            description=entry.note_description,
            locked_line=_LOCKED_LINES[benefit],
            subscribe_url=chrome.subscribe_url + "?next=" + request.path,
        )
    return HttpResponse(entry.shell.fill(values), content_type=entry.content_type)


def _benefit_copy(benefit: str) -> tuple[str, str]:
    """The back office's title and description of a benefit (its label if it has none)."""
    copy = next((c for c in benefit_copy() if c.benefit == benefit), None)
    return (copy.title, copy.description) if copy else (str(Benefit(benefit).label), "")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return _listing(
        request,
        key="home",
        template="newsroom/home.html",
        context=lambda: {"front": selectors.front_page()},
        placement=Placement.HOME,
    )


@require_safe
def section(request: HttpRequest, section_slug: str) -> HttpResponse:
    def context() -> dict[str, Any]:
        the_section = selectors.section_by_slug(slug=section_slug)  # Http404: never kept
        page = selectors.section_page(section=the_section, page=request.GET.get("page"))
        return {"section": the_section, "page": page}

    return _listing(
        request,
        key=f"section:{section_slug}",
        template="newsroom/section.html",
        context=context,
        placement=Placement.SECTION,
    )


@require_safe
def author(request: HttpRequest, author_slug: str) -> HttpResponse:
    the_author = selectors.author_by_slug(slug=author_slug)
    page = selectors.author_page(author=the_author, page=request.GET.get("page"))
    return render(request, "newsroom/author.html", {"author": the_author, "page": page})


@require_safe
def article(request: HttpRequest, section_slug: str, article_slug: str) -> HttpResponse:
    # What every reader of the story shares, cached (pages.page_cache): no SQL when warm.
    kit = page_cache.article_kit(slug=article_slug)
    if kit.section_slug != section_slug:
        return HttpResponsePermanentRedirect(kit.path)
    return story_page(request, kit=kit, context=Context(count=counts_as_a_read(request)))


def counts_as_a_read(request: HttpRequest) -> bool:
    """Only a GET that is not a prefetch may use up a story (or count a gift's open)."""
    return request.method == "GET" and not _is_prefetch(request)


def story_page(
    request: HttpRequest,
    *,
    kit: ArticleKit,
    context: Context,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The story page for this request's reader, as the gate decides (also used by gift
    links, which add the verified gift to ``context``)."""
    reader = request.reader  # type: ignore[attr-defined]
    # The gate runs on every request, with the real reader; the cache never decides.
    decision = decide(reader=reader, article=kit.gate_article(), context=context)
    if context.count:  # a real read (not HEAD or prefetch): observers (insights) hear of it
        observers.story_decided(
            request=request, story_id=kit.pk, section_slug=kit.section_slug, decision=decision
        )
    html = render_article_page(
        request=request,
        kit=kit,
        chrome=chrome_for(kit.nav),
        decision=decision,
        signed_in=reader.is_signed_in,
        # Per request, never in the kit: readers with ad-free reading get no ad markup at all.
        ads_html=ad_slot_html(
            reader=reader,
            placement=Placement.ARTICLE,
            nonce=str(getattr(request, "csp_nonce", "")),
        ),
    )
    # Each reader's page differs (meter, full text or lead): no shared cache may keep it.
    # (A new response has neither header: set, not patched.)
    return HttpResponse(
        html,
        charset=settings.DEFAULT_CHARSET,
        headers={"Cache-Control": "private, no-cache", "Vary": "Cookie", **(headers or {})},
    )


@require_safe
def premium(request: HttpRequest) -> HttpResponse:
    def context() -> dict[str, Any]:
        front = selectors.premium_front(page=request.GET.get("page"))
        return {"front": front, "page": front.earlier}

    return _listing(
        request,
        key="premium",
        template="newsroom/premium.html",
        context=context,
        placement=Placement.SECTION,
        benefit=Benefit.PREMIUM_STORIES,
    )


@require_safe
def market_analysis(request: HttpRequest) -> HttpResponse:
    return _listing(
        request,
        key="market-analysis",
        template="newsroom/market_analysis.html",
        context=lambda: {
            "sections": selectors.market_analysis_sections(),
            "page": selectors.market_analysis_page(page=request.GET.get("page")),
        },
        placement=Placement.SECTION,
        benefit=Benefit.MARKET_ANALYSIS,
    )


def _checked_day(year: int, month: int = 1, day: int = 1) -> dt.date:
    # A year at either end of the calendar cannot be turned into the publisher's local day
    # and the next (year 1 in IST is still year 0 in UTC; 9999-12-31 has no next day), so
    # such addresses are simply not in the archive.
    if not dt.MINYEAR < year < dt.MAXYEAR:
        raise Http404(f"There is no year {year} in the archive.")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise Http404(f"There is no {year}-{month:02}-{day:02} in the archive.") from exc


@require_safe
def archive(request: HttpRequest) -> HttpResponse:
    return _listing(
        request,
        key="archive",
        template="newsroom/archive.html",
        context=lambda: {"years": selectors.archive_years()},
        placement=Placement.SECTION,
        benefit=Benefit.ARCHIVES,
    )


@require_safe
def archive_year(request: HttpRequest, year: int) -> HttpResponse:
    _checked_day(year)
    months = [
        {"month": count.value, "date": dt.date(year, count.value, 1), "stories": count.stories}
        for count in selectors.archive_months(year=year)
    ]
    if not months:
        raise Http404(f"No stories were published in {year}.")
    return render(request, "newsroom/archive_year.html", {"year": year, "months": months})


@require_safe
def archive_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    first = _checked_day(year, month)
    days = [
        {"day": count.value, "date": dt.date(year, month, count.value), "stories": count.stories}
        for count in selectors.archive_days(year=year, month=month)
    ]
    if not days:
        raise Http404(f"No stories were published in {first:%B %Y}.")
    return render(request, "newsroom/archive_month.html", {"first": first, "days": days})


@require_safe
def archive_day(request: HttpRequest, year: int, month: int, day: int) -> HttpResponse:
    date = _checked_day(year, month, day)
    page = selectors.archive_day_page(day=date, page=request.GET.get("page"))
    if not page.paginator.count:
        raise Http404(f"No stories were published on {date:%d %B %Y}.")
    return render(request, "newsroom/archive_day.html", {"date": date, "page": page})


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    # Only what must not be crawled: the back office and the apps' API. Account and subscribe
    # pages stay crawlable so that crawlers read their own "noindex" (a robots.txt block would
    # hide it, and a blocked URL can still be listed from links elsewhere).
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon_ico(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask /favicon.ico whatever the page links: the PNG set's ICO."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


# Content-addressed names (newsroom.images): a name's bytes never change. Only renditions are
# public: an upload's original keeps whatever its camera wrote (EXIF, GPS), and no page links it.
_IMAGE_TYPES = {"jpg": "image/jpeg", "webp": "image/webp", "png": "image/png"}
_RENDITION = re.compile(
    r"[0-9a-f]{32}/f\d{4}-\d{4}-r\d+/(?:picture-\d{1,5}\.(?:webp|jpg)|share-[a-z0-9-]{1,16}\.jpg)"
)


@require_safe
def story_image(request: HttpRequest, name: str) -> FileResponse:
    """A story image from the default storage, when nothing in front of Django serves MEDIA_URL
    (``SERVE_MEDIA``: the demo, the tests). Only the renditions of the newsroom's images, and
    only through the storage API, so a name can never reach outside them."""
    if not _RENDITION.fullmatch(name):
        raise Http404("No such image.")
    name = f"{images.PREFIX}/{name}"
    try:
        handle = default_storage.open(name, "rb")
    except (OSError, ValueError, SuspiciousFileOperation):
        raise Http404("No such image.") from None
    response = FileResponse(handle, content_type=_IMAGE_TYPES[name.rsplit(".", 1)[-1]])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"sections": selectors.sections()}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No database here: the failure may be the database.
    return render(request, "500.html", status=500)

"""The listings' cache: the home page, sections, premium, market analysis, the archive, the RSS
feeds and the sitemaps, rendered once for every reader.

Like the story page's kit (``pages.page_cache``), an entry holds nothing about any reader: an
HTML listing is a shell rendered with no request and no reader (``presenters.render_shell``),
whose slots — account links, messages, ads, the benefit note — are filled on every request for
the reader in front of us (``views``); a feed or sitemap is the same for everyone and is kept
whole.

Two layers, as for kits:

* the shared entry, in Django's cache (Redis when REDIS_URL is set, else per-process locmem),
  fetched with the listings' generation in one round trip; a miss renders it from the database;
* a copy in this process, trusted for ``LOCAL_TTL`` (2) seconds without asking the shared cache.

How fresh a listing is:

* An entry lives ``LISTING_TTL`` (10) seconds, so what changes with the clock alone — a story
  scheduled for later appearing, the news sitemap's two-day window, "premium stories today" —
  is at most that late, and so is an edit seen by another process when the cache is not shared
  (locmem). Entries are also keyed on the publisher's date: a new day starts new pages.
* Saving a story, section, author or agency (back office or ``newsroom.services``) tells
  ``newsroom.changes``, whose listeners here change the generation and drop this process's
  copies: every listing is rendered afresh on its next request — at once in the saving process,
  within LOCAL_TTL in the others when the cache is shared (Redis). An entry rendered from rows
  read before the save carries the old generation and is never served.
* Only the first ``CACHED_PAGES`` pages of a listing, asked for as ``?page=N`` (or no page), are
  kept: any other ``page`` is rendered as before, uncached, so made-up addresses cannot fill
  the cache. Other query parameters change nothing a listing shows but the account links.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from masthead.core.cache import forget_now_and_after_commit
from masthead.pages.presenters import PageShell

LISTING_TTL = 10
LOCAL_TTL = 2.0
LOCAL_KEPT = 200
# Bigger entries (a year's sitemap on a big archive) stay in the shared cache only.
LOCAL_MAX_CHARS = 1_000_000
CACHED_PAGES = 20
VERSION_TTL = 600
# Bump when an entry's stored shape changes, so a deploy never reads entries of the old shape.
_FORMAT = 1
GENERATION_KEY = "newsroom:listings-generation"
_PAGE = re.compile(r"[1-9][0-9]{0,2}")


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing as every reader shares it (never anything of a reader's own)."""

    shell: PageShell  # the page; a feed or sitemap is a shell without slots
    content_type: str
    last_modified: str = ""  # a feed's Last-Modified header, as Django's Feed sets it
    # The section navigation the shell was rendered with (the account links' chrome).
    nav: tuple[tuple[str, str], ...] = ()
    # Back-office copy a listing shows to readers without the benefit: title, description.
    note_title: str = ""
    note_description: str = ""

    @property
    def size(self) -> int:
        return sum(len(text) for text in self.shell.texts)


# key -> (monotonic time last checked against the shared cache, listing)
_local: dict[str, tuple[float, Listing]] = {}


def page_key(request: HttpRequest) -> str | None:
    """The one part of a listing's address its page depends on: ``?page`` (the rest of the
    query string — utm_source and the like — changes nothing on it but the account links,
    which are filled per request). None when the page is not one of the first CACHED_PAGES
    written plainly: rendered uncached."""
    page = request.GET.get("page")
    if page is None:
        return "1"
    if _PAGE.fullmatch(page) and int(page) <= CACHED_PAGES:
        return page
    return None


def listing(*, key: str | None, build: Callable[[], Listing]) -> Listing:
    """The listing under ``key``: this process's copy, the shared cache's, or ``build()``'s
    (whose Http404 passes through; misses are not cached). ``key`` None: always built."""
    if key is None:
        return build()
    full_key = f"newsroom:listing:{_FORMAT}:{_today()}:{translation.get_language()}:{key}"
    now = time.monotonic()
    local = _local.get(full_key)
    if local is not None and now - local[0] < LOCAL_TTL:
        return local[1]
    entry = _shared(full_key, build)
    if entry.size <= LOCAL_MAX_CHARS:
        if len(_local) >= LOCAL_KEPT:
            _local.clear()  # simple, and safe under threaded servers
        _local[full_key] = (now, entry)
    return entry


# The publisher's date, and the wall-clock time it ends (worked out once a day, not per request).
_day: tuple[float, str] = (0.0, "")


def _today() -> str:
    global _day  # noqa: PLW0603 - a one-value memo, see above
    ends, today = _day
    if time.time() >= ends:
        now = timezone.localtime()
        midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
        today = now.date().isoformat()
        _day = (midnight.timestamp(), today)
    return today


def _shared(key: str, build: Callable[[], Listing]) -> Listing:
    found = cache.get_many([key, GENERATION_KEY])
    # Read before the database, so a save landing while we build makes our entry stale at once.
    stamp = found.get(GENERATION_KEY)
    stored = found.get(key)
    if isinstance(stored, dict) and stored.get("stamp") == stamp:
        with contextlib.suppress(KeyError, TypeError, ValueError):  # another shape: rebuild
            return _from_stored(stored)
    entry = build()
    cache.set(key, _to_stored(entry, stamp), LISTING_TTL)
    return entry


def _to_stored(entry: Listing, stamp: Any) -> dict[str, Any]:
    return {
        "stamp": stamp,
        "texts": entry.shell.texts,
        "slots": entry.shell.slots,
        "content_type": entry.content_type,
        "last_modified": entry.last_modified,
        "nav": entry.nav,
        "note": (entry.note_title, entry.note_description),
    }


def _from_stored(stored: dict[str, Any]) -> Listing:
    texts, slots = tuple(stored["texts"]), tuple(stored["slots"])
    if len(texts) != len(slots) + 1:
        raise ValueError("not a shell")
    title, description = stored["note"]
    return Listing(
        shell=PageShell(texts=texts, slots=slots),
        content_type=str(stored["content_type"]),
        last_modified=str(stored["last_modified"]),
        nav=tuple((str(name), str(url)) for name, url in stored["nav"]),
        note_title=str(title),
        note_description=str(description),
    )


def from_response(response: HttpResponse) -> Listing:
    """A whole response (a feed, a sitemap) as a listing; only a 200 may be cached."""
    if response.status_code != 200:  # never expected: errors are raised as Http404
        raise ValueError(f"only a 200 response is kept, not {response.status_code}")
    return Listing(
        shell=PageShell(texts=(response.content.decode(response.charset),), slots=()),
        content_type=str(response["Content-Type"]),
        last_modified=str(response.get("Last-Modified", "")),
    )


def whole_response(entry: Listing) -> HttpResponse:
    """A kept feed or sitemap, as Django rendered it."""
    response = HttpResponse(entry.shell.fill({}), content_type=entry.content_type)
    if entry.last_modified:
        response["Last-Modified"] = entry.last_modified
    return response


def cached_whole(
    name: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view whose response is the same for every reader (sitemaps): kept whole,
    keyed on its name and URL arguments; its query string, if any, is ignored as the view
    ignores it."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        def cached(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            parts = [name, *map(str, args), *(f"{k}={v}" for k, v in sorted(kwargs.items()))]
            entry = listing(
                key=":".join(parts),
                build=lambda: from_response(view(request, *args, **kwargs)),
            )
            return whole_response(entry)

        cached.__name__ = cached.__qualname__ = view.__name__
        cached.__doc__ = view.__doc__
        cached.__wrapped__ = view  # type: ignore[attr-defined]
        return cached

    return decorate


def forget_listings() -> None:
    """Every listing's next request renders it afresh (see the module docstring)."""

    def forget() -> None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, VERSION_TTL)
        forget_local_copies()

    forget_now_and_after_commit(forget)


def story_changed(slug: str) -> None:
    """The newsroom saved a story (``newsroom.changes`` listener): it may be on any listing."""
    forget_listings()


def newsroom_changed() -> None:
    """The newsroom saved a section, author or agency (``newsroom.changes`` listener)."""
    forget_listings()


def forget_local_copies() -> None:
    """Drop this process's copies: the next request of each listing asks the shared cache."""
    _local.clear()


@receiver(setting_changed)
@receiver(post_migrate)
def _settings_or_database_changed(**kwargs: Any) -> None:
    """Settings changed or the database was flushed (tests): entries may show another
    configuration or database."""
    global _day  # noqa: PLW0603 - TIME_ZONE may be the setting changed
    _day = (0.0, "")
    forget_local_copies()
    with contextlib.suppress(Exception):  # e.g. CACHES itself being changed
        cache.set(GENERATION_KEY, uuid.uuid4().hex, VERSION_TTL)

"""What every page's template knows: the publisher, and the site's chrome.

The chrome (header and footer) is the same for every reader but for the account links: a
signed-in reader's logout form carries their own CSRF token, an anonymous reader's "Log in"
link points back at the page they are on; base.html keeps those two dynamic. The rest — the
date line, nameplate, tagline, section navigation, footer and the stylesheet's address — is
rendered once per process for each (day, sections) and reused by every page: ``chrome_for``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

NAV_SECTIONS_KEY = "core:nav_sections"
# A new or renamed section shows in the navigation within this many seconds (at once when it
# is saved in the back office: the newsroom's admin calls forget_nav_sections).
NAV_SECTIONS_TTL = 60


class NavSection(Protocol):
    name: str
    slug: str

    def get_absolute_url(self) -> str: ...


def nav_sections() -> list[dict[str, str]]:
    """The sections the navigation lists, in order: name, url and slug of each (cached).

    Read through ``settings.SITE_SECTIONS_PROVIDER`` (the newsroom's ``selectors.sections``):
    core imports no app.
    """
    cached = cache.get(NAV_SECTIONS_KEY)
    if cached is None:
        provider: Callable[[], Iterable[NavSection]] = import_string(
            settings.SITE_SECTIONS_PROVIDER
        )
        cached = [{"name": s.name, "url": s.get_absolute_url(), "slug": s.slug} for s in provider()]
        cache.set(NAV_SECTIONS_KEY, cached, NAV_SECTIONS_TTL)
    return list(cached)


def forget_nav_sections() -> None:
    cache.delete(NAV_SECTIONS_KEY)


@dataclass(frozen=True, slots=True)
class SiteChrome:
    """The reader-independent parts of base.html, rendered (see the module docstring)."""

    stylesheet: str
    favicon: str
    today: str
    login_url: str
    subscribe_url: str
    account_url: str
    logout_url: str
    masthead: SafeString  # nameplate, tagline and the sections navigation
    footer: SafeString


# Per process: a handful of (language, sections) → (end of the day it is for, chrome). With the
# day, the key holds everything the chrome is rendered from; publisher settings are constant in
# a process (tests that change them clear this, see forget_chrome).
_CHROME_MEMO: dict[tuple[Any, ...], tuple[float, SiteChrome]] = {}
_CHROME_MEMO_SIZE = 16


def nav_pairs(nav: Iterable[Mapping[str, str]]) -> tuple[tuple[str, str], ...]:
    """(name, url) of each navigation section, as ``chrome_for`` takes them."""
    return tuple((s["name"], s["url"]) for s in nav)


def chrome_for(sections: tuple[tuple[str, str], ...]) -> SiteChrome:
    """The site chrome for today with these navigation sections, (name, url) each."""
    key = (translation.get_language(), sections)
    memo = _CHROME_MEMO.get(key)
    if memo is not None and time.time() < memo[0]:
        return memo[1]
    now = timezone.localtime()
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
    chrome = _render_chrome(sections, now=now)
    if len(_CHROME_MEMO) >= _CHROME_MEMO_SIZE:
        _CHROME_MEMO.clear()
    _CHROME_MEMO[key] = (midnight.timestamp(), chrome)
    return chrome


def _render_chrome(sections: tuple[tuple[str, str], ...], *, now: dt.datetime) -> SiteChrome:
    context = {
        "publisher_name": settings.PUBLISHER_NAME,
        "publisher_tagline": settings.PUBLISHER_TAGLINE,
        "nav_sections": [{"name": name, "url": url} for name, url in sections],
        "year": now.year,
    }
    # Rendered from autoescaping templates: safe to print as they are.
    return SiteChrome(
        stylesheet=static("css/site.css"),
        favicon=static("favicon.svg"),
        today=dateformat.format(now, "l, j F Y"),
        login_url=reverse("account_login"),
        subscribe_url=reverse("billing:subscribe"),
        account_url=reverse("accounts:me"),
        logout_url=reverse("account_logout"),
        masthead=mark_safe(render_to_string("_site_masthead.html", context)),
        footer=mark_safe(render_to_string("_site_footer.html", context)),
    )


def forget_chrome() -> None:
    """Render the chrome afresh on next use (settings or templates changed)."""
    _CHROME_MEMO.clear()


@receiver(setting_changed)
def _settings_changed(**kwargs: Any) -> None:
    forget_chrome()


def publisher(request: HttpRequest) -> dict[str, object]:
    """What every page needs to know about the publisher it is printed for."""
    nav = SimpleLazyObject(nav_sections)
    return {
        "publisher_name": settings.PUBLISHER_NAME,
        "publisher_short_name": settings.PUBLISHER_SHORT_NAME,
        "publisher_tagline": settings.PUBLISHER_TAGLINE,
        "site_url": settings.SITE_URL,
        "nav_sections": nav,
        # A view that already holds the sections (the article page's cached kit) passes its
        # own ``site_chrome``, which wins over this one: no cache round trip for the nav.
        "site_chrome": SimpleLazyObject(lambda: chrome_for(nav_pairs(nav))),
    }

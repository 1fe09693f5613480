"""What an article page shows: a kit of fragments rendered once per story, a shell rendered
once per kit, and per reader only what the gate's decision allows.

* ``build_kit`` renders what every reader of a story shares — the <head> metadata (canonical,
  Open Graph, JSON-LD), the story header, the free lead, the wire disclaimer, the related
  stories — and, in a fragment of its own, the rest of the body. The shared fragments carry only
  the headline, standfirst, lead and metadata, never the body past the lead, so they may go to
  any reader: a gated page cannot leak the story through its metadata.
* ``article_shell`` renders newsroom/article.html (and base.html's chrome) around the shared
  fragments once per kit, with no request and no reader, leaving slots open.
* ``render_article_page`` fills the slots for one request: the account links, messages, the
  meter note and, after the lead, the prompt — or the rest of the story, only when
  ``decision.full``. It is the one place that hands out ``rest_html``.

Small per-reader fragments (an anonymous reader's account links, the meter note, the prompt) are
memoised per process on everything they are rendered from; the prompt also shows back-office
data (plans, copy, benefits), so it is kept only PROMPT_TTL seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.context_processors import csrf
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from masthead.access.gate import Decision, Reason
from masthead.access.prompt import build_prompt
from masthead.core.context_processors import SiteChrome, nav_pairs
from masthead.core.web import absolute_url, machine_datetime
from masthead.newsroom import images
from masthead.newsroom.blocks import clean_inline, split_lead, without_cut
from masthead.newsroom.models import AccessLevel, Article, Section
from masthead.pages.metadata import publisher

PAYWALL_CLASS = "paywall"


@dataclass(frozen=True, slots=True)
class ArticleKit:
    """One story's page, minus the reader: immutable, cached (see ``pages.page_cache``).

    Fragments are plain strings rendered from autoescaping templates by ``build_kit``; only
    this module marks them safe, and only ``render_article_page`` may hand out ``rest_html``.
    """

    build_id: str  # unique per build: the shells rendered from this kit are memoised on it
    # What decide() reads of a story (see ``gate_article``).
    pk: int
    access_level: str
    section_id: int
    agency_id: int | None
    published_at: dt.datetime | None  # the archive rule
    market_analysis: bool  # the section is the market-analysis vertical
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
        """An unsaved Article with the fields the gate reads (pk, access level, section and its
        vertical, agency, publication date): deciding needs no database row. One per kit and
        process, shared by the requests that read the kit: treat it as read-only."""
        article = _GATE_ARTICLES.get(self.build_id)
        if article is None:
            article = Article(
                id=self.pk,
                slug=self.slug,
                access_level=self.access_level,
                section=Section(
                    id=self.section_id,
                    slug=self.section_slug,
                    is_market_analysis=self.market_analysis,
                ),
                agency_id=self.agency_id,
                published_at=self.published_at,
            )
            if len(_GATE_ARTICLES) >= SHELLS_KEPT:
                _GATE_ARTICLES.clear()
            _GATE_ARTICLES[self.build_id] = article
        return article


_GATE_ARTICLES: dict[str, Article] = {}


# --- The shell ----------------------------------------------------------------------------

SLOTS = ("account_nav", "messages", "meter_note", "after_lead", "ads")
# A listing's slots (pages.views): a benefit's page adds "note", whether it is included.
LISTING_SLOTS = ("account_nav", "messages", "ads")
# Marks a slot in a rendered shell. The token is new in every process and never stored, so no
# story text, headline or cached fragment can contain a marker.
_TOKEN = uuid.uuid4().hex
_MARKER = re.compile(f"<!--slot:{_TOKEN}:([a-z_]+)-->")


@dataclass(frozen=True, slots=True)
class PageShell:
    """A rendered page with holes: text, slot, text, ..., slot, text."""

    texts: tuple[str, ...]
    slots: tuple[str, ...]  # slot names in page order; len(texts) == len(slots) + 1

    def fill(self, values: dict[str, str]) -> str:
        out = [self.texts[0]]
        for name, text in zip(self.slots, self.texts[1:], strict=True):
            out.append(values[name])
            out.append(text)
        return "".join(out)


def render_shell(
    template: str, context: dict[str, Any], *, chrome: SiteChrome, slots: tuple[str, ...]
) -> PageShell:
    """Render ``template`` for no one — no request, no reader — with each of ``slots`` left
    open; the template must print each slot (``{{ slots.NAME }}``) exactly once."""
    html = render_to_string(
        template,
        {
            **context,
            "slots": {name: mark_safe(f"<!--slot:{_TOKEN}:{name}-->") for name in slots},
            "site_chrome": chrome,
            "publisher_name": settings.PUBLISHER_NAME,
            "publisher_tagline": settings.PUBLISHER_TAGLINE,
        },
    )
    pieces = _MARKER.split(html)
    texts, printed = tuple(pieces[0::2]), tuple(pieces[1::2])
    if sorted(printed) != sorted(slots):
        raise ValueError(f"{template} must print each slot once; it printed {printed}")
    return PageShell(texts=texts, slots=printed)


def _render_shell(kit: ArticleKit, chrome: SiteChrome) -> PageShell:
    # No request, no reader: anything per reader must come through a slot. The kit's shared
    # fragments were rendered by build_kit from autoescaping templates; rest_html is not here.
    page = {
        "title": kit.title,
        "description": kit.description,
        "head_html": mark_safe(kit.head_html),
        "header_html": mark_safe(kit.header_html),
        "lead_html": mark_safe(kit.lead_html),
        "disclaimer_html": mark_safe(kit.disclaimer_html),
        "related_html": mark_safe(kit.related_html),
    }
    return render_shell("newsroom/article.html", {"page": page}, chrome=chrome, slots=SLOTS)


# Per process, the shells of recently read kits (a kit rebuilt gets a new build_id). Plain
# dicts emptied when full: simple, and safe under threaded servers.
_SHELLS: dict[tuple[str, SiteChrome], PageShell] = {}
SHELLS_KEPT = 1000


def article_shell(kit: ArticleKit, chrome: SiteChrome) -> PageShell:
    key = (kit.build_id, chrome)
    shell = _SHELLS.get(key)
    if shell is None:
        shell = _render_shell(kit, chrome)
        if len(_SHELLS) >= SHELLS_KEPT:
            _SHELLS.clear()
        _SHELLS[key] = shell
    return shell


def render_article_page(
    *,
    request: HttpRequest,
    kit: ArticleKit,
    chrome: SiteChrome,
    decision: Decision,
    signed_in: bool,
    ads_html: str = "",
) -> str:
    """The page one reader gets. A reader without access gets the lead and nothing of the
    rest, in any form: the shell never held it, and only a full decision puts it in a slot."""
    if decision.full:
        after_lead = kit.rest_html
        if decision.reason == Reason.ENTITLED:
            # A subscriber may give the story (gift links: masthead.gifts).
            after_lead += _render_small(
                "newsroom/_give_story.html",
                (kit.pk,),
                lambda: {"article_id": kit.pk, "gift_days": settings.GIFT_DAYS},
            )
    else:
        after_lead = prompt_html(decision=decision, signed_in=signed_in, next_url=kit.path)
    values = {
        "account_nav": account_nav_html(request, chrome),
        "messages": messages_html(request),
        "meter_note": _render_small(
            "newsroom/_meter_note.html", (decision.remaining,), lambda: {"decision": decision}
        )
        if decision.show_meter
        else "",
        "after_lead": after_lead,
        "ads": ads_html,
    }
    return article_shell(kit, chrome).fill(values)


def account_nav_html(request: HttpRequest, chrome: SiteChrome) -> str:
    """This reader's account links: a logout form with their own CSRF token when signed in,
    else a "Log in" link back to this page (memoised per page address)."""
    user = request.user
    if user.is_authenticated:
        return get_template("_account_nav.html").render(
            {"user": user, "request": request, "site_chrome": chrome, **csrf(request)}
        )
    return _render_small(
        "_account_nav.html",
        (chrome, request.get_full_path()),
        lambda: {"user": user, "request": request, "site_chrome": chrome},
    )


def benefit_note_html(
    *,
    included: bool,
    title: str,
    description: str,
    locked_line: str,
    subscribe_url: str,
) -> str:
    """A benefit's landing-page note: included for this reader (the gate said so), or what
    it gives and where to subscribe (memoised on all of that)."""
    note = {
        "included": included,
        "title": title,
        "description": description,
        "subscribe_url": subscribe_url,
    }
    return _render_small(
        "newsroom/_benefit_note.html",
        (included, title, description, locked_line, subscribe_url),
        lambda: {"note": note, "locked_line": locked_line},
    )


def messages_html(request: HttpRequest) -> str:
    """This reader's pending messages (reading them marks them shown), or nothing."""
    messages = get_messages(request)
    return get_template("_messages.html").render({"messages": messages}) if messages else ""


# Per process: rendered prompts, for PROMPT_TTL seconds. A prompt is the same for every reader
# in the same position — the gate's decision (kind, limit, stories read and left, registration
# bonus), signed in or not, the story to come back to — until the plans, copy or benefits it
# shows are edited: such edits show on gated pages within PROMPT_TTL.
PROMPT_TTL = 30.0
PROMPTS_KEPT = 1000
_PROMPTS: dict[tuple[Decision, bool, str], tuple[float, str]] = {}


def prompt_html(*, decision: Decision, signed_in: bool, next_url: str) -> str:
    key = (decision, signed_in, next_url)
    now = time.monotonic()
    memo = _PROMPTS.get(key)
    if memo is not None and now - memo[0] < PROMPT_TTL:
        return memo[1]
    prompt = build_prompt(decision=decision, signed_in=signed_in, next_url=next_url)
    html = get_template("access/prompt.html").render(
        {"prompt": prompt, "paywall_class": PAYWALL_CLASS}
    )
    if len(_PROMPTS) >= PROMPTS_KEPT:
        _PROMPTS.clear()
    _PROMPTS[key] = (now, html)
    return html


# Per process: small templates rendered once for each key that fully determines their output.
_SMALL: dict[tuple[Any, ...], str] = {}
SMALL_KEPT = 2000


def _render_small(name: str, key: tuple[Any, ...], context: Callable[[], dict[str, Any]]) -> str:
    memo_key = (name, *key)
    html = _SMALL.get(memo_key)
    if html is None:
        html = get_template(name).render(context())
        if len(_SMALL) >= SMALL_KEPT:
            _SMALL.clear()
        _SMALL[memo_key] = html
    return html


def forget_rendered() -> None:
    """Drop this process's rendered shells, prompts and small fragments (settings, templates
    or the database changed)."""
    _SHELLS.clear()
    _SMALL.clear()
    _PROMPTS.clear()
    _GATE_ARTICLES.clear()


@receiver(setting_changed)
@receiver(post_migrate)
def _settings_or_database_changed(**kwargs: Any) -> None:
    forget_rendered()


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
    # A wire story's canonical address is the agency's: og:url and JSON-LD say the same.
    url = article.canonical_url or absolute_url(path)
    description = article.standfirst or article.headline
    # The lead image is part of the free lead, like the headline: every reader sees it.
    lead_picture = images.picture(article)
    share = [
        images.ShareImage(url=absolute_url(s.url), width=s.width, height=s.height)
        for s in (lead_picture.share if lead_picture else ())
    ]
    context: dict[str, Any] = {
        "article": article,
        "lead_picture": lead_picture,
        "publisher_name": settings.PUBLISHER_NAME,
        "publisher_short_name": settings.PUBLISHER_SHORT_NAME,
        "site_url": settings.SITE_URL,
        "paywall_class": PAYWALL_CLASS,
    }

    def render(template: str, **extra: Any) -> str:
        return str(render_to_string(f"newsroom/{template}", {**context, **extra}))

    return ArticleKit(
        build_id=uuid.uuid4().hex,
        pk=article.pk,
        access_level=article.access_level,
        section_id=article.section_id,
        agency_id=article.agency_id,
        published_at=article.published_at,
        market_analysis=article.section.is_market_analysis,
        slug=article.slug,
        section_slug=article.section.slug,
        path=path,
        title=article.headline,
        description=description,
        nav=nav_pairs(nav),
        head_html=render(
            "_article_meta.html",
            canonical=url,
            description=description,
            share_images=share,
            json_ld=_json_ld(article=article, url=url, description=description, share=share),
        ),
        header_html=render("_article_header.html"),
        lead_html=render("_blocks.html", blocks=_blocks_for_display(without_cut(split.lead))),
        disclaimer_html=render("_article_disclaimer.html"),
        related_html=render("_related.html", related=related),
        rest_html=render("_article_rest.html", rest=_blocks_for_display(without_cut(split.rest))),
    )


def _json_ld(
    *, article: Article, url: str, description: str, share: list[images.ShareImage]
) -> str:
    free = article.access_level == AccessLevel.FREE
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": description,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": machine_datetime(article.published_at) or None,
        "dateModified": machine_datetime(article.updated_at or article.published_at) or None,
        "articleSection": article.section.name,
        "author": [
            {"@type": "Person", "name": a.name, "url": settings.SITE_URL + a.get_absolute_url()}
            for a in article.authors.all()
        ]
        or ([{"@type": "Organization", "name": article.agency.name}] if article.agency else []),
        "publisher": publisher(),
        "isAccessibleForFree": free,
    }
    if share:  # 16:9, 4:3 and 1:1, as Google asks of an article's image (images.SHARE_RATIOS)
        data["image"] = [s.url for s in share]
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

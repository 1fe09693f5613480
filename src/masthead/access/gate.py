"""The one gate: ``decide(reader=..., article=..., context=...)``.

Every surface that emits story text (article page, RSS, JSON-LD, Open Graph, API, email,
e-paper text) asks here. No other code decides who may read what.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from masthead.access import crawlers
from masthead.access.clock import reader_now
from masthead.access.identity import Reader, proof_after
from masthead.access.models import Audience, Benefit, MeterMiss, MeterPeriod, PromptKind
from masthead.access.periods import Window, calendar_month, rolling_days
from masthead.access.selectors import (
    RuleSnapshot,
    active_benefits,
    archive_after_days,
    meter_rules,
    registration_bonus,
)
from masthead.access.stores import MeterStore, MeterUnavailable, store_from_settings
from masthead.core.metrics import DECISIONS
from masthead.newsroom.models import AccessLevel, Article

logger = logging.getLogger(__name__)


class Reason(StrEnum):
    FREE_STORY = "free_story"  # the story is free for everyone
    NOT_METERED = "not_metered"  # no meter rule covers this story for this reader
    ENTITLED = "entitled"  # the reader holds the benefit the story needs
    UNDER_METER = "under_meter"  # a free story from the meter (or one already counted)
    METER_USED_UP = "meter_used_up"
    REGISTRATION_REQUIRED = "registration_required"  # used up, but registering gives more
    PREMIUM = "premium"  # premium stories always need an entitlement
    MARKET_ANALYSIS = "market_analysis"  # a story of the market-analysis vertical
    ARCHIVED = "archived"  # older than the archive policy's age: needs the archives benefit
    VERIFIED_CRAWLER = "verified_crawler"
    METER_UNAVAILABLE = "meter_unavailable"  # store down; the policy decided
    NOT_COUNTED = "not_counted"  # a surface that cannot meter (feeds, previews) gets the lead
    BENEFIT_REQUIRED = "benefit_required"  # a non-story benefit (e-paper, ...) the reader lacks
    GIFT = "gift"  # a subscriber's gift link, verified by the caller, opens this one story


class Surface(StrEnum):
    PAGE = "page"  # a reader opening the story: counts against the meter
    FEED = "feed"  # RSS: nobody to meter, so only what is free for everyone
    API = "api"
    EMAIL = "email"


@dataclass(frozen=True, slots=True)
class Context:
    surface: Surface = Surface.PAGE
    # False for requests that must not use up a story (HEAD, prefetch, link previews).
    count: bool = True
    now: dt.datetime | None = None
    # The one story a verified, live gift link opens (set only by the gift view after checking
    # the link's signature, expiry and revocation): read in full, never counted on the meter.
    gifted_article_id: int | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    full: bool
    reason: Reason
    free_limit: int | None = None
    read: int | None = None
    remaining: int | None = None
    register_bonus: int = 0
    prompt: PromptKind | None = None
    # The benefit that would have let the reader in (for the prompt's wording).
    benefit: str | None = None
    # The name of the meter rule that decided (insights counts views and prompts by it).
    rule: str | None = None

    @property
    def show_meter(self) -> bool:
        """Metered readers see a quiet count of what is left; readers with access never do."""
        return self.reason == Reason.UNDER_METER and self.remaining is not None

    @property
    def is_accessible_for_free(self) -> bool:
        return self.reason in {Reason.FREE_STORY, Reason.NOT_METERED}


@lru_cache(maxsize=1)
def _publisher_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


_store: MeterStore | None = None


def meter_store() -> MeterStore:
    global _store  # noqa: PLW0603 - one store per process, built from settings on first use
    if _store is None:
        _store = store_from_settings()
    return _store


def reset_meter_store() -> None:
    """Rebuild the store from settings on next use (tests switch stores)."""
    global _store, _month  # noqa: PLW0603 - see meter_store
    _store = _month = None
    _publisher_tz.cache_clear()


# The month the last monthly window was worked out for, with its zone: every story view in a
# month asks for the same window.
_month: tuple[ZoneInfo, Window] | None = None


def window_for(rule: RuleSnapshot, *, now: dt.datetime) -> Window:
    global _month  # noqa: PLW0603 - a one-entry memo, see _month
    if rule.period == MeterPeriod.ROLLING_DAYS:
        return rolling_days(now=now, days=rule.rolling_days)
    tz = _publisher_tz()
    cached = _month  # read once: another thread may replace it at the month's turn
    if cached is not None and cached[0] is tz and cached[1].starts <= now < cached[1].ends:
        return cached[1]
    window = calendar_month(now=now, tz=tz)
    _month = (tz, window)
    return window


def benefits_of(reader: Reader, *, now: dt.datetime) -> frozenset[str]:
    if reader.user_id is None:
        return frozenset()
    if reader._benefits is None:
        reader._benefits = active_benefits(user_id=reader.user_id, now=now)
    return reader._benefits


def is_archived(article: Article, *, now: dt.datetime) -> bool:
    """Older than the archive policy's age (a back-office setting; 0 turns the rule off)."""
    days = archive_after_days()
    published = article.published_at
    return bool(days) and published is not None and published < now - dt.timedelta(days=days)


def _is_market_analysis(article: Article) -> bool:
    # The kit's gate article carries its section; a story read from the database may need one
    # query (listings and feeds select_related it).
    return bool(article.section.is_market_analysis)


def needed_benefits(article: Article, *, now: dt.datetime) -> tuple[str, ...]:
    """Every benefit a reader must hold to read this story in full (all of them).

    A free story needs none, whatever its age. Otherwise: an archived story needs the
    archives; a premium story premium stories; a market-analysis story market analysis — an
    old premium story needs both archives and premium stories. Only a story that needs nothing
    but unlimited stories (recent, metered, outside the vertical) is open to the meter.
    Archives come first: when a reader lacks several, the prompt names the archives.
    """
    if article.access_level == AccessLevel.FREE:
        return ()
    needs: list[str] = []
    if is_archived(article, now=now):
        needs.append(Benefit.ARCHIVES)
    if article.access_level == AccessLevel.PREMIUM:
        needs.append(Benefit.PREMIUM_STORIES)
    if _is_market_analysis(article):
        needs.append(Benefit.MARKET_ANALYSIS)
    return tuple(needs) or (Benefit.UNLIMITED_STORIES,)


def needed_benefit(article: Article, *, now: dt.datetime | None = None) -> str | None:
    """The first benefit this story needs (the one its prompt names), or None if free."""
    needs = needed_benefits(article, now=now or timezone.now())
    return needs[0] if needs else None


# Stories the meter never opens: the reason and prompts for the benefit the reader lacks.
_BENEFIT_PROMPTS: dict[str, tuple[Reason, PromptKind, PromptKind]] = {
    Benefit.ARCHIVES: (
        Reason.ARCHIVED,
        PromptKind.ARCHIVE_ANONYMOUS,
        PromptKind.ARCHIVE_REGISTERED,
    ),
    Benefit.PREMIUM_STORIES: (
        Reason.PREMIUM,
        PromptKind.PREMIUM_ANONYMOUS,
        PromptKind.PREMIUM_REGISTERED,
    ),
    Benefit.MARKET_ANALYSIS: (
        Reason.MARKET_ANALYSIS,
        PromptKind.MARKET_ANONYMOUS,
        PromptKind.MARKET_REGISTERED,
    ),
}


def _matching_rule(*, audience: str, article: Article) -> RuleSnapshot | None:
    for rule in meter_rules():
        if rule.audience != audience:
            continue
        if rule.counted_section_ids and article.section_id not in rule.counted_section_ids:
            continue
        return rule
    return None


def _is_exempt(rule: RuleSnapshot, article: Article) -> bool:
    return article.section_id in rule.exempt_section_ids or (
        rule.exempt_wire_stories and article.agency_id is not None
    )


# The decisions counter's child for each (reason, full): labels() takes a lock per call.
_counted: dict[tuple[Reason, bool], Any] = {}


def decide(*, reader: Reader, article: Article, context: Context | None = None) -> Decision:
    decision = _decide(reader=reader, article=article, context=context)
    key = (decision.reason, decision.full)
    counter = _counted.get(key)
    if counter is None:
        counter = DECISIONS.labels(reason=str(decision.reason), full=str(decision.full).lower())
        _counted[key] = counter
    counter.inc()
    return decision


def _decide(*, reader: Reader, article: Article, context: Context | None) -> Decision:
    context = context or Context()
    now = context.now or timezone.now()
    if article.access_level == AccessLevel.FREE:
        return Decision(full=True, reason=Reason.FREE_STORY)

    needs = needed_benefits(article, now=now)
    entitled_at = context.now or reader_now(reader.user_id)
    held = benefits_of(reader, now=entitled_at)
    missing = [benefit for benefit in needs if benefit not in held]
    if not missing:
        return Decision(full=True, reason=Reason.ENTITLED)

    # Before the meter and the premium wall: a gift opens its story for anyone, uncounted.
    if context.gifted_article_id is not None and context.gifted_article_id == article.pk:
        return Decision(full=True, reason=Reason.GIFT)

    audience = Audience.REGISTERED if reader.is_signed_in else Audience.ANONYMOUS
    if context.surface == Surface.PAGE and crawlers.is_verified_crawler(
        ip=reader.ip, user_agent=reader.user_agent
    ):
        return Decision(full=True, reason=Reason.VERIFIED_CRAWLER)

    if missing[0] in _BENEFIT_PROMPTS:  # never opened by the meter
        reason, anonymous, registered = _BENEFIT_PROMPTS[missing[0]]
        return Decision(
            full=False,
            reason=reason,
            prompt=registered if reader.is_signed_in else anonymous,
            benefit=missing[0],
        )

    rule = _matching_rule(audience=audience, article=article)
    if rule is None or _is_exempt(rule, article):
        return Decision(full=True, reason=Reason.NOT_METERED)
    # Every decision the meter makes names its rule (insights counts views and prompts by it).
    return _metered(reader=reader, article=article, rule=rule, context=context, now=now)


def may_use(*, reader: Reader, benefit: str, now: dt.datetime | None = None) -> Decision:
    """May this reader use a benefit that is not a story (e-paper, newsletters, ad-free, ...)?

    The one gate answers for those too, so the e-paper, newsletters, ads, devices, partner
    codes and gift links never check grants themselves.
    """
    at = now or reader_now(reader.user_id)
    if benefit in benefits_of(reader, now=at):
        return Decision(full=True, reason=Reason.ENTITLED, benefit=benefit)
    kind = PromptKind.PREMIUM_REGISTERED if reader.is_signed_in else PromptKind.PREMIUM_ANONYMOUS
    return Decision(full=False, reason=Reason.BENEFIT_REQUIRED, prompt=kind, benefit=benefit)


def _used_up(*, reader: Reader, rule: RuleSnapshot, read: int) -> Decision:
    if not reader.is_signed_in:
        bonus = registration_bonus(anonymous_limit=rule.free_limit)
        return Decision(
            full=False,
            reason=Reason.REGISTRATION_REQUIRED if bonus else Reason.METER_USED_UP,
            free_limit=rule.free_limit,
            rule=rule.name,
            read=read,
            remaining=0,
            register_bonus=bonus,
            prompt=PromptKind.REGISTRATION if bonus else PromptKind.METER_ANONYMOUS,
        )
    return Decision(
        full=False,
        reason=Reason.METER_USED_UP,
        free_limit=rule.free_limit,
        rule=rule.name,
        read=read,
        remaining=0,
        prompt=PromptKind.METER_REGISTERED,
    )


def _metered(
    *, reader: Reader, article: Article, rule: RuleSnapshot, context: Context, now: dt.datetime
) -> Decision:
    if context.surface == Surface.FEED:
        # Nobody to meter in a feed: it carries what is free for everyone, the lead of the rest.
        return Decision(
            full=False, reason=Reason.NOT_COUNTED, free_limit=rule.free_limit, rule=rule.name
        )
    if reader.forged:
        # An altered or invented reader cookie earns no free stories.
        return _used_up(reader=reader, rule=rule, read=rule.free_limit)
    window = window_for(rule, now=now)
    store = meter_store()
    reader.touched = True
    starts = int(window.starts.timestamp())
    proof = reader.proof
    if proof is not None and proof.opens(
        meter_key=reader.meter_key, window_starts=starts, article_id=article.pk
    ):
        # The store counted this story for this reader in this window and told the browser so
        # in a signed proof; counted stays counted, so the store would say the same (ADR 0029).
        return _under_meter(rule=rule, read=proof.read)
    try:
        # The apps' API meters like the page: opening a story in the app is reading it.
        if context.surface in {Surface.PAGE, Surface.API} and context.count:
            outcome = store.record_view(
                reader_key=reader.meter_key,
                article_id=article.pk,
                now=now,
                window=window,
                limit=rule.free_limit,
            )
            allowed, read = outcome.allowed, outcome.counted
        else:
            already, read = store.peek(
                reader_key=reader.meter_key, article_id=article.pk, window=window
            )
            if not already:
                return Decision(
                    full=False,
                    reason=Reason.NOT_COUNTED,
                    free_limit=rule.free_limit,
                    rule=rule.name,
                    read=read,
                    remaining=max(0, rule.free_limit - read),
                )
            allowed = True
    except MeterUnavailable as exc:
        return _unavailable(reader=reader, article=article, rule=rule, store=store, error=exc)
    if not allowed:
        return _used_up(reader=reader, rule=rule, read=read)
    # A rolling window's start moves every second: a proof of it would never match.
    if rule.period != MeterPeriod.ROLLING_DAYS:
        reader.proof = proof_after(
            proof=proof,
            meter_key=reader.meter_key,
            window_starts=starts,
            article_id=article.pk,
            read=read,
        )
        reader.proof_changed = True
    return _under_meter(rule=rule, read=read)


def _under_meter(*, rule: RuleSnapshot, read: int) -> Decision:
    return Decision(
        full=True,
        reason=Reason.UNDER_METER,
        free_limit=rule.free_limit,
        read=read,
        remaining=max(0, rule.free_limit - read),
        rule=rule.name,
    )


def _unavailable(
    *, reader: Reader, article: Article, rule: RuleSnapshot, store: MeterStore, error: Exception
) -> Decision:
    policy = settings.METER_UNAVAILABLE_POLICY
    logger.warning("meter store %s unavailable (%s); policy %s", store.name, error, policy)
    try:
        MeterMiss.objects.create(
            reader_key=reader.meter_key,
            article_id=article.pk,
            store=store.name,
            policy=policy,
            error=str(error)[:300],
        )
    except Exception:  # the miss record is best effort; the reader's page is not
        logger.exception("could not record a meter miss")
    if policy == "allow":
        return Decision(
            full=True, reason=Reason.METER_UNAVAILABLE, free_limit=rule.free_limit, rule=rule.name
        )
    return Decision(
        full=False,
        reason=Reason.METER_UNAVAILABLE,
        free_limit=rule.free_limit,
        rule=rule.name,
        prompt=PromptKind.METER_REGISTERED if reader.is_signed_in else PromptKind.METER_ANONYMOUS,
    )

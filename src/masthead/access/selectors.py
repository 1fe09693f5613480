"""Reading access: a reader's benefits, the meter rules in force, the prompt copy."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from masthead.access.models import (
    DEFAULT_ARCHIVE_AFTER_DAYS,
    ArchivePolicy,
    Audience,
    BenefitCopy,
    Grant,
    GrantSource,
    MeterPeriod,
    MeterRule,
    PromptCopy,
    PromptKind,
)


def _in_force(now: dt.datetime) -> Q:
    return (Q(ends_at__isnull=True) | Q(ends_at__gt=now)) & Q(
        revoked_at__isnull=True, starts_at__lte=now
    )


def active_grants(*, user_id: int, now: dt.datetime | None = None) -> QuerySet[Grant]:
    return Grant.objects.filter(_in_force(now or timezone.now()), user_id=user_id)


def complimentary_grants(*, user_id: int, now: dt.datetime | None = None) -> list[Grant]:
    """The reader's complimentary access in force (staff comps), soonest-ending last."""
    return list(
        active_grants(user_id=user_id, now=now)
        .filter(source=GrantSource.COMPLIMENTARY)
        .order_by("benefit")
    )


def active_benefits(*, user_id: int, now: dt.datetime | None = None) -> frozenset[str]:
    return frozenset(active_grants(user_id=user_id, now=now).values_list("benefit", flat=True))


def active_benefits_of(*, user_ids: Iterable[int], now: dt.datetime) -> dict[int, frozenset[str]]:
    """``active_benefits`` for many readers at one instant, in one query (a newsletter batch);
    a reader with none maps to the empty set."""
    wanted = set(user_ids)
    held: dict[int, set[str]] = {user_id: set() for user_id in wanted}
    rows = Grant.objects.filter(_in_force(now), user_id__in=wanted).values_list(
        "user_id", "benefit"
    )
    for user_id, benefit in rows:
        held[user_id].add(benefit)
    return {user_id: frozenset(benefits) for user_id, benefits in held.items()}


def benefit_held_since(
    *, user_id: int, benefit: str, source: str, now: dt.datetime
) -> dt.datetime | None:
    """When the reader's current, unbroken hold on a benefit from one source began, or None.

    Billing extends a subscription's grant on each renewal (``services.sync_grants``) and a new
    subscription writes a new one, so for ``source=subscription`` this is the start of the paid
    access the reader has now: a lapse and a new subscription start the count again. Apps that
    need "after N paid days" (partner codes) ask this rather than billing's tables.
    """
    found: dt.datetime | None = (
        active_grants(user_id=user_id, now=now)
        .filter(benefit=benefit, source=source)
        .aggregate(since=Min("starts_at"))["since"]
    )
    return found


def holders_of(*, benefit: str, now: dt.datetime | None = None) -> QuerySet[Grant, int]:
    """Ids of readers with an unrevoked grant of ``benefit`` that has not ended: candidates only
    (a grant may start later on a reader's test clock); the gate decides for each."""
    now = now or timezone.now()
    return (
        Grant.objects.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), revoked_at__isnull=True)
        .filter(benefit=benefit)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )


def grants_for(*, user_id: int) -> QuerySet[Grant]:
    return Grant.objects.filter(user_id=user_id).order_by("-starts_at")


@dataclass(frozen=True, slots=True)
class RuleSnapshot:
    """A meter rule as the gate needs it, without further queries."""

    pk: int
    name: str
    audience: str
    free_limit: int
    period: str
    rolling_days: int
    counted_section_ids: frozenset[int]
    exempt_section_ids: frozenset[int]
    exempt_wire_stories: bool


# Rules change rarely and are read on every story view: keep them per process for a few
# seconds. An edit in the back office takes effect everywhere within RULES_TTL seconds.
RULES_TTL = 10.0
_rules_cache: tuple[float, list[RuleSnapshot]] | None = None


def meter_rules(*, fresh: bool = False) -> list[RuleSnapshot]:
    global _rules_cache  # noqa: PLW0603 - a tiny per-process cache, see RULES_TTL
    now = time.monotonic()
    if not fresh and _rules_cache is not None and now - _rules_cache[0] < RULES_TTL:
        return _rules_cache[1]
    rules = [
        RuleSnapshot(
            pk=rule.pk,
            name=rule.name,
            audience=rule.audience,
            free_limit=rule.free_limit,
            period=rule.period,
            rolling_days=rule.rolling_days,
            counted_section_ids=frozenset(s.pk for s in rule.counted_sections.all()),
            exempt_section_ids=frozenset(s.pk for s in rule.exempt_sections.all()),
            exempt_wire_stories=rule.exempt_wire_stories,
        )
        for rule in MeterRule.objects.filter(is_active=True).prefetch_related(
            "counted_sections", "exempt_sections"
        )
    ]
    _rules_cache = (now, rules)
    return rules


# The longest calendar month, and a day more: a view that old counts in no monthly window.
_MONTH_HISTORY = dt.timedelta(days=32)


def meter_history_needed() -> dt.timedelta:
    """How far back the meter's windows can look under the active rules: a day past the
    longest rolling window, or past the longest month. Older views count for nobody, so the
    database store prunes them (a rule lengthened later starts from what was kept)."""
    longest = _MONTH_HISTORY
    for rule in meter_rules(fresh=True):
        if rule.period == MeterPeriod.ROLLING_DAYS:
            longest = max(longest, dt.timedelta(days=rule.rolling_days + 1))
    return longest


def forget_cached_rules() -> None:
    global _rules_cache, _archive_cache  # noqa: PLW0603 - see meter_rules
    _rules_cache = None
    _archive_cache = None


# Read on every gated story view, edited rarely: kept per process like the meter rules.
_archive_cache: tuple[float, int] | None = None


def archive_after_days() -> int:
    """Days after which a story needs the archives benefit (0: never). First policy row wins."""
    global _archive_cache  # noqa: PLW0603 - a tiny per-process cache, see RULES_TTL
    now = time.monotonic()
    if _archive_cache is not None and now - _archive_cache[0] < RULES_TTL:
        return _archive_cache[1]
    days = ArchivePolicy.objects.order_by("pk").values_list("archive_after_days", flat=True).first()
    value = DEFAULT_ARCHIVE_AFTER_DAYS if days is None else int(days)
    _archive_cache = (now, value)
    return value


def first_rule(*, audience: str) -> RuleSnapshot | None:
    """The first active rule for an audience, whatever the story (for meter copy)."""
    return next((r for r in meter_rules() if r.audience == audience), None)


def registration_bonus(*, anonymous_limit: int) -> int:
    """How many more stories a month registering gives (0 if none)."""
    registered = first_rule(audience=Audience.REGISTERED)
    if registered is None:
        return 0
    return max(0, registered.free_limit - anonymous_limit)


def prompt_copy(*, kind: str) -> PromptCopy | None:
    return PromptCopy.objects.filter(kind=kind).first()


def benefit_copy() -> list[BenefitCopy]:
    return list(BenefitCopy.objects.all())


__all__ = [
    "PromptKind",
    "RuleSnapshot",
    "active_benefits",
    "active_grants",
    "archive_after_days",
    "benefit_copy",
    "benefit_held_since",
    "first_rule",
    "forget_cached_rules",
    "grants_for",
    "holders_of",
    "meter_rules",
    "prompt_copy",
    "registration_bonus",
]

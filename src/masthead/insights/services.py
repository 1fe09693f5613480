"""Writing insights: events into the database, rollups, attributions, pruning.

Each function is idempotent (a rollup of a range is recomputed from its sources and replaces
what was there), so the worker may run them as often as it likes and two workers at once
only do the same work twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from masthead.billing import revenue
from masthead.insights import events, snapshots, stories
from masthead.insights.models import Bucket, Conversion, EventKind, ReaderEvent, Rollup, RollupState

logger = logging.getLogger(__name__)

RAW_KINDS = (
    EventKind.STORY_VIEW,
    EventKind.PROMPT,
    EventKind.SUBSCRIBE_CLICK,
    EventKind.REGISTRATION,
    EventKind.GIFT_OPEN,
)
LEDGER_KINDS = (
    EventKind.CHECKOUT_STARTED,
    EventKind.CHECKOUT_PAID,
    EventKind.CHECKOUT_FAILED,
    EventKind.CANCELLED,
    EventKind.REACTIVATED,
)
# The dimensions each raw kind is rolled up by (``all`` is the total; ``author`` comes from the
# story; ``reads`` is how many free stories the reader had used).
RAW_DIMENSIONS: dict[str, tuple[str, ...]] = {
    EventKind.STORY_VIEW: (
        "outcome",
        "section",
        "author",
        "referrer",
        "device",
        "meter_rule",
        "story",
    ),
    EventKind.PROMPT: ("prompt", "meter_rule", "section", "author", "referrer", "device", "story"),
    EventKind.SUBSCRIBE_CLICK: ("referrer", "device"),
    EventKind.REGISTRATION: ("referrer", "device"),
    EventKind.GIFT_OPEN: ("section", "story"),
}
ATTRIBUTION_DIMENSIONS = (
    "story",
    "first_story",
    "prompt",
    "meter_rule",
    "section",
    "author",
    "referrer",
    "device",
)
VISIT_GAP = dt.timedelta(minutes=30)  # a quiet half hour ends a visit (the analytics norm)
LOOKBACK = dt.timedelta(days=30)  # how far back a payment looks for the reader's stories


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def hour_of(moment: dt.datetime) -> dt.datetime:
    """The start of ``moment``'s hour on the publisher's clock (India's hours start at :30
    UTC), so hours add up to the publisher's days."""
    local = moment.astimezone(_tz())
    return local.replace(minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def day_of(moment: dt.datetime) -> dt.datetime:
    local = moment.astimezone(_tz())
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


# --- Moving events into the database -------------------------------------------------------


def flush_events(*, batch: int = 5000) -> int:
    """Write waiting events into the database: this process's buffer, and Redis's list
    (taken ``batch`` at a time with LRANGE + LTRIM in one MULTI, so two workers never take
    the same events). Returns how many were written."""
    written = events.flush_buffer()
    if settings.INSIGHTS_EVENT_STORE != "redis":
        return written
    client, key = events.redis_client(), events.redis_key()
    while True:
        pipe = client.pipeline(transaction=True)
        pipe.lrange(key, 0, batch - 1)
        pipe.ltrim(key, batch, -1)
        raw, _ = pipe.execute()
        if not raw:
            return written
        rows = []
        for line in raw:
            try:
                rows.append(events.Event.loads(line))
            except (ValueError, TypeError, KeyError):
                logger.warning("insights: an unreadable event was dropped")
        try:
            events.insert_events(rows)
        except Exception:
            # Put them back for the next sweep rather than lose them.
            client.lpush(key, *reversed(raw))
            raise
        written += len(rows)
        if len(raw) < batch:
            return written


# --- Rollups -------------------------------------------------------------------------------


def _raw_counts(
    *, since: dt.datetime, until: dt.datetime
) -> Counter[tuple[dt.datetime, str, str, str]]:
    counts: Counter[tuple[dt.datetime, str, str, str]] = Counter()
    rows = ReaderEvent.objects.filter(occurred_at__gte=since, occurred_at__lt=until).values_list(
        "occurred_at",
        "kind",
        "story_id",
        "section",
        "outcome",
        "prompt",
        "meter_rule",
        "referrer",
        "device",
    )
    batch = list(rows.iterator(chunk_size=5000))
    authors = stories.authors_of(r[2] for r in batch if r[2])
    for at, kind, story_id, section, outcome, prompt, rule, referrer, device in batch:
        hour = hour_of(at)
        values = {
            "outcome": outcome,
            "section": section,
            "prompt": prompt,
            "meter_rule": rule,
            "referrer": referrer,
            "device": device,
            "story": str(story_id or ""),
        }
        counts[(hour, kind, "all", "")] += 1
        for dimension in RAW_DIMENSIONS.get(kind, ()):
            if dimension == "author":
                for slug in authors.get(int(story_id or 0), []):
                    counts[(hour, kind, "author", slug)] += 1
            elif values[dimension]:
                counts[(hour, kind, dimension, values[dimension])] += 1
    return counts


def _ledger_counts(
    facts: Iterable[revenue.FunnelFact],
    conversions: dict[int, Conversion],
    authors: dict[int, list[str]],
) -> Counter[tuple[dt.datetime, str, str, str]]:
    counts: Counter[tuple[dt.datetime, str, str, str]] = Counter()
    for fact in facts:
        hour = hour_of(fact.occurred_at)
        key = (hour, fact.kind)
        counts[(*key, "all", "")] += 1
        counts[(*key, "plan", fact.plan)] += 1
        counts[(*key, "currency", fact.currency)] += 1
        counts[(*key, "gateway", fact.gateway)] += 1
        if fact.reason:
            counts[(*key, "reason", fact.reason)] += 1
        conversion = conversions.get(fact.subscription_id)
        if fact.kind == EventKind.CHECKOUT_PAID and conversion is not None:
            values = {
                "story": str(conversion.last_story_id or ""),
                "first_story": str(conversion.first_story_id or ""),
                "prompt": conversion.prompt,
                "meter_rule": conversion.meter_rule,
                "section": conversion.section,
                "referrer": conversion.referrer,
                "device": conversion.device,
            }
            for dimension, value in values.items():
                if value:
                    counts[(*key, dimension, value)] += 1
            for slug in authors.get(int(conversion.last_story_id or 0), []):
                counts[(*key, "author", slug)] += 1
    return counts


def attribute(*, fact: revenue.FunnelFact) -> Conversion:
    """Where a first payment's reader was: their story views (signed in, or in any browser
    their account was linked to by a sign-up) in the 30 days before paying."""
    reader = events.pseudonym(f"u:{fact.user_id}")
    window = (fact.occurred_at - LOOKBACK, fact.occurred_at)
    visitors = set(
        ReaderEvent.objects.filter(reader=reader, occurred_at__range=window)
        .exclude(visitor="")
        .values_list("visitor", flat=True)
    )
    mine = ReaderEvent.objects.filter(occurred_at__range=window)
    from django.db.models import Q

    who = Q(reader=reader) | Q(visitor__in=visitors) if visitors else Q(reader=reader)
    views = list(
        mine.filter(who, kind=EventKind.STORY_VIEW)
        .order_by("-occurred_at", "-pk")
        .values_list("occurred_at", "story_id", "section", "referrer", "device", "meter_rule")[:200]
    )
    prompt = (
        mine.filter(who, kind=EventKind.PROMPT)
        .order_by("-occurred_at", "-pk")
        .values_list("prompt", "meter_rule")
        .first()
    )
    conversion = Conversion(
        subscription_id=fact.subscription_id,
        paid_at=fact.occurred_at,
        plan=fact.plan,
        currency=fact.currency,
        reader=reader,
        prompt=prompt[0] if prompt else "",
        meter_rule=(prompt[1] if prompt else "") or "",
    )
    if views:
        last = views[0]
        first = last
        for view in views[1:]:
            if first[0] - view[0] > VISIT_GAP:
                break
            first = view
        conversion.last_story_id = last[1]
        conversion.first_story_id = first[1]
        conversion.section = last[2]
        conversion.referrer = first[3]
        conversion.device = first[4]
        conversion.meter_rule = conversion.meter_rule or last[5]
    return conversion


@dataclass(frozen=True, slots=True)
class RollupReport:
    hours: int
    rows: int
    conversions: int


def roll_up(
    *, since: dt.datetime, until: dt.datetime, now: dt.datetime | None = None
) -> RollupReport:
    """Recompute the hour and day rollups touching [since, until) from their sources (raw
    events, still kept, and billing's ledger) and replace what was there, in one
    transaction. Hours whose raw events are already pruned keep their page-event rollups."""
    now = now or timezone.now()
    start, end = (
        hour_of(since),
        hour_of(until - dt.timedelta(microseconds=1)) + dt.timedelta(hours=1),
    )
    raw_from = max(
        start,
        hour_of(now - dt.timedelta(days=settings.INSIGHTS_RAW_RETENTION_DAYS))
        + dt.timedelta(hours=1),
    )
    counts: Counter[tuple[dt.datetime, str, str, str]] = Counter()
    if raw_from < end:
        counts.update(_raw_counts(since=raw_from, until=end))
    facts = revenue.funnel_facts(since=start, until=end)
    conversions = {
        f.subscription_id: attribute(fact=f) for f in facts if f.kind == EventKind.CHECKOUT_PAID
    }
    authors = stories.authors_of(c.last_story_id for c in conversions.values() if c.last_story_id)
    counts.update(_ledger_counts(facts, conversions, authors))
    days = sorted({day_of(hour) for hour in _hours(start, end)})
    with transaction.atomic():
        Rollup.objects.filter(
            bucket=Bucket.HOUR, starts_at__gte=start, starts_at__lt=end, kind__in=LEDGER_KINDS
        ).delete()
        if raw_from < end:
            Rollup.objects.filter(
                bucket=Bucket.HOUR, starts_at__gte=raw_from, starts_at__lt=end, kind__in=RAW_KINDS
            ).delete()
        Rollup.objects.bulk_create(
            [
                Rollup(bucket=Bucket.HOUR, starts_at=h, kind=k, dimension=d, value=v[:120], count=n)
                for (h, k, d, v), n in counts.items()
            ],
            batch_size=2000,
        )
        Conversion.objects.filter(subscription_id__in=list(conversions)).delete()
        Conversion.objects.bulk_create(conversions.values(), batch_size=1000)
        for day in days:
            _roll_day(day)
    return RollupReport(
        hours=len(_hours(start, end)), rows=len(counts), conversions=len(conversions)
    )


def _hours(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    hours, at = [], start
    while at < end:
        hours.append(at)
        at += dt.timedelta(hours=1)
    return hours


def _roll_day(day: dt.datetime) -> None:
    """A publisher's day: the sum of its hours."""
    next_day = day_of(day + dt.timedelta(hours=30))
    Rollup.objects.filter(bucket=Bucket.DAY, starts_at=day).delete()
    sums = (
        Rollup.objects.filter(bucket=Bucket.HOUR, starts_at__gte=day, starts_at__lt=next_day)
        .values("kind", "dimension", "value")
        .annotate(total=Sum("count"))
    )
    Rollup.objects.bulk_create(
        [
            Rollup(
                bucket=Bucket.DAY,
                starts_at=day,
                kind=r["kind"],
                dimension=r["dimension"],
                value=r["value"],
                count=r["total"],
            )
            for r in sums
        ],
        batch_size=2000,
    )


def prune(*, now: dt.datetime) -> int:
    """Delete raw events past the retention; their rollups stay."""
    cutoff = hour_of(now - dt.timedelta(days=settings.INSIGHTS_RAW_RETENTION_DAYS))
    deleted, _ = ReaderEvent.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True, slots=True)
class SweepReport:
    flushed: int
    rolled: RollupReport
    pruned: int
    snapshot: snapshots.SnapshotReport | None = None


def sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """The worker's step: flush, roll up since the last sweep (its hour again, since it was
    still filling), prune, and work out the revenue figures when they are due
    (``snapshots.take_if_due``)."""
    now = now or timezone.now()
    flushed = flush_events()
    state, _ = RollupState.objects.get_or_create(pk=1)
    since = state.rolled_until or now - dt.timedelta(days=settings.INSIGHTS_RAW_RETENTION_DAYS)
    rolled = roll_up(since=min(since, now - dt.timedelta(hours=1)), until=now, now=now)
    RollupState.objects.filter(pk=1).update(rolled_until=hour_of(now))
    return SweepReport(
        flushed=flushed,
        rolled=rolled,
        pruned=prune(now=now),
        snapshot=snapshots.take_if_due(now=now),
    )


_last_sweep = 0.0


def sweep_if_due(*, every: float = 60.0) -> SweepReport | None:
    """``sweep`` at most once per ``every`` seconds in this process (the worker's loop runs
    every few seconds; a minute's delay on a dashboard is fine)."""
    global _last_sweep  # noqa: PLW0603 - the process's own timer
    import time

    if time.monotonic() - _last_sweep < every:
        return None
    _last_sweep = time.monotonic()
    return sweep()

"""Demo reader events for the conversion dashboard: five weeks of story views, prompts and
subscribe clicks over the demo newsroom, with the demo subscribers' own visits before they
paid, then rolled up as the worker would."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.utils import timezone

from masthead.billing.demo_history import DemoReader
from masthead.insights import events, services, snapshots
from masthead.insights.models import EventKind, ReaderEvent
from masthead.newsroom.models import Article

REFERRERS = ["search"] * 5 + ["social"] * 3 + ["newsletter"] * 2 + ["direct"] * 3 + ["internal"] * 6
DEVICES = ["phone"] * 6 + ["desktop"] * 3 + ["tablet"]
PROMPTS = ["meter_anonymous", "meter_registered", "registration", "premium_anonymous"]


def load(
    *, paying: Sequence[DemoReader] = (), days: int = 35, per_day: int = 900, seed: int = 7
) -> int:
    """Write the events (once: a second run adds nothing) and roll everything up."""
    now = timezone.now()
    # Demo readers' names start "demo" (never a real pseudonym: those are hex digits only).
    if ReaderEvent.objects.filter(reader__startswith="demo").exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - made-up demo data
    stories = list(Article.objects.values_list("pk", "section__slug")[:200])
    if not stories:
        return 0
    rows: list[ReaderEvent] = []
    readers = [f"demo{rng.getrandbits(48):012x}" for _ in range(per_day * 2)]
    for day in range(days, 0, -1):
        for _ in range(int(per_day * (0.8 + 0.4 * rng.random()))):
            at = now - dt.timedelta(days=day - rng.random())
            story, section = rng.choice(stories)
            reader = rng.choice(readers)
            used = rng.choice([None, 0, 1, 2, 3, 3, 4, 5])
            blocked = used is not None and used >= 3 and rng.random() < 0.5
            common = {
                "occurred_at": at,
                "reader": reader,
                "visitor": "",
                "story_id": story,
                "section": section,
                "meter_rule": (
                    "Anonymous readers: 3 a month"
                    if reader < "demo8"
                    else "Registered readers: 5 a month"
                ),
                "referrer": rng.choice(REFERRERS),
                "device": rng.choice(DEVICES),
            }
            outcome = "blocked" if blocked else ("free" if used is None else "metered")
            prompt = rng.choice(PROMPTS) if blocked else ""
            rows.append(
                ReaderEvent(
                    kind=EventKind.STORY_VIEW,
                    outcome=outcome,
                    reads_used=used,
                    prompt=prompt,
                    **common,
                )
            )
            if blocked:
                rows.append(
                    ReaderEvent(kind=EventKind.PROMPT, outcome=outcome, prompt=prompt, **common)
                )
                if rng.random() < 0.12:
                    rows.append(
                        ReaderEvent(
                            kind=EventKind.SUBSCRIBE_CLICK,
                            **{**common, "occurred_at": at + dt.timedelta(seconds=30)},
                        )
                    )
                if prompt == "registration" and rng.random() < 0.2:
                    rows.append(
                        ReaderEvent(
                            kind=EventKind.REGISTRATION,
                            **{**common, "occurred_at": at + dt.timedelta(seconds=50)},
                        )
                    )
    since = now - dt.timedelta(days=days)
    for subscriber in paying:
        if subscriber.paid_at is None or subscriber.paid_at < since:
            continue
        paid_at = subscriber.paid_at
        name = events.pseudonym(f"u:{subscriber.user_id}")
        visit = rng.sample(stories, k=min(len(stories), rng.randint(1, 4)))
        referrer, device = rng.choice(REFERRERS), rng.choice(DEVICES)
        for step, (story, section) in enumerate(visit):
            at = paid_at - dt.timedelta(minutes=3 * (len(visit) - step) + 1)
            common = {
                "occurred_at": at,
                "reader": name,
                "visitor": "",
                "story_id": story,
                "section": section,
                "meter_rule": "Registered readers: 5 a month",
                "referrer": referrer,
                "device": device,
            }
            last = step == len(visit) - 1
            prompt = "meter_registered" if last else ""
            rows.append(
                ReaderEvent(
                    kind=EventKind.STORY_VIEW,
                    outcome="blocked" if last else "metered",
                    reads_used=5 if last else step + 2,
                    prompt=prompt,
                    **common,
                )
            )
            if last:
                rows.append(
                    ReaderEvent(kind=EventKind.PROMPT, outcome="blocked", prompt=prompt, **common)
                )
                rows.append(
                    ReaderEvent(
                        kind=EventKind.SUBSCRIBE_CLICK,
                        **{**common, "occurred_at": at + dt.timedelta(seconds=20)},
                    )
                )
    ReaderEvent.objects.bulk_create(rows, batch_size=2000)
    earliest = min((r.paid_at for r in paying if r.paid_at), default=since)
    services.roll_up(since=min(earliest, since), until=now, now=now)
    snapshots.take(now=now)
    return len(rows)

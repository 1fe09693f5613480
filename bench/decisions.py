"""Decisions per second for the meter store this process is configured with.

Run by bench/run.py as ``python -m bench.decisions --seconds N --out result.json`` with the
store chosen by environment variables. Migrates the throwaway database it is pointed at, seeds
the demo meter rules and a few hundred metered stories, then calls ``decide()`` in a loop for a
stream of anonymous readers who each open a few stories: some first reads (counted), some
re-reads of a story already counted, some refused once the meter (3 a month) is used up.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.common import describe_config, migrate, say, setup_django, write_result

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131"


@dataclass
class Session:
    """One anonymous reader's visits, and what the meter should answer each time."""

    anonymous_id: str
    ip: str
    visits: list[int]
    position: int = 0
    opened: set[int] = field(default_factory=set)


class Workload:
    """Interleaves many readers' visits, the way requests from many browsers arrive."""

    def __init__(self, article_ids: list[int], *, limit: int, seed: int, active: int = 64) -> None:
        self.rng = random.Random(seed)
        self.article_ids = article_ids
        self.limit = limit
        self.readers = 0
        self.active = [self._new_session() for _ in range(active)]

    def _new_session(self) -> Session:
        self.readers += 1
        rng = self.rng
        # 1 to 6 different stories; with a limit of 3, readers of 4+ get refused.
        distinct = rng.choices([1, 2, 3, 4, 5, 6], weights=[10, 15, 20, 25, 20, 10])[0]
        stories = rng.sample(self.article_ids, distinct)
        visits: list[int] = []
        for story in stories:
            visits.append(story)
            if rng.random() < 0.35:  # a re-read, now or of an earlier story
                visits.append(rng.choice(visits))
        return Session(
            anonymous_id=uuid.UUID(int=rng.getrandbits(128)).hex,
            ip=f"203.0.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            visits=visits,
        )

    def next(self) -> tuple[Session, int, str]:
        """(reader, story, what the meter must answer: 'new', 'reread' or 'refused')."""
        slot = self.rng.randrange(len(self.active))
        session = self.active[slot]
        story = session.visits[session.position]
        session.position += 1
        if session.position >= len(session.visits):
            self.active[slot] = self._new_session()
        if story in session.opened:
            expected = "reread"
        elif len(session.opened) < self.limit:
            expected = "new"
            session.opened.add(story)
        else:
            expected = "refused"
        return session, story, expected


def seed(*, stories: int) -> list[Any]:
    from masthead.newsroom.models import Article
    from masthead.ops import testing

    testing.demo_rules()
    sections = [testing.section(slug) for slug in ("economy", "markets", "world", "companies")]
    for number in range(stories):
        testing.article(access_level="metered", in_section=sections[number % len(sections)])
    return list(Article.objects.select_related("section", "agency").order_by("pk"))


def run(*, seconds: float, max_calls: int, warmup: float, readers_seed: int) -> dict[str, Any]:
    from masthead.access.gate import Context, Reason, Surface, decide
    from masthead.access.identity import Reader
    from masthead.access.selectors import meter_rules

    started = time.perf_counter()
    migrate_seconds = migrate()
    articles = seed(stories=300)
    by_id = {a.pk: a for a in articles}
    limit = next(r.free_limit for r in meter_rules() if r.audience == "anonymous")
    setup_seconds = time.perf_counter() - started
    config = describe_config()
    say(
        f"{config['meter_store']} store on {config['vendor']}: migrated in {migrate_seconds:.1f}s, "
        f"seeded {len(articles)} metered stories and the demo rules "
        f"(anonymous limit {limit}) in {setup_seconds:.1f}s"
    )

    workload = Workload(sorted(by_id), limit=limit, seed=readers_seed)
    context = Context(surface=Surface.PAGE, count=True)
    mismatches: Counter[str] = Counter()

    def one() -> tuple[int, str, Any]:
        session, story, expected = workload.next()
        reader = Reader(
            user_id=None, anonymous_id=session.anonymous_id, ip=session.ip, user_agent=USER_AGENT
        )
        article = by_id[story]
        t0 = time.perf_counter_ns()
        decision = decide(reader=reader, article=article, context=context)
        elapsed = time.perf_counter_ns() - t0
        if decision.full != (expected != "refused"):
            mismatches[expected] += 1
        return elapsed, expected, decision

    # Warm up: connections, the rules cache, Lua script loading.
    warm_until = time.perf_counter() + warmup
    while time.perf_counter() < warm_until:
        one()

    latencies: list[int] = []
    by_kind: dict[str, list[int]] = {"new": [], "reread": [], "refused": []}
    expected_counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    readers_before = workload.readers
    wall_start = time.perf_counter()
    deadline = wall_start + seconds
    while len(latencies) < max_calls:
        elapsed, expected, decision = one()
        latencies.append(elapsed)
        by_kind[expected].append(elapsed)
        expected_counts[expected] += 1
        reasons[str(decision.reason)] += 1
        if (len(latencies) & 63) == 0 and time.perf_counter() >= deadline:
            break
    wall = time.perf_counter() - wall_start
    in_decide = sum(latencies) / 1e9

    queries = count_queries(one)

    latencies.sort()
    calls = len(latencies)
    return {
        **config,
        "calls": calls,
        "readers": workload.readers - readers_before,
        "seconds_in_decide": in_decide,
        "seconds_wall": wall,
        "decisions_per_second": calls / in_decide,
        "wall_decisions_per_second": calls / wall,
        "p50_us": latencies[calls // 2] / 1000,
        "p99_us": latencies[min(calls - 1, int(calls * 0.99))] / 1000,
        "mean_us": statistics.fmean(latencies) / 1000,
        "p50_us_by_kind": {
            kind: (statistics.median(values) / 1000 if values else None)
            for kind, values in by_kind.items()
        },
        "mix": dict(expected_counts),
        "reasons": dict(reasons),
        "mismatches": dict(mismatches),
        **queries,
        "expected_reasons": {
            "new/reread": str(Reason.UNDER_METER),
            "refused": str(Reason.REGISTRATION_REQUIRED),
        },
    }


def count_queries(one: Callable[[], tuple[int, str, Any]]) -> dict[str, Any]:
    """Queries per decision, outside the timed loop (capturing forces a debug cursor)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    per_kind: dict[str, list[int]] = {"new": [], "reread": [], "refused": []}
    sample_sql: dict[str, list[str]] = {}
    for _ in range(600):
        with CaptureQueriesContext(connection) as captured:
            _, expected, _ = one()
        per_kind[expected].append(len(captured.captured_queries))
        sample_sql.setdefault(expected, [q["sql"][:160] for q in captured.captured_queries])
    all_counts = [n for counts in per_kind.values() for n in counts]
    return {
        "queries_per_decision": statistics.fmean(all_counts),
        "queries_by_kind": {
            kind: (statistics.fmean(counts) if counts else None)
            for kind, counts in per_kind.items()
        },
        "sample_sql": sample_sql,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--max-calls", type=int, default=2_000_000)
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=20251125)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    setup_django()
    result = run(
        seconds=args.seconds, max_calls=args.max_calls, warmup=args.warmup, readers_seed=args.seed
    )
    say(
        f"{result['calls']} decisions for {result['readers']} readers: "
        f"{result['decisions_per_second']:,.0f}/s in decide() "
        f"(p50 {result['p50_us']:.0f} µs, p99 {result['p99_us']:.0f} µs), "
        f"{result['queries_per_decision']:.2f} SQL queries per decision"
    )
    write_result(args.out, result)


if __name__ == "__main__":
    main()

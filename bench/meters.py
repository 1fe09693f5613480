"""How the meter's cost grows with the number of readers it remembers.

Run by bench/run.py as ``python -m bench.meters --readers N --out result.json`` with the store
chosen by environment variables (as bench/decisions.py). It migrates, seeds the demo rules and
a metered story, lets 100 readers read it, then times ``decide()`` for their re-reads and for
new readers' first reads through the store (no meter proof: the store's own cost, ADR 0029).
Then it fills the store with N more readers' meters, each with three stories counted this
month, the way the store itself keeps them (a sorted set per reader in Redis; rows in
``access_meterview``), measures what they take (Redis ``used_memory``; the table and its
indexes on the database), and times ``decide()`` again for the same 100 readers.

``--fill-only`` just adds the N readers' meters (bench/run.py uses it to load the page
benchmark's Redis before timing the page again).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from typing import Any

from bench.common import describe_config, migrate, say, setup_django, write_result

SAMPLE_READERS = 100
STORIES_EACH = 3  # the demo's anonymous limit: a reader who used up the month
BATCH = 10_000


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_us": statistics.median(ordered) * 1e6,
        "p99_us": ordered[int(len(ordered) * 0.99) - 1] * 1e6,
        "calls": len(ordered),
    }


def time_decide(story: Any, readers: list[str], calls: int) -> dict[str, dict[str, float]]:
    """decide() for re-reads by known readers and first reads by new ones, interleaved."""
    from masthead.access.gate import Context, Reason, decide
    from masthead.access.identity import Reader

    rng = random.Random(19)
    context = Context()
    rereads: list[float] = []
    firsts: list[float] = []
    for _ in range(calls):
        known = Reader(user_id=None, anonymous_id=rng.choice(readers))
        started = time.perf_counter()
        decision = decide(reader=known, article=story, context=context)
        rereads.append(time.perf_counter() - started)
        if decision.reason != Reason.UNDER_METER:
            raise SystemExit(f"a known reader's re-read was answered {decision.reason}")
        new = Reader(user_id=None, anonymous_id=uuid.uuid4().hex)
        started = time.perf_counter()
        decision = decide(reader=new, article=story, context=context)
        firsts.append(time.perf_counter() - started)
        if decision.remaining != 2:
            raise SystemExit(f"a new reader's first story left {decision.remaining}, not 2")
    return {"reread": percentiles(rereads), "first": percentiles(firsts)}


def redis_memory() -> int:
    from masthead.access.gate import meter_store

    info = meter_store().client.info("memory")  # type: ignore[attr-defined]
    return int(info["used_memory"])


def fill_redis(readers: int, story_ids: list[int]) -> None:
    from django.utils import timezone

    from masthead.access.gate import meter_store, window_for
    from masthead.access.selectors import meter_rules

    store = meter_store()
    now = timezone.now()
    window = window_for(meter_rules()[0], now=now)
    ttl = max(1, int((window.ends - now).total_seconds()))
    at = int(now.timestamp())
    rng = random.Random(readers)
    pipe = store.client.pipeline(transaction=False)  # type: ignore[attr-defined]
    for number in range(readers):
        key = f"{store.prefix}a:{uuid.UUID(int=rng.getrandbits(128)).hex}"  # type: ignore[attr-defined]
        pipe.zadd(key, {str(s): at for s in rng.sample(story_ids, STORIES_EACH)})
        pipe.expire(key, ttl)
        if number % BATCH == BATCH - 1:
            pipe.execute()
    pipe.execute()


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('access_meterview')")
            return int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE '%meterview%'")
        row = cursor.fetchone()
        return int(row[0] or 0)


def fill_database(readers: int, story_ids: list[int]) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    rng = random.Random(readers)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = "INSERT INTO access_meterview (reader_key, article_id, viewed_at) VALUES (%s, %s, %s)"
    rows: list[tuple[str, int, Any]] = []
    for number in range(readers):
        key = f"a:{uuid.UUID(int=rng.getrandbits(128)).hex}"
        rows.extend((key, story, now) for story in rng.sample(story_ids, STORIES_EACH))
        if number % BATCH == BATCH - 1 or number == readers - 1:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, rows)
            rows.clear()


def seed() -> tuple[Any, list[str]]:
    from masthead.access.gate import Context, decide
    from masthead.access.identity import Reader
    from masthead.ops import testing

    testing.demo_rules()
    story = testing.article(headline="The story every sampled reader has read")
    readers = [uuid.uuid4().hex for _ in range(SAMPLE_READERS)]
    for anonymous_id in readers:
        decide(
            reader=Reader(user_id=None, anonymous_id=anonymous_id), article=story, context=Context()
        )
    return story, readers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--readers", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=5_000)
    parser.add_argument("--fill-only", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    redis = settings.METER_STORE == "redis"
    story_ids = list(range(1, 50_001))  # a big newsroom's month of stories, as members
    if args.fill_only:
        started = time.perf_counter()
        before = redis_memory() if redis else 0
        (fill_redis if redis else fill_database)(args.readers, story_ids)
        write_result(
            args.out,
            {
                "readers": args.readers,
                "seconds": time.perf_counter() - started,
                "bytes": (redis_memory() - before) if redis else 0,
            },
        )
        return
    migrate()
    config = describe_config()
    story, readers = seed()
    small = time_decide(story, readers, args.calls)
    before = redis_memory() if redis else database_bytes()
    started = time.perf_counter()
    (fill_redis if redis else fill_database)(args.readers, story_ids)
    fill_seconds = time.perf_counter() - started
    after = redis_memory() if redis else database_bytes()
    large = time_decide(story, readers, args.calls)
    per_reader = (after - before) / args.readers
    say(
        f"{config['meter_store']} store on {config['vendor']}: {args.readers:,} readers' meters "
        f"filled in {fill_seconds:.0f} s; {per_reader:.0f} bytes a reader"
    )
    for label, timing in (("100 readers", small), (f"{args.readers:,} readers", large)):
        say(
            f"  with {label}: decide() re-read p50/p99 {timing['reread']['p50_us']:.0f}/"
            f"{timing['reread']['p99_us']:.0f} µs, first read {timing['first']['p50_us']:.0f}/"
            f"{timing['first']['p99_us']:.0f} µs"
        )
    write_result(
        args.out,
        {
            **config,
            "readers": args.readers,
            "fill_seconds": fill_seconds,
            "bytes_per_reader": per_reader,
            "small": small,
            "large": large,
        },
    )


if __name__ == "__main__":
    main()

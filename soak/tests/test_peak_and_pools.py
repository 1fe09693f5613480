"""The peak search's walk and rule, the reader pools' sizes, and the anonymous meter key the
load generator reads from a browser's cookie. No cluster: a fake drive answers each step."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from django.core import signing

from soak import __main__ as soak_main
from soak.load import Record, anonymous_meter_key
from soak.tests.own_loop import in_own_thread


def test_a_step_saturates_by_the_stated_rule():
    kept_up = soak_main.saturated(rate=100, achieved=91, p95=0.9, errors=1, requests=100)
    assert kept_up == []
    assert soak_main.saturated(rate=100, achieved=89, p95=0.2, errors=0, requests=100) == [
        "started 89.0 < 90% of 100"
    ]
    assert soak_main.saturated(rate=100, achieved=95, p95=1.2, errors=0, requests=100) == [
        "p95 1200 ms > 1000 ms"
    ]
    assert soak_main.saturated(rate=100, achieved=95, p95=0.2, errors=2, requests=100) == [
        "2 of 100 requests failed > 1%"
    ]


class FakeTraffic:
    """Answers 100 ms while the asked rate is at most ``capacity``, 2 s beyond it."""

    def __init__(self, capacity: float) -> None:
        self.capacity = capacity
        self.records: list[Record] = []
        self.skipped: dict[str, int] = {}
        self.asked: list[float] = []
        self.stories: list[dict[str, Any]] = []


def search(
    capacity: float, monkeypatch: pytest.MonkeyPatch
) -> tuple[float, list[str], list[float]]:
    traffic = FakeTraffic(capacity)

    async def drive(traffic: FakeTraffic, *, rate: float, seconds: float, concurrency: int) -> int:
        traffic.asked.append(rate)
        latency = 0.1 if rate <= traffic.capacity else 2.0
        n = int(rate * seconds)
        traffic.records += [Record("front page", 0, 200, latency) for _ in range(n)]
        return n

    async def warm_up(traffic: FakeTraffic) -> None:
        return None

    monkeypatch.setattr(soak_main, "drive", drive)
    monkeypatch.setattr(soak_main, "warm_up", warm_up)
    peak, steps = in_own_thread(
        lambda: asyncio.run(
            soak_main.find_peak(traffic, soak_main.FULL, None, lambda rate: None)  # type: ignore[arg-type]
        )
    )
    return peak, steps, traffic.asked


def test_the_search_grows_until_a_step_saturates_then_refines(monkeypatch):
    # Capacity 50/s: 4, 8, 16, 32 keep up, 64 saturates; then sqrt(32 × 64) = 45.3 keeps up,
    # sqrt(45.3 × 64) = 53.8 saturates: the peak is 45.3.
    peak, steps, asked = search(50, monkeypatch)
    assert asked == [4, 8, 16, 32, 64, 45.3, 53.8]
    assert peak == 45.3
    assert "SATURATED: p95 2000 ms > 1000 ms" in steps[4]
    assert steps[-1] == "peak 45.3 actions/s (first saturated: 53.8)"


def test_the_search_ends_at_its_ceiling(monkeypatch):
    peak, steps, asked = search(10_000, monkeypatch)
    assert asked == [4, 8, 16, 32, 64, 128, 256, 512]
    assert peak == 512
    assert steps[-1] == "no step saturated up to the ceiling: the peak is at least 512"


def test_pools_grow_with_rate_and_duration():
    # 80 actions/s for 600 s: 48,000 actions, 3 % checkouts (1,440), half again and 20;
    # 40 % anonymous reads (19,200) at six a browser; 21 % subscriber actions × 4 s in flight.
    pools = soak_main.Pools.for_load(80, 600)
    assert pools == soak_main.Pools(registered=2_180, anonymous=3_200, subscribers=68)
    assert soak_main.Pools.for_load(3, 120) == soak_main.Pools(37, 24, 10)


def test_the_meter_key_is_read_from_the_browsers_signed_cookie():
    # As masthead.access.identity.dump_cookie signs it (any key: the payload is not secret).
    cookie = signing.dumps({"a": "0123456789abcdef" * 2}, key="k", salt="s", compress=False)
    assert anonymous_meter_key(cookie) == "a:0123456789abcdef0123456789abcdef"
    assert anonymous_meter_key("not a cookie") is None


class RecordingHelper:
    """Stands for the cluster's helper process: answers each top-up with as many readers as
    asked, and remembers the names' batch of each command."""

    def __init__(self) -> None:
        self.batches: list[str] = []
        self.next_user = 1

    def inside(self, *args: str) -> str:
        self.batches.append(args[args.index("--batch") + 1])
        count = int(args[args.index("--count") + 1])
        readers = [{"user_id": self.next_user + n, "session": f"s{n}"} for n in range(count)]
        self.next_user += count
        return json.dumps(readers)


def test_each_top_up_names_its_readers_in_a_batch_of_its_own():
    # The second top-up of the first full run asked for the first one's names again and the
    # database refused them: the run ended at 16 actions/s with "Expecting value".
    helper = RecordingHelper()
    seed = {"stories": [], "registered": [], "subscribers": [], "payments": []}
    traffic = soak_main.Traffic(port=1, seed=seed, started=0.0, anonymous=0)
    soak_main.top_up(helper, traffic, 8, 10)
    soak_main.top_up(helper, traffic, 64, 10)

    assert len(helper.batches) >= 3  # readers and subscribers at 64/s, at least readers at 8/s
    assert len(set(helper.batches)) == 2  # one batch per top-up, never reused
    assert len(traffic.registered) > 0


def test_a_helper_command_that_answers_an_error_stops_the_run_saying_so():
    class Failing:
        def inside(self, *args: str) -> str:
            return "error: IntegrityError: duplicate key value violates unique constraint"

    with pytest.raises(RuntimeError, match=r"more-readers .* answered 'error: IntegrityError"):
        soak_main.inside_json(Failing(), "more-readers", "--count", "3")

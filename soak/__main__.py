"""``python -m soak`` (``make soak``): bring the cluster up, find the peak rate, hold 80 % of it
with every fault on a printed schedule, drain, judge from the data, write the report, tear
everything down. ``--ci``: the short form CI runs (2-minute hold, 2,000 recipients).
Exit status 0 only when every verdict held.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from soak import cluster as cl
from soak import ledger as ledger_mod
from soak import report, verdicts
from soak.backoffice import Staff
from soak.load import Record, Traffic, Visitor, drive
from soak.planted import PLANTS
from soak.sink import read_log

OUT = cl.ROOT / "test-artifacts" / "soak"
STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[soak {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


@dataclass(frozen=True)
class Form:
    name: str
    hold: float
    peak_step: float  # seconds a peak-search step lasts; 0: no search (CI)
    start_rate: float  # the search's first step, or the CI form's fixed rate
    growth: float  # each step asks this many times the last, until one saturates
    ceiling: float  # ... or the rate passes this: the search always ends
    refine: int  # steps halving the gap between the last good and first saturated rate
    renewing: int
    acting: int
    recipients: int
    background: int  # the peak search's background newsletter list
    redis_down: float
    link_fault: float
    drain: float


# CI holds a fixed, modest rate without a peak search (its budget is ~3 minutes in all).
CI = Form("CI", 120, 0, 3, 2, 3, 0, 40, 10, 2_000, 0, 10, 20, 90)
FULL = Form("full", 600, 10, 4, 2, 512, 2, 300, 40, 100_000, 5_000, 30, 60, 240)

# The peak rule: a step saturates when the actions it started fall below 90 % of those asked
# (open loop, at most CONCURRENCY in flight: answers too slow to keep up), or its p95 passes
# P95_BOUND, or more than 1 % of its requests get a 5xx or no answer.
CONCURRENCY = 64
KEEP_UP = 0.9
P95_BOUND = 1.0
ERROR_SHARE = 0.01
PEAK_RULE = (
    f"a step saturates when it starts under {KEEP_UP:.0%} of the actions asked, or its p95 is "
    f"over {P95_BOUND * 1000:.0f} ms, or over {ERROR_SHARE:.0%} of its requests get a 5xx or "
    "no answer; steps grow ×{growth:g} from {start:g} actions/s until one saturates or the "
    "rate passes {ceiling:g}, then {refine} step(s) halve the gap (geometric mean) between the "
    "last good and the first saturated rate; the peak is the highest rate that kept up; each "
    "step lasts {step:g} s with a newsletter send running beside it (a {background:,}-address "
    "list, a new issue scheduled whenever the last has gone)"
)


def share(*kinds: str) -> float:
    weights = dict(Traffic.MIX)
    return sum(weights[k] for k in kinds) / sum(weights.values())


@dataclass(frozen=True)
class Pools:
    """Readers the traffic needs for ``rate`` actions a second over ``seconds``."""

    registered: int  # not yet subscribed: each checkout uses one up
    anonymous: int  # browsers
    subscribers: int  # acted for: busy while their action runs

    @classmethod
    def for_load(cls, rate: float, seconds: float) -> Pools:
        actions = rate * seconds
        return cls(
            # Every checkout turns a registered reader into a subscriber: half again as many
            # as the mix's checkouts, and 20 more left to read on the meter at the end.
            registered=math.ceil(1.5 * share("checkout") * actions) + 20,
            # About six story pages a browser, so browsers go past the meter (3) as readers do.
            anonymous=max(20, math.ceil(share("anonymous read") * actions / 6)),
            # Enough that every subscriber action of 4 s could be in flight at once.
            subscribers=max(10, math.ceil(rate * 4 * share("subscriber read", "plan change",
                                                           "cancel and undo", "pay now"))),
        )  # fmt: skip


def proc_stats(pids: dict[str, list[int]]) -> dict[str, dict[str, float]]:
    """CPU seconds and peak RSS of each process (and its children) from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for name, group in pids.items():
        cpu, rss = 0.0, 0.0
        for pid in group:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                cpu += (
                    int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
                ) / tick
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        rss += int(line.split()[1]) / 1024
            except (OSError, IndexError, ValueError):
                continue
        stats[name] = {"cpu_seconds": cpu, "rss_mib": rss}
    return stats


def tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Faults:
    """The schedule, run in a thread beside the load; each fault recorded with its window."""

    def __init__(self, cluster: cl.Cluster, seed: dict[str, Any], form: Form, begin: float,
                 worker_cmd: Callable[[str], cl.Process]) -> None:  # fmt: skip
        self.c, self.seed, self.form, self.begin = cluster, seed, form, begin
        self.worker_cmd = worker_cmd
        self.log: list[dict[str, Any]] = []
        self.newsletter_kills = 0
        self.pg_window: tuple[float, float] | None = None
        self.stats: dict[str, dict[str, float]] = {}
        self.error = ""
        staff = seed["staff"]
        self.staff = Staff(port=cluster.lb_port, email=staff["email"],
                           password=staff["password"], secret=staff["totp_secret"], begin=begin)  # fmt: skip
        self.signed_in = False

    def upload(self, name: str) -> str:
        """An edition through the back office over HTTP, as a desk editor uploads it."""
        if not self.signed_in:
            failed = self.staff.sign_in()
            if failed:
                return f"refused: staff sign-in: {failed}"
            self.signed_in = True
        made = self.inside("make-edition", "--name", name, "--out",
                           str(self.c.dir / f"edition-{name}.pdf"))  # fmt: skip
        if made.startswith("error"):
            return f"refused: {made}"
        return self.staff.upload_edition(pdf=Path(made).read_bytes(), name=name)

    def now(self) -> float:
        return time.monotonic() - self.begin

    def at(self, share: float) -> None:
        wait = self.begin + share * self.form.hold - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def record(self, name: str, start: float, note: str = "") -> None:
        entry = {"name": name, "at": start, "until": self.now(), "note": note}
        self.log.append(entry)
        say(f"fault: {name} ({start:.0f}s-{entry['until']:.0f}s) {note}")

    def inside(self, *args: str) -> str:
        return self.c.inside(*args)

    def sql(self, query: str) -> Any:
        import psycopg

        with psycopg.connect(self.c.database_url().replace("postgres://", "postgresql://"),
                             autocommit=True, connect_timeout=5) as conn:  # fmt: skip
            row = conn.execute(query).fetchone()
            return row[0] if row else None

    def wait_for(self, query: str, above: int, timeout: float) -> int:
        import psycopg

        deadline = time.monotonic() + timeout
        value = 0
        with psycopg.connect(self.c.database_url().replace("postgres://", "postgresql://"),
                             autocommit=True, connect_timeout=5) as conn:  # fmt: skip
            while time.monotonic() < deadline:
                row = conn.execute(query).fetchone()
                value = int(row[0] if row else 0)
                if value > above:
                    break
                time.sleep(0.02)
        return value

    def kill_worker(self, host: str) -> None:
        self.stats[f"{host} (killed)"] = proc_stats({host: tree(self.c.processes[host].pid)})[host]
        self.c.processes[host].signal_group(signal.SIGKILL)
        self.c.processes[host].popen.wait(timeout=10)

    def run(self) -> None:
        try:
            self._run()
        except Exception as exc:  # the schedule's own failure fails the run, said plainly
            self.error = f"{type(exc).__name__}: {exc}"
            say(f"fault schedule stopped: {self.error}")

    def _run(self) -> None:
        f = self.form
        self.at(0.04)
        start = self.now()
        self.record("e-paper upload (back office, HTTP)", start, self.upload("Mumbai"))

        self.at(0.08)
        start = self.now()
        web1 = self.c.processes["web1"].pid
        children = [p for p in tree(web1) if p != web1]
        if children:
            os.kill(children[-1], signal.SIGKILL)
        self.record(
            "SIGKILL a gunicorn worker on web1", start, f"pid {children[-1] if children else '-'}"
        )

        clock = self.seed["clocks"][0]
        self.at(0.12)
        start = self.now()
        self.inside("advance", "--clock", str(clock["id"]), "--hours", str(88 * 24))
        self.record("renewal notices due (test clock +88 days)", start)
        self.at(0.18)
        start = self.now()
        before = int(self.sql("SELECT count(*) FROM billing_invoice WHERE kind = 'recurring'") or 0)
        self.inside("advance", "--clock", str(clock["id"]), "--hours", "36")
        done = self.wait_for(
            "SELECT count(*) FROM billing_invoice WHERE kind = 'recurring'", before, 60
        )
        self.kill_worker("worker1")
        paid = self.sql(
            "SELECT count(*) FROM billing_invoice WHERE kind = 'recurring' AND status = 'paid'"
        )
        self.record("SIGKILL worker1 mid renewal batch", start,
                    f"{done - before} of {clock['subscribers']} renewals invoiced, {paid} of them "
                    "paid, when killed")  # fmt: skip
        time.sleep(3)
        self.worker_cmd("worker1")
        # The killed worker's claims are leased for 10 minutes of clock time: the clock moves on.
        self.inside("advance", "--clock", str(clock["id"]), "--hours", "1")

        self.at(0.30)
        start = self.now()
        sent_before = len(read_log(self.c.sink_log))
        self.inside("send-newsletter", "--issue", str(self.seed["issue_id"]))
        target = sent_before + max(50, min(self.seed["recipients"] // 5, 500))
        deadline = time.monotonic() + 120
        while len(read_log(self.c.sink_log)) < target and time.monotonic() < deadline:
            time.sleep(0.2)
        sending = self.sql(
            "SELECT host FROM ops_workerheartbeat WHERE role = 'newsletters' AND stopped_at IS NULL "
            "AND current_step LIKE 'scheduled%%' ORDER BY beat_at DESC LIMIT 1"
        )
        victim = "worker2" if not sending or "worker1" not in str(sending) else "worker1"
        self.kill_worker(victim)
        self.newsletter_kills += 1
        self.record(f"SIGKILL {victim} mid newsletter send", start,
                    f"{len(read_log(self.c.sink_log)) - sent_before} copies accepted when killed")  # fmt: skip
        time.sleep(3)
        self.worker_cmd(victim)

        if len(self.seed["clocks"]) > 1:
            second = self.seed["clocks"][1]
            notices = int(self.sql("SELECT count(*) FROM billing_predebitnotice") or 0)
            self.inside("advance", "--clock", str(second["id"]), "--hours", str(88 * 24))
            # The charge waits for its notice (24 h ahead, RBI): let the notices go out first.
            self.wait_for(
                "SELECT count(*) FROM billing_predebitnotice",
                notices + second["subscribers"] - 1,
                60,
            )
            self.inside("advance", "--clock", str(second["id"]), "--hours", "36")

        self.at(0.45)
        start = self.now()
        self.c.processes["redis"].stop(signal.SIGTERM)
        time.sleep(f.redis_down)
        self.c.start_redis()
        self.record(f"Redis stopped {f.redis_down:.0f} s", start)

        self.at(0.60)
        start = self.now()
        self.c.processes["postgres"].stop(signal.SIGINT, timeout=30)
        time.sleep(2)
        self.c.start_postgres()
        self.pg_window = (start, self.now())
        self.record("PostgreSQL restarted (fast shutdown)", start)

        self.at(0.70)
        start = self.now()
        control = self.c.dir / "link-web1"
        control.write_text("200 0.05")
        time.sleep(f.link_fault)
        control.write_text("")
        self.record(f"web1 link +200 ms, 5 % loss, {f.link_fault:.0f} s", start, "delaying proxy")

        self.at(0.82)
        start = self.now()
        filler = self.c.epaper_dir / "filler"
        with filler.open("wb") as out:
            try:
                while True:
                    out.write(b"\0" * (1 << 20))
                    out.flush()
            except OSError:
                pass
        refused = self.upload("Delhi")
        time.sleep(5)
        filler.unlink()
        self.record("e-paper disk full, then freed", start, f"upload while full: {refused}")
        after = self.upload("Pune")
        self.log[-1]["note"] += f"; upload once freed: {after}"


def seed_args(form: Form) -> list[str]:
    # The CI form's fixed hold, or the search's first step, is sized here; each later step
    # and the full form's hold are topped up once their rate is known (top_up).
    pools = Pools.for_load(form.start_rate, form.peak_step or form.hold)
    acting = max(form.acting, pools.subscribers)
    return [
        "--renewing", str(form.renewing), "--clocks", "2", "--acting", str(acting),
        "--registered", str(pools.registered), "--recipients", str(form.recipients),
        "--background", str(form.background),
    ]  # fmt: skip


# Each top-up's readers and subscribers get names of their own batch (a second top-up under the
# same names was refused by the database: the users exist).
_TOP_UP_BATCHES = itertools.count(2)


def inside_json(cluster: cl.Cluster, *args: str) -> Any:
    """A helper command's JSON answer; its error, if it answered one, as the run's error."""
    answer = cluster.inside(*args)
    if not answer.startswith(("[", "{")):
        raise RuntimeError(f"soak helper: {' '.join(args)} answered {answer or 'nothing'!r}")
    return json.loads(answer)


def top_up(cluster: cl.Cluster, traffic: Traffic, rate: float, seconds: float, *,
           fresh: bool = False) -> str:  # fmt: skip
    """Pools for a step or the hold, from its rate: browsers (fresh ones for the hold, so each
    goes past the meter there), as many registered readers still able to check out and
    subscribers as the rate needs."""
    need = Pools.for_load(rate, seconds)
    if fresh:
        traffic.anonymous = [Visitor(f"hold-anon{i}") for i in range(need.anonymous)]
    else:
        traffic.add_anonymous(max(0, need.anonymous - len(traffic.anonymous)))
    more_registered = max(0, need.registered - len(traffic.unsubscribed()))
    more_subscribers = max(0, need.subscribers - len(traffic.subscribers))
    batch = str(next(_TOP_UP_BATCHES))
    if more_registered:
        traffic.add_registered(inside_json(cluster, "more-readers", "--count",
                                           str(more_registered), "--batch", batch))  # fmt: skip
    if more_subscribers:
        traffic.add_subscribers(inside_json(cluster, "more-subscribers", "--count",
                                            str(more_subscribers), "--batch", batch))  # fmt: skip
    return (
        f"{need.anonymous:,} browsers, {len(traffic.unsubscribed()):,} registered readers able "
        f"to check out (+{more_registered:,}), {len(traffic.subscribers):,} subscribers "
        f"(+{more_subscribers:,})"
    )


class Background:
    """The peak search's background work: a newsletter send kept going (a new issue of the
    background list scheduled whenever the last one has gone), in a thread beside the steps."""

    def __init__(self, cluster: cl.Cluster) -> None:
        self.c = cluster
        self.issues: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="background", daemon=True)
        self.error = ""

    def copies(self) -> int:
        try:
            with self.c.sink_log.open("rb") as f:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        except OSError:
            return 0

    def sending(self) -> bool:
        import psycopg

        if not self.issues:
            return False
        with psycopg.connect(self.c.database_url().replace("postgres://", "postgresql://"),
                             autocommit=True, connect_timeout=5) as conn:  # fmt: skip
            row = conn.execute(
                "SELECT status FROM newsletters_issue WHERE id = %s", [self.issues[-1]]
            ).fetchone()
        return bool(row and row[0] != "sent")

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                if not self.sending():
                    self.issues.append(int(self.c.inside("send-background")))
                self.stop.wait(1)
        except Exception as exc:  # said in the report; the search goes on without it
            self.error = f"{type(exc).__name__}: {exc}"
            say(f"background send stopped: {self.error}")

    def start(self) -> None:
        self.thread.start()

    def finish(self, timeout: float) -> str:
        """Stop scheduling; let the last issue go out so the hold starts without it."""
        self.stop.set()
        self.thread.join(timeout=30)
        deadline, still = time.monotonic() + timeout, True
        while still and time.monotonic() < deadline:
            with contextlib.suppress(Exception):  # the database slow to answer: try again
                still = self.sending()
            if still:
                time.sleep(1)
        return (
            f"{len(self.issues)} background issue(s), {self.copies():,} copies"
            + (f"; the last still sending after {timeout:.0f} s, into the hold" if still else "")
            + (f"; stopped early: {self.error}" if self.error else "")
        )


async def warm_up(traffic: Traffic) -> None:
    """Every gunicorn worker imports Masthead on its first request: not part of the peak."""
    from soak.load import http

    for _ in range(3):
        await asyncio.gather(
            *(http(traffic.port, "GET", s["url"]) for s in traffic.stories[:8]),
            return_exceptions=True,
        )


@dataclass
class Step:
    rate: float
    achieved: float
    requests: int
    p95: float
    errors: int
    skipped: int
    copies: int
    saturated: list[str]

    def line(self) -> str:
        verdict = "SATURATED: " + "; ".join(self.saturated) if self.saturated else "kept up"
        return (
            f"{self.rate:g}/s asked → {self.achieved:.1f} actions/s started, {self.requests} "
            f"requests, p95 {self.p95 * 1000:.0f} ms, {self.errors} errors"
            + (f", {self.skipped} found no free reader" if self.skipped else "")
            + f", {self.copies:,} background copies sent: {verdict}"
        )


def saturated(*, rate: float, achieved: float, p95: float, errors: int, requests: int) -> list[str]:
    """The peak rule (PEAK_RULE): why a step counts as saturated, or nothing."""
    why = []
    if achieved < KEEP_UP * rate:
        why.append(f"started {achieved:.1f} < {KEEP_UP:.0%} of {rate:g}")
    if p95 > P95_BOUND:
        why.append(f"p95 {p95 * 1000:.0f} ms > {P95_BOUND * 1000:.0f} ms")
    if errors > ERROR_SHARE * max(1, requests):
        why.append(f"{errors} of {requests} requests failed > {ERROR_SHARE:.0%}")
    return why


async def find_peak(traffic: Traffic, form: Form, background: Background | None,
                    prepare: Callable[[float], object]) -> tuple[float, list[str]]:  # fmt: skip
    await warm_up(traffic)
    if not form.peak_step:
        return form.start_rate, [f"none (CI form: a fixed {form.start_rate:g} actions/s)"]
    steps: list[str] = []

    async def step(rate: float) -> bool:
        rate = round(rate, 1)
        prepare(rate)
        before, skipped = len(traffic.records), sum(traffic.skipped.values())
        copies = background.copies() if background else 0
        started = await drive(traffic, rate=rate, seconds=form.peak_step, concurrency=CONCURRENCY)
        got = traffic.records[before:]
        ms = sorted(r.latency for r in got)
        missed = sum(traffic.skipped.values()) - skipped
        achieved = (started - missed) / form.peak_step
        p95 = ms[int(0.95 * len(ms))] if ms else 0.0
        bad = sum(1 for r in got if r.status >= 500 or r.status == 0)
        found = Step(rate, achieved, len(got), p95, bad, missed,
                     (background.copies() - copies) if background else 0,
                     saturated(rate=rate, achieved=achieved, p95=p95, errors=bad,
                               requests=len(got)))  # fmt: skip
        steps.append(found.line())
        say(f"peak search: {steps[-1]}")
        return not found.saturated

    good: float | None = None
    over: float | None = None
    rate = form.start_rate
    while rate <= form.ceiling:
        if await step(rate):
            good, rate = round(rate, 1), rate * form.growth
        else:
            over = round(rate, 1)
            break
    while good is None and rate > 1:  # the first step saturated: down until one keeps up
        rate = max(1.0, rate / form.growth)
        if await step(rate):
            good = round(rate, 1)
        else:
            over = round(rate, 1)
    if good is None:
        steps.append("even 1 action/s saturated: holding 1")
        return 1.0, steps
    if over is None:
        steps.append(f"no step saturated up to the ceiling: the peak is at least {good:g}")
        return good, steps
    for _ in range(form.refine):
        mid = round(math.sqrt(good * over), 1)
        if mid in {good, over}:
            break
        if await step(mid):
            good = mid
        else:
            over = mid
    steps.append(f"peak {good:g} actions/s (first saturated: {over:g})")
    return good, steps


def drain(cluster: cl.Cluster, seed: dict[str, Any], seconds: float) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(cluster.database_url().replace("postgres://", "postgresql://"),
                                 autocommit=True) as conn:  # fmt: skip
                led = ledger_mod.fetch(conn, issue_id=seed["issue_id"])
        except psycopg.Error:
            time.sleep(2)
            continue
        led.copies = []
        settled = (
            verdicts.nothing_left_to_bill_wrongly(led).ok
            and led.deliveries_unsent == 0
            and verdicts.webhooks_processed(led).ok
            and set(led.editions) <= {"ready"}
        )
        if settled:
            return
        time.sleep(3)
    say("drain: time is up; judging what is there")


def run(args: argparse.Namespace) -> int:
    form = CI if args.ci else FULL
    if args.hold:
        form = Form(**{**asdict(form), "hold": args.hold})
    if args.recipients:
        form = Form(**{**asdict(form), "recipients": args.recipients})
    cluster = cl.new_cluster()
    load_before = os.getloadavg()[0]
    say(f"{form.name} form: hold {form.hold:.0f} s, {form.recipients:,} newsletter recipients; "
        f"scratch {cluster.dir}")  # fmt: skip
    stop_requested = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop_requested.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        cluster.extra_env["MASTHEAD_EPAPER_RENDER_LEASE_MINUTES"] = "1"
        seeded = json.loads(
            cl.bring_up(cluster, seed_args=seed_args(form), say=say).strip().splitlines()[-1]
        )
        # netem asked for in our own namespace (never on a host link); the proxy is used either way.
        netem = cl.sh("ip", "netns", "exec", cluster.ns("web1"), "tc", "qdisc", "add", "dev", "lo",
                      "root", "netem", "delay", "0ms", check=False)  # fmt: skip
        link_method = "delaying TCP proxy (soak/proxy.py); tc netem " + (
            "is available here too" if netem.returncode == 0 else f"is not: {netem.stderr.strip()}"
        )
        if args.plant:
            for host in ("worker1", "worker2"):
                cluster.processes[host].stop()

        def start_worker(host: str) -> cl.Process:
            if args.plant:
                return cluster.spawn(host, [sys.executable, "-m", "soak.planted", args.plant, "worker", "--interval", "1"], host=host)  # fmt: skip
            return cluster.start_worker(host)

        if args.plant:
            for host in ("worker1", "worker2"):
                start_worker(host)
        say("schedule: " + "; ".join([
            "4 % e-paper upload", "8 % SIGKILL a gunicorn worker on web1",
            "12 % renewal notices due", "18 % renewals due, SIGKILL worker1 mid batch",
            "30 % newsletter send, SIGKILL its worker mid send",
            f"45 % Redis stopped {form.redis_down:.0f} s", "60 % PostgreSQL restarted",
            f"70 % web1 link +200 ms / 5 % loss for {form.link_fault:.0f} s",
            "82 % e-paper disk filled, then freed",
        ]))  # fmt: skip
        begin_peak = time.monotonic()
        first = Pools.for_load(form.start_rate, form.peak_step or form.hold)
        traffic = Traffic(port=cluster.lb_port, seed=seeded, started=begin_peak,
                          anonymous=first.anonymous)  # fmt: skip
        background = Background(cluster) if form.peak_step and form.background else None
        if background:
            background.start()
        rule = PEAK_RULE.format(growth=form.growth, start=form.start_rate, ceiling=form.ceiling,
                                refine=form.refine, step=form.peak_step,
                                background=form.background)  # fmt: skip
        if form.peak_step:
            say(f"peak rule: {rule}")
        peak, steps = asyncio.run(find_peak(
            traffic, form, background,
            lambda rate: top_up(cluster, traffic, rate, form.peak_step),
        ))  # fmt: skip
        background_note = background.finish(timeout=180) if background else ""
        if background_note:
            say(f"peak search background: {background_note}")
        hold_rate = round(0.8 * peak, 1) if form.peak_step else peak
        pools_note = top_up(cluster, traffic, hold_rate, form.hold, fresh=True)
        say(f"peak {peak:g} actions/s; holding {hold_rate:g} for {form.hold:.0f} s; "
            f"pools: {pools_note}")  # fmt: skip
        begin = time.monotonic()
        # The meter verdict judges every story page of the run, the search's too.
        search_records = [
            Record(r.kind, r.started - (begin - begin_peak), r.status, r.latency, r.reader,
                   r.story, r.full, r.error)
            for r in traffic.records
        ]  # fmt: skip
        traffic.records = []
        traffic.skipped.clear()
        traffic.started = begin
        faults = Faults(cluster, seeded, form, begin, start_worker)
        thread = threading.Thread(target=faults.run, name="faults", daemon=True)
        thread.start()
        asyncio.run(drive(traffic, rate=hold_rate, seconds=form.hold, concurrency=64))
        thread.join(timeout=180)
        hold_seconds = time.monotonic() - begin
        # The back office's requests (staff sign-in, the uploads) count with the mix's.
        traffic.records = sorted([*traffic.records, *faults.staff.records], key=lambda r: r.started)
        say(f"hold done: {len(traffic.records):,} requests; draining")
        drain(cluster, seeded, form.drain)
        pids = {name: tree(p.pid) for name, p in cluster.processes.items() if p.alive()}
        try:
            measured = measure(cluster, seeded)
        except Exception as exc:  # the figures are for the paper; the verdicts do not need them
            measured = {"error": f"{type(exc).__name__}: {exc}"}
        stats = {**proc_stats(pids), **faults.stats}
        for host in ("worker1", "worker2"):
            cluster.processes[host].stop()
        result = judge(cluster, seeded, traffic.records, faults, search_records)
        result.update({
            "form": form.name, "plant": args.plant or "", "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "cores": os.cpu_count(), "load_before": f"{load_before:.2f}", "peak_rule": rule if form.peak_step else "", "peak_steps": steps,
            "peak_background": background_note, "pools": pools_note,
            "skipped": dict(traffic.skipped),
            "peak_rate": peak, "hold_rate": hold_rate, "hold_seconds": hold_seconds,
            "requests": len(traffic.records), "requests_per_second": len(traffic.records) / hold_seconds,
            "link_fault_method": link_method, "recipients": form.recipients, "renewing": form.renewing,
            "kinds": report.by_kind(traffic.records, hold_seconds), "faults": faults.log,
            "windows": report.errors_by_window(traffic.records, faults.log), "processes": stats,
            "measured": measured,
        })  # fmt: skip
        out = Path(args.out)
        path = report.write(out, result, traffic.records)
        say(f"report: {path}")
        for v in result["verdicts"]:
            say(f"{'HELD  ' if v['ok'] else 'FAILED'} {v['name']}: {v['detail']}")
        return 0 if all(v["ok"] for v in result["verdicts"]) else 1
    finally:
        left = cluster.stop()
        if left:
            say(f"could not clean: {left}")
        else:
            say("every process stopped, namespaces and mounts removed")
        if not args.keep:
            cl.remove_dir(cluster)


def measure(cluster: cl.Cluster, seed: dict[str, Any]) -> dict[str, Any]:
    """Per-unit costs for docs/scale-out.md: bytes per meter key in Redis, bytes per ledger and
    delivery row in PostgreSQL, the send rate, connections held."""
    import psycopg
    import redis

    found: dict[str, Any] = {}
    client = redis.Redis.from_url(cluster.redis_url())
    info = client.info("memory")
    meter_keys = list(client.scan_iter(match="*meter*", count=1000))[:200]
    sizes = [client.memory_usage(k) or 0 for k in meter_keys]
    found["redis"] = {
        "keys": client.dbsize(), "used_memory": info.get("used_memory"),
        "meter_keys_sampled": len(sizes),
        "bytes_per_meter_key": sum(sizes) / len(sizes) if sizes else None,
    }  # fmt: skip
    client.close()
    with psycopg.connect(cluster.database_url().replace("postgres://", "postgresql://")) as conn:
        found["database_bytes"] = conn.execute(
            "SELECT pg_database_size(current_database())"
        ).fetchone()[0]  # type: ignore[index]
        tables = {}
        for table in ("billing_invoice", "billing_payment", "billing_sandboxcharge",
                      "newsletters_delivery", "newsletters_signup", "access_metermiss",
                      "django_session", "django_tasks_database_dbtaskresult"):  # fmt: skip
            try:
                rows, size = conn.execute(
                    f"SELECT (SELECT count(*) FROM {table}), pg_total_relation_size('{table}')"  # noqa: S608 - our own table names
                ).fetchone()  # type: ignore[misc]
            except psycopg.Error:
                conn.rollback()
                continue
            tables[table] = {
                "rows": rows,
                "bytes": size,
                "bytes_per_row": size / rows if rows else None,
            }
        found["tables"] = tables
        first, last, sent = conn.execute(
            "SELECT min(sent_at), max(sent_at), count(*) FROM newsletters_delivery "
            "WHERE issue_id = %s AND status = 'sent'", [seed["issue_id"]],
        ).fetchone()  # type: ignore[misc]  # fmt: skip
        span = (last - first).total_seconds() if first and last else 0
        found["newsletter"] = {"sent": sent, "seconds_first_to_last": span,
                               "copies_per_second": sent / span if span else None}  # fmt: skip
        found["connections"] = dict(conn.execute(
            "SELECT coalesce(host(client_addr), 'local'), count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() GROUP BY 1"
        ).fetchall())  # fmt: skip
        found["renewals_done"] = conn.execute(
            "SELECT coalesce(sum(renewals_done), 0) FROM ops_workerheartbeat"
        ).fetchone()[0]  # type: ignore[index]
    return found


# What proves each kind of the mix ran in the hold: the requests recorded under that name
# (answered below 500), or for the background work, what it left in the data.
MIX_RAN = (
    "anonymous read", "anonymous read past the meter", "registered read", "subscriber read",
    "front page", "checkout", "plan change", "cancel", "undo cancel", "pay now", "webhook",
    "health", "e-paper upload", "renewals invoiced", "newsletter copies", "e-paper editions",
)  # fmt: skip


def mix_ran(records: list[Record], led: ledger_mod.Ledger) -> dict[str, int]:
    ran: dict[str, int] = {}
    for r in records:
        if 0 < r.status < 500:
            ran[r.kind] = ran.get(r.kind, 0) + 1
    ran["anonymous read past the meter"] = sum(
        1 for r in records if r.kind == "anonymous read" and r.status == 200 and r.full is False
    )
    ran["renewals invoiced"] = sum(1 for i in led.invoices if i.kind == "recurring")
    ran["newsletter copies"] = len(led.copies)
    ran["e-paper editions"] = sum(led.editions.values())
    return ran


def judge(cluster: cl.Cluster, seed: dict[str, Any], records: list[Record], faults: Faults,
          search: list[Record]) -> dict[str, Any]:  # fmt: skip
    import psycopg

    with psycopg.connect(cluster.database_url().replace("postgres://", "postgresql://")) as conn:
        led = ledger_mod.fetch(conn, issue_id=seed["issue_id"])
    subject = "Markets this morning (soak)"
    led.copies = [
        ledger_mod.Copy(r, m) for r, m, _f, s in read_log(cluster.sink_log) if s == subject
    ]
    led.newsletter_kills = faults.newsletter_kills
    # What can be in flight when a sender dies: every SMTP conversation's current batch
    # (settings NEWSLETTERS_CONNECTIONS=4 × NEWSLETTERS_BATCH_SIZE=200, ADR 0008).
    led.copies_in_flight_bound = faults.newsletter_kills * 4 * 200
    led.meter_limits = seed["meter_limits"]
    led.reads = [
        ledger_mod.Read(r.reader, r.story, bool(r.full))
        for r in [*search, *records]
        if r.full is not None
        and r.status == 200
        and r.kind in {"anonymous read", "registered read"}
    ]
    found = verdicts.judge(led)
    found.append(verdicts.every_kind_ran(ran=mix_ran(records, led), mix=MIX_RAN))
    found.append(verdicts.no_5xx_outside_restart(
        statuses=[(r.started, r.status) for r in records], window=faults.pg_window
    ))  # fmt: skip
    if faults.error:
        found.append(verdicts.Verdict("every fault injected", False, faults.error))
    else:
        found.append(verdicts.Verdict("every fault injected", len(faults.log) >= 8,
                                      f"{len(faults.log)} faults on the schedule"))  # fmt: skip
    return {"verdicts": [asdict(v) for v in found]}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m soak", description=__doc__)
    parser.add_argument("--ci", action="store_true", help="the short form (2-minute hold)")
    parser.add_argument("--hold", type=float, help="seconds to hold the rate (overrides the form)")
    parser.add_argument("--recipients", type=int, help="newsletter list size (overrides the form)")
    parser.add_argument("--plant", choices=PLANTS, help="plant a known bug in the workers")
    parser.add_argument("--out", help="report directory (test-artifacts/soak, or soak-ci)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir (logs)")
    args = parser.parse_args()
    args.out = args.out or str(OUT.with_name("soak-ci") if args.ci else OUT)
    if os.geteuid() != 0:
        print("python -m soak needs root (network namespaces, mounts)", file=sys.stderr)
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

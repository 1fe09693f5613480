"""Masthead benchmarks, one command: ``make bench`` (or ``.venv/bin/python bench/run.py``).

1. Decisions per second of the gate, ``decide()``, for each meter store: the database store on
   a throwaway SQLite file and (if PostgreSQL answers) a throwaway PostgreSQL database, and the
   Redis store under a key prefix of this run's own. Each runs in its own subprocess
   (bench/decisions.py), because Masthead reads its settings at import time.
2. The metered article page against a bare page of the same size, served by the same gunicorn
   (2 sync workers) and loaded with wrk: PostgreSQL + the Redis meter store (the scale-out
   configuration), then embedded SQLite + the database store. The page is requested as a
   returning anonymous reader whose cookie has already counted the story, so each request runs
   the real gate: identity, rule lookup, the store's record_view of a counted story, full render.
3. Renewals per second (PostgreSQL only): bench/renewals.py seeds N due INR subscriptions with
   the sandbox gateway, runs the billing sweep in 1 worker process, then 2, reports renewals/s
   (aim: 500/s with two workers) and checks the billing invariants after each run; a broken
   invariant fails the benchmark. 100,000 subscriptions, the issue's figure (about 13 minutes
   on the 2-core machine); 2,000 with --quick.
4. E-paper rendering: bench/epaper.py lays out a 24-page edition and renders it in a child
   process as the worker does (two sizes, a thumbnail and the text of every page); reports
   pages per second and peak memory (3 rounds; 1 with --quick).
5. Newsletter sending: bench/newsletters.py renders an issue for 100,000 recipients (10,000 with
   --quick) and hands each message to a local SMTP sink (bench/smtp_sink.py, the provider's
   stand-in) through the newsletters' pipelined SMTP backend, reporting messages/s (aim:
   1,500/s), the sender's and the sink's CPU per message and the limit they imply on this
   machine, and peak memory; it fails if any recipient got the issue twice or not at all.
6. Revenue insights: bench/insights.py puts the metered page with event capture on against the
   same page with capture off, in alternating rounds of one run (aim: at least 0.95), then
   (PostgreSQL) COPYs 1,000,000 subscribers' ledger and rollups standing for 100,000,000
   events (20,000 and 5,000,000 with --quick), reports the build time and how long the
   revenue and conversion dashboards take to answer (aim: under 1 s).
7. Archive search: bench/search.py generates stories over 1997-2026 (1,000,000 on PostgreSQL,
   100,000 on SQLite; 20,000 and 5,000 with --quick), rebuilds the index (time and size), times
   200 fixed queries (p50/p95/p99; aim p95 under 50 ms on PostgreSQL), then the search page
   against a bare page of the same size under the same gunicorn, as a ratio.
8. Listings: bench/listings.py loads the demo newsroom; the home page, a section, premium,
   market analysis, the archive, the RSS feeds and the sitemaps, each against a bare page of
   its own size under the same gunicorn, alternating (aim: 0.50 of bare), with warm SQL queries.

Everything it creates is removed at the end, also on failure or Ctrl-C: gunicorn, the bench
databases (``masthead_bench_<pid>_*``), the Redis keys (``mhbench-<pid>:*``), the temp dir.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Plain-Python helpers shared with the benchmark subprocesses (no Django).
from bench.common import MARKER, cpu_busy  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
GUNICORN = str(VENV_BIN / "gunicorn") if (VENV_BIN / "gunicorn").exists() else "gunicorn"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
RUN_ID = os.getpid()
REDIS_PREFIX = f"mhbench-{RUN_ID}"
# Issue 19's aims, metered page / bare page: with the Redis store, and on the embedded default.
AIM_REDIS, AIM_EMBEDDED = 0.80, 0.60
READER_COOKIE = "mh_reader"
STARTED = time.monotonic()


class BenchError(Exception):
    """A benchmark could not run or measured something other than what it should."""


@dataclass(frozen=True)
class Plan:
    decide_seconds: float
    wrk_seconds: int
    wrk_warmup: int
    rounds: int
    profile_requests: int
    timed_requests: int
    renewals: int  # due subscriptions the renewal benchmark renews, per run
    renewals_profile: int  # renewals to cProfile when the aim is missed (0: never)
    newsletters: int = 100_000  # messages the newsletter benchmark sends
    insights_subscribers: int = 1_000_000  # the insights benchmark's ledger
    insights_events: int = 100_000_000  # reader events its rollups stand for
    insights_days: int = 400
    search_postgres: int = 1_000_000  # stories the search benchmark indexes on PostgreSQL
    search_sqlite: int = 100_000  # ... and on SQLite
    meter_readers: int = 1_000_000  # readers' meters the cost-growth benchmark adds


FULL = Plan(
    decide_seconds=6, wrk_seconds=5, wrk_warmup=2, rounds=3, profile_requests=200,
    timed_requests=200, renewals=100_000, renewals_profile=1_000,
)  # fmt: skip
QUICK = Plan(
    decide_seconds=2, wrk_seconds=3, wrk_warmup=1, rounds=2, profile_requests=0,
    timed_requests=100, renewals=2_000, renewals_profile=0, newsletters=10_000,
    insights_subscribers=20_000, insights_events=5_000_000, insights_days=60,
    search_postgres=20_000, search_sqlite=5_000, meter_readers=20_000,
)  # fmt: skip


def step(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def note(message: str) -> None:
    print(f"      {message}", flush=True)


# --- Services ------------------------------------------------------------------------------


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    if not answers(PG_HOST, PG_PORT):
        return False
    try:
        import psycopg

        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3
        ):
            return True
    except Exception as exc:
        note(f"PostgreSQL answers on {PG_HOST}:{PG_PORT} but refused us: {exc}")
        return False


def redis_available() -> bool:
    if not answers("127.0.0.1", 6379):
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except Exception as exc:
        note(f"Redis answers on 127.0.0.1:6379 but not to PING: {exc}")
        return False


def _pg_admin(statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


@contextmanager
def postgres_database(tag: str) -> Iterator[str]:
    """A database of this run's own, dropped on the way out whatever happens."""
    name = f"masthead_bench_{RUN_ID}_{tag}"
    _pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    _pg_admin("CREATE DATABASE {}", name)
    try:
        yield f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        try:
            _pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
            note(f"dropped PostgreSQL database {name}")
        except Exception as exc:
            note(f"WARNING: could not drop PostgreSQL database {name}: {exc}")


def delete_redis_keys() -> int:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    deleted = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=f"{REDIS_PREFIX}:*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            deleted += int(client.delete(*batch))
            batch.clear()
    if batch:
        deleted += int(client.delete(*batch))
    return deleted


def ensure_wrk() -> str:
    found = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchError(
            "wrk is not installed and this is not root, so it cannot be installed here. "
            "Install it (Debian/Ubuntu: sudo apt-get install -y wrk) and run make bench again."
        )
    step("wrk is missing: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "wrk"]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=False)
        subprocess.run(install, env=env, check=False)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("apt-get install -y wrk did not give us a wrk binary; install it by hand.")
    return found


def report_busy(where: str) -> float | None:
    busy = cpu_busy()
    if busy is not None:
        warning = " — other processes are busy; figures will be noisy" if busy > 0.2 else ""
        note(f"CPU busy before {where} (nothing of ours running): {busy:.0%}{warning}")
    return busy


# --- Subprocesses --------------------------------------------------------------------------


def child_env(*, config: Config, database_url: str, var_dir: Path, settings: str) -> dict[str, str]:
    """The environment one configuration runs under; nothing inherited can override it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MASTHEAD_")
        and key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings,
            "MASTHEAD_ENV": "test",
            "MASTHEAD_DEBUG": "false",
            "MASTHEAD_LOG_LEVEL": "WARNING",
            "MASTHEAD_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL if config.redis else "",
            "MASTHEAD_REDIS_PREFIX": REDIS_PREFIX,
            "MASTHEAD_METER_STORE": config.store,
            # Production's buffer of reader events (MASTHEAD_ENV=test writes each one at once,
            # so tests see them; a production page never waits for that write).
            "MASTHEAD_INSIGHTS_BUFFER_SIZE": "200",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


def run_child(module: str, args: list[str], env: dict[str, str], out: Path) -> dict[str, Any]:
    result = subprocess.run(
        [PYTHON, "-m", module, *args, "--out", str(out)], cwd=ROOT, env=env, check=False
    )
    if result.returncode != 0 or not out.exists():
        raise BenchError(f"{module} failed (exit {result.returncode}); see its output above")
    data: dict[str, Any] = json.loads(out.read_text())
    return data


@dataclass(frozen=True)
class Config:
    label: str
    store: str  # "database" or "redis"
    database: str  # "sqlite" or "postgresql"
    redis: bool


@contextmanager
def database_for(config: Config, scratch: Path, tag: str) -> Iterator[str]:
    if config.database == "postgresql":
        with postgres_database(tag) as url:
            yield url
    else:
        folder = scratch / tag
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{folder / 'bench.sqlite3'}"


def run_on_own_database(
    module: str, args: list[str], config: Config, scratch: Path, tag: str
) -> dict[str, Any]:
    """Run a benchmark child on a database of its own, in ``config``'s store, with Masthead's
    own settings; the database goes when it ends."""
    with database_for(config, scratch, tag) as url:
        env = child_env(
            config=config,
            database_url=url,
            var_dir=scratch / tag / "var",
            settings="masthead.settings",
        )
        return run_child(module, args, env, scratch / f"{tag}.json")


# --- 1. Decisions per second ---------------------------------------------------------------


def bench_decisions(
    configs: list[Config], plan: Plan, scratch: Path, number: Callable[[], str]
) -> list[dict[str, Any]]:
    results = []
    for config in configs:
        step(
            f"{number()} decisions/s: {config.label} "
            f"({plan.decide_seconds:g}s of decide() calls, many anonymous readers)"
        )
        tag = f"decisions-{config.store}-{config.database}"
        busy = report_busy("this measurement")
        result = run_on_own_database(
            "bench.decisions", ["--seconds", str(plan.decide_seconds)], config, scratch, tag
        )
        if result["mismatches"]:
            raise BenchError(f"{config.label}: decide() answered unexpectedly: {result}")
        results.append({"config": config.label, "busy_before": busy, **result})
    return results


# --- 2. The metered page against a bare page -----------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Fetched:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def fetch(port: int, path: str, cookie: str | None = None) -> Fetched:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return Fetched(response.status, response.getheaders(), response.read())
    finally:
        conn.close()


@dataclass
class Gunicorn:
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None)

    def start(self, env: dict[str, str]) -> None:
        # No --access-logfile: gunicorn's default is no access log, which is what we want.
        command = [
            GUNICORN,
            "masthead.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{self.port}",
            f"--chdir={ROOT}",
            f"--pythonpath={ROOT}",
            f"--error-logfile={self.log}",
            "--log-level=warning",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start (code {self.process.returncode})")
            with suppress(OSError, http.client.HTTPException):
                if fetch(self.port, "/bench/bare/64/").status == 200:
                    return
            time.sleep(0.2)
        raise BenchError("gunicorn did not answer within 30 seconds")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        # Its own session: the group is gunicorn's master and its workers, nothing else.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        note(f"stopped gunicorn (pid {process.pid})")

    def warnings(self) -> list[str]:
        if not self.log.exists():
            return []
        lines = self.log.read_text(errors="replace").splitlines()
        flags = (" WARNING ", " ERROR ", "[WARNING]", "[ERROR]", "[CRITICAL]", "Traceback")
        return [line for line in lines if any(flag in line for flag in flags)]

    def tail(self, lines: int = 30) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(\w+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_LATENCY = re.compile(r"^\s+Latency\s+(\S+)", re.MULTILINE)


def run_wrk(wrk: str, url: str, seconds: int, cookie: str) -> dict[str, Any]:
    command = [wrk, "-t2", "-c16", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    output = result.stdout + result.stderr
    rps, total = _RPS.search(output), _TOTAL.search(output)
    if result.returncode != 0 or not rps or not total:
        raise BenchError(f"wrk failed on {url}:\n{output}")
    non_2xx = _NON_2XX.search(output)
    if non_2xx:
        raise BenchError(
            f"wrk got {non_2xx.group(1)} Non-2xx or 3xx responses from {url}: "
            f"the benchmark would be measuring errors.\n{output}"
        )
    errors = [int(n) for n in _SOCKET.search(output).groups()] if _SOCKET.search(output) else []
    latency = _LATENCY.search(output)
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "socket_errors": sum(errors),
        "latency_avg": latency.group(1) if latency else "?",
    }


def check_article(port: int, url: str, cookie: str | None, *, metered: bool) -> Fetched:
    got = fetch(port, url, cookie)
    text = got.body.decode("utf-8", errors="replace")
    if got.status != 200:
        raise BenchError(f"GET {url} answered {got.status}, not 200")
    if MARKER not in text:
        raise BenchError(f"GET {url} did not contain the full story (no {MARKER} paragraph)")
    # The meter's "N free stories left" note is only there when the store answered, now or in
    # the signed proof it gave this reader (with the store down, policy "allow" also shows the
    # full story, but without the note).
    if metered and 'class="meter-note"' not in text:
        raise BenchError(f"GET {url} showed no meter note: the meter store did not answer")
    return got


def redis_script_calls() -> int:
    """EVALSHA + EVAL calls Redis has served (server-wide), to prove the gate reached it."""
    import redis

    stats = redis.Redis.from_url(REDIS_URL, socket_timeout=5).info("commandstats")
    names = ("cmdstat_evalsha", "cmdstat_eval")
    return sum(int(stats.get(name, {}).get("calls", 0)) for name in names)


def reader_cookie(got: Fetched) -> str:
    for name, value in got.headers:
        if name.lower() == "set-cookie":
            jar: SimpleCookie = SimpleCookie()
            jar.load(value)
            if READER_COOKIE in jar:
                return f"{READER_COOKIE}={jar[READER_COOKIE].coded_value}"
    raise BenchError("the first visit did not set the mh_reader cookie")


def alternate_rounds(
    wrk: str,
    base: str,
    targets: dict[str, str],
    *,
    cookies: dict[str, str],
    plan: Plan,
    redis: bool,
) -> dict[str, list[dict[str, Any]]]:
    """Warm every target, then ``plan.rounds`` rounds of wrk over them in turn."""
    for name, path in targets.items():  # warm both workers; not counted
        run_wrk(wrk, base + path, plan.wrk_warmup, cookies[name])
        note(f"warm-up {name}: done")
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
    for round_number in range(1, plan.rounds + 1):
        for name, path in targets.items():
            scripts_before = redis_script_calls() if redis else 0
            measured = run_wrk(wrk, base + path, plan.wrk_seconds, cookies[name])
            runs[name].append(measured)
            extra = ""
            if redis:
                measured["redis_scripts"] = redis_script_calls() - scripts_before
                extra = f", Redis scripts run {measured['redis_scripts']}"
                if name == "store" and measured["redis_scripts"] < measured["requests"]:
                    raise BenchError(
                        f"only {measured['redis_scripts']} Redis meter scripts ran for "
                        f"{measured['requests']} metered requests: not the real gate path"
                    )
            note(
                f"round {round_number} {name:<7} {measured['rps']:8.1f} req/s "
                f"({measured['requests']} requests, latency avg "
                f"{measured['latency_avg']}, socket errors {measured['socket_errors']}"
                f"{extra})"
            )
    return runs


def with_many_meters(
    wrk: str,
    base: str,
    targets: dict[str, str],
    *,
    cookies: dict[str, str],
    plan: Plan,
    env: dict[str, str],
    scratch: Path,
) -> dict[str, Any]:
    """The same rounds again once Redis also holds ``plan.meter_readers`` other readers'
    meters (bench/meters.py --fill-only, under this run's prefix): does the page slow down?"""
    filled = run_child(
        "bench.meters",
        ["--fill-only", "--readers", str(plan.meter_readers)],
        env,
        scratch / "pages-meters-fill.json",
    )
    note(
        f"added {plan.meter_readers:,} readers' meters to Redis in {filled['seconds']:.0f} s "
        f"({filled['bytes'] / plan.meter_readers:.0f} bytes a reader); the rounds again:"
    )
    wanted = {name: targets[name] for name in ("bare", "metered", "store")}
    runs = alternate_rounds(wrk, base, wanted, cookies=cookies, plan=plan, redis=True)
    median = {name: statistics.median(r["rps"] for r in rs) for name, rs in runs.items()}
    return {"readers": plan.meter_readers, "runs": runs, "median": median}


def bench_pages(config: Config, plan: Plan, scratch: Path, wrk: str) -> dict[str, Any]:
    tag = f"pages-{config.store}-{config.database}"
    with ExitStack() as local:
        url = local.enter_context(database_for(config, scratch, tag))
        env = child_env(
            config=config,
            database_url=url,
            var_dir=scratch / tag / "var",
            settings="bench.settings",
        )
        args = ["--timed-requests", str(plan.timed_requests)]
        if plan.profile_requests:
            args += ["--profile-requests", str(plan.profile_requests)]
        probe = run_child("bench.page", args, env, scratch / f"{tag}.json")

        busy = report_busy("starting gunicorn")
        server = Gunicorn(port=free_port(), log=scratch / f"{tag}-gunicorn.log")
        local.callback(server.stop)
        try:
            server.start(env)
            note(f"gunicorn: 2 sync workers on 127.0.0.1:{server.port}")
            metered_url, free_url = probe["url"], probe["free_url"]
            first = check_article(server.port, metered_url, None, metered=True)
            cookie = reader_cookie(first)
            again = check_article(server.port, metered_url, cookie, metered=True)
            size = len(again.body)
            free_size = len(check_article(server.port, free_url, cookie, metered=False).body)
            bare_path = f"/bench/bare/{size}/"
            bare = fetch(server.port, bare_path, cookie)
            if bare.status != 200 or len(bare.body) != size:
                raise BenchError(f"{bare_path}: {bare.status}, {len(bare.body)} bytes, not {size}")
            note(
                f"metered page {metered_url}: {size} bytes, full story present for the "
                f"returning reader; free twin {free_size} bytes; bare page {bare_path}"
            )
            store_cookie = probe["queries"]["store_cookie"]
            check_article(server.port, metered_url, store_cookie, metered=True)
            base = f"http://127.0.0.1:{server.port}"
            # "metered": a returning reader whose cookie carries the meter's signed proof;
            # "store": the same reader's cookie without it, so the gate asks the store each time.
            targets = {"bare": bare_path, "metered": metered_url, "store": metered_url}
            targets["free"] = free_url
            cookies = dict.fromkeys(targets, cookie) | {"store": store_cookie}
            runs = alternate_rounds(
                wrk, base, targets, cookies=cookies, plan=plan, redis=config.redis
            )
            crowded: dict[str, Any] = {}
            if config.redis:
                crowded = with_many_meters(
                    wrk, base, targets, cookies=cookies, plan=plan, env=env, scratch=scratch
                )
            # Still the full story, with the meter, after all that.
            check_article(server.port, metered_url, cookie, metered=True)
            warnings = server.warnings()
            if warnings:
                note(f"gunicorn log has {len(warnings)} warning/error lines, e.g. {warnings[0]}")
        except BenchError:
            tail = server.tail()
            if tail:
                note("gunicorn log (last lines):\n" + tail)
            raise
    # Medians: one run disturbed by something else on the machine does not move them.
    median = {name: statistics.median(r["rps"] for r in rs) for name, rs in runs.items()}
    return {
        "config": config.label,
        "store": config.store,
        "busy_before": busy,
        "size": size,
        "free_size": free_size,
        "runs": runs,
        "median": median,
        "ratio": median["metered"] / median["bare"],
        "store_ratio": median["store"] / median["bare"],
        "crowded": crowded,
        "metered_vs_free": median["metered"] / median["free"],
        "probe": probe,
    }


# --- How the meter's cost grows -------------------------------------------------------------


def bench_meters(
    configs: list[Config], plan: Plan, scratch: Path, number: Callable[[], str]
) -> list[dict[str, Any]]:
    results = []
    for config in configs:
        step(
            f"{number()} meter cost growth: {config.label}, decide() with 100 readers, then "
            f"with {plan.meter_readers:,} more readers' meters in the store (bench/meters.py)"
        )
        tag = f"meters-{config.store}-{config.database}"
        result = run_on_own_database(
            "bench.meters", ["--readers", str(plan.meter_readers)], config, scratch, tag
        )
        results.append({"config": config.label, **result})
        if config.redis:  # the page benchmark measures Redis without them first
            note(f"deleted {delete_redis_keys()} Redis keys under {REDIS_PREFIX}:")
    return results


def meters_summary(results: list[dict[str, Any]], pages: list[dict[str, Any]]) -> list[str]:
    lines = [
        "How the meter's cost grows with the readers it remembers (decide() through the store, "
        "no meter proof; p50/p99 µs)",
        f"  {'store / database':<24}{'readers':>11}{'bytes/reader':>14}{'at 10M':>10}"
        f"{'re-read, 100':>15}{'re-read, all':>15}{'first, 100':>13}{'first, all':>13}",
    ]
    for r in results:
        per = r["bytes_per_reader"]
        small, large = r["small"], r["large"]

        def pair(t: dict[str, float]) -> str:
            return f"{t['p50_us']:.0f}/{t['p99_us']:.0f}"

        lines.append(
            f"  {r['config']:<24}{r['readers']:>11,}{per:>14,.0f}{per * 1e7 / 2**30:>8.1f}GB"
            f"{pair(small['reread']):>15}{pair(large['reread']):>15}"
            f"{pair(small['first']):>13}{pair(large['first']):>13}"
        )
    for p in pages:
        crowded = p.get("crowded")
        if crowded:
            m = crowded["median"]
            lines.append(
                f"  page, {p['config']}, with {crowded['readers']:,} more meters in Redis: bare "
                f"{m['bare']:.0f}, metered {m['metered']:.0f} ({m['metered'] / m['bare']:.2f}), "
                f"store {m['store']:.0f} ({m['store'] / m['bare']:.2f}) req/s; before: "
                f"{p['ratio']:.2f} and {p['store_ratio']:.2f}"
            )
    lines.append(
        "  (the database store keeps a reader's rows until no active rule can count them: "
        "32 days for monthly rules; Redis keys expire at the end of their window)"
    )
    return lines


# --- Listings against a bare page ------------------------------------------------------------

LISTING_AIM = 0.50


def bench_listings(config: Config, plan: Plan, scratch: Path, wrk: str) -> dict[str, Any]:
    """Each listing (bench/listings.py: home, section, premium, market analysis, archive, feeds,
    sitemaps) against a bare page of its own size, same gunicorn, alternating, as a returning
    anonymous reader."""
    tag = f"listings-{config.store}-{config.database}"
    with ExitStack() as local:
        url = local.enter_context(database_for(config, scratch, tag))
        env = child_env(
            config=config,
            database_url=url,
            var_dir=scratch / tag / "var",
            settings="bench.settings",
        )
        probe = run_child("bench.listings", [], env, scratch / f"{tag}.json")
        busy = report_busy("starting gunicorn")
        server = Gunicorn(port=free_port(), log=scratch / f"{tag}-gunicorn.log")
        local.callback(server.stop)
        try:
            server.start(env)
            note(f"gunicorn: 2 sync workers on 127.0.0.1:{server.port}")
            cookie = reader_cookie(fetch(server.port, probe["story_url"]))
            pages = []
            for counted in probe["pages"]:
                got = fetch(server.port, counted["path"], cookie)
                if got.status != 200 or counted["expected"].encode() not in got.body:
                    raise BenchError(f"GET {counted['path']} answered {got.status} wrongly")
                bare_path = f"/bench/bare/{len(got.body)}/"
                bare = fetch(server.port, bare_path, cookie)
                if bare.status != 200 or len(bare.body) != len(got.body):
                    raise BenchError(f"{bare_path}: {bare.status}, {len(bare.body)} bytes")
                pages.append({**counted, "size": len(got.body), "bare_path": bare_path})
            base = f"http://127.0.0.1:{server.port}"
            run_wrk(wrk, base + pages[0]["bare_path"], plan.wrk_warmup, cookie)
            for page in pages:  # warm both workers' caches; not counted
                run_wrk(wrk, base + page["path"], plan.wrk_warmup, cookie)
            note(f"warm-up: done ({len(pages)} listings)")
            for round_number in range(1, plan.rounds + 1):
                for page in pages:
                    bare_rps = run_wrk(wrk, base + page["bare_path"], plan.wrk_seconds, cookie)
                    page_rps = run_wrk(wrk, base + page["path"], plan.wrk_seconds, cookie)
                    page.setdefault("bare_runs", []).append(bare_rps["rps"])
                    page.setdefault("page_runs", []).append(page_rps["rps"])
                    note(
                        f"round {round_number} {page['label']:<16} page {page_rps['rps']:8.1f} "
                        f"req/s, bare {bare_rps['rps']:8.1f} req/s"
                    )
            warnings = server.warnings()
            if warnings:
                note(f"gunicorn log has {len(warnings)} warning/error lines, e.g. {warnings[0]}")
        except BenchError:
            tail = server.tail()
            if tail:
                note("gunicorn log (last lines):\n" + tail)
            raise
    for page in pages:
        page["bare_rps"] = statistics.median(page["bare_runs"])
        page["page_rps"] = statistics.median(page["page_runs"])
        page["ratio"] = page["page_rps"] / page["bare_rps"]
    return {"config": config.label, "busy_before": busy, "pages": pages, "probe": probe}


def listings_summary(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "Listings vs a bare page of the same size (gunicorn 2 sync workers, wrk -t2 -c16, "
        "returning anonymous reader; median of alternating rounds)"
    ]
    for r in results:
        lines.append(f"  {r['config']}")
        lines.append(
            f"    {'page':<18}{'bytes':>7}{'bare r/s':>10}{'page r/s':>10}{'ratio':>7}"
            f"{'SQL warm/cold':>15}   aim {LISTING_AIM:.2f}"
        )
        for p in r["pages"]:
            verdict = "met" if p["ratio"] >= LISTING_AIM else "NOT met"
            lines.append(
                f"    {p['label']:<18}{p['size']:>7}{p['bare_rps']:>10.0f}{p['page_rps']:>10.0f}"
                f"{p['ratio']:>7.2f}{p['warm']:>9}/{p['cold']:<5}   {verdict}"
            )
        busy = r["busy_before"]
        if busy is not None:
            lines.append(f"    (CPU busy before start: {busy:.0%})")
    return lines


# --- 3. Renewals per second ----------------------------------------------------------------


def drop_databases_like(prefix: str) -> None:
    """Drop what a killed bench/renewals.py could not (it drops its own databases itself)."""
    import psycopg

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    ) as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix + "_"]
        ).fetchall()
    for (name,) in names:
        _pg_admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        note(f"dropped PostgreSQL database {name}")


def bench_renewals(plan: Plan, scratch: Path, number: Callable[[], str]) -> dict[str, Any]:
    step(
        f"{number()} renewals/s: {plan.renewals:,} due subscriptions, sandbox gateway, "
        "PostgreSQL; 1 worker process, then 2 (bench/renewals.py)"
    )
    prefix = f"masthead_bench_{RUN_ID}_renewals"
    args = ["--count", str(plan.renewals), "--db-prefix", prefix]
    if plan.renewals_profile:
        args += ["--profile", "auto", "--profile-count", str(plan.renewals_profile)]
    else:
        args += ["--profile", "never"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    try:
        return run_child("bench.renewals", args, env, scratch / "renewals.json")
    finally:
        try:
            drop_databases_like(prefix)
        except Exception as exc:
            note(f"WARNING: could not look for leftover {prefix}_* databases: {exc}")


def bench_epaper(plan: Plan, scratch: Path, number: Callable[[], str]) -> dict[str, Any]:
    rounds = 1 if plan is QUICK else 3
    step(f"{number()} e-paper: render a 24-page edition, {rounds} round(s) (bench/epaper.py)")
    report_busy("this measurement")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return run_child("bench.epaper", ["--rounds", str(rounds)], env, scratch / "epaper.json")


def bench_newsletters(plan: Plan, scratch: Path, number: Callable[[], str]) -> dict[str, Any]:
    step(
        f"{number()} newsletter send: {plan.newsletters:,} messages to a local SMTP sink "
        "(bench/newsletters.py, bench/smtp_sink.py)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    args = ["--count", str(plan.newsletters)]
    return run_child("bench.newsletters", args, env, scratch / "newsletters.json")


def bench_insights(
    plan: Plan, scratch: Path, number: Callable[[], str], *, have_pg: bool, have_redis: bool
) -> dict[str, Any]:
    step(
        f"{number()} insights: story page with event capture on vs off; dashboards over "
        f"{plan.insights_subscribers:,} subscribers and {plan.insights_events:,} events' rollups "
        "(bench/insights.py)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "MASTHEAD_ENV": "test",
        "MASTHEAD_VAR_DIR": str(scratch / "insights"),
        "REDIS_URL": REDIS_URL if have_redis else "",
        "MASTHEAD_REDIS_PREFIX": REDIS_PREFIX,
    }
    (scratch / "insights").mkdir(exist_ok=True)
    args = [
        "--subscribers", str(plan.insights_subscribers),
        "--events", str(plan.insights_events),
        "--days", str(plan.insights_days),
        "--rounds", str(max(plan.rounds, 3)),
    ]  # fmt: skip
    with ExitStack() as stack:
        if have_pg:
            env["DATABASE_URL"] = stack.enter_context(postgres_database("insights"))
        else:
            env["DATABASE_URL"] = f"sqlite:///{scratch / 'insights' / 'bench.sqlite3'}"
        return run_child("bench.insights", args, env, scratch / "insights.json")


def bench_search(
    plan: Plan, scratch: Path, number: Callable[[], str], *, have_pg: bool, wrk: str
) -> list[dict[str, Any]]:
    engines = [("postgresql", plan.search_postgres)] if have_pg else []
    engines.append(("sqlite", plan.search_sqlite))
    results = []
    for database, stories in engines:
        step(
            f"{number()} archive search on {database}: {stories:,} stories, index, 200 queries, "
            "then the search page vs a bare page (bench/search.py)"
        )
        tag = f"search-{database}"
        config = Config(f"search / {database}", "database", database, redis=False)
        with ExitStack() as local:
            url = local.enter_context(database_for(config, scratch, tag))
            env = child_env(
                config=config,
                database_url=url,
                var_dir=scratch / tag / "var",
                settings="bench.settings",
            )
            data = run_child(
                "bench.search", ["--stories", str(stories)], env, scratch / f"{tag}.json"
            )
            server = Gunicorn(port=free_port(), log=scratch / f"{tag}-gunicorn.log")
            local.callback(server.stop)
            server.start(env)
            path = data["page_query"]
            got = fetch(server.port, path)
            if got.status != 200 or b'class="card search-result"' not in got.body:
                raise BenchError(f"GET {path} answered {got.status} without results")
            bare_path = f"/bench/bare/{len(got.body)}/"
            base = f"http://127.0.0.1:{server.port}"
            targets = {"bare": bare_path, "search": path}
            for target in targets.values():  # warm both workers; not counted
                run_wrk(wrk, base + target, plan.wrk_warmup, "bench=1")
            runs: dict[str, list[float]] = {name: [] for name in targets}
            for _ in range(plan.rounds):
                for name, target in targets.items():
                    runs[name].append(
                        run_wrk(wrk, base + target, plan.wrk_seconds, "bench=1")["rps"]
                    )
            median = {name: statistics.median(rps) for name, rps in runs.items()}
            data["page"] = {
                "path": path,
                "size": len(got.body),
                "median_rps": median,
                "ratio": median["search"] / median["bare"],
            }
            note(
                f"search page {median['search']:.0f} req/s, bare page {median['bare']:.0f} req/s: "
                f"ratio {data['page']['ratio']:.2f}"
            )
        results.append(data)
    return results


def search_summary(results: list[dict[str, Any]]) -> list[str]:
    """The search figures (engine: the SQL alone; search: all a reader waits for)."""

    def three(p: dict[str, float]) -> str:
        return f"{p['p50_ms']:.1f}/{p['p95_ms']:.1f}/{p['p99_ms']:.1f}"

    lines = [
        "Archive search, 200 fixed queries (engine = the SQL alone; search = the rows, the gate "
        "and the snippets too)",
        f"  {'engine':<11}{'stories':>10}{'build s':>9}{'index MB':>10}"
        f"{'engine p50/p95/p99 ms':>24}{'search p50/p95/p99 ms':>24}{'page/bare':>11}",
    ]
    for r in results:
        lines.append(
            f"  {r['vendor']:<11}{r['stories']:>10,}{r['build_seconds']:>9.0f}"
            f"{r['index_bytes'] / 1e6:>10,.0f}{three(r['engine']):>24}{three(r['search']):>24}"
            f"{r['page']['ratio']:>11.2f}"
        )
    lines.append("  Aim: p95 under 50 ms on PostgreSQL at 1,000,000 stories.")
    return lines


# --- Reporting -----------------------------------------------------------------------------


def print_probe(result: dict[str, Any]) -> None:
    probe = result["probe"]
    visits = probe["queries"]["visits"]
    warm = visits[-1]
    print(
        f"  {result['config']}: {warm['queries']} SQL queries per returning reader's metered page "
        f"({visits[0]['queries']} on a cold first visit; free twin "
        f"{probe['queries']['free_queries']}; bare page {probe['queries']['bare_queries']})"
    )
    for sql in warm["sql"]:
        print(f"      {sql[:110]}")
    share = probe["gate_share"]
    print(
        f"    in-process (test client, median): metered {share['metered_ms']:.2f} ms/page, "
        f"same story free {share['free_ms']:.2f} ms/page "
        f"-> gate ≈ {share['metered_ms'] - share['free_ms']:.2f} ms"
    )
    if "profile" in probe:
        prof, store = probe["profile"], probe["profile_store"]
        print(
            f"    where a metered page's time goes (cProfile, {prof['requests']} re-reads each, "
            "cumulative ms/request, profiler overhead included): with the meter proof | "
            "without it (the gate asks the store)"
        )
        for part, other in zip(prof["parts"], store["parts"], strict=True):
            print(f"      {part['label']:<36} {part['ms']:6.3f} | {other['ms']:6.3f}")
        print(
            f"      {'unprofiled, ms a request':<36} {prof['ms_per_request_unprofiled']:6.3f} | "
            f"{store['ms_per_request_unprofiled']:6.3f}"
        )


def print_pages(pages: list[dict[str, Any]]) -> None:
    first = pages[0]
    print(
        "\nMetered article page vs a bare page of the same size (gunicorn 2 sync workers, "
        "wrk -t2 -c16, returning reader)"
    )
    print(
        f"  {'configuration':<34}{'bytes':>7}{'bare r/s':>10}{'metered r/s':>13}"
        f"{'store r/s':>11}{'free r/s':>10}{'metered/bare':>14}{'store/bare':>12}"
        f"{'aim':>6}"
    )
    for p in pages:
        aim = AIM_REDIS if p["store"] == "redis" else AIM_EMBEDDED
        verdict = "met" if p["ratio"] >= aim else "NOT met"
        print(
            f"  {p['config']:<34}{p['size']:>7}{p['median']['bare']:>10.1f}"
            f"{p['median']['metered']:>13.1f}{p['median']['store']:>11.1f}"
            f"{p['median']['free']:>10.1f}{p['ratio']:>14.2f}{p['store_ratio']:>12.2f}"
            f"{aim:>6.2f} {verdict}"
        )
    for p in pages:
        spread = "; ".join(
            f"{name} " + "/".join(f"{run['rps']:.0f}" for run in runs)
            for name, runs in p["runs"].items()
        )
        busy = p["busy_before"]
        busy_text = f" (CPU busy before start: {busy:.0%})" if busy is not None else ""
        print(f"  {p['config']} runs, req/s: {spread}{busy_text}")
        crowded = p.get("crowded")
        if crowded:
            m = crowded["median"]
            print(
                f"  {p['config']} again with {crowded['readers']:,} more readers' meters in "
                f"Redis: bare {m['bare']:.0f}, metered {m['metered']:.0f} "
                f"({m['metered'] / m['bare']:.2f}), store {m['store']:.0f} "
                f"({m['store'] / m['bare']:.2f}) req/s"
            )
    print(
        f"  (median of {len(first['runs']['bare'])} alternating runs each; 'metered': the "
        "reader's cookie carries the meter's signed proof; 'store': the same cookie without "
        "it, so the gate asks the store every time; 'free': the same story made free)"
    )
    print("\nInside one metered page request")
    for p in pages:
        print_probe(p)


def summary(figures: dict[str, Any]) -> None:
    """Every figure measured, by benchmark (what ran; the others are absent)."""
    decisions: list[dict[str, Any]] = figures.get("decisions", [])
    pages: list[dict[str, Any]] = figures.get("pages", [])
    renewals, epaper = figures.get("renewals"), figures.get("epaper")
    newsletters, insights = figures.get("newsletters"), figures.get("insights")
    search, meters, listings = figures.get("search"), figures.get("meters"), figures.get("listings")
    line = "-" * 96
    print("\n" + line)
    print("SUMMARY")
    print(line)
    if decisions:
        print("Decisions per second, decide() in a loop (anonymous readers; limit 3 a month)")
        print(
            f"  {'store / database':<24}{'decisions/s':>12}{'p50 µs':>8}{'p99 µs':>8}"
            f"{'SQL/decision':>13}   p50 µs new/re-read/refused   calls new/re-read/refused"
        )
        for r in decisions:
            mix, by_kind = r["mix"], r["p50_us_by_kind"]
            kinds = ("new", "reread", "refused")
            p50s = "/".join(f"{by_kind[k]:.0f}" if by_kind.get(k) else "-" for k in kinds)
            counts = "/".join(str(mix.get(k, 0)) for k in kinds)
            print(
                f"  {r['config']:<24}{r['decisions_per_second']:>12,.0f}{r['p50_us']:>8.0f}"
                f"{r['p99_us']:>8.0f}{r['queries_per_decision']:>13.2f}   {p50s:<28}{counts}"
            )
        busy = [r["busy_before"] for r in decisions if r.get("busy_before") is not None]
        if busy:
            shown = ", ".join(f"{b:.0%}" for b in busy)
            print(f"  CPU busy before each (other processes): {shown}")
        redis_rows = [r for r in decisions if r["meter_store"] == "redis"]
        for redis_row in redis_rows:
            for r in decisions:
                if r["meter_store"] == "database":
                    ratio = redis_row["decisions_per_second"] / r["decisions_per_second"]
                    print(f"  Redis/database ratio vs {r['config']}: {ratio:.2f}x")
        if not redis_rows:
            print("  Redis/database ratio: n/a (Redis not measured)")
    if pages:
        print_pages(pages)
    if renewals:
        print("\n" + "\n".join(renewals["summary"]))  # written by bench/renewals.py
    if epaper:
        print("\n" + "\n".join(epaper["summary"]))  # written by bench/epaper.py
    if newsletters:
        print("\n" + "\n".join(newsletters["summary"]))  # written by bench/newsletters.py
    if insights:
        print("\n" + "\n".join(insights["summary"]))  # written by bench/insights.py
    if meters:
        print("\n" + "\n".join(meters_summary(meters, pages)))
    if search:
        print("\n" + "\n".join(search_summary(search)))
    if listings:
        print("\n" + "\n".join(listings_summary(listings)))
    print(line)


# --- Main ----------------------------------------------------------------------------------


def clean_redis() -> None:
    try:
        note(f"deleted {delete_redis_keys()} Redis keys under {REDIS_PREFIX}:")
    except Exception as exc:
        note(f"WARNING: could not delete Redis keys {REDIS_PREFIX}:*: {exc}")


def configurations(*, have_pg: bool, have_redis: bool) -> tuple[list[Config], list[Config]]:
    """(decision benchmark configurations, page benchmark configurations)."""
    main_db = "postgresql" if have_pg else "sqlite"
    main_db_label = "PostgreSQL" if have_pg else "SQLite"
    decide = [Config("database / SQLite", "database", "sqlite", redis=False)]
    if have_pg:
        decide.append(Config("database / PostgreSQL", "database", "postgresql", redis=False))
    if have_redis:
        decide.append(Config(f"redis / {main_db_label}", "redis", main_db, redis=True))
    pages = []
    if have_redis:
        pages.append(Config(f"{main_db_label} + Redis store", "redis", main_db, redis=True))
    pages.append(Config("SQLite + database store (embedded)", "database", "sqlite", redis=False))
    return decide, pages


def main() -> int:  # noqa: PLR0915 - the benchmarks' steps, in order, read best in one place
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (about a minute)")
    parser.add_argument(
        "--only",
        choices=[
            "decisions",
            "pages",
            "meters",
            "renewals",
            "epaper",
            "newsletters",
            "insights",
            "search",
            "listings",
        ],
        nargs="+",
        help="run only these benchmarks (in the usual order)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL

    def on_sigterm(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_sigterm)
    scratch = Path(tempfile.mkdtemp(prefix="masthead-bench-"))
    figures: dict[str, Any] = {}  # by benchmark, in the order they ran
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, scratch, ignore_errors=True)
        step(f"Masthead benchmarks{' (quick)' if args.quick else ''}; scratch dir {scratch}")
        have_pg, have_redis = postgres_available(), redis_available()
        note(
            f"PostgreSQL {PG_HOST}:{PG_PORT}: {'yes' if have_pg else 'not answering, skipped'}; "
            f"Redis 127.0.0.1:6379: {'yes' if have_redis else 'not answering, skipped'}"
        )
        if have_redis:
            stack.callback(clean_redis)

        def wanted(name: str) -> bool:
            return args.only is None or name in args.only

        run_decisions = wanted("decisions")
        run_meters = wanted("meters")
        run_pages = wanted("pages")
        run_renewals = wanted("renewals") and have_pg
        run_epaper = wanted("epaper")
        run_newsletters = wanted("newsletters")
        run_insights = wanted("insights")
        run_search = wanted("search")
        run_listings = wanted("listings")
        if args.only == ["renewals"] and not have_pg:
            step("BENCHMARK FAILED: the renewal benchmark needs PostgreSQL on 127.0.0.1:5432")
            return 1
        wrk = ensure_wrk() if run_pages or run_search or run_listings else ""
        decide_configs, page_configs = configurations(have_pg=have_pg, have_redis=have_redis)
        # The scale-out store and the embedded default, as the page benchmark runs them.
        meter_configs = [c for c in page_configs if c.redis] + [
            Config("database / SQLite", "database", "sqlite", redis=False)
        ]

        steps = (
            (len(decide_configs) if run_decisions else 0)
            + (len(meter_configs) if run_meters else 0)
            + (len(page_configs) if run_pages else 0)
            + (1 if run_renewals else 0)
            + (1 if run_epaper else 0)
            + (1 if run_newsletters else 0)
            + (1 if run_insights else 0)
            + ((2 if have_pg else 1) if run_search else 0)
            + (len(page_configs) if run_listings else 0)
        )
        counter = iter(range(1, steps + 1))

        def number() -> str:
            return f"({next(counter)}/{steps})"

        try:
            if run_decisions:
                figures["decisions"] = bench_decisions(decide_configs, plan, scratch, number)
            if run_meters:
                figures["meters"] = bench_meters(meter_configs, plan, scratch, number)
            if run_pages:
                for config in page_configs:
                    step(
                        f"{number()} metered page vs bare page: {config.label} "
                        f"(wrk {plan.rounds} x {plan.wrk_seconds}s per page, alternating)"
                    )
                    figures.setdefault("pages", []).append(bench_pages(config, plan, scratch, wrk))
            if run_renewals:
                figures["renewals"] = bench_renewals(plan, scratch, number)
            if run_epaper:
                figures["epaper"] = bench_epaper(plan, scratch, number)
            if run_newsletters:
                figures["newsletters"] = bench_newsletters(plan, scratch, number)
            if run_insights:
                figures["insights"] = bench_insights(
                    plan, scratch, number, have_pg=have_pg, have_redis=have_redis
                )
            if run_search:
                figures["search"] = bench_search(plan, scratch, number, have_pg=have_pg, wrk=wrk)
            for config in page_configs if run_listings else []:
                step(f"{number()} listings vs bare pages: {config.label} (bench/listings.py)")
                figures.setdefault("listings", []).append(
                    bench_listings(config, plan, scratch, wrk)
                )
        except BenchError as exc:
            step(f"BENCHMARK FAILED: {exc}")
            summary(figures)
            return 1
        except KeyboardInterrupt:
            step("interrupted; cleaning up")
            return 130
        summary(figures)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, default=str))
            note(f"wrote {args.json}")
        step("done; cleaning up")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Newsletter sending: render and hand N messages to a local SMTP sink; messages/s, peak memory.

Run by bench/run.py (``make bench``) as ``python -m bench.newsletters --count N --out n.json``,
or on its own: ``.venv/bin/python -m bench.newsletters`` (100,000 messages, the issue's figure).

1. Seed a throwaway SQLite database (the embedded configuration) in a child process: the demo
   meter rules, a Markets newsletter with N confirmed addresses — one in ten with an account,
   half of those holding a subscription's benefits — and an issue of three stories (free,
   metered, premium), so recipients fall into several access classes and the gate is asked
   for every account holder.
2. Start the SMTP sink — the mail provider's stand-in — in processes of its own (by default
   ``bench/smtp_sink.py``, a lean pipelining server; ``--sink aiosmtpd`` for the tests' sink),
   and send the issue in another: ``sending.send_issue`` exactly as the worker runs it —
   recipients listed in bulk, batches claimed, one pipelined SMTP conversation per batch, each
   copy marked sent as the sink accepts it. Timed from the start of the send to the issue being
   sent.
3. Check: the sink accepted N messages for N distinct recipients with N distinct Message-IDs,
   each with List-Unsubscribe and List-Unsubscribe-Post; N send records are marked sent. Peak
   memory is the sending process's peak resident set size (``ru_maxrss``), seeding excluded.
4. CPU: the sender's and the sink's CPU time per message (getrusage, /proc), and the limit they
   imply on this machine with sender and sink on the same cores:
   min(1 / sender CPU — the sender is one Python process, its work under one GIL —,
   cores / (sender CPU + sink CPU)).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import cpu_busy

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
AIM = 1_500.0  # messages per second
CORES = os.cpu_count() or 1
SINKS = {
    # The mail provider's stand-in: bench/smtp_sink.py (lean, pipelined) or aiosmtpd, the sink
    # the tests use (about 1 ms of CPU a message). Two processes share the port either way.
    "lean": "bench.smtp_sink",
    "aiosmtpd": "masthead.newsletters.sink",
}
SINK_PROCESSES = 2
CONNECTIONS = 4  # SMTP conversations at once in the sending process (production's default)
STARTED = time.monotonic()


def step(message: str) -> None:
    print(f"[newsletters {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


# --- Inside Django --------------------------------------------------------------------------


def seed(count: int) -> dict[str, Any]:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench.common import migrate
    from masthead.access.models import Benefit, Grant, GrantSource
    from masthead.newsletters import services
    from masthead.newsletters.models import Issue, Newsletter, Signup, SignupStatus
    from masthead.ops import testing

    migrate()
    testing.demo_rules()
    section = testing.section("markets")
    stories = [
        testing.article(access_level=level, in_section=section, headline=f"A {level} story")
        for level in ("free", "metered", "premium")
    ]
    news = Newsletter.objects.create(
        slug="markets", name="Markets", description="Markets.", cadence="Every weekday"
    )
    now = timezone.now()
    accounts = count // 10
    users = get_user_model()
    users.objects.bulk_create(
        (
            users(username=f"r{i}", email=f"reader{i}@example.com", first_name=f"Reader{i}")
            for i in range(accounts)
        ),
        batch_size=5_000,
    )
    ids = dict(users.objects.values_list("username", "pk"))
    Grant.objects.bulk_create(
        (
            Grant(
                user_id=ids[f"r{i}"],
                benefit=benefit,
                source=GrantSource.COMPLIMENTARY,
                starts_at=now - dt.timedelta(days=1),
            )
            for i in range(0, accounts, 2)
            for benefit in (Benefit.PREMIUM_STORIES, Benefit.UNLIMITED_STORIES)
        ),
        batch_size=5_000,
    )
    Signup.objects.bulk_create(
        (
            Signup(
                newsletter=news,
                email=f"reader{i}@example.com",
                user_id=ids.get(f"r{i}"),
                status=SignupStatus.ACTIVE,
                confirmed_at=now,
            )
            for i in range(count)
        ),
        batch_size=5_000,
    )
    issue = Issue.objects.create(
        newsletter=news, subject="Markets this morning", introduction="Good morning.\n\nThree."
    )
    services.set_stories(issue=issue, articles=stories)
    services.schedule(issue_id=issue.pk, send_at=now)
    return {"issue_id": issue.pk, "accounts": accounts, "entitled": (accounts + 1) // 2}


def send(issue_id: int) -> dict[str, Any]:
    from django.db import connection

    from masthead.newsletters import sending
    from masthead.newsletters.models import Delivery, DeliveryStatus

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    report = sending.send_issue(issue_id=issue_id)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sent = Delivery.objects.filter(issue_id=issue_id, status=DeliveryStatus.SENT).count()
    return {
        "seconds": seconds,
        "sender_cpu_seconds": cpu,
        "reported_sent": report.sent,
        "finished": report.finished,
        "records_sent": sent,
        "records": Delivery.objects.filter(issue_id=issue_id).count(),
        "peak_rss_mib": peak_kib / 1024,
        "rss_before_send_mib": baseline / 1024,
        "vendor": connection.vendor,
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process so far (Linux /proc), 0 when unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


# --- Orchestration --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def report_progress(database: Path, count: int, done: threading.Event) -> None:
    """Every 10 s: copies marked sent so far (read-only, from the send records)."""
    started = time.monotonic()
    while not done.wait(10):
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
                (sent,) = db.execute(
                    "SELECT count(*) FROM newsletters_delivery WHERE status = 'sent'"
                ).fetchone()
        except sqlite3.Error:
            continue
        rate = sent / max(1e-9, time.monotonic() - started)
        step(f"  {sent:,} of {count:,} sent ({rate:,.0f}/s so far)")


def child_env(*, var_dir: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MASTHEAD_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
            "MASTHEAD_ENV": "test",
            "MASTHEAD_DEBUG": "false",
            "MASTHEAD_LOG_LEVEL": "WARNING",
            "MASTHEAD_VAR_DIR": str(var_dir),
            "DATABASE_URL": f"sqlite:///{var_dir / 'bench.sqlite3'}",
            "MASTHEAD_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "MASTHEAD_EMAIL_HOST": "127.0.0.1",
            "MASTHEAD_EMAIL_PORT": str(port),
            "MASTHEAD_NEWSLETTERS_CONNECTIONS": str(CONNECTIONS),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


def child(role: str, args: list[str], env: dict[str, str], out: Path) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, "-m", "bench.newsletters", "--role", role, *args, "--out", str(out)],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"bench.newsletters --role {role} failed (exit {done.returncode})")
    data: dict[str, Any] = json.loads(out.read_text())
    return data


def summarise(
    *,
    count: int,
    sink_kind: str,
    seeded: dict[str, Any],
    result: dict[str, Any],
    accepted: int,
    tallies: list[dict[str, int]],
    sinks: int,
    sink_cpu: float,
    busy: float | None,
) -> tuple[bool, list[str], dict[str, Any]]:
    """Whether each recipient got the issue once, the lines to print, and the figures."""
    rate = count / result["seconds"]
    # The lean sink also says whom it got what: distinct recipients and Message-IDs, headers.
    # (Sink processes count apart, so "distinct" is per process; a copy sent twice to the same
    # recipient over two connections would still show in accepted > records marked sent.)
    checked = len(tallies) == sinks
    distinct_ok = not checked or (
        sum(t["distinct_recipients"] for t in tallies) == count
        and sum(t["distinct_message_ids"] for t in tallies) == count
        and sum(t["without_unsubscribe"] for t in tallies) == 0
    )
    ok = (
        accepted == count == result["records_sent"] == result["records"]
        and result["finished"]
        and distinct_ok
    )
    sender_ms = 1000 * result["sender_cpu_seconds"] / count
    sink_ms = 1000 * sink_cpu / count
    limit_sender = 1000 / sender_ms if sender_ms else float("inf")
    limit_cores = CORES * 1000 / (sender_ms + sink_ms) if sender_ms + sink_ms else float("inf")
    limit = min(limit_sender, limit_cores)
    summary = [
        f"Newsletter send, {count:,} messages to a local SMTP sink ({sink_kind}, "
        f"{SINK_PROCESSES} processes; SQLite, one worker process, {CONNECTIONS} connections; "
        f"{seeded['accounts']:,} recipients with accounts, {seeded['entitled']:,} of them "
        "subscribers)",
        f"  {rate:,.0f} messages/s ({result['seconds']:.1f} s); aim ≥ {AIM:,.0f}/s: "
        f"{'met' if rate >= AIM else 'NOT met'}",
        f"  CPU per message: sender {sender_ms:.3f} ms, sink {sink_ms:.3f} ms; machine busy "
        f"with other work before the send: {'n/a' if busy is None else f'{busy:.0%}'}",
        f"  limit those imply on this machine ({CORES} cores, sender and sink on them): "
        f"{limit:,.0f} messages/s (sender alone, one process: {limit_sender:,.0f}/s; "
        f"{CORES} cores / (sender + sink): {limit_cores:,.0f}/s)",
        f"  peak memory of the sending process: {result['peak_rss_mib']:.0f} MiB RSS "
        f"({result['rss_before_send_mib']:.0f} MiB before the send began)",
        f"  sink accepted {accepted:,}"
        + (
            f" for {sum(t['distinct_recipients'] for t in tallies):,} distinct recipients "
            f"with {sum(t['distinct_message_ids'] for t in tallies):,} distinct Message-IDs, "
            f"{sum(t['without_unsubscribe'] for t in tallies):,} without one-click unsubscribe"
            if checked
            else ""
        )
        + f"; send records marked sent {result['records_sent']:,} of {result['records']:,}: "
        f"{'each exactly once' if ok else 'MISMATCH'}",
    ]
    figures = {
        "rate": rate,
        "sink": sink_kind,
        "sink_cpu_seconds": sink_cpu,
        "sender_cpu_ms_per_message": sender_ms,
        "sink_cpu_ms_per_message": sink_ms,
        "limit_per_second": limit,
    }
    return ok, summary, figures


def orchestrate(count: int, out: str | None, sink_kind: str = "lean") -> int:
    scratch = Path(tempfile.mkdtemp(prefix="masthead-bench-newsletters-"))
    port = free_port()
    env = child_env(var_dir=scratch, port=port)
    sinks: list[subprocess.Popen[str]] = []
    try:
        step(f"seeding {count:,} confirmed addresses into SQLite ({scratch})")
        seeded = child("seed", ["--count", str(count)], env, scratch / "seed.json")
        step(
            f"starting the SMTP sink: {SINK_PROCESSES} {sink_kind} processes sharing "
            f"127.0.0.1:{port} (SO_REUSEPORT)"
        )
        for _ in range(SINK_PROCESSES):
            sink = subprocess.Popen(
                [PYTHON, "-m", SINKS[sink_kind], "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            sinks.append(sink)
            assert sink.stdout is not None
            sink.stdout.readline()  # "listening on ..."
        busy = cpu_busy()
        step(f"sending issue {seeded['issue_id']} to {count:,} recipients")
        done = threading.Event()
        watcher = threading.Thread(
            target=report_progress, args=(scratch / "bench.sqlite3", count, done), daemon=True
        )
        watcher.start()
        try:
            result = child("send", ["--issue", str(seeded["issue_id"])], env, scratch / "send.json")
        finally:
            done.set()
            watcher.join()
        accepted = 0
        sink_cpu = sum(process_cpu_seconds(sink.pid) for sink in sinks)
        tallies: list[dict[str, int]] = []
        for sink in sinks:
            sink.send_signal(signal.SIGTERM)
            tail, _ = sink.communicate(timeout=30)
            last = tail.strip().rsplit("\n", 1)[-1]
            if last.startswith("{"):
                tallies.append(json.loads(last))
                accepted += tallies[-1]["accepted"]
            else:  # aiosmtpd's sink: "accepted N"
                accepted += int(last.rsplit(" ", 1)[-1])
    finally:
        for sink in sinks:
            if sink.poll() is None:
                sink.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    ok, summary, figures = summarise(
        count=count, sink_kind=sink_kind, seeded=seeded, result=result, accepted=accepted,
        tallies=tallies, sinks=len(sinks), sink_cpu=sink_cpu, busy=busy,
    )  # fmt: skip
    print("\n".join(summary), flush=True)
    if out:
        Path(out).write_text(
            json.dumps(
                {
                    **result,
                    **seeded,
                    "accepted": accepted,
                    **figures,
                    "ok": ok,
                    "summary": summary,
                },
                indent=2,
            )
        )
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="messages to send")
    parser.add_argument("--out", help="write the figures to this JSON file")
    parser.add_argument("--sink", choices=sorted(SINKS), default="lean", help="the SMTP sink")
    parser.add_argument("--role", choices=["run", "seed", "send"], default="run")
    parser.add_argument("--issue", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "run":
        return orchestrate(args.count, args.out, args.sink)
    from bench.common import setup_django, write_result

    setup_django()
    data = seed(args.count) if args.role == "seed" else send(args.issue)
    write_result(args.out, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())

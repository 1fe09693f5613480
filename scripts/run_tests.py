"""Run every check and the whole suite twice: on SQLite, then on PostgreSQL + Redis.

Used by `make test` and CI. With CI=true a missing PostgreSQL or Redis is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
ARTIFACTS = ROOT / "test-artifacts"


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def run(title: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
    print(f"\n=== {title} ===", flush=True)
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, check=False)
    took = time.monotonic() - started
    if result.returncode != 0:
        print(f"\nFAILED: {title} (exit {result.returncode}, {took:.0f}s)", flush=True)
        sys.exit(result.returncode)
    print(f"--- {title}: ok ({took:.0f}s)", flush=True)


def run_together(passes: list[tuple[str, list[str], dict[str, str]]], scratch: Path) -> None:
    """Run the test passes side by side, each into a log of its own, printed whole as it ends.

    The two passes share nothing (own var dir, database, Redis prefix, screenshots; servers on
    free ports) and each spends much of its time waiting on a browser, a subprocess or the
    database, so on two cores together they take little longer than the longer one alone
    (ADR 0028). MASTHEAD_SERIAL_PASSES=1 runs them one after the other.
    """
    started = time.monotonic()
    running: dict[str, tuple[subprocess.Popen[bytes], Path, float]] = {}
    for title, cmd, env in passes:
        print(f"\n=== {title} (started; its output follows when it ends) ===", flush=True)
        log = scratch / f"{title.replace(' ', '-').replace('+', 'and')}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                cmd, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
            )
        running[title] = (process, log, time.monotonic())
    try:
        failed = _wait_for(running, started)
    finally:  # interrupted (Ctrl-C, CI cancel): leave no pass running on
        for process, _log, _began in running.values():
            process.terminate()
    if failed:
        sys.exit(1)


def _wait_for(
    running: dict[str, tuple[subprocess.Popen[bytes], Path, float]], started: float
) -> list[str]:
    failed: list[str] = []
    last_note = time.monotonic()
    while running:
        for title, (process, log, began) in list(running.items()):
            if process.poll() is None:
                continue
            del running[title]
            took = time.monotonic() - began
            print(f"\n=== {title} ===", flush=True)
            sys.stdout.buffer.write(log.read_bytes())
            if process.returncode != 0:
                failed.append(title)
                print(f"\nFAILED: {title} (exit {process.returncode}, {took:.0f}s)", flush=True)
            else:
                print(f"--- {title}: ok ({took:.0f}s)", flush=True)
        if running and time.monotonic() - last_note > 60:  # CI logs that stay silent get killed
            last_note = time.monotonic()
            waiting = ", ".join(running)
            print(f"... still running: {waiting} ({last_note - started:.0f}s)", flush=True)
        time.sleep(1)
    return failed


def main() -> None:
    ci = os.environ.get("CI", "").lower() == "true"
    scratch = Path(tempfile.mkdtemp(prefix="masthead-test-"))
    base_env = {
        "MASTHEAD_ENV": "test",
        "MASTHEAD_VAR_DIR": str(scratch / "var"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    clean = dict.fromkeys(("DATABASE_URL", "REDIS_URL"), "")
    run(
        "ruff",
        [str(BIN / "ruff"), "check", "src", "bench", "scripts", "conftest.py", "tests", "soak"],
    )
    run(
        "ruff format",
        [str(BIN / "ruff"), "format", "--check", "src", "bench", "scripts", "tests", "soak"],
    )
    run("mypy", [str(BIN / "mypy"), "src", "soak"], {**base_env, **clean})
    run("import contracts", [str(BIN / "lint-imports")], {**base_env, **clean})
    run(
        "migrations are up to date",
        [str(BIN / "masthead"), "makemigrations", "--check", "--dry-run"],
        {**base_env, **clean},
    )
    run(
        "deploy checks (production settings)",
        [str(BIN / "masthead"), "check", "--deploy", "--fail-level", "WARNING"],
        {
            **clean,
            "MASTHEAD_ENV": "production",
            "MASTHEAD_VAR_DIR": str(scratch / "prod"),
            "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
            "MASTHEAD_ALLOWED_HOSTS": "news.example.com",
            # A real deployment names its gateway and keys; the check verifies they are set.
            "MASTHEAD_BILLING_GATEWAY": "razorpay",
            "RAZORPAY_KEY_ID": "rzp_live_check",
            "RAZORPAY_KEY_SECRET": uuid.uuid4().hex,
            "RAZORPAY_WEBHOOK_SECRET": uuid.uuid4().hex,
            # ...and its own seller identity, webhook secrets and a mail server: the check
            # refuses the demo's published ones (masthead.core.checks).
            "MASTHEAD_PUBLISHER_GSTIN": "29AABCN5678K1ZT",
            "MASTHEAD_PUBLISHER_STATE_CODE": "29",  # the GSTIN's own state (Karnataka)
            "MASTHEAD_PUBLISHER_LEGAL_NAME": "Northern Chronicle Publications Private Limited",
            "MASTHEAD_PUBLISHER_ADDRESS": "12 Residency Road, Bengaluru 560025",
            "MASTHEAD_SANDBOX_WEBHOOK_SECRET": uuid.uuid4().hex,
            "MASTHEAD_NEWSLETTERS_WEBHOOK_SECRET": uuid.uuid4().hex,
            "MASTHEAD_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        },
    )
    pytest = [str(BIN / "pytest"), "-p", "no:randomly", "-q"]
    # Each pass keeps its screenshots apart: the two may run at the same time (below).
    sqlite_pass = (
        "tests on SQLite",
        pytest,
        {**base_env, **clean, "MASTHEAD_TEST_ARTIFACTS": str(ARTIFACTS / "sqlite")},
    )

    have_pg, have_redis = answers(PG_HOST, PG_PORT), answers(REDIS_HOST, REDIS_PORT)
    if not (have_pg and have_redis):
        missing = [n for n, ok in (("PostgreSQL", have_pg), ("Redis", have_redis)) if not ok]
        message = f"{' and '.join(missing)} not answering on 127.0.0.1"
        if ci:
            print(f"\nFAILED: {message}; CI must run the PostgreSQL + Redis pass.", flush=True)
            sys.exit(1)
        run(*sqlite_pass)
        print(f"\nNOTE: {message}; the PostgreSQL + Redis pass did not run.", flush=True)
        return
    postgres_pass = (
        "tests on PostgreSQL + Redis",
        pytest,
        {
            **base_env,
            "MASTHEAD_VAR_DIR": str(scratch / "var-pg"),
            "DATABASE_URL": f"postgres://postgres@{PG_HOST}:{PG_PORT}/masthead",
            "MASTHEAD_TEST_DATABASE_NAME": f"test_masthead_{os.getpid()}",
            "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
            "MASTHEAD_REDIS_PREFIX": f"mhtest{os.getpid()}",
            "MASTHEAD_TEST_ARTIFACTS": str(ARTIFACTS / "postgres"),
        },
    )
    if os.environ.get("MASTHEAD_SERIAL_PASSES") or (os.cpu_count() or 1) < 2:
        run(*sqlite_pass)
        run(*postgres_pass)
    else:
        run_together([sqlite_pass, postgres_pass], scratch)
    # The soak's short form (ADR 0023): a cluster of its own (PostgreSQL, Redis, nginx, four
    # network namespaces), a 2-minute hold with every fault, the verdicts. Needs root.
    if os.geteuid() == 0 or ci:
        run("soak (CI form)", [sys.executable, "-m", "soak", "--ci"], {**clean})
    else:
        print(
            "\nNOTE: not root; the soak's CI form did not run (make soak-ci as root).", flush=True
        )
    print("\nAll checks and both test passes succeeded.", flush=True)


if __name__ == "__main__":
    main()

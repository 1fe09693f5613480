"""``masthead status`` in a terminal, and error reports reaching Sentry when SENTRY_DSN is set."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.newsletters.tests.processes import masthead, run, sender_env
from masthead.ops import heartbeats
from masthead.ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def status() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("status", stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_status_fails_until_a_worker_beats_and_then_shows_each_role():
    code, text = status()
    assert code == 1
    assert "ok   database" in text
    assert "ok   migrations: all applied" in text
    assert "FAIL no worker has ever run: start `masthead worker`" in text

    billing = heartbeats.start(role="billing")
    newsletters = heartbeats.start(role="newsletters")
    WorkerHeartbeat.objects.filter(pk=newsletters.pk).update(
        worker_id="old-host:1:newsletters",
        host="old-host",
        beat_at=timezone.now() - dt.timedelta(minutes=10),
        current_step="scheduled sends",
    )
    heartbeats.step_failed(heartbeat=billing, step="renewals", error=ValueError("bad row"))
    code, text = status()
    assert code == 0, text
    assert f"ok   billing      {billing.host} pid {billing.pid}: running" in text
    assert "FAIL newsletters  old-host pid" in text
    assert "stale, last beat 10m ago, in scheduled sends" in text
    assert "last error 0s ago: renewals: ValueError: bad row" in text
    assert "renewals due: 0" in text
    assert "webhook events not yet applied: 0" in text


class _Collector(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.bodies.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sentry_server() -> Iterator[ThreadingHTTPServer]:
    """A local stand-in for sentry.io's ingest endpoint: it keeps what the SDK sends."""
    _Collector.bodies = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_with_sentry_dsn_set_an_error_logged_in_masthead_reaches_sentry(sentry_server):
    port = sentry_server.server_address[1]
    env = sender_env(smtp_port=1)
    env["SENTRY_DSN"] = f"http://publickey@127.0.0.1:{port}/42"
    env["MASTHEAD_LOG_LEVEL"] = "INFO"
    script = (
        "import logging; "
        "logging.getLogger('masthead.billing.renewals')"
        ".error('due work for subscription 7 failed', extra={'subscription_id': 7})"
    )
    done = run(masthead("shell", "-c", script), env)
    assert done.returncode == 0, done.stdout + done.stderr

    events = [
        json.loads(line)
        for body in _Collector.bodies
        for line in body.splitlines()
        if line.startswith(b"{") and b'"logentry"' in line
    ]
    assert len(events) == 1, _Collector.bodies
    assert events[0]["logentry"]["message"] == "due work for subscription 7 failed"
    assert events[0]["logger"] == "masthead.billing.renewals"
    assert events[0]["environment"] == "test"
    assert "user" not in events[0] or "email" not in events[0]["user"]


def test_without_sentry_dsn_nothing_is_sent(sentry_server):
    env = sender_env(smtp_port=1)
    env.pop("SENTRY_DSN", None)
    done = run(masthead("shell", "-c", "import logging; logging.getLogger('x').error('boom')"), env)
    assert done.returncode == 0, done.stderr
    assert "boom" in done.stderr, "logged locally"
    assert _Collector.bodies == []


def test_status_fails_when_every_worker_has_stopped():
    heartbeats.stop(heartbeat=heartbeats.start(role="billing"))
    code, text = status()
    assert code == 1
    assert "FAIL no worker role is running: start `masthead worker`" in text
    assert "billing" in text and ": stopped, last beat 0s ago" in text

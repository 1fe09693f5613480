"""What the device check costs a signed-in reader's story page, measured side by side.

    .venv/bin/python -m bench.devices [--requests 400] [--rounds 3]

On a throwaway SQLite database (embedded configuration, database meter store), a subscriber
signs in with the password (so the browser is a recorded device) and opens a story again and
again: once with the full middleware stack, once without ``DeviceMiddleware``, alternating
rounds in one process through Django's test client (no network, so the figure is the server's
own work). Prints requests per second each way, the ratio and the queries per request. The
anonymous story page (bench/run.py) does not go through the device check at all.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

DEVICE_MIDDLEWARE = "masthead.devices.middleware.DeviceMiddleware"
PASSWORD = "bench-password-2031"  # noqa: S105 - a throwaway account in a throwaway database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="masthead-bench-devices-"))
    os.environ.update(
        {
            "MASTHEAD_ENV": "test",
            "MASTHEAD_VAR_DIR": str(scratch),
            "DATABASE_URL": "",
            "REDIS_URL": "",
        }
    )
    try:
        return run(args.requests, args.rounds)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(requests: int, rounds: int) -> int:
    from bench.common import STORY_PARAGRAPHS, migrate, setup_django

    setup_django()
    migrate()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from masthead.access.models import Benefit, GrantSource
    from masthead.access.services import grant_benefits
    from masthead.core import testing

    story = testing.article(body=STORY_PARAGRAPHS)
    user = testing.reader_account(email="bench@example.com", password=PASSWORD)
    grant_benefits(
        user=user,
        benefits=[Benefit.DEVICES, Benefit.UNLIMITED_STORIES],
        source=GrantSource.COMPLIMENTARY,
        starts_at=timezone.now(),
        ends_at=None,
    )
    path = story.get_absolute_url()
    without = [m for m in settings.MIDDLEWARE if m != DEVICE_MIDDLEWARE]

    def signed_in_client() -> Client:
        client = Client(
            HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"
        )
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        return client

    def rate(client: Client) -> float:
        started = time.perf_counter()
        for _ in range(requests):
            response = client.get(path)
            assert response.status_code == 200
        return requests / (time.perf_counter() - started)

    def queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        return len(captured.captured_queries)

    with_check = signed_in_client()
    with override_settings(MIDDLEWARE=without):
        without_check = signed_in_client()
        assert "BENCH-FULL-STORY-MARKER" in without_check.get(path).content.decode()
        bare_queries = queries(without_check)
    assert "BENCH-FULL-STORY-MARKER" in with_check.get(path).content.decode()
    checked_queries = queries(with_check)
    measured: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(rounds):
        measured["with"].append(rate(with_check))
        with override_settings(MIDDLEWARE=without):
            measured["without"].append(rate(without_check))
    with_rps = statistics.median(measured["with"])
    without_rps = statistics.median(measured["without"])
    print(f"signed-in story page, {requests} requests x {rounds} rounds (median):")
    print(f"  with the device check:    {with_rps:8.0f} req/s, {checked_queries} queries")
    print(f"  without the device check: {without_rps:8.0f} req/s, {bare_queries} queries")
    print(f"  ratio: {with_rps / without_rps:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

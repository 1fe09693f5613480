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
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    from masthead.ops import testing

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
    for number in range(rounds):
        # Alternate which goes first, so warm-up and the machine's other work hit both alike.
        order = [("with", with_check), ("without", without_check)]
        for name, client in order if number % 2 == 0 else reversed(order):
            measured[name].append(rate(client))
    check_ms = time_the_check(with_check, path, requests)
    with_rps = statistics.median(measured["with"])
    without_rps = statistics.median(measured["without"])
    print(f"signed-in story page, {requests} requests x {rounds} rounds (median):")
    print(f"  with the device check:    {with_rps:8.0f} req/s, {checked_queries} queries")
    print(f"  without the device check: {without_rps:8.0f} req/s, {bare_queries} queries")
    print(f"  ratio: {with_rps / without_rps:.2f} (in-process, so noisy on a busy machine)")
    print(f"  the check itself: {check_ms:.3f} ms per request, timed inside the page")
    return 0


def time_the_check(client: Any, path: str, requests: int) -> float:
    """Milliseconds per request spent in the device check (the read and the last-seen note)."""
    from masthead.devices import middleware

    spent = [0.0]
    real_check = middleware.selectors.browser_still_signed_in
    real_note = middleware.services.note_browser_seen

    def timed(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(**kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return real(**kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        return call

    middleware.selectors.browser_still_signed_in = timed(real_check)  # type: ignore[method-assign]
    middleware.services.note_browser_seen = timed(real_note)  # type: ignore[method-assign]
    try:
        for _ in range(requests):
            client.get(path)
    finally:
        middleware.selectors.browser_still_signed_in = real_check  # type: ignore[method-assign]
        middleware.services.note_browser_seen = real_note  # type: ignore[method-assign]
    return spent[0] / requests * 1000


if __name__ == "__main__":
    raise SystemExit(main())

"""Several workers on PostgreSQL sweeping for abandoned renders at the same moment."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from masthead.epaper import services
from masthead.epaper.models import EditionStatus
from masthead.epaper.tests.conftest import killed_mid_render, lease_ago

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_workers_sweeping_at_once_render_an_abandoned_edition_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = killed_mid_render(tmp_path, monkeypatch, pages=2)
    lease_ago(stuck, 60)
    barrier = threading.Barrier(4)

    def sweep(_worker: int) -> int:
        try:
            barrier.wait(timeout=30)
            # Tasks run at once in tests: the winner renders inside its sweep.
            return services.recover_stale_renders()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as workers:
        swept = list(workers.map(sweep, range(4)))

    assert sorted(swept) == [0, 0, 0, 1]
    stuck.refresh_from_db()
    assert stuck.status == EditionStatus.READY
    assert stuck.render_attempt == 2  # the killed render, then exactly one more
    assert stuck.pages.count() == 2

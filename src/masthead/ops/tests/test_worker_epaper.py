"""The worker's loop: what one pass (``masthead worker --once``) picks up."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from masthead.epaper.models import EditionStatus
from masthead.epaper.tests.conftest import killed_mid_render, lease_ago

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def epaper_storage(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "epaper": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "epaper"), "base_url": None},
        },
    }


def test_a_pass_of_the_worker_publishes_an_edition_whose_render_was_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = killed_mid_render(tmp_path, monkeypatch, pages=2)
    lease_ago(stuck, 16)  # past the 15-minute lease
    out = io.StringIO()

    call_command("worker", "--once", stdout=out)

    stuck.refresh_from_db()
    assert stuck.status == EditionStatus.READY
    assert stuck.pages.count() == 2
    assert "e-paper: 1 abandoned render(s) started again" in out.getvalue()

"""E-paper fixtures: a storage folder of the test's own, and real PDFs made with reportlab."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions

from masthead.epaper import rendering, services, tasks
from masthead.epaper.layout import PrintStory, lay_out_edition
from masthead.epaper.models import Edition

DATE = dt.date(2026, 11, 20)
HEADLINE = "Monsoon session opens with a vote on the telecom bill"


def stories(headline: str = HEADLINE) -> list[PrintStory]:
    return [
        PrintStory(
            headline=headline if i == 0 else f"Second story {i} on markets",
            section="Markets",
            standfirst="What happened, in one line.",
            byline="By Staff Reporter",
            paragraphs=["The finance ministry set out a plan on Tuesday to widen the tax base."]
            * 6,
        )
        for i in range(6)
    ]


def edition_pdf(tmp_path: Path, *, pages: int = 3, headline: str = HEADLINE) -> Path:
    path = tmp_path / f"edition-{pages}-{abs(hash(headline))}.pdf"
    path.write_bytes(
        lay_out_edition(
            publisher="The Meridian Ledger",
            tagline="Business daily",
            edition="Mumbai",
            date=DATE,
            stories=stories(headline),
            pages=pages,
        )
    )
    return path


def encrypted_pdf(tmp_path: Path) -> Path:
    writer = PdfWriter(clone_from=PdfReader(edition_pdf(tmp_path, pages=1)))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "locked.pdf"
    path.write_bytes(out.getvalue())
    return path


def owner_locked_pdf(tmp_path: Path) -> Path:
    """Opens without a password; an owner password restricts printing, copying and changes."""
    writer = PdfWriter(clone_from=PdfReader(edition_pdf(tmp_path, pages=1)))
    nothing_allowed = UserAccessPermissions(0)
    writer.encrypt(user_password="", owner_password="owner", permissions_flag=nothing_allowed)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "restricted.pdf"
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture(autouse=True)
def epaper_storage(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "epaper-storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "epaper": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def killed_mid_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> Edition:
    """An upload whose worker died after its first page: rows and files as the kill left them.
    (SystemExit stands in for the kill: nothing in the render may catch it either.)"""
    original = rendering.render_pages

    def dies_after_page_one(path: Path) -> Any:
        yield next(original(path))
        raise SystemExit(-9)

    path = edition_pdf(tmp_path, **kwargs)
    with monkeypatch.context() as patched:
        # Queued, not yet run (tests would otherwise run the task as the upload commits).
        patched.setattr(tasks, "render_edition_task", SimpleNamespace(enqueue=lambda **_: None))
        edition = services.receive_edition(
            path=path, filename=path.name, date=DATE, name="Mumbai", uploaded_by=None
        )
        patched.setattr(rendering, "render_pages", dies_after_page_one)
        with pytest.raises(SystemExit):
            services.render_edition(edition_id=edition.pk)
    return edition


def lease_ago(edition: Edition, minutes: float) -> None:
    Edition.objects.filter(pk=edition.pk).update(
        render_lease_at=timezone.now() - dt.timedelta(minutes=minutes)
    )

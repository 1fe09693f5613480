"""E-paper fixtures: a storage folder of the test's own, and real PDFs made with reportlab."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from masthead.epaper.layout import PrintStory, lay_out_edition

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

"""The back office upload: staff publish an edition, or are told exactly what is wrong."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from masthead.epaper import services
from masthead.epaper.models import Edition, EditionStatus
from masthead.epaper.tests.conftest import edition_pdf, encrypted_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(client: Client) -> Client:
    admin = get_user_model().objects.create_superuser("desk", "desk@example.com", "a-long-pass")
    client.force_login(admin)
    return client


def post(staff: Client, path: Path, name: str = "Mumbai") -> str:
    with path.open("rb") as handle:
        response = staff.post(
            "/admin/epaper/edition/upload/",
            {"pdf": handle, "date": timezone.localdate().isoformat(), "name": name},
            follow=True,
        )
    assert response.status_code == 200
    return response.content.decode()


def test_staff_upload_publishes_the_edition(staff: Client, tmp_path: Path) -> None:
    assert staff.get("/admin/epaper/edition/add/")["Location"] == "/admin/epaper/edition/upload/"
    html = post(staff, edition_pdf(tmp_path, pages=2))

    edition = Edition.objects.get()
    assert edition.status == EditionStatus.READY
    assert f"Published {edition}: 2 pages." in html


def test_staff_are_told_the_pdf_is_encrypted(staff: Client, tmp_path: Path) -> None:
    html = post(staff, encrypted_pdf(tmp_path))

    assert "The PDF is encrypted" in html
    assert "Export it again without a password" in html
    assert not Edition.objects.exists()


def test_staff_are_told_when_the_storage_is_full(
    staff: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The disk under the e-paper storage is full (the soak fills it): the editor sees why,
    # not a server error page.
    class FullDisk:
        def save(self, name: str, content: object) -> str:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(services, "storage", FullDisk)
    html = post(staff, edition_pdf(tmp_path, pages=2))

    assert "The e-paper storage could not keep the file (No space left on device)" in html
    assert "nothing was published" in html
    assert not Edition.objects.exists()


def test_readers_cannot_reach_the_upload(client: Client) -> None:
    response = client.get("/admin/epaper/edition/upload/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

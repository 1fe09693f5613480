"""The e-paper on object storage: files are removed through the storage API, never the disk."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import File
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from masthead.epaper import services
from masthead.epaper.models import Edition, EditionStatus
from masthead.epaper.tests.conftest import DATE, edition_pdf

pytestmark = pytest.mark.django_db


@deconstructible
class InMemoryObjectStorage(Storage):
    """Stands in for S3Storage (django-storages), which cannot be reached from here: flat keys
    under a ``location`` key prefix, "folders" only as shared prefixes, saving to a taken name
    overwrites it (``file_overwrite=True``, as configured for the e-paper)."""

    def __init__(self, location: str = "epaper") -> None:
        self.location = location  # a key prefix, as on S3Storage: not a local path
        self.objects: dict[str, bytes] = {}

    def _key(self, name: str) -> str:
        return f"{self.location}/{name}"

    def _save(self, name: str, content: File) -> str:  # type: ignore[type-arg]
        content.seek(0)
        self.objects[self._key(name)] = content.read()
        return name

    def _open(self, name: str, mode: str = "rb") -> File:  # type: ignore[type-arg]
        try:
            return File(io.BytesIO(self.objects[self._key(name)]), name=name)
        except KeyError as exc:
            raise FileNotFoundError(name) from exc

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name

    def delete(self, name: str) -> None:
        self.objects.pop(self._key(name), None)

    def exists(self, name: str) -> bool:
        return self._key(name) in self.objects

    def size(self, name: str) -> int:
        return len(self.objects[self._key(name)])

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = self._key(path).rstrip("/") + "/"
        directories: set[str] = set()
        files: list[str] = []
        for key in self.objects:
            if key.startswith(prefix):
                head, _, rest = key[len(prefix) :].partition("/")
                if rest:
                    directories.add(head)
                else:
                    files.append(head)
        return sorted(directories), sorted(files)


@pytest.fixture
def object_storage(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Storage:
    # Run where a relative "epaper/" folder of the same name would be found on disk.
    monkeypatch.chdir(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "epaper": {
            "BACKEND": f"{__name__}.InMemoryObjectStorage",
            "OPTIONS": {"location": "epaper"},
        },
    }
    return services.storage()


def keys_under(storage: Storage, folder: str) -> list[str]:
    assert isinstance(storage, InMemoryObjectStorage)
    return [key for key in storage.objects if key.startswith(f"{storage.location}/{folder}/")]


def test_deleting_an_edition_on_object_storage_removes_its_objects_and_no_local_folder(
    tmp_path: Path, object_storage: Storage, django_capture_on_commit_callbacks: Any
) -> None:
    source = edition_pdf(tmp_path, pages=2)
    edition = services.receive_edition(
        path=source,
        filename=source.name,
        date=DATE,
        name="Mumbai",
        uploaded_by=None,
        render_now=True,
    )
    assert edition.status == EditionStatus.READY
    assert len(keys_under(object_storage, edition.folder)) == 1 + 2 * 3 + 1  # pdf, pages, cover
    # Something on this machine's disk that happens to sit at <key prefix>/<edition folder>.
    bystander = tmp_path / "epaper" / edition.folder / "keep.txt"
    bystander.parent.mkdir(parents=True)
    bystander.write_text("not the e-paper's")

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_edition(edition=edition)

    assert not Edition.objects.exists()
    assert keys_under(object_storage, edition.folder) == []
    assert bystander.read_text() == "not the e-paper's"

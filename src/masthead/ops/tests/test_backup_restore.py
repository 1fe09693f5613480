"""``masthead backup`` then ``masthead restore`` into an empty database: every reader,
subscription, invoice and edition is there, with the e-paper pages and media files."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from masthead.billing.models import Invoice, Subscription
from masthead.epaper import services as epaper
from masthead.epaper.models import Edition, EditionStatus
from masthead.epaper.tests.conftest import DATE, edition_pdf
from masthead.newsletters.tests.processes import masthead, run, sender_env
from masthead.ops.tests.builders import subscribed

pytestmark = pytest.mark.django_db(transaction=True)

INVENTORY = """
import json
from django.contrib.auth.models import User
from masthead.billing.models import Invoice, Subscription
from masthead.epaper import services
from masthead.epaper.models import Edition
pages = [
    services.storage().exists(services.page_path(page.edition, page.number, "large"))
    for page in __import__("masthead.epaper.models", fromlist=["x"]).EditionPage.objects.all()
]
print(json.dumps({
    "readers": sorted(User.objects.values_list("email", flat=True)),
    "subscriptions": sorted(Subscription.objects.values_list("pk", "status", "period_index")),
    "invoices": sorted(Invoice.objects.values_list("number", "total_minor")),
    "editions": sorted(Edition.objects.values_list("pk", "status", "page_count")),
    "pages_with_files": pages.count(True),
    "pages": len(pages),
}))
"""


@pytest.fixture
def folders(settings: Any, tmp_path: Path) -> dict[str, Path]:
    made = {name: tmp_path / name for name in ("epaper", "media", "epaper2", "media2")}
    settings.STORAGES = {
        **settings.STORAGES,
        "epaper": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(made["epaper"]), "base_url": None},
        },
    }
    settings.MEDIA_ROOT = made["media"]
    return made


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, of the same kind the test runs on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:10]}"
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/postgres"
    with psycopg.connect(server, autocommit=True, password=db.get("PASSWORD") or None) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server, autocommit=True, password=db.get("PASSWORD") or None) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_an_empty_database_has_every_reader_subscription_invoice_and_edition(
    folders: dict[str, Path], empty_database: str, tmp_path: Path
) -> None:
    _clock, subs = subscribed(3, prefix="kept")
    pdf = edition_pdf(tmp_path, pages=2)
    edition = epaper.receive_edition(
        path=pdf, filename=pdf.name, date=DATE, name="Mumbai", uploaded_by=None
    )
    edition.refresh_from_db()
    assert edition.status == EditionStatus.READY
    (folders["media"] / "logos").mkdir(parents=True)
    (folders["media"] / "logos" / "masthead.png").write_bytes(b"\x89PNG logo bytes")
    expected: dict[str, Any] = {
        "readers": sorted(User.objects.values_list("email", flat=True)),
        "subscriptions": sorted(
            [s.pk, s.status, s.period_index] for s in Subscription.objects.all()
        ),
        "invoices": sorted([i.number, i.total_minor] for i in Invoice.objects.all()),
        "editions": [[edition.pk, "ready", 2]],
        "pages_with_files": 2,
        "pages": 2,
    }
    assert len(expected["readers"]) == 3 and len(expected["invoices"]) == 3
    archive = tmp_path / "backups" / "nightly.tar"

    call_command("backup", "--output", str(archive), stdout=open(os.devnull, "w"))  # noqa: SIM115

    env = sender_env(smtp_port=1)
    env.update(
        {
            "DATABASE_URL": empty_database,
            "MASTHEAD_EPAPER_DIR": str(folders["epaper2"]),
            "MASTHEAD_MEDIA_ROOT": str(folders["media2"]),
        }
    )
    restored = run(masthead("restore", str(archive)), env)
    assert restored.returncode == 0, restored.stderr
    assert "Restored the" in restored.stdout
    inventory = run(masthead("shell", "-c", INVENTORY), env)
    assert inventory.returncode == 0, inventory.stderr
    assert json.loads(inventory.stdout.strip().splitlines()[-1]) == expected, inventory.stdout
    assert (folders["media2"] / "logos" / "masthead.png").read_bytes() == b"\x89PNG logo bytes"
    assert subs[0].customer.user.email in expected["readers"]

    # A second restore into the same (now full) database is refused, nothing overwritten.
    again = run(masthead("restore", str(archive)), env)
    assert again.returncode != 0
    assert "Restore goes into an empty database" in again.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"")
    import tarfile

    with tarfile.open(junk, "w"):
        pass
    with pytest.raises(CommandError, match=r"no manifest\.json: not a masthead backup"):
        call_command("restore", str(junk))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing.tar"))
    assert Edition.objects.count() == 0


def test_restore_refuses_an_archive_that_would_write_outside_its_folder(tmp_path: Path) -> None:
    import io
    import tarfile

    crafted = tmp_path / "crafted.tar"
    manifest = json.dumps(
        {"format": 1, "vendor": connection.vendor, "database": "database.sqlite3",
         "created_at": "2026-12-06T00:00:00+00:00"}
    ).encode()  # fmt: skip
    with tarfile.open(crafted, "w") as archive:
        for name, data in (("manifest.json", manifest), ("../escaped.txt", b"overwrite")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match=r"'\.\./escaped\.txt' in the archive is not a plain"):
        call_command("restore", str(crafted))
    assert not (tmp_path.parent / "escaped.txt").exists()


@pytest.mark.postgres_only
def test_a_pg_dump_older_than_the_server_is_refused_with_the_package_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An old client first on PATH (a stand-in: it only answers --version, as Debian's
    # postgresql-client-13 would). pg_dump 13 cannot dump a newer server.
    tools = tmp_path / "bin"
    tools.mkdir()
    old = tools / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.16 (Debian 13.16-0+deb11u1)'\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    server = connection.pg_version // 10000  # type: ignore[attr-defined]
    assert server > 13
    with pytest.raises(CommandError) as refused:
        call_command("backup", "--output", str(tmp_path / "never.tar"))
    assert str(refused.value) == (
        f"pg_dump is version 13 and the server is PostgreSQL {server}: install "
        f"postgresql-client-{server} (a client older than the server cannot dump it)."
    )
    assert not (tmp_path / "never.tar").exists()
    assert not (tmp_path / "never.tar.partial").exists()

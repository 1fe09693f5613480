"""Backups: the database (SQLite's online backup, or pg_dump) and the e-paper and media files,
in one tar archive; and restoring one into an empty database.

The archive holds ``manifest.json`` (what, when, from which database, the migrations applied),
``database.sqlite3`` or ``database.pgdump`` (pg_dump's custom format, restored by pg_restore),
and ``files/epaper/...`` and ``files/media/...``. E-paper on S3 is not copied: the bucket is
backed up by the store's own versioning (the manifest says so).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """Something the operator must fix; the message says what."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    vendor: str
    files: int
    bytes: int


@dataclass(frozen=True)
class RestoreReport:
    vendor: str
    files: int
    created_at: str


def _file_roots() -> dict[str, Path | None]:
    """Folders to copy: the e-paper storage when it is on disk, and MEDIA_ROOT."""
    epaper = storages["epaper"]
    return {
        "epaper": Path(epaper.location) if isinstance(epaper, FileSystemStorage) else None,
        "media": Path(settings.MEDIA_ROOT),
    }


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db: dict[str, Any] = connection.settings_dict
    args = [f"--host={db['HOST'] or 'localhost'}", f"--port={db['PORT'] or 5432}"]
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])  # never on the command line (ps shows it)
    return args, env


def _tool(name: str) -> str:
    """The PostgreSQL client tool, refused when older than the server (it cannot read it)."""
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client matching the server "
            "(python scripts/ensure_ops_tools.py, or apt-get install postgresql-client)."
        )
    version = subprocess.run(  # noqa: S603 - a fixed tool found on PATH
        [found, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)\.", version)
    client = int(match.group(1)) if match else 0
    server = connection.pg_version // 10000  # type: ignore[attr-defined]
    if client < server:
        raise BackupError(
            f"{name} is version {client} and the server is PostgreSQL {server}: install "
            f"postgresql-client-{server} (a client older than the server cannot dump it)."
        )
    return found


def backup(*, output: Path) -> BackupReport:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups know SQLite and PostgreSQL, not {vendor}.")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="masthead-backup-") as work:
        database = Path(work) / ("database.sqlite3" if vendor == "sqlite" else "database.pgdump")
        if vendor == "sqlite":
            _sqlite_backup(database)
        else:
            _pg_dump(database)
        roots = _file_roots()
        partial = output.with_name(output.name + ".partial")
        files = 0
        with tarfile.open(partial, "w") as archive:
            archive.add(database, arcname=database.name)
            for name, root in roots.items():
                if root is None or not root.exists():
                    continue
                for path in sorted(p for p in root.rglob("*") if p.is_file()):
                    archive.add(path, arcname=f"files/{name}/{path.relative_to(root)}")
                    files += 1
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "vendor": vendor,
                "database": database.name,
                "migrations": sorted(
                    f"{app}.{name}"
                    for app, name in MigrationRecorder(connection).applied_migrations()
                ),
                "files": files,
                "epaper_on_s3": roots["epaper"] is None,
            }
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
        # Only a complete archive takes the name: a backup that died halfway is never mistaken
        # for a good one.
        partial.replace(output)
    return BackupReport(path=output, vendor=vendor, files=files, bytes=output.stat().st_size)


def _sqlite_backup(target: Path) -> None:
    """SQLite's online backup API: a consistent copy while the site keeps writing."""
    connection.ensure_connection()
    source = connection.connection
    with sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()


def _pg_dump(target: Path) -> None:
    args, env = _pg_args()
    db = connection.settings_dict
    done = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
         f"--file={target}", str(db["NAME"])],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")


def restore(*, archive_path: Path) -> RestoreReport:
    """Restore a backup into the (empty) database DATABASE_URL names, and its files."""
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file; give the path of a masthead backup.")
    with tarfile.open(archive_path, "r") as archive:
        try:
            manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
        except KeyError as exc:
            raise BackupError(
                f"{archive_path} has no manifest.json: not a masthead backup."
            ) from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Backup format {manifest.get('format')} is not one this knows.")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"This backup is of a {manifest['vendor']} database; DATABASE_URL names a "
                f"{connection.vendor} one. Restore into the same kind of database."
            )
        _checked_members(archive)  # before anything is touched
        tables = connection.introspection.table_names()
        if tables:
            raise BackupError(
                f"The database already has {len(tables)} tables. Restore goes into an empty "
                "database: create one and point DATABASE_URL at it, so nothing is overwritten."
            )
        with tempfile.TemporaryDirectory(prefix="masthead-restore-") as work:
            _extract(archive, Path(work))
            database = Path(work) / manifest["database"]
            if manifest["vendor"] == "sqlite":
                _sqlite_restore(database)
            else:
                _pg_restore(database)
            files = _restore_files(Path(work) / "files")
    return RestoreReport(vendor=manifest["vendor"], files=files, created_at=manifest["created_at"])


def _checked_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only plain files and folders, only under the folder extracted into (an archive cannot
    write elsewhere)."""
    members = []
    for member in archive.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"{member.name!r} in the archive is not a plain file inside it.")
        members.append(member)
    return members


def _extract(archive: tarfile.TarFile, into: Path) -> None:
    members = _checked_members(archive)
    if hasattr(tarfile, "data_filter"):  # Python 3.11.4+: the library's own check as well
        archive.extractall(into, members=members, filter="data")
    else:
        archive.extractall(into, members=members)  # noqa: S202 - members checked above


def _sqlite_restore(source: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(source) as copy:
        copy.backup(connection.connection)
    copy.close()


def _pg_restore(source: Path) -> None:
    args, env = _pg_args()
    db = connection.settings_dict
    connections.close_all()
    done = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", f"--dbname={db['NAME']}", str(source)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def _restore_files(folder: Path) -> int:
    count = 0
    for name, root in _file_roots().items():
        source = folder / name
        if root is None or not source.exists():
            continue
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count


def default_output() -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"masthead-{stamp}.tar"

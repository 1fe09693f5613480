from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.ops import backup


class Command(BaseCommand):
    help = (
        "Restore a `masthead backup` archive into the empty database DATABASE_URL names, and "
        "its e-paper and media files into their folders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The .tar written by masthead backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.restore(archive_path=options["archive"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the {report.vendor} database backed up at {report.created_at} and "
            f"{report.files} file(s). Run `masthead migrate` if this release is newer."
        )

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.ops import backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump) and the e-paper and media "
        "files into one tar archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default var/backups/masthead-<time>.tar).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup.backup(output=options["output"] or backup.default_output())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the {report.vendor} database and {report.files} file(s) to "
            f"{report.path} ({report.bytes:,} bytes)."
        )

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masthead.insights.imports import LAYOUTS, ImportRefused, import_readers


class Command(BaseCommand):
    help = (
        "Import readers and subscribers from a CSV (a generic layout or a Ghost members "
        "export; see docs/insights-import.md). Paid readers get complimentary access until "
        "their paid-until date, never a charge. Safe to run again: nothing is added twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--layout", choices=LAYOUTS, default="generic")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}. Give a UTF-8 CSV file.") from exc
        try:
            report = import_readers(
                text=text,
                layout=options["layout"],
                dry_run=options["dry_run"],
                now=timezone.now(),
                progress=self._progress,
            )
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(
            f"{verb}: {report.rows} row(s); {report.readers_added} new reader(s), "
            f"{report.readers_found} already here; access given to {report.access_granted}, "
            f"unchanged for {report.access_unchanged}; {len(report.refused)} refused."
        )
        for refusal in report.refused:
            self.stdout.write(
                f"  line {refusal.line} ({refusal.email or 'no email'}): {refusal.reason}"
            )
        if report.dry_run:
            self.stdout.write("Dry run: nothing was changed.")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\r" if self.stdout.isatty() else "\n"
        if end == "\n" and done not in {total} and done % 1000:
            return  # to a file or pipe: a line per thousand rows, not per row
        self.stdout.write(
            f"  [{'#' * filled}{'-' * (width - filled)}] {done}/{total} rows", ending=end
        )
        if end == "\r":
            sys.stdout.flush()
            if done == total:
                self.stdout.write("")

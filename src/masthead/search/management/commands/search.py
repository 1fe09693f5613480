"""``masthead search reindex``: rebuild the archive search index, with a progress bar."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.search import services


class Command(BaseCommand):
    help = "Archive search. `reindex` rebuilds the index from every story and e-paper page."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("reindex", help="Rebuild the search index (one transaction).")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rebuilt = services.reindex(progress=self._progress)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {rebuilt.stories} stories and {rebuilt.pages} e-paper pages in "
                f"{time.monotonic() - started:.1f}s."
            )
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\r" if self.stdout.isatty() else "\n"
        self.stdout.write(f"  indexing [{bar}] {done}/{total}", ending=end)
        if end == "\r":
            sys.stdout.flush()

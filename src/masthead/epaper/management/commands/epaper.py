"""``masthead epaper import FILE --date D --edition E``: publish an edition from the shell."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.epaper import services
from masthead.epaper.models import EditionStatus


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date {value!r} is not a date; use YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = "E-paper editions. `import FILE --date YYYY-MM-DD --edition NAME` renders and publishes."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        importer = commands.add_parser(
            "import", help="Render and publish a PDF as an edition (replaces one of the same name)."
        )
        importer.add_argument("file", type=Path, help="The edition as one PDF.")
        importer.add_argument("--date", required=True, help="The edition's date, YYYY-MM-DD.")
        importer.add_argument("--edition", required=True, help="The edition's name, e.g. Mumbai.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        date = _date(options["date"])
        self.stdout.write(f"Importing {path.name} as the {options['edition']} edition of {date}…")
        try:
            edition = services.receive_edition(
                path=path,
                filename=path.name,
                date=date,
                name=options["edition"],
                uploaded_by=None,
                render_now=True,
                progress=self._progress,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write("")
        if edition.status != EditionStatus.READY:
            raise CommandError(f"{edition} was not published: {edition.error}")
        self.stdout.write(self.style.SUCCESS(f"Published {edition}: {edition.page_count} pages."))

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\r" if self.stdout.isatty() else "\n"
        self.stdout.write(f"  rendering [{bar}] {done}/{total} pages", ending=end)
        if end == "\r":
            sys.stdout.flush()

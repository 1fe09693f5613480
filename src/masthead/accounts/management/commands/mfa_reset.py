from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.accounts.services import reset_second_factor


class Command(BaseCommand):
    help = (
        "Remove a staff member's second factor (authenticator app, security keys, recovery "
        "codes) when they have lost it; they set up a new one at their next back-office visit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The staff member's email address.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            removed = reset_second_factor(email=options["email"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Removed {removed} second factor(s) of {options['email']}. At their next visit to "
            "the back office, after their password, they will be asked to set up a new one."
        )

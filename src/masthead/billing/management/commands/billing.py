from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.billing import operations, renewals


class Command(BaseCommand):
    help = "Billing: run due work once, reconcile with the gateway, move sandbox test clocks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Do all due renewals, notices, retries and expiries once.")
        run.add_argument("--limit", type=int, default=None)
        sub.add_parser(
            "reconcile",
            help=(
                "Bring subscriptions in line with the gateway's list of subscriptions and "
                "undelivered events; re-sync pending payments and webhook events."
            ),
        )
        clock = sub.add_parser("clock", help="Sandbox test clocks.")
        clock_sub = clock.add_subparsers(dest="clock_action", required=True)
        advance = clock_sub.add_parser("advance", help="Move test clocks forward.")
        advance.add_argument("--days", type=float, required=True)
        advance.add_argument("--customer", help="Only this reader's clock (email).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "run":
            report = renewals.run_due_work(
                limit=options["limit"],
                progress=lambda n: self.stdout.write(f"  processed {n}"),
            )
            self.stdout.write(
                self.style.SUCCESS(f"Done: {report.processed} due, {report.failed} to retry later.")
            )
        elif action == "reconcile":
            result = operations.reconcile(progress=self.stdout.write)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Reconciled {result.subscriptions} gateway subscription(s), "
                    f"{result.payments} pending payment(s) and {result.events} webhook event(s)."
                )
            )
        elif action == "clock":
            if options["days"] <= 0:
                raise CommandError("--days must be positive: a test clock only moves forward.")
            count, report = operations.advance_clocks(
                days=options["days"], email=options.get("customer")
            )
            if count == 0:
                raise CommandError(
                    "No test clock matched. Sandbox customers get one when staff create it in "
                    "the back office (Billing → Test clocks)."
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Moved {count} clock(s) {options['days']:g} day(s); "
                    f"{report.processed} due item(s) processed."
                )
            )

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
        gstr1 = sub.add_parser("gstr1", help="GSTR-1 files (CSV + JSON zip) for a period.")
        gstr1.add_argument("--month", default="", help="e.g. 2026-11")
        gstr1.add_argument("--quarter", default="", help="its first month, e.g. 2026-10")
        gstr1.add_argument("--out", default="", help="zip to write (default gstr1-MMYYYY.zip)")
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
        elif action == "gstr1":
            self._gstr1(month=options["month"], quarter=options["quarter"], out=options["out"])
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

    def _gstr1(self, *, month: str, quarter: str, out: str) -> None:
        from pathlib import Path

        from masthead.billing.gstr1.formats import returns_json, rupees, zip_bytes
        from masthead.billing.gstr1.sections import build_return, period_bounds

        if bool(month) == bool(quarter):
            raise CommandError("Give one of --month 2026-11 or --quarter 2026-10.")
        try:
            start, end = period_bounds(month=month, quarter=quarter)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        gstr1 = build_return(start=start, end=end)
        path = Path(out or f"gstr1-{returns_json(gstr1)['fp']}.zip")
        path.write_bytes(zip_bytes(gstr1))
        net = gstr1.net
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {path} for {gstr1.period_label}: net value ₹{rupees(net.value)}, "
                f"taxable ₹{rupees(net.taxable)}."
            )
        )
        if gstr1.demo_left_out:
            self.stdout.write(
                f"Not in these files: {gstr1.demo_left_out} documents of the demo's made-up "
                "billing history (series DEMO), never issued to anyone."
            )
        if gstr1.unconverted:
            self.stdout.write(
                "Waiting for an exchange rate for their date (CGST Rule 34(2)), so left out; "
                "record it under Billing › Exchange rates and export again: "
                + ", ".join(gstr1.unconverted)
            )

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.newsletters import sending


class Command(BaseCommand):
    help = (
        "Send the newsletter issues that are due, and finish any send a stopped worker left "
        "(`masthead worker` does this every few seconds)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--issue", type=int, help="Only this issue (if it is due).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["issue"]:
            reports = [sending.send_issue(issue_id=options["issue"])]
        else:
            reports = sending.run_due_sends()
        for r in reports:
            state = "finished" if r.finished else (r.interrupted or "not finished")
            self.stdout.write(
                f"issue {r.issue_id}: {r.sent} sent, {r.failed} failed, "
                f"{r.skipped} skipped; {state}"
            )
        if not reports:
            self.stdout.write("No newsletter issue is due.")

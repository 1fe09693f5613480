from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.insights import revenue_facts, snapshots


class Command(BaseCommand):
    help = (
        "Write insights' revenue facts (MRR spans, subscription facts) again from the whole "
        "billing ledger, then take the revenue snapshot. For recovery (a fact table lost or "
        "suspect) or after the MRR rules change; the worker otherwise refreshes only the "
        "subscriptions whose ledger changed. Linear in the ledger: minutes at a million."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-snapshot", action="store_true", help="Rebuild the facts only.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        report = revenue_facts.rebuild()
        self.stdout.write(
            f"Rebuilt the revenue facts of {report.subscriptions:,} subscriptions in "
            f"{time.perf_counter() - started:.1f} s."
        )
        if not options["no_snapshot"]:
            started = time.perf_counter()
            snapshot = snapshots.take()
            self.stdout.write(
                f"Took the revenue snapshot as of {snapshot.as_of:%Y-%m-%d %H:%M} UTC "
                f"({snapshot.figures:,} figures) in {time.perf_counter() - started:.1f} s."
            )

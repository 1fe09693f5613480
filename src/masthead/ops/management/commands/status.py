from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from masthead.ops import status


class Command(BaseCommand):
    help = (
        "Print Masthead's health in a terminal: database, cache, migrations, each worker role's "
        "heartbeat, due renewals, queued tasks, webhook backlog. Exits 1 when something is wrong."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = status.current()
        for line in status.lines(now):
            self.stdout.write(line)
        if not now.healthy:
            raise SystemExit(1)

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from masthead.access.selectors import meter_history_needed
from masthead.access.stores import DatabaseMeterStore


class Command(BaseCommand):
    help = "Delete meter views older than any active meter rule's window (the database store)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = DatabaseMeterStore().prune(now=timezone.now(), keep=meter_history_needed())
        self.stdout.write(self.style.SUCCESS(f"Pruned {deleted} old meter view(s)."))

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from masthead.accounts.demo import DEMO_LOGINS
from masthead.core.production import refuse_in_production


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("demo_logins")
        self.stdout.write("  Demo logins (email / password):")
        for email, password, role in DEMO_LOGINS:
            self.stdout.write(f"    {role:<10} {email:<24} {password}")

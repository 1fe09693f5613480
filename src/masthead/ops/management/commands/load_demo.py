from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from masthead.access import demo as access_demo
from masthead.accounts import demo as accounts_demo
from masthead.ads import demo as ads_demo
from masthead.billing import demo as billing_demo
from masthead.billing import demo_history
from masthead.core.production import refuse_in_production
from masthead.devices import demo as devices_demo
from masthead.epaper import demo as epaper_demo
from masthead.insights import demo as insights_demo
from masthead.newsletters import demo as newsletters_demo
from masthead.newsroom import demo as newsroom_demo
from masthead.partners import demo as partners_demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo newsroom, paywall, plans and logins. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            metavar="MONTHS",
            help="Also make up MONTHS months of subscriptions, payments and reader events, "
            "so the revenue and conversion dashboards have something to show (e.g. 6).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("load_demo")
        self.stdout.write("Loading the demo newsroom…")
        count = newsroom_demo.load(progress=self.stdout.write)
        self.stdout.write(f"  {count} stories")
        access_demo.load()
        self.stdout.write("  meter rules, prompt copy and benefits")
        billing_demo.load()
        self.stdout.write("  plans: Smart Quarterly, Smart Essential, Super Saver")
        accounts_demo.load()
        ads_demo.load()
        self.stdout.write("  house ads (none for ad-free readers)")
        partners_demo.load()
        self.stdout.write("  partner offer: The Deccan Review (40 codes)")
        devices_demo.load()
        self.stdout.write("  device policy: 5 devices with a subscription, 2 without")
        self.stdout.write(f"  e-paper: {epaper_demo.load()} editions laid out and rendered")
        self.stdout.write(f"  {newsletters_demo.load()} newsletters and a draft issue")
        if options["history"]:
            paying = demo_history.load(months=options["history"])
            self.stdout.write(f"  billing history: {len(paying)} demo subscribers")
            self.stdout.write(f"  {insights_demo.load(paying=paying)} reader events, rolled up")
        self.stdout.write(self.style.SUCCESS("Demo ready."))

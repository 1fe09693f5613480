from __future__ import annotations

import signal
import time
import uuid
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from masthead.access.stores import DatabaseMeterStore
from masthead.billing import operations as billing_operations
from masthead.billing import renewals, webhooks
from masthead.billing.einvoice import services as einvoice
from masthead.core.background import run_queued_tasks
from masthead.epaper import services as epaper
from masthead.insights import services as insights
from masthead.newsletters import sending as newsletter_sending
from masthead.partners import services as partners


class Command(BaseCommand):
    help = (
        "Run background work: queued tasks (emails, webhooks, e-paper rendering), the billing "
        "sweep, the partner-code sweep, abandoned e-paper renders and scheduled newsletter "
        "sends."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between sweeps.")
        parser.add_argument("--once", action="store_true", help="Do what is due, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal running
            running = False
            self.stdout.write("Stopping after the current step…")

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker_id = f"masthead-{uuid.uuid4().hex[:8]}"
        self.stdout.write(f"Worker {worker_id} started.")
        last_prune = last_partner_sweep = last_webhook_retry = 0.0
        while running:
            close_old_connections()
            if time.monotonic() - last_prune > 3600:
                DatabaseMeterStore().prune(now=timezone.now())
                last_prune = time.monotonic()
            report = renewals.run_due_work()
            if report.processed:
                self.stdout.write(f"billing: {report.processed} due item(s) processed")
            if time.monotonic() - last_partner_sweep > settings.PARTNER_SWEEP_SECONDS:
                given = partners.assign_codes()
                last_partner_sweep = time.monotonic()
                if given.assigned or given.waiting:
                    self.stdout.write(
                        f"partners: {given.assigned} code(s) given, {given.waiting} reader(s) "
                        "waiting for codes"
                    )
            if time.monotonic() - last_webhook_retry > 60:
                # Events that arrived before the payment they mention was written here.
                applied = webhooks.retry_waiting()
                # Payments whose request died mid-way, whatever their subscription's due date.
                billing_operations.reconcile_stale_payments()
                last_webhook_retry = time.monotonic()
                if applied:
                    self.stdout.write(f"billing: {applied} waiting webhook event(s) applied")
            # E-invoices (when on): registered, failures retried with a back-off; never blocking.
            registered = einvoice.register_due()
            if registered:
                self.stdout.write(f"billing: {registered} e-invoice(s) registered")
            # Editions whose render died with its worker: rendered again from the start.
            recovered = epaper.recover_stale_renders()
            if recovered:
                self.stdout.write(f"e-paper: {recovered} abandoned render(s) started again")
            sends = newsletter_sending.run_due_sends()
            for send in sends:
                self.stdout.write(f"newsletters: issue {send.issue_id}: {send.sent} sent")
            insights.sweep_if_due()  # events flushed, rolled up by hour and day, pruned
            run_queued_tasks(worker_id=worker_id)
            if options["once"]:
                break
            time.sleep(options["interval"])

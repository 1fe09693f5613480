from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.ops.worker import ROLES, run_roles


class Command(BaseCommand):
    help = (
        "Run background work. Every role side by side by default (one thread each); "
        "--role runs one: "
        + "; ".join(f"{role.name} ({role.description})" for role in ROLES.values())
        + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between sweeps.")
        parser.add_argument("--once", action="store_true", help="Do what is due, then exit.")
        parser.add_argument(
            "--role",
            action="append",
            choices=sorted(ROLES),
            help="Run only this role (repeat for several). Default: every role.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        names = options["role"] or list(ROLES)
        if len(set(names)) != len(names):
            raise CommandError("Name each --role once.")
        stopping = threading.Event()
        lock = threading.Lock()

        def say(line: str) -> None:
            with lock:
                self.stdout.write(line)
                self.stdout.flush()

        def stop(signum: int, frame: FrameType | None) -> None:
            stopping.set()
            say("Stopping: each role finishes the step it is in…")

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        say(f"Worker started: {', '.join(names)}.")
        run_roles(
            roles=[ROLES[name] for name in names],
            stopping=stopping,
            say=say,
            interval=options["interval"],
            once=options["once"],
        )
        say("Worker stopped.")

"""Running queued background work (the database task queue), for the worker and for tests."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django_tasks_db.management.commands.db_worker import Worker


def run_queued_tasks(
    *,
    worker_id: str,
    queues: Iterable[str] = ("*",),
    stopping: threading.Event | None = None,
) -> int:
    """Run the tasks waiting in ``queues`` (all of them by default), then return how many ran.

    One task at a time, so a worker asked to stop finishes the task it is running and leaves
    the rest queued for the next worker.
    """
    ran = 0
    while stopping is None or not stopping.is_set():
        worker = Worker(
            queue_names=list(queues),
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=1,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.run()
        # django-tasks-db counts the tasks a Worker ran only in this attribute.
        if not worker._run_tasks:
            return ran
        ran += worker._run_tasks
    return ran

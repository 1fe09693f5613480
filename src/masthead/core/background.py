"""Running queued background work (the database task queue), for the worker and for tests."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker


def run_queued_tasks(*, worker_id: str) -> None:
    """Run every task waiting in every queue of the default backend, then return."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()

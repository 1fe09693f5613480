"""Background work for the e-paper: rendering an uploaded edition (``masthead worker``)."""

from __future__ import annotations

from django_tasks import task

from masthead.epaper import services


# The worker's e-paper role runs these, beside billing, never ahead of it.
@task(queue_name="epaper")
def render_edition_task(*, edition_id: int, attempt: int = 0) -> None:
    """Idempotent: an edition already published, failed, deleted or taken over by another
    attempt is left alone. ``attempt``: the edition's render attempt when this was enqueued
    (0 for an upload; tasks queued before attempts existed carry none and mean 0)."""
    services.render_edition(edition_id=edition_id, attempt=attempt)

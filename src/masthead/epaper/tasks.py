"""Background work for the e-paper: rendering an uploaded edition (``masthead worker``)."""

from __future__ import annotations

from django_tasks import task

from masthead.epaper import services


@task()
def render_edition_task(*, edition_id: int) -> None:
    """Idempotent: an edition already published, failed or deleted is left alone."""
    services.render_edition(edition_id=edition_id)

"""What operators look at: one heartbeat row per running worker role."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker role's last sign of life, written after every pass of its loop.

    ``worker_id`` names one role in one process (``host:pid:role``), so a process running every
    role has one row per role and a stuck role shows as stale while the others keep beating.
    """

    worker_id = models.CharField(max_length=200, unique=True)
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    role = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    # Set when the role stopped cleanly (SIGTERM); a row with neither a recent beat nor this
    # belongs to a worker that died.
    stopped_at = models.DateTimeField(null=True, blank=True)
    current_step = models.CharField(max_length=60, blank=True)
    steps_failed = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    renewals_done = models.PositiveBigIntegerField(default=0)
    renewals_failed = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ("role", "host", "pid")

    def __str__(self) -> str:
        return self.worker_id

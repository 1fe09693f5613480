"""The e-paper: print editions uploaded as PDFs, their rendered pages, and downloads."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EditionStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Published"
    FAILED = "failed", "Failed"


class Edition(models.Model):
    """One print edition (a date and an edition name, e.g. Mumbai) as uploaded.

    An upload is a new row; it becomes the published edition for its date and name only when
    every page has rendered, in the same transaction that removes the one it replaces. So at
    most one row per date and name is ever published, and readers never see half an edition.
    """

    date = models.DateField(db_index=True)
    name = models.CharField(max_length=60, help_text="The edition's name, e.g. Mumbai or Delhi.")
    slug = models.SlugField(max_length=60)
    status = models.CharField(
        max_length=12, choices=EditionStatus.choices, default=EditionStatus.PROCESSING
    )
    # Every file of this upload lives under this folder of the e-paper storage.
    folder = models.CharField(max_length=200, unique=True)
    source_name = models.CharField(max_length=255, blank=True, help_text="The uploaded file.")
    source_bytes = models.PositiveBigIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Rendering holds a lease: each attempt takes the next number as it starts and stamps
    # ``render_lease_at`` then and after every page. A processing edition whose stamp is older
    # than EPAPER_RENDER_LEASE_MINUTES was abandoned (its worker was killed): the worker's sweep
    # renders it again (``services.recover_stale_renders``), and the older attempt, should it
    # still be alive, stops at its next page.
    render_attempt = models.PositiveIntegerField(default=0)
    render_lease_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-date", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "slug"],
                condition=models.Q(status="ready"),
                name="one_published_edition_per_date_and_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} edition, {self.date:%d %b %Y}"


class EditionPage(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()  # from 1
    width_pt = models.FloatField()
    height_pt = models.FloatField()
    # The page's words, for the archive search to come (never shown without the gate).
    text = models.TextField(blank=True)

    class Meta:
        ordering = ("edition", "number")
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="one_page_per_number")
        ]

    def __str__(self) -> str:
        return f"Page {self.number} of {self.edition}"


class Download(models.Model):
    """A stamped PDF handed to a reader: its reference is printed in the file's footer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="epaper_downloads"
    )
    edition_date = models.DateField()
    edition_slug = models.SlugField(max_length=60)
    page_number = models.PositiveIntegerField(null=True, blank=True)  # empty: whole edition
    reference = models.CharField(max_length=20, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.reference} for {self.user}"

"""Partner bundle: pools of activation codes from partner publications, one code per reader.

A code's text is a secret the reader redeems with the partner: it is never in ``__str__`` (and
so never in a repr, a log line or an admin title), the back office shows it masked, and it
reaches the reader only on their own page and in their email.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class PartnerPool(models.Model):
    """A partner's offer and its uploaded codes, e.g. a year of The Deccan Review digital."""

    name = models.CharField(max_length=200, help_text="What the reader gets, in their words.")
    partner_name = models.CharField(max_length=120)
    instructions = models.TextField(
        blank=True, help_text="How to redeem the code, shown to the reader and emailed."
    )
    redeem_url = models.URLField(blank=True, help_text="Where the reader enters the code.")
    is_active = models.BooleanField(
        default=True, help_text="Inactive pools hand out no new codes; given codes stay shown."
    )
    low_threshold = models.PositiveIntegerField(
        default=20,
        help_text="Warn in the back office when this many unclaimed codes or fewer remain.",
    )
    min_paid_days = models.PositiveSmallIntegerField(
        default=0,
        help_text="Days of paid subscription before a reader gets a code. 0: as soon as they "
        "hold the partner benefit (also when comped).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-is_active", "name")

    def __str__(self) -> str:
        return self.name


class PartnerCode(models.Model):
    """One activation code. Claimed once (``claimed_at`` is set for good, even if the reader's
    account is later deleted); at most one per reader per pool."""

    pool = models.ForeignKey(PartnerPool, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(max_length=128)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="partner_codes",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Uploaded while ``settings.PARTNER_CODES_CASE_SENSITIVE`` was on: "ab-12" and "AB-12"
    # are then two codes. Otherwise (the default) the database, like the upload, holds one.
    case_sensitive = models.BooleanField(default=False)

    class Meta:
        ordering = ("pool", "pk")
        constraints = [
            models.UniqueConstraint(fields=["pool", "code"], name="partner_code_once_per_pool"),
            # The same code in other letters (codes are ASCII, so Lower is the upload's
            # casefold), unless the partner's codes are case-sensitive.
            models.UniqueConstraint(
                Lower("code"),
                "pool",
                condition=models.Q(case_sensitive=False),
                name="partner_code_once_per_pool_any_case",
            ),
            models.UniqueConstraint(
                fields=["pool", "claimed_by"],
                condition=models.Q(claimed_by__isnull=False),
                name="partner_one_code_per_reader_per_pool",
            ),
            models.CheckConstraint(
                condition=models.Q(claimed_by__isnull=True) | models.Q(claimed_at__isnull=False),
                name="partner_code_claimed_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["pool", "claimed_at"], name="partner_code_free_idx")]

    def __str__(self) -> str:
        # Never the code itself: this appears in logs, tracebacks and admin titles.
        return f"Partner code #{self.pk}"

    @property
    def masked(self) -> str:
        """For staff: enough to tell codes apart on the phone, not enough to redeem one."""
        tail = self.code[-3:] if len(self.code) >= 8 else ""
        return f"••••••{tail}"

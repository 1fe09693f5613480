"""Gift links: a subscriber shares one story with anyone, for a fixed time."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Gift(models.Model):
    """One story given by a subscriber. The link carries a signed (gift id, story id) pair; this
    row says whether it still opens: until ``expires_at`` and unless revoked.

    ``month`` and ``number`` count the giver's gifts per calendar month in the publisher's time
    zone: the unique (giver, month, number) is what stops two parallel gives both taking the
    last one of the month.
    """

    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gifts_given"
    )
    article = models.ForeignKey("newsroom.Article", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    month = models.CharField(max_length=7, help_text="The publisher's calendar month, 2026-11.")
    number = models.PositiveSmallIntegerField(help_text="1 for the month's first gift, and so on.")
    opens = models.PositiveIntegerField(default=0)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["giver", "month", "number"], name="gift_one_number_per_giver_month"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="gift_number_positive"),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="gift_expires_after_it_is_given",
            ),
        ]
        indexes = [models.Index(fields=["giver", "month"], name="gift_giver_month_idx")]

    def __str__(self) -> str:
        return f"Gift {self.pk} of story {self.article_id}"

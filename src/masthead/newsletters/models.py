"""Newsletters, who signed up for them, the issues editors send and each recipient's copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Audience(models.TextChoices):
    CONFIRMED_EMAIL = "confirmed_email", "Anyone with a confirmed email address"
    SUBSCRIBERS = "subscribers", "Subscribers with the newsletters benefit"


class Newsletter(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300)
    cadence = models.CharField(
        max_length=60, help_text="As readers should read it, e.g. “Every weekday morning”."
    )
    audience = models.CharField(
        max_length=20, choices=Audience.choices, default=Audience.CONFIRMED_EMAIL
    )
    position = models.PositiveSmallIntegerField(default=100, help_text="Smallest is listed first.")
    is_active = models.BooleanField(
        default=True, help_text="Inactive newsletters are not offered and cannot be sent."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    @property
    def for_subscribers_only(self) -> bool:
        return self.audience == Audience.SUBSCRIBERS


class SignupStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the reader to confirm the address"
    ACTIVE = "active", "Receiving"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class Signup(models.Model):
    """One address on one newsletter's list. A row is kept after unsubscribing: it records that
    the reader said no, and when."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="signups")
    # Lower-cased; the address the issue goes to.
    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="newsletter_signups",
    )
    status = models.CharField(max_length=16, choices=SignupStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Where the reader signed up (a story's path, "preferences"), for the back office.
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "email"], name="one_signup_per_address")
        ]
        indexes = [models.Index(fields=["newsletter", "status"], name="signup_list_idx")]

    def __str__(self) -> str:
        return f"{self.email} on {self.newsletter} ({self.get_status_display()})"


class SuppressionReason(models.TextChoices):
    BOUNCE = "bounce", "Hard bounce"
    COMPLAINT = "complaint", "Spam complaint"
    MANUAL = "manual", "Added by staff"


class Suppression(models.Model):
    """An address no newsletter goes to, whatever its sign-ups say."""

    email = models.EmailField(max_length=254, unique=True)
    reason = models.CharField(max_length=16, choices=SuppressionReason.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.email} ({self.get_reason_display()})"


class IssueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class Issue(models.Model):
    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="issues")
    subject = models.CharField(max_length=150)
    introduction = models.TextField(
        help_text="Plain text; a blank line starts a new paragraph. Shown above the stories."
    )
    stories = models.ManyToManyField(
        "newsroom.Article", through="IssueStory", related_name="+", blank=True
    )
    status = models.CharField(max_length=12, choices=IssueStatus.choices, default=IssueStatus.DRAFT)
    send_at = models.DateTimeField(
        null=True, blank=True, help_text="When a scheduled issue goes out."
    )
    # Set once every recipient has a send record: from then on the list is fixed.
    recipients_listed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["status", "send_at"], name="issue_due_idx")]

    def __str__(self) -> str:
        return f"{self.newsletter}: {self.subject}"


class IssueStory(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="issue_stories")
    article = models.ForeignKey("newsroom.Article", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "issue story"
        verbose_name_plural = "issue stories"
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(fields=["issue", "article"], name="story_once_per_issue")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} #{self.position}: {self.article_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    CLAIMED = "claimed", "Being sent"
    SENT = "sent", "Accepted by the mail server"
    FAILED = "failed", "Refused"
    SKIPPED = "skipped", "Not sent: unsubscribed, suppressed or no longer entitled meanwhile"


class Delivery(models.Model):
    """One recipient's copy of one issue. The unique constraint is what makes a send resumable:
    a recipient has one record per issue, and a record is sent once."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    signup = models.ForeignKey(Signup, on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.EmailField(max_length=254)
    user_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # Which sender holds the record, and since when (a claim older than the lease is retried).
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "email"], name="one_copy_per_recipient")
        ]
        indexes = [models.Index(fields=["issue", "status"], name="delivery_claim_idx")]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.issue_id} to {self.email} ({self.status})"

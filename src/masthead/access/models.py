"""What the gate reads: meter rules, meter views, entitlement grants and the prompt's copy."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Benefit(models.TextChoices):
    UNLIMITED_STORIES = "unlimited_stories", "Unlimited stories"
    PREMIUM_STORIES = "premium_stories", "Premium stories"
    MARKET_ANALYSIS = "market_analysis", "Market analysis"
    ARCHIVES = "archives", "Archives"
    EPAPER = "epaper", "E-paper"
    NEWSLETTERS = "newsletters", "Newsletters"
    AD_FREE = "ad_free", "Ad-free reading"
    DEVICES = "devices", "Access on every device"
    PARTNER_BUNDLE = "partner_bundle", "Partner subscription"


class GrantSource(models.TextChoices):
    SUBSCRIPTION = "subscription", "Subscription"
    COMPLIMENTARY = "complimentary", "Complimentary"
    GIFT = "gift", "Gift"
    PARTNER = "partner", "Partner"


class Grant(models.Model):
    """A reader may use a benefit from ``starts_at`` until ``ends_at`` (open-ended if null)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    benefit = models.CharField(max_length=32, choices=Benefit.choices)
    source = models.CharField(max_length=20, choices=GrantSource.choices)
    source_reference = models.CharField(
        max_length=100, blank=True, help_text="What granted it, e.g. subscription:42."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty means forever.")
    note = models.CharField(max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-starts_at",)
        indexes = [models.Index(fields=["user", "revoked_at", "ends_at"], name="grant_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="grant_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} for {self.user} ({self.get_source_display()})"


class Audience(models.TextChoices):
    ANONYMOUS = "anonymous", "Anonymous readers"
    REGISTERED = "registered", "Signed-in readers without access"


class MeterPeriod(models.TextChoices):
    CALENDAR_MONTH = "calendar_month", "Calendar month (publisher's time zone)"
    ROLLING_DAYS = "rolling_days", "Rolling window of N days"


class MeterRule(models.Model):
    """How many metered stories an audience may read free. The first active match applies."""

    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=100, help_text="Smallest is tried first.")
    is_active = models.BooleanField(default=True)
    audience = models.CharField(max_length=12, choices=Audience.choices)
    free_limit = models.PositiveSmallIntegerField(
        help_text="Free stories per period. 0 means every metered story needs a subscription."
    )
    period = models.CharField(
        max_length=16, choices=MeterPeriod.choices, default=MeterPeriod.CALENDAR_MONTH
    )
    rolling_days = models.PositiveSmallIntegerField(
        default=30, help_text="Only for a rolling window: its length in days (1–366)."
    )
    counted_sections = models.ManyToManyField(
        "newsroom.Section",
        blank=True,
        related_name="+",
        help_text="Only stories in these sections count. Empty: every metered story.",
    )
    exempt_sections = models.ManyToManyField(
        "newsroom.Section",
        blank=True,
        related_name="+",
        help_text="Stories in these sections are free under this rule.",
    )
    exempt_wire_stories = models.BooleanField(
        default=False, help_text="Syndicated (wire) stories are free under this rule."
    )

    class Meta:
        ordering = ("position", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rolling_days__gte=1, rolling_days__lte=366),
                name="meter_rule_rolling_days_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MeterView(models.Model):
    """One story counted against one reader's meter (the database meter store)."""

    reader_key = models.CharField(max_length=64)
    article_id = models.BigIntegerField()
    viewed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["reader_key", "viewed_at"], name="meterview_reader_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_key} read {self.article_id} at {self.viewed_at:%Y-%m-%d %H:%M}"


class MeterMiss(models.Model):
    """A story let through (or refused) because the meter store could not be reached."""

    reader_key = models.CharField(max_length=64)
    article_id = models.BigIntegerField()
    occurred_at = models.DateTimeField(auto_now_add=True)
    store = models.CharField(max_length=20)
    policy = models.CharField(max_length=10)
    error = models.CharField(max_length=300)

    class Meta:
        ordering = ("-occurred_at",)
        verbose_name_plural = "meter misses"

    def __str__(self) -> str:
        return f"{self.store} unavailable at {self.occurred_at:%Y-%m-%d %H:%M}"


class PromptKind(models.TextChoices):
    METER_ANONYMOUS = "meter_anonymous", "Meter used up — anonymous reader"
    METER_REGISTERED = "meter_registered", "Meter used up — signed-in reader"
    REGISTRATION = "registration", "Registration wall — anonymous reader, more stories free"
    PREMIUM_ANONYMOUS = "premium_anonymous", "Premium story — anonymous reader"
    PREMIUM_REGISTERED = "premium_registered", "Premium story — signed-in reader"
    MARKET_ANONYMOUS = "market_anonymous", "Market analysis story — anonymous reader"
    MARKET_REGISTERED = "market_registered", "Market analysis story — signed-in reader"
    ARCHIVE_ANONYMOUS = "archive_anonymous", "Archive story — anonymous reader"
    ARCHIVE_REGISTERED = "archive_registered", "Archive story — signed-in reader"


DEFAULT_ARCHIVE_AFTER_DAYS = 365


class ArchivePolicy(models.Model):
    """When a story moves into the archives, which only readers with the archives benefit open.

    One row (the first is used); with none, stories are archived after a year. A back-office
    setting rather than an environment variable, so the publisher changes it without a deploy.
    """

    archive_after_days = models.PositiveIntegerField(
        "archive stories older than (days)",
        default=DEFAULT_ARCHIVE_AFTER_DAYS,
        help_text=(
            "Metered and premium stories published more than this many days ago need the "
            "archives benefit. Free stories stay free. 0 turns the archive rule off."
        ),
    )

    class Meta:
        verbose_name = "archive policy"
        verbose_name_plural = "archive policy"

    def __str__(self) -> str:
        if not self.archive_after_days:
            return "No archive rule"
        return f"Stories older than {self.archive_after_days} days need the archives"


class PromptCopy(models.Model):
    """The words of the paywall prompt. ``{placeholders}`` are filled in when shown."""

    kind = models.CharField(max_length=24, choices=PromptKind.choices, unique=True)
    heading = models.CharField(max_length=200)
    message = models.CharField(max_length=300, blank=True)
    button_label = models.CharField(max_length=80)
    secondary = models.CharField(
        max_length=200,
        blank=True,
        help_text="A line under the button, e.g. the registration offer.",
    )
    footnote = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "prompt copy"
        verbose_name_plural = "prompt copy"

    def __str__(self) -> str:
        return self.get_kind_display()


class BenefitCopy(models.Model):
    """How a benefit is described to readers on the prompt and the subscribe page."""

    benefit = models.CharField(max_length=32, choices=Benefit.choices, unique=True)
    title = models.CharField(max_length=120)
    description = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ("position", "pk")
        verbose_name_plural = "benefit copy"

    def __str__(self) -> str:
        return self.title

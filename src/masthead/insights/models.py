"""Reader-revenue events (raw, kept for a while), their rollups, and subscription attributions.

Only pseudonymous reader ids are stored: a keyed hash of the meter key (see ``events``), never
an email address or an IP address.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class EventKind(models.TextChoices):
    STORY_VIEW = "story_view", "Story view"
    PROMPT = "prompt", "Prompt shown"
    SUBSCRIBE_CLICK = "subscribe_click", "Subscribe clicked"
    REGISTRATION = "registration", "Registered"
    GIFT_OPEN = "gift_open", "Gift link opened"
    # From billing's ledger at rollup time (never captured on a page):
    CHECKOUT_STARTED = "checkout_started", "Checkout started"
    CHECKOUT_PAID = "checkout_paid", "Paid"
    CHECKOUT_FAILED = "checkout_failed", "Payment failed"
    CANCELLED = "cancelled", "Cancelled"
    REACTIVATED = "reactivated", "Reactivated"


class ReaderEvent(models.Model):
    """One thing a reader did on the site. Deleted after ``INSIGHTS_RAW_RETENTION_DAYS``."""

    kind = models.CharField(max_length=20, choices=EventKind.choices)
    occurred_at = models.DateTimeField(db_index=True)
    reader = models.CharField(max_length=16, help_text="Pseudonym of the reader (keyed hash).")
    visitor = models.CharField(
        max_length=16, blank=True, help_text="Pseudonym of the browser, to join a visit."
    )
    story_id = models.PositiveBigIntegerField(null=True, blank=True)
    section = models.CharField(max_length=80, blank=True)
    outcome = models.CharField(max_length=12, blank=True)
    prompt = models.CharField(max_length=30, blank=True)
    meter_rule = models.CharField(max_length=40, blank=True)
    referrer = models.CharField(max_length=12, blank=True)
    device = models.CharField(max_length=8, blank=True)
    reads_used = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["reader", "occurred_at"], name="event_reader_idx")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.occurred_at:%Y-%m-%d %H:%M}"


class Bucket(models.TextChoices):
    HOUR = "h", "Hour"
    DAY = "d", "Day"


class Rollup(models.Model):
    """A count of one kind of event in one hour or day (publisher's time) for one value of one
    dimension. The dimension ``all`` (value "") is the total."""

    bucket = models.CharField(max_length=1, choices=Bucket.choices)
    starts_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    dimension = models.CharField(max_length=16)
    value = models.CharField(max_length=120, blank=True)
    count = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "starts_at", "kind", "dimension", "value"], name="one_rollup_row"
            )
        ]
        indexes = [
            models.Index(
                fields=["bucket", "kind", "dimension", "starts_at"], name="rollup_read_idx"
            )
        ]
        permissions = [
            ("view_revenue", "Can see the revenue and conversion dashboards"),
            ("export_readers", "Can export and import readers and subscribers (CSV)"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.dimension}={self.value} {self.starts_at:%Y-%m-%d %H}: {self.count}"
        )


class Conversion(models.Model):
    """A first payment and where its reader was when they decided: the last story they read
    before paying and the first story of that visit, with the prompt they had seen."""

    subscription_id = models.PositiveBigIntegerField(unique=True)
    paid_at = models.DateTimeField(db_index=True)
    plan = models.CharField(max_length=80)
    currency = models.CharField(max_length=3)
    reader = models.CharField(max_length=16)
    last_story_id = models.PositiveBigIntegerField(null=True, blank=True)
    first_story_id = models.PositiveBigIntegerField(null=True, blank=True)
    prompt = models.CharField(max_length=30, blank=True)
    meter_rule = models.CharField(max_length=40, blank=True)
    section = models.CharField(max_length=80, blank=True)
    referrer = models.CharField(max_length=12, blank=True)
    device = models.CharField(max_length=8, blank=True)

    def __str__(self) -> str:
        return f"subscription {self.subscription_id} paid {self.paid_at:%Y-%m-%d}"


class RollupState(models.Model):
    """How far the rollups are complete (one row)."""

    rolled_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rolled until {self.rolled_until}"


class RevenueFigure(models.Model):
    """One figure of a revenue snapshot: what the worker worked out from billing's ledger as of
    ``as_of`` (``insights.snapshots``), so the dashboard reads a few hundred rows instead of
    the ledger. ``kind`` says what the row holds:

    - ``move``: a month's MRR movement in one currency; ``label`` names the figure
      (``start_mrr``, ``new``, … ``churned_customers``), ``amount`` its value; the month runs
      from its first instant to the next month's (or ``as_of``, if still running).
    - ``plan`` / ``gateway``: paying subscribers (``count``) and MRR (``amount``) at the end of
      ``month`` (or ``as_of``) for one plan name or gateway (``label``) and currency.
    - ``cohort_size``: customers whose first paid period began in ``month``; ``cohort``: how
      many of them paid at the first instant of the month ``at`` names.
    - ``recovery``: renewals whose first payment was declined in ``month`` (``count``) and how
      many of them were paid since (``amount``).
    - ``status``: subscribers active, trialling, past due, cancelling (``label``) at ``as_of``.
    - ``due``: renewals due within ``label`` days of ``as_of`` per currency (count, amount);
      ``renewal``: one of the first renewals due (subscription id in ``label``, due ``at``).
    """

    as_of = models.DateTimeField()
    kind = models.CharField(max_length=12)
    month = models.DateField(null=True, blank=True)
    at = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    label = models.CharField(max_length=120, blank=True)
    count = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["as_of", "kind"], name="revenue_figure_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.month} {self.currency} {self.label}: {self.count}/{self.amount}"


class RevenueDashboard(Rollup):
    """The revenue dashboard's entry in the back office's index (no table of its own)."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = verbose_name_plural = "Revenue dashboard"


class ConversionDashboard(Rollup):
    """The conversion dashboard's entry in the back office's index (no table of its own)."""

    class Meta:
        proxy = True
        default_permissions = ()
        verbose_name = verbose_name_plural = "Conversion dashboard"


class SubscriptionFact(models.Model):
    """What the revenue snapshot needs of one subscription (not its MRR, see ``MrrSpan``),
    copied from billing's ledger by ``revenue_facts.refresh`` when the ledger changed."""

    subscription_id = models.PositiveBigIntegerField(primary_key=True)
    customer_id = models.PositiveBigIntegerField(db_index=True)
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField()
    first_paid_at = models.DateTimeField(null=True, blank=True)  # its first paid period's start
    state = models.CharField(max_length=12, blank=True)  # active, trialling, past_due, cancelling
    renews_at = models.DateTimeField(null=True, blank=True)  # active, not cancelling: period end

    def __str__(self) -> str:
        return f"subscription {self.subscription_id} ({self.state or 'ended'})"


class MrrSpan(models.Model):
    """One subscription's MRR over [``starts_at``, ``ends_at``): from a paid period's start
    to the next paid period's start or the subscription's end (open while neither is known).
    The subscription's MRR at any instant is the span holding it (spans of one subscription
    never overlap), or nothing. Keyed by (subscription, start): a month passing changes no row.
    """

    subscription_id = models.PositiveBigIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    mrr = models.BigIntegerField()
    customer_id = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField()  # the subscription's
    ended_unpaid = models.BooleanField(default=False)  # the subscription ended unpaid
    plan_name = models.CharField(max_length=120)
    gateway = models.CharField(max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription_id", "starts_at"], name="one_mrr_span")
        ]
        indexes = [models.Index(fields=["customer_id"], name="mrr_span_customer_idx")]

    def __str__(self) -> str:
        return f"subscription {self.subscription_id} from {self.starts_at:%Y-%m-%d}: {self.mrr}"


class RevenueFactsState(models.Model):
    """How far ``SubscriptionFact`` and ``MrrSpan`` follow billing's ledger (one row)."""

    mark: models.JSONField[Any, Any] = models.JSONField(default=dict)  # revenue.LedgerMark
    refreshed_at = models.DateTimeField()  # when the last refresh began (wall clock)

    def __str__(self) -> str:
        return f"revenue facts refreshed {self.refreshed_at}"

"""Plans, subscriptions, payments, invoices and the records that make billing trustworthy.

Money is an integer count of minor units plus an ISO currency. Times are aware UTC; a sandbox
customer may run on a test clock (see ``billing.clock``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Plan(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    period_months = models.PositiveSmallIntegerField(help_text="Billing period in months.")
    benefits: models.JSONField[Any, Any] = models.JSONField(
        default=list, blank=True, help_text="The benefits a subscription to this plan grants."
    )
    trial_days = models.PositiveSmallIntegerField(
        default=0, help_text="Free days before the first charge (0: charge at once)."
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(
        default=True, help_text="Retired plans keep their subscribers but are not offered."
    )

    class Meta:
        ordering = ("display_order", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_months__gte=1), name="plan_period_at_least_a_month"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CurrentPrices(models.Manager["PlanPrice"]):
    """The prices offered now: a retired version stays for its subscribers' records only."""

    def get_queryset(self) -> models.QuerySet[PlanPrice]:
        return super().get_queryset().filter(retired_at__isnull=True)


class AllPriceVersions(models.Manager["PlanPrice"]):
    """Every version of a price, retired ones too (a subscriber's record, the back office)."""


class PlanPrice(models.Model):
    """A plan's price in one currency: INR for readers in India, USD for readers abroad.

    Versioned, never edited in place (ADR 0014): a new price is a new row, with its own gateway
    plan/price, and retires the one before. ``objects`` sees only current prices, so every
    "the plan's price" lookup offers the new one; ``versions`` sees them all.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3)
    amount_minor = models.PositiveBigIntegerField(
        help_text="Price per period in minor units (paise): ₹2,700 is 270000."
    )
    intro_amount_minor = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Optional price for the first period only."
    )
    # The gateways' own plan for this price ({"razorpay": "plan_..."}), made on first checkout.
    gateway_plan_ids = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="When a newer price replaced this one for new readers."
    )

    objects = CurrentPrices()
    versions = AllPriceVersions()

    class Meta:
        ordering = ("plan", "currency", "-created_at")
        base_manager_name = "versions"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "currency"],
                condition=Q(retired_at__isnull=True),
                name="one_current_price_per_currency",
            ),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="price_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.currency} {self.amount_minor}"


class TestClock(models.Model):
    """A frozen, movable 'now' for sandbox customers (like Stripe's test clocks)."""

    __test__ = False  # not a pytest test class, whatever its name

    name = models.CharField(max_length=80)
    frozen_time = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.frozen_time:%Y-%m-%d %H:%M}"


class SandboxOutcome(models.TextChoices):
    """What staff can make a sandbox customer's next charge do (the gateway's test mode)."""

    NORMAL = "", "As the saved card says"
    DECLINE = "card_declined", "Decline"
    AUTHENTICATE = "authentication_required", "Need authentication"
    NO_FUNDS = "insufficient_funds", "Fail for insufficient funds"


class Customer(models.Model):
    """The billing side of a reader: gateway identity, tax details, payment method."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="billing_customer"
    )
    gateway = models.CharField(max_length=20, default="sandbox")
    gateway_customer_id = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200, blank=True)
    state_code = models.CharField(
        max_length=2, blank=True, help_text="GST state code of the reader's address, e.g. 27."
    )
    gstin = models.CharField(max_length=15, blank=True)
    # The address on record (CGST Rule 46(d)-(f), IGST Act s.12(2), s.13(12)): where the reader
    # is decides the place of supply, and whether a supply is an export.
    address = models.CharField(max_length=300, blank=True, help_text="Street address.")
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=12, blank=True)
    country_code = models.CharField(
        max_length=2, default="IN", help_text="ISO 3166 country of the address, e.g. IN, US."
    )
    payment_method = models.CharField(
        max_length=100, blank=True, help_text="The gateway's token for the saved card or mandate."
    )
    payment_method_label = models.CharField(max_length=100, blank=True)
    mandate_limit_minor = models.PositiveBigIntegerField(
        default=1_500_000, help_text="Largest renewal the mandate allows without authentication."
    )
    test_clock = models.ForeignKey(
        TestClock, on_delete=models.SET_NULL, null=True, blank=True, related_name="customers"
    )
    sandbox_next_charge = models.CharField(
        max_length=32,
        choices=SandboxOutcome.choices,
        default=SandboxOutcome.NORMAL,
        blank=True,
        help_text="Sandbox only: the next charge does this whatever the card, then back to normal.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or str(self.user)


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", "Pending first payment"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    ENDED = "ended", "Ended"


LIVE_STATUSES = (SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


class EndReason(models.TextChoices):
    CANCELLED = "cancelled", "Cancelled by the reader"
    UNPAID = "unpaid", "Ended unpaid after retries"
    STAFF = "staff", "Ended by staff"
    ABANDONED = "abandoned", "First payment never completed"


class CancellationReason(models.TextChoices):
    """Why a reader left, as they chose it when cancelling (counted in the back office)."""

    NONE = "", "Not given"
    TOO_EXPENSIVE = "too_expensive", "Too expensive"
    NOT_READING = "not_reading", "I don't read enough"
    CONTENT = "content", "Missing the coverage I want"
    ELSEWHERE = "elsewhere", "Reading elsewhere"
    TECHNICAL = "technical", "Problems with the site or app"
    TEMPORARY = "temporary", "Taking a break"
    OTHER = "other", "Something else"


class Subscription(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    currency = models.CharField(max_length=3)
    amount_minor = models.PositiveBigIntegerField(help_text="What each renewal charges.")
    status = models.CharField(
        max_length=12, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    anchor = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Start of the first period; every period end derives from it.",
    )
    period_index = models.PositiveIntegerField(default=0)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    cancellation_reason = models.CharField(max_length=300, blank=True)
    cancellation_reason_code = models.CharField(
        "cancellation reason",
        max_length=16,
        choices=CancellationReason.choices,
        default=CancellationReason.NONE,
        blank=True,
    )
    next_plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A downgrade waiting for the next renewal.",
    )
    next_action_at = models.DateTimeField(null=True, blank=True, db_index=True)
    retry_count = models.PositiveSmallIntegerField(default=0)
    grace_until = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=12, choices=EndReason.choices, blank=True)
    checkout_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    next_url = models.CharField(max_length=300, blank=True)
    # Hosted checkout (Razorpay Subscriptions, Stripe Checkout): the gateway's checkout and the
    # subscription it schedules charges on. Empty for the sandbox.
    gateway_checkout_id = models.CharField(max_length=100, blank=True)
    gateway_checkout_url = models.URLField(max_length=500, blank=True)
    gateway_subscription_id = models.CharField(max_length=100, blank=True, db_index=True)
    # The gateway's own word for its subscription when last fetched ("active", "halted", ...).
    gateway_status = models.CharField(max_length=30, blank=True)
    # The gateway stopped collecting (cancelled at the bank or in the UPI app, paused,
    # completed): ``cancel_at_period_end`` was set for that reason, not by the reader, and a
    # resume at the gateway clears it again.
    gateway_stopped = models.BooleanField(default=False)
    # A price change staff made (``services.price_change``): renewals for periods starting at
    # or after ``next_amount_from`` charge ``next_amount_minor``; the reader was told ahead.
    next_amount_minor = models.PositiveBigIntegerField(null=True, blank=True)
    next_amount_from = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            # A reader has at most one live subscription: a double checkout cannot make two.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=["pending", "active", "past_due"]),
                name="one_live_subscription_per_customer",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_action_at"], name="sub_due_idx")]

    def __str__(self) -> str:
        return f"{self.plan} for {self.customer} ({self.status})"


class InvoiceStatus(models.TextChoices):
    OPEN = "open", "Open (awaiting payment)"
    PAID = "paid", "Paid"
    VOID = "void", "Void (never paid)"


class InvoiceKind(models.TextChoices):
    INITIAL = "initial", "First period"
    RECURRING = "recurring", "Renewal"
    PRORATION = "proration", "Plan change"


class Invoice(models.Model):
    """A GST tax invoice. Numbered only when paid, so numbers have no gaps; then frozen."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    status = models.CharField(max_length=8, choices=InvoiceStatus.choices, default="open")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    currency = models.CharField(max_length=3)
    total_minor = models.PositiveBigIntegerField()
    taxable_minor = models.PositiveBigIntegerField(default=0)
    cgst_minor = models.PositiveBigIntegerField(default=0)
    sgst_minor = models.PositiveBigIntegerField(default=0)
    igst_minor = models.PositiveBigIntegerField(default=0)
    # What rounding each head to the paisa leaves over (±1 paisa), so the parts make the total.
    round_off_minor = models.BigIntegerField(default=0)
    tax_rate_bp = models.PositiveIntegerField(default=0, help_text="Tax rate in basis points.")
    # GST state code of the place of supply ("96": outside India), fixed when opened.
    place_of_supply = models.CharField(max_length=2, blank=True)
    supply_type = models.CharField(
        max_length=6, blank=True, help_text="B2B, B2C, EXPWOP (export under LUT) or EXPWP."
    )
    # The lines of the invoice: [{"description", "amount_minor"}], amounts as charged (with GST
    # when prices include it); an upgrade's credit for the unused part is a negative line.
    lines: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    description = models.CharField(max_length=200)
    number = models.CharField(max_length=32, unique=True, null=True, blank=True)
    financial_year = models.CharField(max_length=7, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    buyer: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    seller: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            # One renewal invoice per subscription per period, enforced by the database.
            models.UniqueConstraint(
                fields=["subscription", "period_start"],
                condition=Q(kind="recurring"),
                name="one_recurring_invoice_per_period",
            ),
            models.UniqueConstraint(
                fields=["subscription"],
                condition=Q(kind="initial"),
                name="one_initial_invoice_per_subscription",
            ),
            models.UniqueConstraint(
                fields=["financial_year", "sequence"], name="invoice_sequence_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Invoice (unnumbered) #{self.pk}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Sent to the gateway, outcome unknown"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    REQUIRES_ACTION = "requires_action", "Waiting for the reader to authenticate"


class Payment(models.Model):
    """One attempt to collect an invoice. The key is written before the gateway is called."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    gateway = models.CharField(max_length=20)
    idempotency_key = models.CharField(max_length=200, unique=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=16, choices=PaymentStatus.choices, default="pending")
    gateway_payment_id = models.CharField(max_length=100, blank=True)
    failure_code = models.CharField(max_length=60, blank=True)
    failure_message = models.CharField(max_length=300, blank=True)
    refunded_minor = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            # The worker's sweep of payments left pending (``operations.reconcile_stale_payments``).
            models.Index(
                fields=["created_at"], condition=Q(status="pending"), name="payment_pending_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status="succeeded"),
                name="one_successful_payment_per_invoice",
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=models.F("amount_minor")),
                name="refunds_never_exceed_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idempotency_key} {self.status}"


class CreditNote(models.Model):
    """A refund's tax document, against the invoice it reduces."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.PositiveBigIntegerField()
    taxable_minor = models.PositiveBigIntegerField(default=0)
    cgst_minor = models.PositiveBigIntegerField(default=0)
    sgst_minor = models.PositiveBigIntegerField(default=0)
    igst_minor = models.PositiveBigIntegerField(default=0)
    round_off_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    gateway_refund_id = models.CharField(max_length=100, blank=True)
    number = models.CharField(max_length=32, unique=True)
    financial_year = models.CharField(max_length=7)
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ("-issued_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "sequence"], name="credit_note_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return self.number


class DocumentSequence(models.Model):
    """The last number used per series and financial year; locked while numbering."""

    series = models.CharField(max_length=8)
    financial_year = models.CharField(max_length=7)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "financial_year"], name="one_sequence_row")
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.financial_year}: {self.last_number}"


class PreDebitNotice(models.Model):
    """India's rule: the exact amount and date, told at least 24 hours before a renewal charge."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="pre_debit_notices"
    )
    period_start = models.DateTimeField()
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    charge_on = models.DateTimeField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_start"], name="one_notice_per_renewal"
            )
        ]

    def __str__(self) -> str:
        return f"Notice for {self.subscription_id} @ {self.period_start:%Y-%m-%d}"


class WebhookEvent(models.Model):
    """Every delivery from a gateway, stored raw; the unique id makes duplicates harmless."""

    gateway = models.CharField(max_length=20)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=200, blank=True)
    payload = models.TextField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("-received_at",)
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="webhook_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_type} {self.event_id}"


class BillingEvent(models.Model):
    """A reader's billing timeline, for support staff."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=300)
    occurred_at = models.DateTimeField()
    data: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-occurred_at", "-pk")

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class SandboxCharge(models.Model):
    """The sandbox gateway's own ledger: what a real gateway would remember about a charge."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    payment_id = models.CharField(max_length=40, unique=True)
    customer_ref = models.CharField(max_length=100)
    amount_minor = models.PositiveBigIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16)
    failure_code = models.CharField(max_length=60, blank=True)
    refunded_minor = models.PositiveBigIntegerField(default=0)
    refund_ids: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    # The reader was present and is shown the sandbox's challenge page (approve / fail).
    challenged = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.payment_id} {self.status}"


class EInvoiceStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be registered"
    REGISTERED = "registered", "Registered (IRN issued)"
    FAILED = "failed", "Failed; will be retried"
    TOO_LATE = "too_late", "Too late for the IRP (30-day limit); not retried"


class EInvoiceRegistration(models.Model):
    """A tax document's registration with the Invoice Registration Portal (e-invoicing):
    B2B invoices, exports and their credit notes. Never blocks the reader's access."""

    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="einvoice"
    )
    credit_note = models.OneToOneField(
        CreditNote, on_delete=models.PROTECT, null=True, blank=True, related_name="einvoice"
    )
    status = models.CharField(
        max_length=10, choices=EInvoiceStatus.choices, default=EInvoiceStatus.PENDING
    )
    irn = models.CharField(max_length=64, blank=True)
    ack_no = models.CharField(max_length=20, blank=True)
    ack_at = models.DateTimeField(null=True, blank=True)
    signed_qr = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, credit_note__isnull=True)
                | Q(invoice__isnull=True, credit_note__isnull=False),
                name="einvoice_one_document",
            )
        ]

    def __str__(self) -> str:
        return self.irn or f"e-invoice #{self.pk} ({self.status})"


class ExchangeRate(models.Model):
    """The rupees one unit of a foreign currency is worth over a span of days, as the
    publisher's accountant enters it (CGST Rule 34(2): the rate "determined as per the
    generally accepted accounting principles for the date of time of supply" of a service).

    A span may be one day (an RBI/FBIL reference rate) or the fortnight of a CBIC customs
    notification. Spans of one currency never overlap, so every date has at most one rate;
    a rate that converts an issued document is never changed or deleted (``exchange`` module).
    """

    currency = models.CharField(max_length=3)
    valid_from = models.DateField(help_text="First day (publisher's time zone) it applies to.")
    valid_until = models.DateField(help_text="Last day it applies to (the same day for one).")
    # Rupees per unit, exactly as notified: four decimals (₹84.1234 per US dollar).
    inr_per_unit = models.DecimalField(max_digits=10, decimal_places=4)
    source = models.CharField(
        max_length=200, help_text="Where the rate comes from, e.g. 'RBI reference rate'."
    )
    entered_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("currency", "-valid_from")
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="one_rate_per_start"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="rate_span_ordered"
            ),
            models.CheckConstraint(condition=Q(inr_per_unit__gt=0), name="rate_positive"),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$") & ~Q(currency="INR"),
                name="rate_foreign_iso",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} ₹{self.inr_per_unit} ({self.valid_from}–{self.valid_until})"

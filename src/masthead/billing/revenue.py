"""Read-only selectors over billing's ledger for revenue insights (``masthead.insights``).

Nothing here writes. Insights reads subscriptions, paid periods, payments, credit notes and the
billing timeline only through these functions, so billing may reshape its tables (packages,
price versions) and keep insights working by changing this one module.

A *paid segment* is a paid invoice's period: what the reader paid for and for how long. Its
``price_minor`` is the plan's price for that period (``invoicing.price_of``: excluding GST when
prices exclude tax), except for a plan change (proration) invoice, which bills the new price
less a credit: its segment carries the new plan's full price, read from the upgrade's payment
key (``services._upgrade_key``: ``upgrade:<subscription>:<plan>:<period start>``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Min, Model, Q

from masthead.billing.invoicing import charge_total
from masthead.billing.models import (
    BillingEvent,
    CreditNote,
    Customer,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    PlanPrice,
    Subscription,
    SubscriptionStatus,
)

_PERIOD_KINDS = (InvoiceKind.INITIAL, InvoiceKind.RECURRING, InvoiceKind.PRORATION)


@dataclass(frozen=True, slots=True)
class Segment:
    starts_at: dt.datetime
    ends_at: dt.datetime
    price_minor: int
    months: int


@dataclass(frozen=True, slots=True)
class SubscriptionLedger:
    id: int
    customer_id: int
    user_id: int
    currency: str
    gateway: str
    plan_slug: str
    plan_name: str
    status: str
    cancel_at_period_end: bool
    created_at: dt.datetime
    ended_at: dt.datetime | None
    end_reason: str
    amount_minor: int
    current_period_end: dt.datetime | None
    next_plan_id: int | None
    segments: tuple[Segment, ...]  # paid periods, in order of start

    @property
    def is_trialling(self) -> bool:
        return self.status == SubscriptionStatus.ACTIVE and not self.segments


def months_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole billing months from ``start`` to ``end`` in the publisher's time zone (periods
    are anchored there: 31 Jan → 28 Feb is one month). At least one."""
    zone = ZoneInfo(settings.TIME_ZONE)
    a, b = start.astimezone(zone), end.astimezone(zone)
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if b.day < a.day and b.day != _last_day(b):
        months -= 1
    return max(1, months)


def _last_day(moment: dt.datetime) -> int:
    import calendar

    return calendar.monthrange(moment.year, moment.month)[1]


def _proration_prices(
    *, customers: tuple[int, int] | None = None, subscription_ids: Collection[int] | None = None
) -> dict[int, int]:
    """Invoice id → the full price of the plan an upgrade moved to."""
    paid = Payment.objects.filter(
        invoice__kind=InvoiceKind.PRORATION,
        invoice__status=InvoiceStatus.PAID,
        status=PaymentStatus.SUCCEEDED,
    )
    if customers is not None:
        paid = paid.filter(
            invoice__customer_id__gte=customers[0], invoice__customer_id__lt=customers[1]
        )
    if subscription_ids is not None:
        paid = paid.filter(invoice__subscription_id__in=list(subscription_ids))
    rows = paid.values_list("invoice_id", "idempotency_key", "currency")
    prices = {
        (plan_id, currency): int(amount)
        for plan_id, currency, amount in PlanPrice.objects.values_list(
            "plan_id", "currency", "amount_minor"
        )
    }
    found: dict[int, int] = {}
    for invoice_id, key, currency in rows:
        parts = str(key).split(":")
        if len(parts) >= 3 and parts[0] == "upgrade" and parts[2].isdigit():
            price = prices.get((int(parts[2]), str(currency)))
            if price is not None:
                found[int(invoice_id)] = price
    return found


def customer_id_bounds() -> tuple[int, int]:
    """The lowest customer id and one past the highest (0, 0 with no customers), to read the
    ledger a slice of customers at a time."""
    low = Customer.objects.order_by("pk").values_list("pk", flat=True).first()
    high = Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (int(low), int(high) + 1) if low is not None and high is not None else (0, 0)


def subscription_ledgers(
    *,
    created_before: dt.datetime | None = None,
    customers: tuple[int, int] | None = None,
    subscription_ids: Collection[int] | None = None,
) -> list[SubscriptionLedger]:
    """Every subscription that ever started (pending checkouts that never paid nor started a
    trial are left out) with its paid segments; with ``customers`` = (first, end), only those
    of customers with ids in [first, end), so a large ledger is read a slice at a time; with
    ``subscription_ids``, only those subscriptions."""
    subs = Subscription.objects.exclude(status=SubscriptionStatus.PENDING)
    invoices = Invoice.objects.filter(status=InvoiceStatus.PAID, kind__in=_PERIOD_KINDS)
    if created_before is not None:
        subs = subs.filter(created_at__lt=created_before)
    if customers is not None:
        subs = subs.filter(customer_id__gte=customers[0], customer_id__lt=customers[1])
        invoices = invoices.filter(customer_id__gte=customers[0], customer_id__lt=customers[1])
    if subscription_ids is not None:
        subs = subs.filter(pk__in=list(subscription_ids))
        invoices = invoices.filter(subscription_id__in=list(subscription_ids))
    proration = _proration_prices(customers=customers, subscription_ids=subscription_ids)
    segments: dict[int, list[Segment]] = defaultdict(list)
    tax_inclusive = settings.PRICES_INCLUDE_TAX
    for inv_id, sub_id, kind, start, end, total, taxable in invoices.values_list(
        "pk",
        "subscription_id",
        "kind",
        "period_start",
        "period_end",
        "total_minor",
        "taxable_minor",
    ).order_by("period_start", "pk"):
        if kind == InvoiceKind.PRORATION:
            price = proration.get(int(inv_id))
            if price is None:
                continue
        else:
            price = int(total if tax_inclusive else taxable)
        segments[int(sub_id)].append(
            Segment(
                starts_at=start, ends_at=end, price_minor=price, months=months_between(start, end)
            )
        )
    ledgers = []
    for row in subs.values_list(
        "pk",
        "customer_id",
        "customer__user_id",
        "currency",
        "customer__gateway",
        "plan__slug",
        "plan__name",
        "status",
        "cancel_at_period_end",
        "created_at",
        "ended_at",
        "end_reason",
        "amount_minor",
        "current_period_end",
        "next_plan_id",
    ).order_by("pk"):
        ledgers.append(
            SubscriptionLedger(
                *row[:12], int(row[12]), row[13], row[14], tuple(segments.get(int(row[0]), ()))
            )
        )
    return ledgers


@dataclass(frozen=True, slots=True)
class LedgerMark:
    """How far billing's ledger had got: the highest id of each record that names a
    subscription (ids only grow; a row is never renumbered)."""

    subscription: int = 0
    invoice: int = 0
    payment: int = 0
    event: int = 0
    credit_note: int = 0


def _highest(model: type[Model]) -> int:
    pk = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(pk) if pk is not None else 0


def ledger_mark() -> LedgerMark:
    return LedgerMark(
        subscription=_highest(Subscription),
        invoice=_highest(Invoice),
        payment=_highest(Payment),
        event=_highest(BillingEvent),
        credit_note=_highest(CreditNote),
    )


def subscriptions_changed(*, after: LedgerMark, since: dt.datetime) -> set[int]:
    """The subscriptions whose ledger may have changed: one named by a subscription, invoice,
    payment, timeline event or credit note added after the mark ``after``, or by a row whose
    own time says it changed at or after ``since`` (an invoice issued, i.e. paid and numbered;
    a payment settled; a subscription ended; a timeline event), to catch rows that
    were edited rather than added, and rows another transaction committed late. Billing keeps
    no ``updated_at``; these are the times its writers set when they change a row."""
    found: set[int] = set()
    queries = [
        Subscription.objects.filter(Q(pk__gt=after.subscription) | Q(ended_at__gte=since))
        .values_list("pk", flat=True),
        Invoice.objects.filter(Q(pk__gt=after.invoice) | Q(issued_at__gte=since))
        .values_list("subscription_id", flat=True),
        Payment.objects.filter(Q(pk__gt=after.payment) | Q(settled_at__gte=since))
        .values_list("invoice__subscription_id", flat=True),
        BillingEvent.objects.filter(Q(pk__gt=after.event) | Q(occurred_at__gte=since))
        .exclude(subscription=None)
        .values_list("subscription_id", flat=True),
        CreditNote.objects.filter(Q(pk__gt=after.credit_note) | Q(issued_at__gte=since))
        .values_list("invoice__subscription_id", flat=True),
    ]  # fmt: skip
    for query in queries:
        found.update(int(pk) for pk in query.iterator(chunk_size=5000) if pk is not None)
    return found


def subscription_labels() -> set[tuple[str, str]]:
    """The (plan name, gateway) pairs the subscriptions carry now. Renaming a plan changes no
    ledger row, so ``subscriptions_changed`` cannot see it: a label the revenue facts still hold
    that is not among these was renamed, and its subscriptions need their facts again."""
    return {
        (str(name), str(gateway))
        for name, gateway in Subscription.objects.values_list("plan__name", "customer__gateway")
        .order_by()
        .distinct()
    }


def expected_renewal_charges(*, subscription_ids: list[int]) -> dict[int, int]:
    """What each subscription's next renewal will charge: the plan it moves to (a waiting
    downgrade) or its own price, with GST on top when prices exclude it
    (``invoicing.charge_total``)."""
    prices = {
        (int(p), str(c)): int(a)
        for p, c, a in PlanPrice.objects.values_list("plan_id", "currency", "amount_minor")
    }
    charges: dict[int, int] = {}
    subs = Subscription.objects.filter(pk__in=subscription_ids).select_related("customer")
    for sub in subs.iterator(chunk_size=2000):
        amount = int(sub.amount_minor)
        if sub.next_plan_id is not None:
            amount = prices.get((int(sub.next_plan_id), sub.currency), amount)
        if not settings.PRICES_INCLUDE_TAX:
            amount = charge_total(customer=sub.customer, amount_minor=amount, currency=sub.currency)
        charges[sub.pk] = amount
    return charges


@dataclass(frozen=True, slots=True)
class PastDue:
    subscription_id: int
    customer: str
    plan_name: str
    currency: str
    amount_due_minor: int
    retries: int
    grace_until: dt.datetime | None
    failure: str


def past_due_queue(*, limit: int = 100) -> list[PastDue]:
    """The first ``limit`` past-due subscriptions, soonest grace end first (billing's own
    pages list them all)."""
    subs = list(
        Subscription.objects.filter(status=SubscriptionStatus.PAST_DUE)
        .select_related("customer__user", "plan")
        .order_by("grace_until", "pk")[:limit]
    )
    ids = [sub.pk for sub in subs]
    open_totals: dict[int, int] = defaultdict(int)
    for sub_id, total in Invoice.objects.filter(
        subscription_id__in=ids, status=InvoiceStatus.OPEN
    ).values_list("subscription_id", "total_minor"):
        open_totals[int(sub_id)] += int(total)
    failures = dict(
        Payment.objects.filter(
            invoice__subscription_id__in=ids,
            status=PaymentStatus.FAILED,
        )
        .order_by("invoice__subscription_id", "created_at")
        .values_list("invoice__subscription_id", "failure_message")
    )
    return [
        PastDue(
            subscription_id=sub.pk,
            customer=str(sub.customer),
            plan_name=sub.plan.name,
            currency=sub.currency,
            amount_due_minor=open_totals.get(sub.pk, int(sub.amount_minor)),
            retries=int(sub.retry_count),
            grace_until=sub.grace_until,
            failure=str(failures.get(sub.pk, "")),
        )
        for sub in subs
    ]


@dataclass(frozen=True, slots=True)
class FailedRenewal:
    invoice_id: int
    first_failed_at: dt.datetime
    recovered: bool
    currency: str
    total_minor: int


def failed_renewals(*, since: dt.datetime, until: dt.datetime) -> list[FailedRenewal]:
    """Renewal invoices whose first declined payment fell in [since, until), and whether
    they were paid in the end (recovered)."""
    firsts = (
        Payment.objects.filter(invoice__kind=InvoiceKind.RECURRING, status=PaymentStatus.FAILED)
        .values("invoice_id")
        .annotate(first=Min("created_at"))
        .filter(first__gte=since, first__lt=until)
    )
    first_at = {int(r["invoice_id"]): r["first"] for r in firsts}
    return [
        FailedRenewal(
            invoice_id=int(pk),
            first_failed_at=first_at[int(pk)],
            recovered=status == InvoiceStatus.PAID,
            currency=str(currency),
            total_minor=int(total),
        )
        for pk, status, currency, total in Invoice.objects.filter(pk__in=list(first_at))
        .values_list("pk", "status", "currency", "total_minor")
        .order_by("pk")
    ]


@dataclass(frozen=True, slots=True)
class CreditNoteRow:
    number: str
    issued_at: dt.datetime
    invoice_number: str
    currency: str
    amount_minor: int
    reason: str


def credit_notes(*, since: dt.datetime, until: dt.datetime) -> list[CreditNoteRow]:
    return [
        CreditNoteRow(str(n), at, str(inv or ""), str(c), int(a), str(r))
        for n, at, inv, c, a, r in CreditNote.objects.filter(
            issued_at__gte=since, issued_at__lt=until
        )
        .order_by("issued_at", "pk")
        .values_list("number", "issued_at", "invoice__number", "currency", "amount_minor", "reason")
    ]


# --- The checkout funnel, from the ledger ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class FunnelFact:
    kind: str  # checkout_started, checkout_paid, checkout_failed, cancelled, reactivated
    occurred_at: dt.datetime
    subscription_id: int
    user_id: int
    plan: str
    currency: str
    gateway: str
    reason: str = ""


def funnel_facts(*, since: dt.datetime, until: dt.datetime) -> list[FunnelFact]:
    """Checkouts started, first payments (paid, failed), cancellations with their reason and
    reactivations (a cancellation undone, or a first payment from a reader who had paid
    before), in [since, until)."""
    facts: list[FunnelFact] = []
    base = ("customer__user_id", "plan__slug", "currency", "customer__gateway")
    for pk, created, user, plan, cur, gw in Subscription.objects.filter(
        created_at__gte=since, created_at__lt=until
    ).values_list("pk", "created_at", *base):
        facts.append(FunnelFact("checkout_started", created, pk, user, plan, cur, gw))
    first_paid = Invoice.objects.filter(
        kind=InvoiceKind.INITIAL,
        status=InvoiceStatus.PAID,
        issued_at__gte=since,
        issued_at__lt=until,
    ).values_list(
        "subscription_id", "issued_at", "customer_id", *("subscription__" + b for b in base)
    )
    paid_before: set[tuple[int, int]] = set()
    rows = list(first_paid)
    if rows:
        customers = {int(r[2]) for r in rows}
        for customer_id, sub_id, issued in Invoice.objects.filter(
            customer_id__in=customers, status=InvoiceStatus.PAID, kind=InvoiceKind.INITIAL
        ).values_list("customer_id", "subscription_id", "issued_at"):
            for r in rows:
                if int(r[2]) == int(customer_id) and issued < r[1] and int(sub_id) != int(r[0]):
                    paid_before.add((int(r[0]), int(customer_id)))
    for sub_id, issued, customer_id, user, plan, cur, gw in rows:
        facts.append(FunnelFact("checkout_paid", issued, sub_id, user, plan, cur, gw))
        if (int(sub_id), int(customer_id)) in paid_before:
            facts.append(FunnelFact("reactivated", issued, sub_id, user, plan, cur, gw))
    for sub_id, at, user, plan, cur, gw, code in Payment.objects.filter(
        invoice__kind=InvoiceKind.INITIAL,
        status=PaymentStatus.FAILED,
        created_at__gte=since,
        created_at__lt=until,
    ).values_list(
        "invoice__subscription_id",
        "created_at",
        *("invoice__subscription__" + b for b in base),
        "failure_code",
    ):
        facts.append(FunnelFact("checkout_failed", at, sub_id, user, plan, cur, gw, str(code)))
    for kind, at, sub_id, user, plan, cur, gw, why in BillingEvent.objects.filter(
        Q(kind="cancelled") | Q(kind="cancel_undone"),
        occurred_at__gte=since,
        occurred_at__lt=until,
        subscription__isnull=False,
    ).values_list(
        "kind",
        "occurred_at",
        "subscription_id",
        *("subscription__" + b for b in base),
        "subscription__cancellation_reason",
    ):
        name = "cancelled" if kind == "cancelled" else "reactivated"
        reason = (str(why) or "no reason given") if name == "cancelled" else ""
        facts.append(FunnelFact(name, at, sub_id, user, plan, cur, gw, reason[:120]))
    return facts


# --- CSV out ---------------------------------------------------------------------------------

# Each export's columns: the CSV header beside the field it reads, so the two cannot drift.
_EXPORT_COLUMNS: dict[str, tuple[type[Model], tuple[tuple[str, str], ...]]] = {
    "subscribers": (
        Subscription,
        (
            ("subscription", "pk"),
            ("email", "customer__user__email"),
            ("plan", "plan__slug"),
            ("status", "status"),
            ("currency", "currency"),
            ("amount_minor", "amount_minor"),
            ("gateway", "customer__gateway"),
            ("created", "created_at"),
            ("paid_until", "current_period_end"),
            ("cancel_at_period_end", "cancel_at_period_end"),
            ("ended", "ended_at"),
            ("end_reason", "end_reason"),
        ),
    ),
    "payments": (
        Payment,
        (
            ("payment", "pk"),
            ("invoice", "invoice__number"),
            ("email", "invoice__customer__user__email"),
            ("status", "status"),
            ("currency", "currency"),
            ("amount_minor", "amount_minor"),
            ("refunded_minor", "refunded_minor"),
            ("gateway", "gateway"),
            ("failure_code", "failure_code"),
            ("created", "created_at"),
            ("settled", "settled_at"),
        ),
    ),
    "invoices": (
        Invoice,
        (
            ("invoice", "pk"),
            ("number", "number"),
            ("email", "customer__user__email"),
            ("kind", "kind"),
            ("status", "status"),
            ("currency", "currency"),
            ("taxable_minor", "taxable_minor"),
            ("cgst_minor", "cgst_minor"),
            ("sgst_minor", "sgst_minor"),
            ("igst_minor", "igst_minor"),
            ("total_minor", "total_minor"),
            ("period_start", "period_start"),
            ("period_end", "period_end"),
            ("issued", "issued_at"),
        ),
    ),
}


def export_rows(kind: str) -> tuple[list[str], Iterator[tuple[object, ...]]]:
    """The CSV header of billing's export ``kind`` (subscribers, payments, invoices) and its
    rows, oldest first, read a few thousand at a time."""
    model, columns = _EXPORT_COLUMNS[kind]
    rows = (
        model._default_manager.order_by("pk")
        .values_list(*(field for _, field in columns))
        .iterator(chunk_size=2000)
    )
    return [header for header, _ in columns], iter(rows)


def customer_user_ids() -> set[int]:
    return set(Customer.objects.values_list("user_id", flat=True))

"""A few months of made-up billing history for the demo, so the revenue dashboards have
something to show: readers subscribing, renewing, upgrading, cancelling, failing to pay,
recovering, being refunded; in rupees and dollars.

Billing writes its own tables here (as the checkout would have left them), with invoice and
credit-note numbers in a series of their own (financial year "demo"), so the real numbering
(``DocumentSequence``) never meets them. Loaded once: a second run finds the demo readers and
adds nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from masthead.billing.models import (
    CreditNote,
    Customer,
    EndReason,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    Plan,
    PlanPrice,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.numbering import DEMO_FINANCIAL_YEAR
from masthead.billing.periods import add_months

PREFIX = "demo-history-"
DEMO_YEAR = DEMO_FINANCIAL_YEAR


@dataclass
class _Numbers:
    invoices: itertools.count[int]
    notes: itertools.count[int]


@dataclass(frozen=True, slots=True)
class DemoReader:
    user_id: int
    subscription_id: int
    paid_at: dt.datetime | None


def _invoice(
    n: _Numbers,
    sub: Subscription,
    *,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    total: int,
    paid_at: dt.datetime | None,
    failures: list[dt.datetime] | None = None,
    key: str = "",
) -> Invoice:
    seq = next(n.invoices) if paid_at else None
    invoice = Invoice.objects.create(
        customer=sub.customer,
        subscription=sub,
        kind=kind,
        status=InvoiceStatus.PAID if paid_at else InvoiceStatus.OPEN,
        period_start=start,
        period_end=end,
        currency=sub.currency,
        total_minor=total,
        taxable_minor=total,
        description=f"{sub.plan.name} ({kind})",
        number=f"DEMO/{seq:06d}" if seq else None,
        financial_year=DEMO_YEAR if seq else "",
        sequence=seq,
        issued_at=paid_at,
    )
    for attempt, when in enumerate(failures or [], start=1):
        payment = Payment.objects.create(
            invoice=invoice,
            amount_minor=total,
            currency=sub.currency,
            gateway=sub.customer.gateway,
            idempotency_key=f"demo:{invoice.pk}:{attempt}",
            attempt=attempt,
            status=PaymentStatus.FAILED,
            failure_code="insufficient_funds",
            failure_message="The bank declined: insufficient funds.",
            settled_at=when,
        )
        Payment.objects.filter(pk=payment.pk).update(created_at=when)
    if paid_at:
        payment = Payment.objects.create(
            invoice=invoice,
            amount_minor=total,
            currency=sub.currency,
            gateway=sub.customer.gateway,
            idempotency_key=key or f"demo:{invoice.pk}:paid",
            attempt=len(failures or []) + 1,
            status=PaymentStatus.SUCCEEDED,
            settled_at=paid_at,
        )
        Payment.objects.filter(pk=payment.pk).update(created_at=paid_at)
    return invoice


@transaction.atomic
def load(*, months: int = 6, readers: int = 160, seed: int = 1997) -> list[DemoReader]:
    """Readers subscribing over the last ``months`` months. Returns each paying reader's user,
    subscription and first payment time (for insights' demo events)."""
    user_model = get_user_model()
    if user_model.objects.filter(username__startswith=PREFIX).exists():
        return []
    rng = random.Random(seed)  # noqa: S311 - made-up demo data, not security
    now = timezone.now()
    plans = list(Plan.objects.filter(is_active=True).order_by("display_order"))
    if not plans:
        return []
    prices = {(p.plan_id, p.currency): int(p.amount_minor) for p in PlanPrice.objects.all()}
    numbers = _Numbers(itertools.count(1), itertools.count(1))
    made: list[DemoReader] = []
    for i in range(readers):
        user = user_model.objects.create_user(
            username=f"{PREFIX}{i:04d}", email=f"{PREFIX}{i:04d}@example.com"
        )
        usd = _chance(rng, 12)
        currency = "USD" if usd else "INR"
        gateway = "stripe" if usd else rng.choice(["razorpay", "razorpay", "sandbox"])
        customer = Customer.objects.create(user=user, name=f"Demo reader {i}", gateway=gateway)
        plan = rng.choices(plans, weights=[5, 4, 2][: len(plans)])[0]
        price = prices.get((plan.pk, currency))
        if price is None:
            continue
        # More readers recently (the nearer of two random days): the paywall is growing.
        window = months * 30 * 86_400
        start = now - dt.timedelta(seconds=min(rng.randrange(window), rng.randrange(window)))
        sub = Subscription.objects.create(
            customer=customer, plan=plan, currency=currency, amount_minor=price
        )
        Subscription.objects.filter(pk=sub.pk).update(created_at=start - dt.timedelta(minutes=4))
        if _chance(rng, 4):  # on a trial now
            Subscription.objects.filter(pk=sub.pk).update(
                status=SubscriptionStatus.ACTIVE,
                current_period_start=now - dt.timedelta(days=3),
                current_period_end=now + dt.timedelta(days=11),
                created_at=now - dt.timedelta(days=3),
            )
            continue
        made.append(DemoReader(user_id=user.pk, subscription_id=sub.pk, paid_at=start))
        _live(
            rng=rng,
            n=numbers,
            sub=sub,
            start=start,
            plan=plan,
            price=price,
            now=now,
            plans=plans,
            prices=prices,
        )
    return made


def _live(  # noqa: PLR0915 - one reader's made-up life
    *,
    rng: random.Random,
    n: _Numbers,
    sub: Subscription,
    start: dt.datetime,
    plan: Plan,
    price: int,
    now: dt.datetime,
    plans: list[Plan],
    prices: dict[tuple[int, str], int],
) -> None:
    """Periods from ``start`` until now, each renewed, recovered, lost or cancelled."""
    fields: dict[str, object] = {}
    period_start, kind = start, InvoiceKind.INITIAL
    while True:
        period_end = add_months(period_start, plan.period_months)
        invoice = _invoice(
            n, sub, kind=kind, start=period_start, end=period_end, total=price, paid_at=period_start
        )
        fields = {
            "status": SubscriptionStatus.ACTIVE,
            "anchor": period_start,
            "current_period_start": period_start,
            "current_period_end": period_end,
            "plan": plan,
            "amount_minor": price,
        }
        if kind == InvoiceKind.INITIAL and _chance(rng, 3):  # refunded, ended by staff
            ended = period_start + dt.timedelta(days=2)
            if ended < now:
                _refund(n, invoice, ended)
                fields |= {"status": SubscriptionStatus.ENDED, "ended_at": ended}
                fields |= {"end_reason": EndReason.STAFF}
                break
        upgrade_to = next((p for p in plans if p.period_months > plan.period_months), None)
        upgrade_at = period_start + (period_end - period_start) // 2
        if upgrade_to is not None and _chance(rng, 6) and upgrade_at < now:
            new_price = prices.get((upgrade_to.pk, sub.currency))
            if new_price:
                key = f"upgrade:{sub.pk}:{upgrade_to.pk}:{upgrade_at:%Y%m%dT%H%M%S}"
                plan, price = upgrade_to, new_price
                period_start, kind = upgrade_at, InvoiceKind.PRORATION
                period_end = add_months(period_start, plan.period_months)
                _invoice(
                    n,
                    sub,
                    kind=kind,
                    start=period_start,
                    end=period_end,
                    total=price // 2,
                    paid_at=period_start,
                    key=key,
                )
                fields |= {"plan": plan, "amount_minor": price}
                fields |= {"current_period_start": period_start, "current_period_end": period_end}
        if period_end > now:
            if _chance(rng, 7):
                fields |= {
                    "cancel_at_period_end": True,
                    "cancellation_reason": rng.choice(_REASONS),
                }
            break
        roll = rng.randrange(100)
        if roll < 10:  # cancelled: ends at the period's end
            fields |= {"status": SubscriptionStatus.ENDED, "ended_at": period_end}
            fields |= {"end_reason": EndReason.CANCELLED, "cancel_at_period_end": True}
            fields |= {"cancellation_reason": rng.choice(_REASONS)}
            break
        if roll < 16:  # declined: recovered, still trying, or lost
            failures = [period_end, period_end + dt.timedelta(days=1)]
            later = add_months(period_end, plan.period_months)
            if _chance(rng, 50) and period_end + dt.timedelta(days=3) < now:
                _invoice(
                    n,
                    sub,
                    kind=InvoiceKind.RECURRING,
                    start=period_end,
                    end=later,
                    total=price,
                    paid_at=period_end + dt.timedelta(days=3),
                    failures=failures,
                )
                period_start, kind = later, InvoiceKind.RECURRING
                if later > now:
                    fields |= {"current_period_start": period_end, "current_period_end": later}
                    break
                continue
            _invoice(
                n,
                sub,
                kind=InvoiceKind.RECURRING,
                start=period_end,
                end=later,
                total=price,
                paid_at=None,
                failures=[f for f in failures if f < now],
            )
            if period_end + dt.timedelta(days=7) < now:
                fields |= {
                    "status": SubscriptionStatus.ENDED,
                    "ended_at": period_end + dt.timedelta(days=7),
                }
                fields |= {"end_reason": EndReason.UNPAID}
            else:
                fields |= {"status": SubscriptionStatus.PAST_DUE, "retry_count": 2}
                fields |= {"grace_until": period_end + dt.timedelta(days=7)}
            break
        period_start, kind = period_end, InvoiceKind.RECURRING
    Subscription.objects.filter(pk=sub.pk).update(**fields)


def _chance(rng: random.Random, percent: int) -> bool:
    """True ``percent`` times in a hundred (integers only: billing's modules use no floats)."""
    return rng.randrange(100) < percent


_REASONS = [
    "Too expensive",
    "Not reading enough",
    "Found the news elsewhere",
    "Switching to the print edition",
    "",
]


def _refund(n: _Numbers, invoice: Invoice, at: dt.datetime) -> None:
    payment = invoice.payments.get(status=PaymentStatus.SUCCEEDED)
    Payment.objects.filter(pk=payment.pk).update(refunded_minor=payment.amount_minor)
    seq = next(n.notes)
    CreditNote.objects.create(
        invoice=invoice,
        payment=payment,
        amount_minor=payment.amount_minor,
        taxable_minor=payment.amount_minor,
        currency=invoice.currency,
        reason="Refunded in full on request",
        idempotency_key=f"demo:refund:{invoice.pk}",
        number=f"DEMO-CN/{seq:05d}",
        financial_year=DEMO_YEAR,
        sequence=seq,
        issued_at=at,
    )

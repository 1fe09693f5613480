"""A ledger written row by row, for tests that must know every figure in it by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model

from masthead.billing.models import (
    CreditNote,
    Customer,
    Invoice,
    Payment,
    Plan,
    PlanPrice,
    Subscription,
)

UTC = dt.UTC
NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 1 December, 11:30 in Kolkata
_seq = itertools.count(1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


class Ledger:
    def __init__(self) -> None:
        self.plans: dict[str, Plan] = {}
        for slug, months, inr, usd in [
            ("monthly", 1, 29_900, 999),  # ₹299 a month; $9.99
            ("premium-monthly", 1, 49_900, None),  # ₹499 a month
            ("quarterly", 3, 79_900, None),  # ₹799 a quarter
            ("annual", 12, 270_000, 9_900),  # ₹2,700 a year; $99
            ("two-years", 24, 390_000, None),  # ₹3,900 for 24 months
        ]:
            plan = Plan.objects.create(
                name=slug.replace("-", " ").title(), slug=slug, period_months=months
            )
            PlanPrice.objects.create(plan=plan, currency="INR", amount_minor=inr)
            if usd:
                PlanPrice.objects.create(plan=plan, currency="USD", amount_minor=usd)
            self.plans[slug] = plan

    def customer(self, name: str, gateway: str = "sandbox") -> Customer:
        user = get_user_model().objects.create_user(username=name, email=f"{name}@example.com")
        return Customer.objects.create(user=user, name=name, gateway=gateway)

    def subscription(
        self, customer: Customer, plan: str, currency: str, **fields: Any
    ) -> Subscription:
        price = PlanPrice.objects.get(plan=self.plans[plan], currency=currency)
        return Subscription.objects.create(
            customer=customer,
            plan=self.plans[plan],
            currency=currency,
            amount_minor=price.amount_minor,
            **fields,
        )

    def invoice(
        self,
        sub: Subscription,
        kind: str,
        start: str,
        end: str,
        total: int,
        *,
        paid_at: str | None = None,
        failed_at: list[str] = (),  # type: ignore[assignment]
        key: str = "",
    ) -> Invoice:
        n = next(_seq)
        invoice = Invoice.objects.create(
            customer=sub.customer,
            subscription=sub,
            kind=kind,
            status="paid" if paid_at else "open",
            period_start=at(start),
            period_end=at(end),
            currency=sub.currency,
            total_minor=total,
            taxable_minor=total,
            description=kind,
            number=f"INV-{n}" if paid_at else None,
            financial_year="2026-27" if paid_at else "",
            sequence=n if paid_at else None,
            issued_at=at(paid_at) if paid_at else None,
        )
        for i, when in enumerate(failed_at, start=1):
            p = Payment.objects.create(
                invoice=invoice,
                amount_minor=total,
                currency=sub.currency,
                gateway="sandbox",
                idempotency_key=f"{key or n}:{i}",
                attempt=i,
                status="failed",
                failure_code="card_declined",
                failure_message="Declined by the bank",
            )
            Payment.objects.filter(pk=p.pk).update(created_at=at(when))
        if paid_at:
            p = Payment.objects.create(
                invoice=invoice,
                amount_minor=total,
                currency=sub.currency,
                gateway="sandbox",
                idempotency_key=key or f"pay-{n}",
                attempt=len(failed_at) + 1,
                status="succeeded",
                settled_at=at(paid_at),
            )
            Payment.objects.filter(pk=p.pk).update(created_at=at(paid_at))
        return invoice

    def credit_note(self, invoice: Invoice, amount: int, issued: str) -> None:
        n = next(_seq)
        CreditNote.objects.create(
            invoice=invoice,
            payment=invoice.payments.get(status="succeeded"),
            amount_minor=amount,
            currency=invoice.currency,
            reason="refund",
            idempotency_key=f"cn-{n}",
            number=f"CN-{n}",
            financial_year="2026-27",
            sequence=n,
            issued_at=at(issued),
        )


def created(sub: Subscription, when: str) -> None:
    Subscription.objects.filter(pk=sub.pk).update(created_at=at(when))


def november_ledger() -> None:
    """The ledger every revenue figure in the tests is worked from (see the module docstring
    of test_revenue_from_a_hand_built_ledger)."""
    ledger = Ledger()
    L = ledger  # noqa: N806 - one letter keeps the hand-built rows readable
    # A: new on the month boundary. Paid 2026-10-31 19:00 UTC = 1 November 00:30 in Kolkata,
    # so it is November's: Annual ₹2,700 / 12 = ₹225.00 MRR.
    a = L.subscription(
        L.customer("a"), "annual", "INR", status="active", current_period_end=at("2027-10-31T19:00")
    )
    created(a, "2026-10-31T18:55")
    L.invoice(
        a, "initial", "2026-10-31T19:00", "2027-10-31T19:00", 270_000, paid_at="2026-10-31T19:00"
    )
    # B: Quarterly since September (₹799 / 3 = ₹266.333… → ₹266.33), moves to Two Years on
    # 15 November (₹3,900 / 24 = ₹162.50): more per bill, less per month → contraction ₹103.83.
    b = L.subscription(
        L.customer("b"),
        "two-years",
        "INR",
        status="active",
        current_period_end=at("2028-11-15T05:00"),
    )
    created(b, "2026-09-10T05:00")
    L.invoice(
        b, "initial", "2026-09-10T05:00", "2026-12-10T05:00", 79_900, paid_at="2026-09-10T05:00"
    )
    L.invoice(
        b,
        "proration",
        "2026-11-15T05:00",
        "2028-11-15T05:00",
        390_000 - 40_000,
        paid_at="2026-11-15T05:00",
        key=f"upgrade:{b.pk}:{L.plans['two-years'].pk}:20261115T050000",
    )
    # C: Monthly ₹299 since 5 October, renewed 5 November, upgraded to Premium Monthly (₹499)
    # on 20 November → expansion ₹200.00.
    c = L.subscription(
        L.customer("c"),
        "premium-monthly",
        "INR",
        status="active",
        current_period_end=at("2026-12-20T04:00"),
    )
    created(c, "2026-10-05T04:00")
    L.invoice(
        c, "initial", "2026-10-05T04:00", "2026-11-05T04:00", 29_900, paid_at="2026-10-05T04:00"
    )
    L.invoice(
        c, "recurring", "2026-11-05T04:00", "2026-12-05T04:00", 29_900, paid_at="2026-11-05T04:00"
    )
    L.invoice(
        c,
        "proration",
        "2026-11-20T04:00",
        "2026-12-20T04:00",
        49_900 - 14_000,
        paid_at="2026-11-20T04:00",
        key=f"upgrade:{c.pk}:{L.plans['premium-monthly'].pk}:20261120T040000",
    )
    # D: Premium Monthly ₹499, downgraded to Monthly ₹299 at the 15 November renewal →
    # contraction ₹200.00.
    d = L.subscription(
        L.customer("d"),
        "monthly",
        "INR",
        status="active",
        current_period_end=at("2026-12-15T06:00"),
    )
    created(d, "2026-08-15T06:00")
    for start, end in [("08-15", "09-15"), ("09-15", "10-15"), ("10-15", "11-15")]:
        L.invoice(
            d,
            "initial" if start == "08-15" else "recurring",
            f"2026-{start}T06:00",
            f"2026-{end}T06:00",
            49_900,
            paid_at=f"2026-{start}T06:00",
        )
    d_nov = L.invoice(
        d, "recurring", "2026-11-15T06:00", "2026-12-15T06:00", 29_900, paid_at="2026-11-15T06:00"
    )
    # E: Annual since 20 November 2025, cancelled, ended at its period end on 20 November
    # 2026 → voluntary churn ₹225.00.
    e = L.subscription(
        L.customer("e"),
        "annual",
        "INR",
        status="ended",
        cancel_at_period_end=True,
        ended_at=at("2026-11-20T07:00"),
        end_reason="cancelled",
        current_period_end=at("2026-11-20T07:00"),
    )
    created(e, "2025-11-20T07:00")
    L.invoice(
        e, "initial", "2025-11-20T07:00", "2026-11-20T07:00", 270_000, paid_at="2025-11-20T07:00"
    )
    # F: Monthly since 25 September; the 25 October renewal was declined (October's failure,
    # not November's) and it ended unpaid on 1 November → involuntary churn ₹299.00.
    f = L.subscription(
        L.customer("f"),
        "monthly",
        "INR",
        status="ended",
        ended_at=at("2026-11-01T10:00"),
        end_reason="unpaid",
        current_period_end=at("2026-10-25T08:00"),
    )
    created(f, "2026-09-25T08:00")
    L.invoice(
        f, "initial", "2026-09-25T08:00", "2026-10-25T08:00", 29_900, paid_at="2026-09-25T08:00"
    )
    L.invoice(
        f,
        "recurring",
        "2026-10-25T08:00",
        "2026-11-25T08:00",
        29_900,
        failed_at=["2026-10-25T08:00"],
    )
    # G: USD Monthly $9.99 since 3 October; the 3 November renewal failed once, paid the
    # next day: recovered. No MRR movement.
    g = L.subscription(
        L.customer("g", "stripe"),
        "monthly",
        "USD",
        status="active",
        current_period_end=at("2026-12-03T09:00"),
    )
    created(g, "2026-10-03T09:00")
    L.invoice(g, "initial", "2026-10-03T09:00", "2026-11-03T09:00", 999, paid_at="2026-10-03T09:00")
    L.invoice(
        g,
        "recurring",
        "2026-11-03T09:00",
        "2026-12-03T09:00",
        999,
        paid_at="2026-11-04T09:00",
        failed_at=["2026-11-03T09:00"],
    )
    # H: USD Annual $99 since 25 November 2025 ($99 / 12 = $8.25); the 25 November 2026
    # renewal failed and it is past due now (still MRR until the retries give up).
    h = L.subscription(
        L.customer("h", "stripe"),
        "annual",
        "USD",
        status="past_due",
        retry_count=2,
        grace_until=at("2026-12-02T10:00"),
        current_period_end=at("2026-11-25T10:00"),
    )
    created(h, "2025-11-25T10:00")
    L.invoice(
        h, "initial", "2025-11-25T10:00", "2026-11-25T10:00", 9_900, paid_at="2025-11-25T10:00"
    )
    L.invoice(
        h,
        "recurring",
        "2026-11-25T10:00",
        "2027-11-25T10:00",
        9_900,
        failed_at=["2026-11-25T10:00", "2026-11-28T10:00"],
    )
    # I: paid for July, ended; came back on 10 November (Monthly ₹299) → reactivation
    # ₹299.00; has since asked to cancel at the period end (cancelling, still MRR).
    i_customer = L.customer("i")
    i_old = L.subscription(
        i_customer,
        "monthly",
        "INR",
        status="ended",
        ended_at=at("2026-08-01T03:00"),
        end_reason="cancelled",
    )
    created(i_old, "2026-07-01T03:00")
    L.invoice(
        i_old, "initial", "2026-07-01T03:00", "2026-08-01T03:00", 29_900, paid_at="2026-07-01T03:00"
    )
    i_new = L.subscription(
        i_customer,
        "monthly",
        "INR",
        status="active",
        cancel_at_period_end=True,
        current_period_end=at("2026-12-10T03:00"),
    )
    created(i_new, "2026-11-10T03:00")
    L.invoice(
        i_new, "initial", "2026-11-10T03:00", "2026-12-10T03:00", 29_900, paid_at="2026-11-10T03:00"
    )
    # J: USD Annual bought 12 November, refunded in full and ended by staff on 13 November:
    # new and gone in the same month, so no movement; a $99 credit note.
    j = L.subscription(
        L.customer("j", "stripe"),
        "annual",
        "USD",
        status="ended",
        ended_at=at("2026-11-13T12:00"),
        end_reason="staff",
    )
    created(j, "2026-11-12T12:00")
    j_inv = L.invoice(
        j, "initial", "2026-11-12T12:00", "2027-11-12T12:00", 9_900, paid_at="2026-11-12T12:00"
    )
    L.credit_note(j_inv, 9_900, "2026-11-13T12:00")
    # Two INR credit notes on D's November invoice: 23:30 on 30 November in Kolkata
    # (November's), and 00:30 on 1 December in Kolkata (December's, though 30 November in UTC).
    L.credit_note(d_nov, 5_000, "2026-11-30T18:00")
    L.credit_note(d_nov, 10_000, "2026-11-30T19:00")
    # K: a trial of Annual ending 10 December: not MRR; its first charge is due in 30 days.
    k = L.subscription(
        L.customer("k"), "annual", "INR", status="active", current_period_end=at("2026-12-10T02:00")
    )
    created(k, "2026-11-26T02:00")

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

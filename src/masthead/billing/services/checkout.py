"""Checkout on our own billing clock: the pending subscription, its first invoice and payment,
the charge and its settling; a trial instead when the plan has one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from masthead.billing.clock import now_for
from masthead.billing.gateways.sandbox import card_label, token_for_card
from masthead.billing.invoicing import open_invoice
from masthead.billing.models import (
    InvoiceKind,
    Payment,
    PlanPrice,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.periods import period
from masthead.billing.services import settlement
from masthead.billing.services.common import (
    AlreadySubscribed,
    BillingError,
    PaymentDeclined,
    _set_access_until,
    record_event,
)
from masthead.billing.services.customers import ensure_customer
from masthead.billing.services.prices import _first_period_price


def sandbox_card(*, card_number: str) -> tuple[str, str]:
    """The sandbox's saved-card token for a test card number, and its label ("Visa ending
    4242"). Raises ValueError saying what is wrong with the number."""
    token = token_for_card(card_number)
    return token, card_label(token)


@dataclass(frozen=True)
class CheckoutOutcome:
    subscription: Subscription
    created: bool


def checkout(
    *,
    user: User,
    price: PlanPrice,
    payment_method: str,
    payment_method_label: str,
    checkout_key: str,
    next_url: str = "",
) -> CheckoutOutcome:
    """Subscribe ``user`` to a plan and take the first payment. Idempotent on checkout_key.

    A double click, a reload or a retried request with the same key returns the same
    subscription and never charges again.
    """
    existing = Subscription.objects.filter(checkout_key=checkout_key).first()
    if existing is not None:
        if existing.customer.user_id != user.pk:
            raise BillingError("This checkout belongs to someone else. Start again.")
        return CheckoutOutcome(subscription=existing, created=False)
    opened = _open_checkout(
        user=user,
        price=price,
        checkout_key=checkout_key,
        next_url=next_url,
        payment_method=payment_method,
        payment_method_label=payment_method_label,
    )
    if opened.payment is None:
        return CheckoutOutcome(subscription=opened.subscription, created=opened.created)
    subscription, payment, customer = (
        opened.subscription,
        opened.payment,
        opened.subscription.customer,
    )
    result = settlement.charge_payment(payment=payment, customer=customer, off_session=False)
    settlement.settle_payment(payment_id=payment.pk, result=result)
    subscription.refresh_from_db()
    if subscription.status != SubscriptionStatus.ACTIVE:
        payment.refresh_from_db()
        raise PaymentDeclined(
            payment.failure_message or "The payment did not go through. Try another card."
        )
    return CheckoutOutcome(subscription=subscription, created=True)


@dataclass(frozen=True)
class _Opened:
    subscription: Subscription
    payment: Payment | None  # None: nothing to pay now (a trial, or an earlier checkout)
    created: bool


def _open_checkout(
    *,
    user: User,
    price: PlanPrice,
    checkout_key: str,
    next_url: str,
    payment_method: str,
    payment_method_label: str,
) -> _Opened:
    """The pending subscription, its first invoice and pending payment, in one transaction."""
    customer = ensure_customer(user=user)
    plan = price.plan
    if not plan.is_active:
        raise BillingError(f"{plan.name} is no longer offered; choose another plan.")
    now = now_for(customer)
    first_amount = _first_period_price(price)
    try:
        with transaction.atomic():
            customer.payment_method = payment_method
            customer.payment_method_label = payment_method_label
            customer.save(update_fields=["payment_method", "payment_method_label"])
            subscription = Subscription.objects.create(
                customer=customer,
                plan=plan,
                currency=price.currency,
                amount_minor=price.amount_minor,
                status=SubscriptionStatus.PENDING,
                checkout_key=checkout_key,
                next_url=next_url[:300],
                next_action_at=now + dt.timedelta(hours=1),
            )
            if plan.trial_days:
                trial = _start_trial(subscription=subscription, now=now)
                return _Opened(subscription=trial.subscription, payment=None, created=True)
            first = period(anchor=now, index=0, months=plan.period_months)
            invoice = open_invoice(
                subscription=subscription,
                kind=InvoiceKind.INITIAL,
                period_start=first.start,
                period_end=first.end,
                amount_minor=int(first_amount),
            )
            payment = Payment.objects.create(
                invoice=invoice,
                amount_minor=invoice.total_minor,
                currency=invoice.currency,
                gateway=customer.gateway,
                idempotency_key=f"checkout:{checkout_key}",
            )
    except IntegrityError as exc:
        again = Subscription.objects.filter(checkout_key=checkout_key).first()
        if again is not None:
            return _Opened(subscription=again, payment=None, created=False)
        raise AlreadySubscribed(
            "You already have a subscription. Manage it from My subscription."
        ) from exc
    return _Opened(subscription=subscription, payment=payment, created=True)


def _start_trial(*, subscription: Subscription, now: dt.datetime) -> CheckoutOutcome:
    trial_end = now + dt.timedelta(days=subscription.plan.trial_days)
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.anchor = trial_end
    subscription.current_period_start = now
    subscription.current_period_end = trial_end
    subscription.period_index = 0
    subscription.next_action_at = settlement.renewal_action_at(subscription)
    subscription.save()
    _set_access_until(subscription, trial_end)
    record_event(
        customer=subscription.customer,
        subscription=subscription,
        kind="trial_started",
        message=f"Trial of {subscription.plan.name} until {trial_end:%d %b %Y}",
        at=now,
    )
    return CheckoutOutcome(subscription=subscription, created=True)

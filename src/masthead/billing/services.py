"""Changing subscriptions: checkout, cancel and undo, plan changes, staff ends and refunds.

Every path that moves money follows the same crash-safe shape:

1. in one transaction, write the invoice and a *pending* payment whose idempotency key is
   derived from the business operation (checkout key; subscription + period + attempt);
2. call the gateway with that key, outside any transaction;
3. in a second transaction, record the outcome and what follows from it.

If the process dies between 1 and 3, ``settle_pending_payment`` asks the gateway what happened
under that key before anything is tried again, so a charge is never made twice.
Grants are written only through ``access.services``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from masthead.access import services as access
from masthead.access.models import GrantSource
from masthead.billing import tasks
from masthead.billing.clock import now_for
from masthead.billing.gateways import get_gateway
from masthead.billing.gateways.base import (
    ChargeRequest,
    ChargeResult,
    ChargesInBatches,
    ChargeStatus,
    CheckoutRequest,
    GatewayError,
    HostedGateway,
    NotSupported,
    SignatureError,
)
from masthead.billing.invoicing import (
    _tax_for,
    charge_total,
    issue_credit_note,
    issue_invoice,
    issue_invoices,
    open_invoice,
    price_of,
    void_invoice,
)
from masthead.billing.models import (
    LIVE_STATUSES,
    BillingEvent,
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
    TestClock,
)
from masthead.billing.periods import add_months, period
from masthead.core.bulk import update_rows
from masthead.core.money import Money, format_money

logger = logging.getLogger(__name__)


class BillingError(Exception):
    """A refusal the reader or staff can act on; the message says what to do."""


class PaymentDeclined(BillingError):
    """The gateway refused the payment; the message is the bank's reason and what to do."""


class AlreadySubscribed(BillingError):
    """The reader already has a live subscription: manage it rather than buy a second."""


def _shown(minor: int, currency: str) -> str:
    return format_money(Money(int(minor), currency), locale=settings.LOCALE)


# --- Records ----------------------------------------------------------------------------


def record_event(
    *,
    customer: Customer,
    subscription: Subscription | None,
    kind: str,
    message: str,
    at: dt.datetime,
    **data: object,
) -> None:
    BillingEvent.objects.create(
        customer=customer,
        subscription=subscription,
        kind=kind,
        message=message[:300],
        occurred_at=at,
        data={k: str(v) for k, v in data.items()},
    )


def grant_reference(subscription: Subscription) -> str:
    return f"subscription:{subscription.pk}"


def _set_access_until(subscription: Subscription, until: dt.datetime) -> None:
    """The subscription's grants run to ``until`` (billing clock): extended or cut short."""
    customer = subscription.customer
    now = now_for(customer)
    access.sync_grants(
        user=customer.user,
        source=GrantSource.SUBSCRIPTION,
        source_reference=grant_reference(subscription),
        benefits=list(subscription.plan.benefits),
        starts_at=now - dt.timedelta(seconds=1),
        ends_at=until,
    )


def _end_access_now(subscription: Subscription) -> None:
    _set_access_until(subscription, now_for(subscription.customer))


# --- Customers --------------------------------------------------------------------------


def ensure_customer(*, user: User) -> Customer:
    customer, _ = Customer.objects.get_or_create(
        user=user,
        defaults={
            "gateway": settings.BILLING_GATEWAY,
            "name": user.get_full_name() or user.email,
            "mandate_limit_minor": settings.BILLING_MANDATE_LIMIT_MINOR,
        },
    )
    return customer


@transaction.atomic
def attach_test_clock(*, customer: Customer) -> TestClock:
    """Put a sandbox customer on a test clock that starts at the present moment."""
    if customer.gateway != "sandbox":
        raise BillingError("Test clocks exist only for sandbox customers.")
    if customer.test_clock_id is not None:
        return customer.test_clock  # type: ignore[return-value]
    clock = TestClock.objects.create(name=f"Clock for {customer}", frozen_time=timezone.now())
    customer.test_clock = clock
    customer.save(update_fields=["test_clock"])
    return clock


@transaction.atomic
def update_tax_details(*, customer: Customer, name: str, state_code: str, gstin: str) -> Customer:
    from masthead.billing.gst_states import GST_STATES as STATES

    if state_code and state_code not in STATES:
        raise BillingError(
            f"{state_code!r} is not a GST state code; pick your state from the list."
        )
    gstin = gstin.strip().upper()
    if gstin and (len(gstin) != 15 or gstin[:2] != state_code):
        raise BillingError(
            "A GSTIN has 15 characters and starts with your state's code; check it, or leave it "
            "empty if you are not registered for GST."
        )
    customer.name, customer.state_code, customer.gstin = name.strip(), state_code, gstin
    customer.save(update_fields=["name", "state_code", "gstin"])
    return customer


# --- Checkout ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutOutcome:
    subscription: Subscription
    created: bool


@dataclass(frozen=True)
class CheckoutTerms:
    """What a checkout charges today and each period after, as invoice totals (with GST
    added when prices exclude it): what the checkout page promises is what ``checkout`` does."""

    currency: str
    today_minor: int  # 0 during a free trial
    then_minor: int  # each later period (after the trial, or after the introductory period)
    today_price_minor: int  # the same before GST added on top (equal when prices include it)
    then_price_minor: int
    introductory: bool  # the first period is at an introductory price
    trial_days: int
    trial_end: dt.datetime | None  # when the first charge is made, after a trial
    period_months: int
    taxed: bool  # GST applies (prices in rupees)


def _first_period_price(price: PlanPrice) -> int:
    if price.intro_amount_minor is not None:
        return int(price.intro_amount_minor)
    return int(price.amount_minor)


def _invoice_total(*, amount_minor: int, currency: str) -> tuple[int, bool]:
    """The invoice total for a price, and whether GST is in it: the invoice's own tax rule
    (its total does not depend on the buyer's state, only the CGST/SGST/IGST split does)."""
    split = _tax_for(customer=Customer(state_code=""), amount_minor=amount_minor, currency=currency)
    return split.total, split.total != split.taxable


def checkout_terms(*, price: PlanPrice, now: dt.datetime) -> CheckoutTerms:
    """The amounts ``checkout`` would charge for ``price`` if the reader subscribed at ``now``.

    A trial charges nothing today and the full price from its end (the renewal charges the
    subscription's amount); otherwise the first period costs the introductory price, if any.
    """
    plan = price.plan
    then_price = int(price.amount_minor)
    today_price = 0 if plan.trial_days else _first_period_price(price)
    today_total, _ = _invoice_total(amount_minor=today_price, currency=price.currency)
    then_total, taxed = _invoice_total(amount_minor=then_price, currency=price.currency)
    return CheckoutTerms(
        currency=price.currency,
        today_minor=today_total,
        then_minor=then_total,
        today_price_minor=today_price,
        then_price_minor=then_price,
        introductory=not plan.trial_days and today_price != then_price,
        trial_days=int(plan.trial_days),
        trial_end=now + dt.timedelta(days=plan.trial_days) if plan.trial_days else None,
        period_months=int(plan.period_months),
        taxed=taxed,
    )


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
    result = charge_payment(payment=payment, customer=customer, off_session=False)
    settle_payment(payment_id=payment.pk, result=result)
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
    subscription.next_action_at = renewal_action_at(subscription)
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


# --- Hosted checkout (Razorpay Subscriptions, Stripe Checkout) ----------------------------

# How long a gateway mandate may keep collecting: ten years of periods (the reader cancels
# from My subscription or their bank; the gateways need a count).
MANDATE_YEARS = 10


@dataclass(frozen=True)
class HostedStart:
    subscription: Subscription
    checkout_id: str
    redirect_url: str


def start_hosted_checkout(
    *,
    user: User,
    price: PlanPrice,
    checkout_key: str,
    success_url: str,
    cancel_url: str,
    next_url: str = "",
) -> HostedStart:
    """Open the gateway's checkout for a plan. Idempotent on ``checkout_key``.

    The pending subscription, its first invoice and a pending payment are written first (so a
    crash leaves something to reconcile); then the gateway's checkout is made (the gateway
    dedupes it by the same key); then its ids are stored on the subscription.
    """
    plan = price.plan
    if plan.trial_days or (
        price.intro_amount_minor is not None and price.intro_amount_minor != price.amount_minor
    ):
        raise BillingError(
            f"{plan.name} has a trial or an introductory price, which the gateway's mandate "
            "cannot carry yet; choose another plan."
        )
    existing = Subscription.objects.filter(checkout_key=checkout_key).first()
    if existing is not None and existing.customer.user_id != user.pk:
        raise BillingError("This checkout belongs to someone else. Start again.")
    if existing is None:
        existing = _earlier_hosted_checkout(user=user, price=price)
    if existing is not None and existing.gateway_checkout_id:
        return HostedStart(
            subscription=existing,
            checkout_id=existing.gateway_checkout_id,
            redirect_url=existing.gateway_checkout_url,
        )
    subscription = (
        existing
        or _open_checkout(
            user=user,
            price=price,
            checkout_key=checkout_key,
            next_url=next_url,
            payment_method="",
            payment_method_label="",
        ).subscription
    )
    customer = subscription.customer
    gateway = hosted_gateway(customer.gateway)
    request = CheckoutRequest(
        checkout_key=checkout_key,
        plan_name=plan.name,
        plan_ref=str(price.gateway_plan_ids.get(customer.gateway, "")),
        period_months=plan.period_months,
        # What each period debits: GST included, also when prices are set to exclude it.
        amount_minor=charge_total(
            customer=customer, amount_minor=int(price.amount_minor), currency=price.currency
        ),
        currency=price.currency,
        total_periods=max(1, MANDATE_YEARS * 12 // plan.period_months),
        email=user.email,
        name=customer.name,
        success_url=success_url,
        cancel_url=cancel_url,
    )
    with transaction.atomic():
        # Held while the gateway's checkout is made: a double click must not make two.
        locked = _locked(subscription.pk)
        if locked.gateway_checkout_id:
            return HostedStart(
                subscription=locked,
                checkout_id=locked.gateway_checkout_id,
                redirect_url=locked.gateway_checkout_url,
            )
        try:
            hosted = gateway.start_checkout(request=request)
        except GatewayError as exc:
            logger.warning("could not open %s checkout: %s", customer.gateway, exc)
            raise BillingError(
                "The payment gateway could not be reached. Nothing was charged; please try "
                "again in a minute."
            ) from exc
        if hosted.plan_ref and not request.plan_ref:
            locked_price = PlanPrice.objects.select_for_update().get(pk=price.pk)
            locked_price.gateway_plan_ids = {
                **locked_price.gateway_plan_ids,
                customer.gateway: hosted.plan_ref,
            }
            locked_price.save(update_fields=["gateway_plan_ids"])
        Subscription.objects.filter(pk=subscription.pk).update(
            gateway_checkout_id=hosted.checkout_id, gateway_checkout_url=hosted.redirect_url
        )
    subscription.refresh_from_db()
    return HostedStart(
        subscription=subscription,
        checkout_id=hosted.checkout_id,
        redirect_url=hosted.redirect_url,
    )


def _earlier_hosted_checkout(*, user: User, price: PlanPrice) -> Subscription | None:
    """A checkout this reader opened and left: resumed for the same plan, else closed.

    A reader may close the gateway's window and come back later, or pick another plan; the
    one-live-subscription rule must not lock them out, and a payment that did go through
    must never be dropped.
    """
    earlier = (
        Subscription.objects.filter(customer__user=user, status=SubscriptionStatus.PENDING)
        .exclude(gateway_checkout_id="")
        .select_related("customer")
        .first()
    )
    if earlier is None:
        return None
    if earlier.plan_id == price.plan_id and earlier.currency == price.currency:
        return earlier
    try:
        complete_hosted_checkout(subscription=earlier, answer={}, abandon_if_unpaid=True)
    except PaymentDeclined:
        return None  # nothing was paid: the earlier checkout is closed
    raise AlreadySubscribed(
        "Your earlier checkout went through after all: you already subscribe. Manage it from "
        "My subscription."
    )


def complete_hosted_checkout(
    *, subscription: Subscription, answer: dict[str, str], abandon_if_unpaid: bool = False
) -> CheckoutOutcome:
    """The reader is back from the gateway: verify its answer and settle the first payment.

    Safe to call twice (a reload, a lost response): a settled payment is left as it is.
    Raises BillingError when the answer is forged or nothing was paid.
    """
    sub = Subscription.objects.select_related("customer").get(pk=subscription.pk)
    if sub.status == SubscriptionStatus.ACTIVE:
        return CheckoutOutcome(subscription=sub, created=False)
    if not sub.gateway_checkout_id:
        raise BillingError("This checkout was never opened at the gateway. Start again.")
    gateway = hosted_gateway(sub.customer.gateway)
    try:
        completion = gateway.complete_checkout(checkout_id=sub.gateway_checkout_id, answer=answer)
    except SignatureError as exc:
        logger.warning("hosted checkout answer for subscription %s failed its check", sub.pk)
        raise BillingError(
            "The payment confirmation could not be verified, so nothing was recorded. If you "
            "were charged, it will be matched automatically within the hour."
        ) from exc
    except GatewayError as exc:
        raise BillingError(
            "The payment gateway has not confirmed the payment yet. Reload this page in a "
            "minute; you will not be charged twice."
        ) from exc
    payment = Payment.objects.select_related("invoice").get(
        invoice__subscription=sub, idempotency_key=f"checkout:{sub.checkout_key}"
    )
    if completion is None:
        if abandon_if_unpaid:
            # An abandoned or replaced checkout, and the gateway says nothing was paid.
            settle_payment(
                payment_id=payment.pk,
                result=ChargeResult(status=ChargeStatus.FAILED, failure_code="abandoned"),
            )
        raise PaymentDeclined("The payment was not completed. Try again or choose another plan.")
    if (completion.amount_minor, completion.currency) != (
        int(payment.amount_minor),
        payment.currency,
    ) and completion.charge.status == ChargeStatus.SUCCEEDED:
        logger.error("hosted checkout for subscription %s paid a different amount", sub.pk)
        raise BillingError(
            "The gateway reports a different amount than this plan's price. Our team has been "
            "told and will sort it out; you will not be charged again."
        )
    with transaction.atomic():
        Customer.objects.filter(pk=sub.customer_id).update(
            gateway_customer_id=completion.gateway_customer_id or sub.customer.gateway_customer_id,
            payment_method=completion.gateway_subscription_id,
            payment_method_label=completion.method_label[:100],
        )
        Subscription.objects.filter(pk=sub.pk).update(
            gateway_subscription_id=completion.gateway_subscription_id
        )
    settle_payment(payment_id=payment.pk, result=completion.charge)
    sub.refresh_from_db()
    if sub.status != SubscriptionStatus.ACTIVE:
        payment.refresh_from_db()
        raise PaymentDeclined(
            payment.failure_message or "The payment did not go through. Try another method."
        )
    return CheckoutOutcome(subscription=sub, created=True)


def charge_payment(*, payment: Payment, customer: Customer, off_session: bool) -> ChargeResult:
    """Ask the payment's gateway for its money, under the payment's stored key."""
    return get_gateway(payment.gateway).charge(
        customer_ref=customer.gateway_customer_id or f"cus_{customer.pk}",
        payment_method=customer.payment_method,
        amount_minor=int(payment.amount_minor),
        currency=payment.currency,
        idempotency_key=payment.idempotency_key,
        description=payment.invoice.description,
        off_session=off_session,
        period_start=payment.invoice.period_start,
    )


def charge_payments(
    *, gateway: ChargesInBatches, payments: Sequence[Payment], customers: dict[int, Customer]
) -> dict[int, ChargeResult]:
    """Many off-session charges in one call to a gateway that takes batches, each under its
    payment's stored key; the results by payment id. ``customers`` by payment id."""
    requests = [
        ChargeRequest(
            customer_ref=customers[p.pk].gateway_customer_id or f"cus_{customers[p.pk].pk}",
            payment_method=customers[p.pk].payment_method,
            amount_minor=int(p.amount_minor),
            currency=p.currency,
            idempotency_key=p.idempotency_key,
            description=p.invoice.description,
            off_session=True,
        )
        for p in payments
    ]
    by_key = gateway.charge_many(requests=requests)
    return {p.pk: by_key[p.idempotency_key] for p in payments}


# --- Settling payments ------------------------------------------------------------------


# A cancelled reader hears that access is ending this long before it does.
ENDING_SOON_NOTICE = dt.timedelta(days=3)


def renewal_action_at(subscription: Subscription) -> dt.datetime:
    """When the next step is due: the pre-debit notice for INR, else the charge; for a
    cancelled subscription, the 'access ending soon' email (the sweep then waits for the end)."""
    end = subscription.current_period_end
    if end is None:
        raise ValueError("An active subscription has a period end.")
    if subscription.cancel_at_period_end:
        return end - ENDING_SOON_NOTICE
    if subscription.currency == "INR":
        return end - dt.timedelta(hours=settings.PRE_DEBIT_NOTICE_HOURS)
    return end - dt.timedelta(hours=24)


def settle_payment(*, payment_id: int, result: ChargeResult) -> None:
    """Record a gateway outcome and everything that follows. Safe to call twice."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("invoice")
            .get(pk=payment_id)
        )
        if payment.status != PaymentStatus.PENDING and not (
            payment.status == PaymentStatus.REQUIRES_ACTION
            and result.status == ChargeStatus.SUCCEEDED
        ):
            return  # already settled: a duplicate webhook or a reconcile after the fact
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("customer", "customer__test_clock", "plan", "next_plan")
            .get(pk=payment.invoice.subscription_id)
        )
        now = now_for(subscription.customer)
        payment.gateway_payment_id = result.gateway_payment_id
        payment.settled_at = now
        if result.status == ChargeStatus.SUCCEEDED:
            payment.status = PaymentStatus.SUCCEEDED
            payment.save()
            _paid(subscription=subscription, invoice=payment.invoice, now=now)
        elif result.status == ChargeStatus.REQUIRES_ACTION:
            payment.status = PaymentStatus.REQUIRES_ACTION
            payment.failure_code = result.failure_code
            payment.failure_message = result.failure_message
            payment.save()
            _unpaid(subscription=subscription, payment=payment, now=now)
        else:
            payment.status = PaymentStatus.FAILED
            payment.failure_code = result.failure_code
            payment.failure_message = result.failure_message
            payment.save()
            _unpaid(subscription=subscription, payment=payment, now=now)


def _paid(*, subscription: Subscription, invoice: Invoice, now: dt.datetime) -> None:
    issue_invoice(invoice=invoice, issued_at=now)
    first_paid = _enter_paid_period(subscription=subscription, invoice=invoice)
    subscription.save()
    _set_access_until(subscription, invoice.period_end)
    record_event(
        customer=subscription.customer,
        subscription=subscription,
        kind="payment_succeeded",
        message=f"Paid {invoice.number} for {invoice.description}",
        at=now,
        invoice=invoice.number,
    )
    email = tasks.send_receipt if first_paid else tasks.send_renewal_succeeded
    tasks.after_commit(email, invoice_id=invoice.pk)


def _enter_paid_period(*, subscription: Subscription, invoice: Invoice) -> bool:
    """Move the (unsaved) subscription into the period ``invoice`` paid for. True when this
    was the first payment of the subscription (a receipt, not a renewal email)."""
    if invoice.kind == InvoiceKind.INITIAL:
        subscription.anchor = invoice.period_start
        subscription.period_index = 0
        first_paid = True
    elif invoice.kind == InvoiceKind.PRORATION:
        subscription.anchor = invoice.period_start
        subscription.period_index = 0
        first_paid = False
    else:
        subscription.period_index += 1
        first_paid = False
        if subscription.next_plan_id is not None:
            # A downgrade starts a new run of periods at this one (``renewals._next_period``):
            # anchor it here, or the next renewal would count the new length from the old
            # anchor and bill periods already past.
            subscription.anchor = invoice.period_start
            subscription.period_index = 0
            subscription.plan = subscription.next_plan  # type: ignore[assignment]
            subscription.next_plan = None
            # The plan's price, not the total: with prices excluding tax the total carries
            # GST, which the next renewal would otherwise tax again.
            subscription.amount_minor = price_of(invoice)
    subscription.current_period_start = invoice.period_start
    subscription.current_period_end = invoice.period_end
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.retry_count = 0
    subscription.grace_until = None
    subscription.next_action_at = renewal_action_at(subscription)
    return first_paid


_PAID_FIELDS = [
    "anchor",
    "period_index",
    "plan",
    "next_plan",
    "amount_minor",
    "current_period_start",
    "current_period_end",
    "status",
    "retry_count",
    "grace_until",
    "next_action_at",
]


def settle_renewal_payments(*, results: dict[int, ChargeResult]) -> None:
    """Record a batch of renewal charges' outcomes (by payment id), as ``settle_payment`` would
    one by one, but the successful ones in one transaction: payments, invoices numbered as a
    contiguous range per financial year, subscriptions, grants and events written in bulk,
    emails queued after the commit. All of them or none: a crash leaves every payment pending,
    for the sweep to reconcile with the gateway. Safe to call twice."""
    succeeded = {pk: r for pk, r in results.items() if r.status == ChargeStatus.SUCCEEDED}
    if succeeded:
        _settle_succeeded(results=succeeded)
    for payment_id, result in results.items():
        if result.status != ChargeStatus.SUCCEEDED:
            # Declines are few, and dunning decides per subscription: one at a time.
            settle_payment(payment_id=payment_id, result=result)


def _settle_succeeded(*, results: dict[int, ChargeResult]) -> None:
    with transaction.atomic():
        # Lock order as in settle_payment (payment, then subscription), by id: no deadlocks.
        payments = [
            payment
            for payment in Payment.objects.select_for_update(of=("self",))
            .select_related("invoice")
            .filter(pk__in=results)
            .order_by("pk")
            if payment.status in (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)
        ]
        if not payments:
            return  # already settled: a reconcile after the fact
        subscriptions = {
            sub.pk: sub
            for sub in Subscription.objects.select_for_update(of=("self",))
            .select_related("customer", "customer__test_clock", "plan", "next_plan")
            .filter(pk__in={payment.invoice.subscription_id for payment in payments})
            .order_by("pk")
        }
        issues: list[tuple[Invoice, dt.datetime]] = []
        for payment in payments:
            now = now_for(subscriptions[payment.invoice.subscription_id].customer)
            result = results[payment.pk]
            payment.status = PaymentStatus.SUCCEEDED
            payment.gateway_payment_id = result.gateway_payment_id
            payment.settled_at = now
            issues.append((payment.invoice, now))
        update_rows(payments, ["status", "gateway_payment_id", "settled_at"])
        issue_invoices(issues=issues)
        events: list[BillingEvent] = []
        grants: list[access.GrantSync] = []
        receipts: list[int] = []
        renewed: list[int] = []
        for invoice, now in issues:
            subscription = subscriptions[invoice.subscription_id]
            first_paid = _enter_paid_period(subscription=subscription, invoice=invoice)
            (receipts if first_paid else renewed).append(invoice.pk)
            grants.append(
                access.GrantSync(
                    user_id=subscription.customer.user_id,
                    source_reference=grant_reference(subscription),
                    benefits=list(subscription.plan.benefits),
                    starts_at=now - dt.timedelta(seconds=1),
                    ends_at=invoice.period_end,
                )
            )
            events.append(
                BillingEvent(
                    customer=subscription.customer,
                    subscription=subscription,
                    kind="payment_succeeded",
                    message=f"Paid {invoice.number} for {invoice.description}"[:300],
                    occurred_at=now,
                    data={"invoice": str(invoice.number)},
                )
            )
        update_rows(list(subscriptions.values()), _PAID_FIELDS)
        access.sync_grants_many(source=GrantSource.SUBSCRIPTION, syncs=grants)
        BillingEvent.objects.bulk_create(events)
        tasks.after_commit_many(tasks.send_receipt, [{"invoice_id": pk} for pk in receipts])
        tasks.after_commit_many(
            tasks.send_renewal_succeeded, [{"invoice_id": pk} for pk in renewed]
        )


def _unpaid(*, subscription: Subscription, payment: Payment, now: dt.datetime) -> None:
    customer = subscription.customer
    invoice = payment.invoice
    if subscription.status == SubscriptionStatus.PENDING or invoice.kind == InvoiceKind.PRORATION:
        # A failed checkout or upgrade changes nothing the reader had.
        void_invoice(invoice=invoice)
        if subscription.status == SubscriptionStatus.PENDING:
            subscription.status = SubscriptionStatus.ENDED
            subscription.end_reason = EndReason.ABANDONED
            subscription.ended_at = now
            subscription.next_action_at = None
            subscription.save()
        record_event(
            customer=customer,
            subscription=subscription,
            kind="payment_failed",
            message=f"Payment declined at checkout: {payment.failure_code or 'declined'}",
            at=now,
        )
        return
    end = subscription.current_period_end or now
    grace_until = end + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
    subscription.status = SubscriptionStatus.PAST_DUE
    attempts = Payment.objects.filter(invoice=invoice).count()
    subscription.retry_count = attempts
    subscription.grace_until = grace_until
    schedule = settings.BILLING_RETRY_DAYS
    first_failure = (
        Payment.objects.filter(invoice=invoice).order_by("created_at", "pk").first() or payment
    ).settled_at or now
    if attempts <= len(schedule) and payment.status != PaymentStatus.REQUIRES_ACTION:
        subscription.next_action_at = first_failure + dt.timedelta(days=schedule[attempts - 1])
    else:
        # Out of retries (or waiting for the reader): end at the later of grace and the
        # last retry day, unless the reader pays first.
        last = first_failure + dt.timedelta(days=schedule[-1] if schedule else 0)
        subscription.next_action_at = max(grace_until, last)
    subscription.save()
    _set_access_until(subscription, grace_until)
    record_event(
        customer=customer,
        subscription=subscription,
        kind="payment_failed",
        message=f"Renewal attempt {payment.attempt} failed: {payment.failure_code or 'declined'}",
        at=now,
    )
    tasks.after_commit(
        tasks.send_payment_failed,
        subscription_id=subscription.pk,
        failure_message=payment.failure_message or "The payment was declined.",
    )


# --- Cancel, undo, end ------------------------------------------------------------------


def _locked(subscription_id: int) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("customer", "customer__test_clock", "plan")
        .get(pk=subscription_id)
    )


def cancel(*, subscription: Subscription, reason: str = "") -> Subscription:
    """Cancel at period end: access continues to the end of what was paid; no further charge.

    A subscription the gateway collects on its own schedule is stopped there first: if the
    gateway cannot be reached, nothing changes here and the reader can try again.
    """
    if subscription.gateway_subscription_id and not subscription.cancel_at_period_end:
        _stop_gateway_schedule(
            subscription, at_period_end=subscription.status == SubscriptionStatus.ACTIVE
        )
    return _cancel(subscription=subscription, reason=reason)


def hosted_gateway(name: str) -> HostedGateway:
    gateway = get_gateway(name)
    if not hasattr(gateway, "start_checkout"):
        raise BillingError(f"The {name} gateway has no hosted checkout; pay by card here.")
    return gateway  # type: ignore[return-value]


def _stop_gateway_schedule(subscription: Subscription, *, at_period_end: bool) -> None:
    gateway = hosted_gateway(subscription.customer.gateway)
    try:
        gateway.cancel_subscription(
            gateway_subscription_id=subscription.gateway_subscription_id,
            at_period_end=at_period_end,
        )
    except GatewayError as exc:
        logger.warning("could not stop gateway subscription for %s: %s", subscription.pk, exc)
        raise BillingError(
            "We could not reach the payment gateway to stop your mandate, so nothing has "
            "changed. Please try again in a minute."
        ) from exc


@transaction.atomic
def _cancel(*, subscription: Subscription, reason: str = "") -> Subscription:
    sub = _locked(subscription.pk)
    now = now_for(sub.customer)
    if sub.status == SubscriptionStatus.PAST_DUE:
        # Nothing paid is left to run out: stop now rather than keep retrying.
        return _end(sub=sub, reason=EndReason.CANCELLED, now=now, note=reason)
    if sub.status != SubscriptionStatus.ACTIVE:
        raise BillingError("Only an active subscription can be cancelled.")
    if sub.cancel_at_period_end:
        return sub
    sub.cancel_at_period_end = True
    sub.cancellation_reason = reason[:300]
    sub.next_plan = None
    sub.next_action_at = renewal_action_at(sub)
    sub.save()
    record_event(
        customer=sub.customer,
        subscription=sub,
        kind="cancelled",
        message=f"Cancelled; access until {sub.current_period_end:%d %b %Y}",
        at=now,
        reason=reason,
    )
    tasks.after_commit(tasks.send_cancellation_confirmed, subscription_id=sub.pk)
    return sub


def undo_cancel(*, subscription: Subscription) -> Subscription:
    if subscription.gateway_subscription_id and subscription.cancel_at_period_end:
        gateway = hosted_gateway(subscription.customer.gateway)
        try:
            gateway.resume_subscription(
                gateway_subscription_id=subscription.gateway_subscription_id
            )
        except NotSupported as exc:
            raise BillingError(str(exc)) from exc
        except GatewayError as exc:
            raise BillingError(
                "We could not reach the payment gateway to restore your mandate; nothing has "
                "changed. Please try again in a minute."
            ) from exc
    return _undo_cancel(subscription=subscription)


@transaction.atomic
def _undo_cancel(*, subscription: Subscription) -> Subscription:
    sub = _locked(subscription.pk)
    now = now_for(sub.customer)
    if sub.status != SubscriptionStatus.ACTIVE or not sub.cancel_at_period_end:
        raise BillingError("There is no cancellation to undo.")
    if sub.current_period_end is None or now >= sub.current_period_end:
        raise BillingError("The subscription has already ended; subscribe again instead.")
    sub.cancel_at_period_end = False
    sub.cancellation_reason = ""
    sub.next_action_at = renewal_action_at(sub)
    sub.save()
    record_event(
        customer=sub.customer,
        subscription=sub,
        kind="cancel_undone",
        message="Renewal back on",
        at=now,
    )
    return sub


def _end(*, sub: Subscription, reason: EndReason, now: dt.datetime, note: str = "") -> Subscription:
    sub.status = SubscriptionStatus.ENDED
    sub.end_reason = reason
    sub.ended_at = now
    sub.next_action_at = None
    sub.save()
    for invoice in sub.invoices.filter(status=InvoiceStatus.OPEN):
        void_invoice(invoice=invoice)
    Payment.objects.filter(invoice__subscription=sub, status=PaymentStatus.REQUIRES_ACTION).update(
        status=PaymentStatus.FAILED, failure_code="subscription_ended"
    )
    if reason == EndReason.CANCELLED and sub.current_period_end and now >= sub.current_period_end:
        _set_access_until(sub, sub.current_period_end)
    else:
        _end_access_now(sub)
    record_event(
        customer=sub.customer,
        subscription=sub,
        kind="ended",
        message=f"Ended: {EndReason(reason).label}" + (f" ({note})" if note else ""),
        at=now,
    )
    return sub


def end_at_period_end(*, subscription_id: int) -> None:
    with transaction.atomic():
        sub = _locked(subscription_id)
        if sub.status == SubscriptionStatus.ACTIVE and sub.cancel_at_period_end:
            _end(sub=sub, reason=EndReason.CANCELLED, now=now_for(sub.customer))


def end_unpaid(*, subscription_id: int) -> None:
    with transaction.atomic():
        sub = _locked(subscription_id)
        if sub.status == SubscriptionStatus.PAST_DUE:
            _end(sub=sub, reason=EndReason.UNPAID, now=now_for(sub.customer))


def staff_end_now(*, subscription: Subscription, refund_unused: bool, note: str = "") -> int:
    """End at once; refund the unused part of the current period pro rata. Returns refunded.

    The refund goes first: if the gateway refuses, nothing has ended and staff can try again.
    """
    sub = Subscription.objects.select_related("customer", "customer__test_clock").get(
        pk=subscription.pk
    )
    if sub.status not in LIVE_STATUSES:
        raise BillingError("This subscription has already ended.")
    now = now_for(sub.customer)
    refunded = 0
    last_payment = (
        Payment.objects.filter(invoice__subscription=sub, status=PaymentStatus.SUCCEEDED)
        .select_related("invoice")
        .order_by("-invoice__period_end", "-pk")
        .first()
    )
    if refund_unused and last_payment is not None:
        amount = unused_amount(payment=last_payment, at=now)
        if amount > 0:
            refunded = refund(
                payment=last_payment,
                amount_minor=amount,
                reason="Unused part of the period, ended by staff",
                idempotency_key=f"staff-end:{sub.pk}:{last_payment.pk}",
            )
    if sub.gateway_subscription_id:
        _stop_gateway_schedule(sub, at_period_end=False)
    with transaction.atomic():
        locked = _locked(sub.pk)
        if locked.status in LIVE_STATUSES:
            _end(sub=locked, reason=EndReason.STAFF, now=now, note=note)
    return refunded


@dataclass(frozen=True)
class Complimentary:
    """What a complimentary extension did: moved a subscription's renewal, or gave access."""

    renewal_moved: bool
    until: dt.datetime
    message: str


def give_complimentary(
    *, customer: Customer, duration: access.CompDuration, staff: User, note: str = ""
) -> Complimentary:
    """Staff give a reader free time.

    A subscriber renewing on our own billing clock gets it as a later renewal: the period they
    paid for runs on by ``duration`` and nothing is charged until it ends (free time that ran
    beside a paid period would be worth nothing to them). Anyone else (no subscription, a
    renewal already failed, or a gateway that keeps its own schedule) gets complimentary
    access to every benefit for ``duration`` from now.
    """
    label = access.COMP_DURATION_LABELS[duration]
    why = f": {note}" if note else ""
    with transaction.atomic():
        live = (
            Subscription.objects.filter(
                customer=customer, status=SubscriptionStatus.ACTIVE, gateway_subscription_id=""
            )
            .values_list("pk", flat=True)
            .first()
        )
        if live is not None:
            sub = _locked(live)
            old_end = sub.current_period_end
            if old_end is None or sub.anchor is None:
                raise BillingError("This subscription has no period to extend.")
            new_end = access.comp_ends_at(starts_at=old_end, duration=duration)
            if new_end is None:
                raise BillingError("Complimentary time from the back office is for a fixed period.")
            # Every period derives from the anchor (periods.py): a new anchor moves this
            # period's end and every renewal after it; the pre-debit notice follows the date.
            sub.anchor = _anchor_ending_by(
                end=new_end, index=sub.period_index, months=sub.plan.period_months
            )
            sub.current_period_end = period(
                anchor=sub.anchor, index=sub.period_index, months=sub.plan.period_months
            ).end
            sub.next_action_at = renewal_action_at(sub)
            sub.save(update_fields=["anchor", "current_period_end", "next_action_at"])
            _set_access_until(sub, sub.current_period_end)
            record_event(
                customer=customer,
                subscription=sub,
                kind="complimentary",
                message=f"{label} free by {staff.get_username()}: renews "
                f"{_day(sub.current_period_end)} instead of {_day(old_end)}{why}",
                at=now_for(customer),
                ends_at=sub.current_period_end,
            )
            verb = "access ends" if sub.cancel_at_period_end else "the next renewal is"
            return Complimentary(
                renewal_moved=True,
                until=sub.current_period_end,
                message=f"{label} free for {customer.user.email}: {verb} on "
                f"{_day(sub.current_period_end)} instead of {_day(old_end)}.",
            )
        now = now_for(customer)
        grants = access.grant_complimentary(
            user=customer.user,
            duration=duration,
            granted_by=staff,
            note=f"Complimentary, {label}{why}",
            # On the reader's billing clock (a sandbox reader's test clock), the clock the gate
            # reads their grants against (ACCESS_READER_CLOCK).
            now=now,
        )
        until = grants[0].ends_at
        if until is None:
            raise BillingError("Complimentary time from the back office is for a fixed period.")
        record_event(
            customer=customer,
            subscription=None,
            kind="complimentary",
            message=f"Complimentary access for {label} by {staff.get_username()}{why}",
            at=now,
            ends_at=until,
        )
    return Complimentary(
        renewal_moved=False,
        until=until,
        message=f"{customer.user.email} has complimentary access for {label}, until {_day(until)}.",
    )


def _anchor_ending_by(*, end: dt.datetime, index: int, months: int) -> dt.datetime:
    """The anchor whose period ``index`` ends at ``end``; where no anchor does (30 May has no
    twin three months earlier: 28 Feb gives 28 May), the first day after it that ends later,
    so free time is never shorter than what staff gave."""
    anchor = add_months(end, -(index + 1) * months)
    while period(anchor=anchor, index=index, months=months).end < end:
        anchor += dt.timedelta(days=1)
    return anchor


def _day(moment: dt.datetime | None) -> str:
    if moment is None:
        return "–"
    return f"{timezone.localtime(moment):%-d %b %Y}"


def unused_amount(*, payment: Payment, at: dt.datetime) -> int:
    """The paid amount times the unused share of its period, rounded down to the paisa.

    Integers only: the period and its unused part in whole microseconds (timedelta // its
    unit is exact), the share floored, so the reader is never promised a paisa more than the
    exact pro-rata amount and never more than is left unrefunded.
    """
    invoice = payment.invoice
    unit = dt.timedelta(microseconds=1)
    total = (invoice.period_end - invoice.period_start) // unit
    left = (invoice.period_end - max(at, invoice.period_start)) // unit
    if total <= 0 or left <= 0:
        return 0
    refundable = int(payment.amount_minor) - int(payment.refunded_minor)
    share = int(payment.amount_minor) * min(left, total) // total
    return max(0, min(refundable, share))


def refund(*, payment: Payment, amount_minor: int, reason: str, idempotency_key: str) -> int:
    """Refund part or all of a payment, with a credit note. Never more than was paid."""
    if amount_minor <= 0:
        raise BillingError("A refund must be a positive amount.")
    with transaction.atomic():
        locked = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("invoice")
            .get(pk=payment.pk)
        )
        if locked.status != PaymentStatus.SUCCEEDED:
            raise BillingError("Only a successful payment can be refunded.")
        if locked.invoice.credit_notes.filter(idempotency_key=idempotency_key).exists():
            return 0
        left = int(locked.amount_minor) - int(locked.refunded_minor)
        if amount_minor > left:
            raise BillingError(
                f"At most {_shown(left, locked.currency)} of this payment is left to refund; "
                "enter that or less."
            )
        customer = locked.invoice.customer
        result = get_gateway(locked.gateway).refund(
            gateway_payment_id=locked.gateway_payment_id,
            amount_minor=amount_minor,
            idempotency_key=idempotency_key,
        )
        locked.refunded_minor = int(locked.refunded_minor) + amount_minor
        locked.save(update_fields=["refunded_minor"])
        note = issue_credit_note(
            payment=locked,
            amount_minor=amount_minor,
            reason=reason,
            idempotency_key=idempotency_key,
            gateway_refund_id=result.gateway_refund_id,
            issued_at=now_for(customer),
        )
        record_event(
            customer=customer,
            subscription=locked.invoice.subscription,
            kind="refunded",
            message=f"Refunded {_shown(amount_minor, locked.currency)}; credit note {note.number}",
            at=now_for(customer),
        )
    return amount_minor


# --- Plan changes -----------------------------------------------------------------------


def change_plan(*, subscription: Subscription, plan: Plan) -> Subscription:
    """Upgrade now with proration (new period starts today); downgrade at the next renewal.

    An upgrade is a plan that costs more per billing period (a quarterly reader moving to the
    annual plan upgrades, though the annual plan is cheaper per month).

    Every check is made under the subscription's row lock, and the upgrade's payment key is
    derived from the subscription, the plan and the period it starts from: a double click, a
    reload or two requests at once make one charge (a repeat finishes the first, under its
    key), and only an attempt after a definite decline is charged anew.
    """
    new_price = PlanPrice.objects.filter(plan=plan, currency=subscription.currency).first()
    with transaction.atomic():
        locked = _lock_for_plan_change(subscription.pk)
        if locked.status != SubscriptionStatus.ACTIVE:
            raise BillingError("Only an active subscription can change plan.")
        if locked.gateway_subscription_id:
            # The gateway's mandate is for this plan's amount; a new amount needs a new mandate.
            raise BillingError(
                "Your UPI Autopay or card mandate is for your current plan's amount. To change "
                "plan, cancel (you keep access to the end of the period) and subscribe to the "
                "new plan then."
            )
        if plan.pk == locked.plan_id:
            payment = _upgrade_in_hand(locked=locked, plan=plan)
            if payment is None:
                raise BillingError(f"You are already on {plan.name}; nothing was changed.")
            if payment.status == PaymentStatus.SUCCEEDED:
                return locked  # this upgrade, asked again: done already, not charged again
        elif new_price is None or not plan.is_active:
            raise BillingError(f"{plan.name} is not offered in {locked.currency}.")
        elif int(new_price.amount_minor) <= int(locked.amount_minor):
            if locked.next_plan_id != plan.pk:
                locked.next_plan = plan
                locked.save(update_fields=["next_plan"])
                record_event(
                    customer=locked.customer,
                    subscription=locked,
                    kind="downgrade_scheduled",
                    message=f"Switches to {plan.name} at the next renewal",
                    at=now_for(locked.customer),
                )
            return locked
        else:
            payment = _open_upgrade(locked=locked, plan=plan, price=new_price)
    return _charge_upgrade(subscription=locked, plan=plan, payment=payment)


def proration_credit(*, subscription: Subscription, at: dt.datetime) -> int:
    last = (
        Payment.objects.filter(invoice__subscription=subscription, status=PaymentStatus.SUCCEEDED)
        .select_related("invoice")
        .order_by("-invoice__period_end", "-pk")
        .first()
    )
    if last is None:
        return 0
    unused = unused_amount(payment=last, at=at)
    total = int(last.invoice.total_minor)
    # The credit in the price's own terms, which the proration invoice then taxes like any
    # price: with GST added on top, the unused GST comes back inside the new invoice's tax.
    return unused * price_of(last.invoice) // total if total else 0


def _lock_for_plan_change(subscription_id: int) -> Subscription:
    """The subscription, row-locked. The lock is taken without joins: on PostgreSQL a
    ``FOR UPDATE`` that waited re-checks its joins against the updated row, so joining the
    plan would find nothing once the request ahead of it has changed the plan."""
    Subscription.objects.select_for_update().filter(pk=subscription_id).values_list("pk").get()
    return Subscription.objects.select_related("customer", "customer__test_clock", "plan").get(
        pk=subscription_id
    )


def _upgrade_key(*, subscription: Subscription, plan: Plan) -> str:
    start = subscription.current_period_start
    return f"upgrade:{subscription.pk}:{plan.pk}:{start:%Y%m%dT%H%M%S}"


def _upgrade_in_hand(*, locked: Subscription, plan: Plan) -> Payment | None:
    """The upgrade payment that moved ``locked`` to ``plan``, if that is how it got there:
    still in flight (a request in progress, or one that lost the gateway's answer) or paid
    for the period it is in. None: the reader is simply on that plan."""
    payment = (
        Payment.objects.filter(
            invoice__subscription=locked,
            invoice__kind=InvoiceKind.PRORATION,
            idempotency_key__startswith=f"upgrade:{locked.pk}:{plan.pk}:",
        )
        .select_related("invoice")
        .order_by("-pk")
        .first()
    )
    if payment is None:
        return None
    if payment.status == PaymentStatus.PENDING:
        return payment
    if (
        payment.status == PaymentStatus.SUCCEEDED
        and payment.invoice.period_start == locked.current_period_start
    ):
        return payment
    return None


def _open_upgrade(*, locked: Subscription, plan: Plan, price: PlanPrice) -> Payment:
    """Under the row lock: the proration invoice and its pending payment, and the plan
    switched (settling grants the new plan's benefits). A new attempt, with a new key,
    only after the earlier ones were definitely declined."""
    customer = locked.customer
    now = now_for(customer)
    key = _upgrade_key(subscription=locked, plan=plan)
    earlier = Payment.objects.filter(
        Q(idempotency_key=key) | Q(idempotency_key__startswith=f"{key}:")
    ).count()
    if earlier:
        key = f"{key}:{earlier + 1}"
    credit = proration_credit(subscription=locked, at=now)
    new_period = period(anchor=now, index=0, months=plan.period_months)
    invoice = open_invoice(
        subscription=locked,
        kind=InvoiceKind.PRORATION,
        period_start=new_period.start,
        period_end=new_period.end,
        amount_minor=max(0, int(price.amount_minor) - credit),
    )
    payment = Payment.objects.create(
        invoice=invoice,
        amount_minor=invoice.total_minor,
        currency=invoice.currency,
        gateway=customer.gateway,
        idempotency_key=key,
    )
    record_event(
        customer=customer,
        subscription=locked,
        kind="upgrade_started",
        message=f"Upgrading from {locked.plan.name} to {plan.name}",
        at=now,
        payment=key,
        from_plan=locked.plan_id,
        from_amount=locked.amount_minor,
    )
    locked.plan = plan
    locked.amount_minor = price.amount_minor
    locked.next_plan = None
    locked.save(update_fields=["plan", "amount_minor", "next_plan"])
    return payment


def _charge_upgrade(*, subscription: Subscription, plan: Plan, payment: Payment) -> Subscription:
    """Charge the upgrade under its stored key (outside any transaction) and settle it; a
    decline puts the reader back on the plan they had."""
    try:
        result = charge_payment(payment=payment, customer=subscription.customer, off_session=False)
    except GatewayError as exc:
        logger.warning("upgrade payment %s: gateway unreachable: %s", payment.pk, exc)
        raise BillingError(
            "The payment gateway could not be reached, so your upgrade is not finished. "
            "Try again in a minute: you will not be charged twice."
        ) from exc
    settle_payment(payment_id=payment.pk, result=result)
    payment.refresh_from_db()
    if payment.status != PaymentStatus.SUCCEEDED:
        _undo_upgrade(subscription_id=subscription.pk, plan=plan, payment=payment)
        raise PaymentDeclined(payment.failure_message or "The upgrade payment was declined.")
    subscription.refresh_from_db()
    return subscription


def _undo_upgrade(*, subscription_id: int, plan: Plan, payment: Payment) -> None:
    with transaction.atomic():
        locked = _lock_for_plan_change(subscription_id)
        started = locked.events.filter(
            kind="upgrade_started", data__payment=payment.idempotency_key
        ).first()
        if started is None or locked.plan_id != plan.pk:
            return
        locked.plan = Plan.objects.get(pk=int(started.data["from_plan"]))
        locked.amount_minor = int(started.data["from_amount"])
        locked.save(update_fields=["plan", "amount_minor"])

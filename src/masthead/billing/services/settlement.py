"""Charging a payment under its stored key and recording the outcome: the paid period, the
invoice issued, access extended; or dunning after a decline. Renewal batches settle in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from masthead.access import services as access
from masthead.access.models import GrantSource
from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.event_emails import failure_reason
from masthead.billing.gateways import get_gateway
from masthead.billing.gateways.base import (
    ChargeRequest,
    ChargeResult,
    ChargesInBatches,
    ChargeStatus,
)
from masthead.billing.invoicing import issue_invoice, issue_invoices, price_of, void_invoice
from masthead.billing.models import (
    BillingEvent,
    Customer,
    EndReason,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.services.common import _set_access_until, grant_reference, record_event
from masthead.core.bulk import insert_rows, update_rows


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


# A cancelled reader hears that access is ending this long before it does.
ENDING_SOON_NOTICE = dt.timedelta(days=3)
# A retry's notice (the failure email naming its date) comes at least this long before it.
RETRY_NOTICE = dt.timedelta(hours=25)


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
    if invoice.kind == InvoiceKind.PRORATION:
        email = tasks.send_plan_changed  # a plan change, never "has renewed"
    queue.after_commit(email, invoice_id=invoice.pk)


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
        if (
            subscription.next_amount_from is not None
            and invoice.period_start >= subscription.next_amount_from
        ):
            # A price change staff scheduled (``price_change``) starts with this period.
            subscription.amount_minor = price_of(invoice)
            subscription.next_amount_minor = None
            subscription.next_amount_from = None
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
    "next_amount_minor",
    "next_amount_from",
    "current_period_start",
    "current_period_end",
    "status",
    "retry_count",
    "grace_until",
    "next_action_at",
]
_PAID_ATTNAMES = [
    "plan_id" if name == "plan" else "next_plan_id" if name == "next_plan" else name
    for name in _PAID_FIELDS
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
        changed: dict[tuple[str, ...], list[Subscription]] = {}
        for invoice, now in issues:
            subscription = subscriptions[invoice.subscription_id]
            before = [getattr(subscription, field) for field in _PAID_ATTNAMES]
            first_paid = _enter_paid_period(subscription=subscription, invoice=invoice)
            fields = tuple(
                name
                for name, attname, old in zip(_PAID_FIELDS, _PAID_ATTNAMES, before, strict=True)
                if getattr(subscription, attname) != old
            )
            changed.setdefault(fields, []).append(subscription)
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
        # Only what changed (a renewal moves four of the thirteen), one UPDATE per kind of change.
        for fields, renewed_subscriptions in changed.items():
            if fields:
                update_rows(renewed_subscriptions, fields)
        access.sync_grants_many(source=GrantSource.SUBSCRIPTION, syncs=grants)
        insert_rows(events, set_ids=False)
        queue.after_commit_many(tasks.send_receipt, [{"invoice_id": pk} for pk in receipts])
        queue.after_commit_many(
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
        # The failure email names this retry's date and amount: it is the retry's pre-debit
        # notice, so the retry waits at least the notice period after it (RBI e-mandate
        # framework: 24 hours before each debit; reference note §8).
        subscription.next_action_at = max(
            first_failure + dt.timedelta(days=schedule[attempts - 1]), now + RETRY_NOTICE
        )
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
    if payment.failure_code == "mandate_limit":
        # Above the mandate's limit nothing was tried: ask for approval, with the deadline.
        queue.after_commit(tasks.send_payment_approval_needed, subscription_id=subscription.pk)
        return
    queue.after_commit(
        tasks.send_payment_failed,
        subscription_id=subscription.pk,
        failure_message=failure_reason(
            gateway=payment.gateway, code=payment.failure_code, message=payment.failure_message
        ),
    )

"""Refunds with their credit notes, and the unused share of a paid period."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.gateways import get_gateway
from masthead.billing.invoicing import issue_credit_note
from masthead.billing.models import Payment, PaymentStatus
from masthead.billing.services.common import BillingError, _shown, record_event


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
        queue.after_commit(tasks.send_refund_issued, credit_note_id=note.pk)
        record_event(
            customer=customer,
            subscription=locked.invoice.subscription,
            kind="refunded",
            message=f"Refunded {_shown(amount_minor, locked.currency)}; credit note {note.number}",
            at=now_for(customer),
        )
    return amount_minor

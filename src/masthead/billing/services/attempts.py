"""A reader paying an open invoice while present (pay now, a new payment method, a checkout's
challenge): one charge however many tabs, retries or parallel requests.

Every such request comes through ``reader_attempt`` under the invoice's row lock, and finds one
of three things: the invoice already paid (the winner's payment is this request's answer too);
an attempt in flight (this request charges *that* attempt again, under its stored key, so the
gateway answers with the same charge and never makes a second); or a definite outcome before
it (a decline), after which it opens the next attempt with the next key. ``charge_attempt``
then charges outside any transaction and settles, and a payment the reader must confirm with
their bank (3-D Secure, the sandbox's challenge) is held pending with the gateway's reference
until they answer. ADR 0005 gives the shape; docs/adr/0016 why pay now is keyed this way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction

from masthead.billing.gateways.base import ChargeStatus, GatewayError
from masthead.billing.models import (
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
)
from masthead.billing.services import settlement
from masthead.billing.services.common import BillingError

logger = logging.getLogger(__name__)

IN_PROGRESS = (
    "Your payment is being processed (perhaps in another window). You will not be charged "
    "twice: open My subscription again in a minute to see it settled."
)


@dataclass(frozen=True)
class ReaderPayment:
    payment: Payment
    # Where the reader confirms the payment with their bank; empty when it is settled.
    action_url: str = ""


def reader_attempt(*, invoice_id: int, key_prefix: str, gateway: str) -> Payment:
    """The payment this request of the reader's should charge (see the module's docstring).

    ``key_prefix`` names the operation (``paynow:<invoice>:``); the attempt's number follows.
    """
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.status == InvoiceStatus.PAID:
            winner = invoice.payments.filter(status=PaymentStatus.SUCCEEDED).first()
            if winner is not None:
                return winner
            raise BillingError("There is nothing to pay: your subscription is up to date.")
        if invoice.status != InvoiceStatus.OPEN:
            raise BillingError("This invoice was cancelled, so there is nothing to pay on it.")
        in_flight = (
            invoice.payments.filter(
                status=PaymentStatus.PENDING, idempotency_key__startswith=key_prefix
            )
            .order_by("-pk")
            .first()
        )
        if in_flight is not None:
            return in_flight
        attempt = invoice.payments.count() + 1
        payment = Payment.objects.create(
            invoice=invoice,
            amount_minor=invoice.total_minor,
            currency=invoice.currency,
            gateway=gateway,
            idempotency_key=f"{key_prefix}{attempt}",
            attempt=attempt,
        )
        # A renewal that was waiting for the reader's bank is replaced by this attempt.
        Payment.objects.filter(invoice=invoice, status=PaymentStatus.REQUIRES_ACTION).update(
            status=PaymentStatus.FAILED
        )
    return payment


def charge_attempt(*, payment: Payment, customer: Customer) -> ReaderPayment:
    """Charge a reader's attempt under its stored key, outside any transaction, and settle it.

    A payment already settled (the winner's, found by a losing request) is returned as it is.
    """
    if payment.status != PaymentStatus.PENDING:
        return ReaderPayment(payment=payment)
    try:
        result = settlement.charge_payment(payment=payment, customer=customer, off_session=False)
    except GatewayError as exc:
        # Unreachable, or (Stripe's 409) the same key is being charged by the other request:
        # the payment stays pending under its key, for the next request or the sweep.
        logger.warning("reader payment %s: gateway did not answer: %s", payment.pk, exc)
        raise BillingError(IN_PROGRESS) from exc
    if result.status == ChargeStatus.REQUIRES_ACTION and result.action_url:
        # The reader is here to confirm with their bank: hold the attempt (pending, with the
        # gateway's reference) until they answer; a repeat request finds it in flight.
        Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
            gateway_payment_id=result.gateway_payment_id
        )
        payment.refresh_from_db()
        return ReaderPayment(payment=payment, action_url=result.action_url)
    settlement.settle_payment(payment_id=payment.pk, result=result)
    payment.refresh_from_db()
    return ReaderPayment(payment=payment)

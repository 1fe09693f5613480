"""The built-in sandbox gateway: offline, with test cards, and remembered like a real one.

Test cards (any future expiry, any CVC):

===================  ===========================================
4242 4242 4242 4242  succeeds
4000 0000 0000 0002  declined (card_declined)
4000 0000 0000 9995  declined (insufficient_funds)
4000 0025 0000 3155  needs authentication (requires_action)
===================  ===========================================

A saved card is the token ``pm_sandbox_<number>``. Staff make a customer's *next* charge
decline, need authentication or fail for insufficient funds from the back office (the
customer's ``sandbox_next_charge``, used up by that charge), as a gateway's test mode would.

The authentication card, charged with the reader present (checkout, pay now), answers
``requires_action`` with the sandbox's challenge page (approve / fail) as its action URL, as
3-D Secure would; charged off-session (a renewal) it asks the reader to come and pay now.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import IntegrityError, transaction

from masthead.billing.gateways.base import (
    ChargeRequest,
    ChargeResult,
    ChargeStatus,
    RefundResult,
    SignatureError,
    WebhookEventIn,
)
from masthead.billing.models import Customer, SandboxCharge, SandboxOutcome

TEST_CARDS: dict[str, tuple[ChargeStatus, str]] = {
    "4242424242424242": (ChargeStatus.SUCCEEDED, ""),
    "4000000000000002": (ChargeStatus.FAILED, "card_declined"),
    "4000000000009995": (ChargeStatus.FAILED, "insufficient_funds"),
    "4000002500003155": (ChargeStatus.REQUIRES_ACTION, "authentication_required"),
}
FAILURE_MESSAGES = {
    "card_declined": "The card was declined. Try another card.",
    "insufficient_funds": "The card has insufficient funds. Try another card.",
    "authentication_required": "The bank asks you to confirm this payment.",
    "authentication_failed": "You did not confirm the payment with your bank. Try again.",
}
CHALLENGE_PATH = "/subscribe/sandbox/challenge/{payment_id}/"
AUTHENTICATE_PATH = "/subscribe/authenticate/"
SIGNATURE_HEADER = "X-Sandbox-Signature"


def token_for_card(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits not in TEST_CARDS:
        known = ", ".join(f"{n[:4]} {n[4:8]} {n[8:12]} {n[12:]}" for n in TEST_CARDS)
        raise ValueError(f"That is not a sandbox test card. Use one of: {known}.")
    return f"pm_sandbox_{digits}"


def card_label(token: str) -> str:
    return f"Test card ending {token[-4:]}"


class SandboxGateway:
    name = "sandbox"

    def _result(self, row: SandboxCharge) -> ChargeResult:
        action_url = ""
        if row.status == ChargeStatus.REQUIRES_ACTION:
            action_url = (
                CHALLENGE_PATH.format(payment_id=row.payment_id)
                if row.challenged
                else AUTHENTICATE_PATH
            )
        return ChargeResult(
            status=ChargeStatus(row.status),
            gateway_payment_id=row.payment_id,
            failure_code=row.failure_code,
            failure_message=FAILURE_MESSAGES.get(row.failure_code, ""),
            action_url=action_url,
        )

    def charge(
        self,
        *,
        customer_ref: str,
        payment_method: str,
        amount_minor: int,
        currency: str,
        idempotency_key: str,
        description: str,
        off_session: bool,
        period_start: dt.datetime | None = None,
    ) -> ChargeResult:
        existing = SandboxCharge.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return self._result(existing)
        row = self._new_row(
            ChargeRequest(
                customer_ref=customer_ref,
                payment_method=payment_method,
                amount_minor=amount_minor,
                currency=currency,
                idempotency_key=idempotency_key,
                description=description,
                off_session=off_session,
            ),
            forced=self._take_forced(customer_ref),
        )
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            # The same key raced in from another worker: its result is the result.
            row = SandboxCharge.objects.get(idempotency_key=idempotency_key)
        return self._result(row)

    @staticmethod
    def _take_forced(customer_ref: str) -> str:
        """The outcome staff set for this customer's next charge, used up by taking it."""
        pk = _customer_pk(customer_ref)
        if pk is None:
            return ""
        with transaction.atomic():
            forced = (
                Customer.objects.select_for_update()
                .filter(pk=pk)
                .exclude(sandbox_next_charge="")
                .values_list("sandbox_next_charge", flat=True)
                .first()
            )
            if forced:
                Customer.objects.filter(pk=pk).update(sandbox_next_charge="")
        return forced or ""

    @staticmethod
    def _take_forced_many(customer_refs: Sequence[str]) -> dict[str, str]:
        pks = {pk: ref for ref in customer_refs if (pk := _customer_pk(ref)) is not None}
        forced = dict(
            Customer.objects.filter(pk__in=pks)
            .exclude(sandbox_next_charge="")
            .values_list("pk", "sandbox_next_charge")
        )
        if forced:
            Customer.objects.filter(pk__in=forced).update(sandbox_next_charge="")
        return {pks[pk]: outcome for pk, outcome in forced.items()}

    @staticmethod
    def _new_row(request: ChargeRequest, *, forced: str = "") -> SandboxCharge:
        card = request.payment_method.removeprefix("pm_sandbox_")
        status, code = TEST_CARDS.get(card, (ChargeStatus.FAILED, "card_declined"))
        if forced == SandboxOutcome.AUTHENTICATE:
            status, code = ChargeStatus.REQUIRES_ACTION, forced
        elif forced:
            status, code = ChargeStatus.FAILED, forced
        return SandboxCharge(
            idempotency_key=request.idempotency_key,
            payment_id=f"pay_sbx_{uuid.uuid4().hex[:20]}",
            customer_ref=request.customer_ref,
            amount_minor=request.amount_minor,
            currency=request.currency,
            status=status.value,
            failure_code=code,
            # Present, the reader is shown the challenge page; off-session, asked to pay now.
            challenged=status == ChargeStatus.REQUIRES_ACTION and not request.off_session,
        )

    def charge_many(self, *, requests: Sequence[ChargeRequest]) -> dict[str, ChargeResult]:
        """Many charges in one INSERT; keys already charged (or racing in from another worker)
        keep their first result, as a real gateway's idempotency keys do."""
        keys = [request.idempotency_key for request in requests]
        with transaction.atomic():
            forced = self._take_forced_many([request.customer_ref for request in requests])
            SandboxCharge.objects.bulk_create(
                [
                    self._new_row(request, forced=forced.get(request.customer_ref, ""))
                    for request in requests
                ],
                ignore_conflicts=True,
            )
            rows = SandboxCharge.objects.filter(idempotency_key__in=keys)
            return {row.idempotency_key: self._result(row) for row in rows}

    def answer_challenge(self, *, gateway_payment_id: str, approve: bool) -> ChargeResult:
        """The reader's answer on the challenge page: the charge succeeds or fails for good.
        Answering again changes nothing (the first answer stands)."""
        with transaction.atomic():
            row = SandboxCharge.objects.select_for_update().get(payment_id=gateway_payment_id)
            if row.status == ChargeStatus.REQUIRES_ACTION:
                row.status = (ChargeStatus.SUCCEEDED if approve else ChargeStatus.FAILED).value
                row.failure_code = "" if approve else "authentication_failed"
                row.save(update_fields=["status", "failure_code"])
        return self._result(row)

    def challenge(self, *, gateway_payment_id: str) -> SandboxCharge | None:
        """The charge waiting on the challenge page, if it still waits."""
        return SandboxCharge.objects.filter(
            payment_id=gateway_payment_id, status=ChargeStatus.REQUIRES_ACTION, challenged=True
        ).first()

    def find_charge(self, *, idempotency_key: str) -> ChargeResult | None:
        row = SandboxCharge.objects.filter(idempotency_key=idempotency_key).first()
        return self._result(row) if row else None

    def refund(
        self, *, gateway_payment_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]
        refund_id = f"rfnd_sbx_{digest}"
        with transaction.atomic():
            row = SandboxCharge.objects.select_for_update().get(payment_id=gateway_payment_id)
            if refund_id in row.refund_ids:
                # The same refund asked again (a retry): answered, not repeated.
                return RefundResult(gateway_refund_id=refund_id, amount_minor=amount_minor)
            if row.refunded_minor + amount_minor > row.amount_minor:
                raise ValueError("A refund cannot exceed what was charged.")
            row.refunded_minor += amount_minor
            row.refund_ids = [*row.refund_ids, refund_id]
            row.save(update_fields=["refunded_minor", "refund_ids"])
        return RefundResult(gateway_refund_id=refund_id, amount_minor=amount_minor)

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> WebhookEventIn:
        secret = settings.SANDBOX_WEBHOOK_SECRET.encode()
        given = headers.get(SIGNATURE_HEADER.lower(), "")
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not given or not hmac.compare_digest(given, expected):
            raise SignatureError("The sandbox webhook signature does not match the body.")
        try:
            payload = json.loads(body)
            return WebhookEventIn(
                event_id=str(payload["id"]),
                event_type=str(payload["type"]),
                object_id=str(payload.get("object_id", "")),
                data=dict(payload.get("data", {})),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise SignatureError("The webhook body is not a sandbox event.") from exc


def _customer_pk(customer_ref: str) -> int | None:
    """Our customer's id in the sandbox's reference (``cus_<id>``, as ``charge_payment`` sends)."""
    number = customer_ref.removeprefix("cus_")
    return int(number) if customer_ref.startswith("cus_") and number.isdigit() else None


def sign_sandbox_payload(body: bytes) -> str:
    return hmac.new(settings.SANDBOX_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()

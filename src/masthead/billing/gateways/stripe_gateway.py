"""Stripe, through the official SDK: off-session PaymentIntents, refunds, webhooks.

Every money-moving POST sends the caller's idempotency key as Stripe's ``Idempotency-Key``, so a
retry within Stripe's 24-hour key window gets the saved answer and never a second charge. The key
also goes into the PaymentIntent's ``metadata['idempotency_key']``, which is how
``find_charge`` finds an earlier charge through the Search API. Note that search is eventually
consistent (usually under a minute) and, per Stripe's docs, not offered to accounts in India.

A replayed answer is Stripe's *saved* answer; when it is not final, the adapter fetches the
PaymentIntent's current state. A payment still ``processing`` raises :class:`GatewayError`
(the protocol has no "pending"): its outcome is not known yet, and a retry charges nothing new.

Secrets are never logged or put in exception messages.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from stripe.params import PaymentIntentCreateParams

from masthead.billing.gateways.base import (
    ChargeResult,
    ChargeStatus,
    GatewayError,
    RefundResult,
    SignatureError,
    WebhookEventIn,
)

SIGNATURE_HEADER = "stripe-signature"
# Where Stripe sends the reader back after authenticating on its page.
RETURN_PATH = "/subscribe/authenticate/"
TIMEOUT_SECONDS = 30
NEEDS_AUTHENTICATION = "authentication_required"
AUTHENTICATION_MESSAGE = "The bank asks the reader to confirm this payment."
# States that mean the money was collected (requires_capture: authorised, capture pending).
PAID_STATES = frozenset({"succeeded", "requires_capture"})


def _setting(name: str) -> str:
    value = getattr(settings, name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set to use the Stripe gateway.")
    return str(value)


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(
        _setting("STRIPE_SECRET_KEY"),
        base_addresses={"api": str(settings.STRIPE_API_BASE).rstrip("/")},
        http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
        # No retries inside a request: the caller retries later under the same key.
        max_network_retries=0,
    )


def _unavailable(doing: str, exc: stripe.StripeError) -> GatewayError:
    """A GatewayError for any non-card failure. Key errors name no message (nor the key)."""
    kind = type(exc).__name__
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        return GatewayError(f"Stripe refused our credentials to {doing} ({kind}).")
    status = f" HTTP {exc.http_status}" if exc.http_status else ""
    return GatewayError(f"Stripe could not {doing} ({kind}{status}): {exc.user_message or ''}")


def _error_body(exc: stripe.StripeError) -> dict[str, Any]:
    body = exc.json_body
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _action_url(intent: Mapping[str, Any]) -> str:
    next_action = intent.get("next_action")
    if not isinstance(next_action, dict):
        return ""
    redirect = next_action.get("redirect_to_url")
    if isinstance(redirect, dict) and redirect.get("url"):
        return str(redirect["url"])
    return ""


def _requires_action(intent: Mapping[str, Any], message: str = "") -> ChargeResult:
    return ChargeResult(
        status=ChargeStatus.REQUIRES_ACTION,
        gateway_payment_id=str(intent.get("id") or ""),
        failure_code=NEEDS_AUTHENTICATION,
        failure_message=message or AUTHENTICATION_MESSAGE,
        action_url=_action_url(intent),
    )


def _intent_result(intent: Mapping[str, Any]) -> ChargeResult:
    intent_id = str(intent.get("id") or "")
    status = str(intent.get("status") or "")
    if status in PAID_STATES:
        return ChargeResult(status=ChargeStatus.SUCCEEDED, gateway_payment_id=intent_id)
    if status == "requires_action":
        return _requires_action(intent)
    if status in {"requires_payment_method", "canceled"}:
        error = intent.get("last_payment_error")
        error = error if isinstance(error, dict) else {}
        code = str(error.get("decline_code") or error.get("code") or "")
        if code == NEEDS_AUTHENTICATION:
            return _requires_action(intent, str(error.get("message") or ""))
        return ChargeResult(
            status=ChargeStatus.FAILED,
            gateway_payment_id=intent_id,
            failure_code=code or ("canceled" if status == "canceled" else "payment_failed"),
            failure_message=str(error.get("message") or ""),
        )
    raise GatewayError(
        f"Stripe PaymentIntent {intent_id} is {status}; its outcome is not known yet."
    )


def _card_error_result(exc: stripe.CardError) -> ChargeResult:
    error = _error_body(exc)
    intent = error.get("payment_intent")
    intent = intent if isinstance(intent, dict) else {}
    code = str(error.get("code") or exc.code or "")
    decline_code = str(error.get("decline_code") or "")
    message = str(error.get("message") or exc.user_message or "")
    if NEEDS_AUTHENTICATION in {code, decline_code} or intent.get("status") == "requires_action":
        return _requires_action(intent, message)
    return ChargeResult(
        status=ChargeStatus.FAILED,
        gateway_payment_id=str(intent.get("id") or ""),
        failure_code=decline_code or code or "card_declined",
        failure_message=message,
    )


def _search_literal(value: str) -> str:
    """A value quoted for Stripe's search query language."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _replayed(obj: stripe.StripeObject) -> bool:
    response = obj.last_response
    return response is not None and response.headers.get("idempotent-replayed") == "true"


class StripeGateway:
    name = "stripe"

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
        client = _client()
        params: PaymentIntentCreateParams = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "customer": customer_ref,
            "payment_method": payment_method,
            "off_session": off_session,
            "confirm": True,
            "description": description,
            "metadata": {"idempotency_key": idempotency_key},
            "return_url": f"{settings.SITE_URL}{RETURN_PATH}",
        }
        try:
            intent = client.v1.payment_intents.create(
                params=params,
                options={"idempotency_key": idempotency_key},
            )
        except stripe.CardError as exc:
            return _card_error_result(exc)
        except stripe.StripeError as exc:
            raise _unavailable("take the payment", exc) from exc
        if intent.status not in PAID_STATES and _replayed(intent):
            # Stripe replayed the answer saved at the first attempt; ask for the state now.
            try:
                intent = client.v1.payment_intents.retrieve(intent.id)
            except stripe.StripeError as exc:
                raise _unavailable("look up the payment", exc) from exc
        return _intent_result(intent.to_dict())

    def find_charge(self, *, idempotency_key: str) -> ChargeResult | None:
        query = f"metadata['idempotency_key']:{_search_literal(idempotency_key)}"
        try:
            found = _client().v1.payment_intents.search(params={"query": query, "limit": 10})
        except stripe.StripeError as exc:
            raise _unavailable("search for the payment", exc) from exc
        intents = [intent.to_dict() for intent in found.data]
        if not intents:
            return None
        for intent in intents:
            if intent.get("status") in PAID_STATES:
                return _intent_result(intent)
        latest = max(intents, key=lambda intent: int(intent.get("created") or 0))
        return _intent_result(latest)

    def refund(
        self, *, gateway_payment_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        try:
            refund = _client().v1.refunds.create(
                params={
                    "payment_intent": gateway_payment_id,
                    "amount": amount_minor,
                    "metadata": {"idempotency_key": idempotency_key},
                },
                options={"idempotency_key": idempotency_key},
            )
        except stripe.InvalidRequestError as exc:
            # More than is left to refund, an already refunded charge: retrying cannot help.
            raise ValueError(f"Stripe refused the refund: {exc.user_message or ''}") from exc
        except stripe.StripeError as exc:
            raise _unavailable("refund the payment", exc) from exc
        return RefundResult(gateway_refund_id=refund.id, amount_minor=refund.amount)

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> WebhookEventIn:
        """Verify ``Stripe-Signature`` over the raw body and its timestamp, then parse the event."""
        tolerance = settings.STRIPE_WEBHOOK_TOLERANCE
        # The SDK skips the timestamp check for a tolerance of 0: never let that happen.
        if not isinstance(tolerance, int) or isinstance(tolerance, bool) or tolerance <= 0:
            raise ImproperlyConfigured("STRIPE_WEBHOOK_TOLERANCE must be a positive number.")
        secret = _setting("STRIPE_WEBHOOK_SECRET")
        lowered = {name.lower(): value for name, value in headers.items()}
        signature = lowered.get(SIGNATURE_HEADER, "")
        if not signature:
            raise SignatureError("The Stripe webhook carries no Stripe-Signature header.")
        try:
            stripe.WebhookSignature.verify_header(body, signature, secret, tolerance=tolerance)
        except stripe.SignatureVerificationError as exc:
            raise SignatureError(f"The Stripe webhook signature does not verify: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise SignatureError("The Stripe webhook body is not UTF-8.") from exc
        try:
            event = json.loads(body)
            obj = event["data"]["object"]
            if not isinstance(obj, dict):
                raise TypeError("data.object is not an object")
            return _event(str(event["id"]), str(event["type"]), obj)
        except (ValueError, KeyError, TypeError) as exc:
            raise SignatureError("The webhook body is not a Stripe event.") from exc


def _compact(**fields: object) -> dict[str, object]:
    return {name: value for name, value in fields.items() if value not in (None, "")}


def _currency(obj: Mapping[str, Any]) -> str | None:
    currency = obj.get("currency")
    return str(currency).upper() if currency else None


def _invoice_subscription(invoice: Mapping[str, Any]) -> str:
    # API versions before 2025-03-31 put it on the invoice; later ones under parent.
    if invoice.get("subscription"):
        return str(invoice["subscription"])
    parent = invoice.get("parent")
    details = parent.get("subscription_details") if isinstance(parent, dict) else None
    subscription = details.get("subscription") if isinstance(details, dict) else None
    return str(subscription or "")


def _period_end(subscription: Mapping[str, Any]) -> object:
    # API versions from 2025-03-31 moved the period onto the subscription items.
    if subscription.get("current_period_end"):
        return subscription["current_period_end"]
    items = subscription.get("items")
    data = items.get("data") if isinstance(items, dict) else None
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0].get("current_period_end")
    return None


def _event(event_id: str, event_type: str, obj: Mapping[str, Any]) -> WebhookEventIn:
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    if event_type.startswith("invoice."):
        subscription_id = _invoice_subscription(obj)
        payment_intent = obj.get("payment_intent")
        object_id = subscription_id or str(payment_intent or obj.get("id") or "")
        data = _compact(
            invoice_id=obj.get("id"),
            subscription_id=subscription_id,
            payment_intent_id=payment_intent,
            customer=obj.get("customer"),
            status=obj.get("status"),
            billing_reason=obj.get("billing_reason"),
            amount_due=obj.get("amount_due"),
            amount_paid=obj.get("amount_paid"),
            currency=_currency(obj),
            attempt_count=obj.get("attempt_count"),
            next_payment_attempt=obj.get("next_payment_attempt"),
        )
    elif event_type.startswith("payment_intent."):
        object_id = str(obj.get("id") or "")
        error = obj.get("last_payment_error")
        error = error if isinstance(error, dict) else {}
        data = _compact(
            payment_intent_id=object_id,
            status=obj.get("status"),
            amount_minor=obj.get("amount"),
            currency=_currency(obj),
            customer=obj.get("customer"),
            idempotency_key=(metadata or {}).get("idempotency_key"),
            failure_code=error.get("decline_code") or error.get("code"),
            failure_message=error.get("message"),
        )
    elif event_type.startswith("customer.subscription."):
        object_id = str(obj.get("id") or "")
        data = _compact(
            subscription_id=object_id,
            status=obj.get("status"),
            customer=obj.get("customer"),
            cancel_at_period_end=obj.get("cancel_at_period_end"),
            current_period_end=_period_end(obj),
            canceled_at=obj.get("canceled_at"),
            ended_at=obj.get("ended_at"),
        )
    elif event_type.startswith("charge."):
        object_id = str(obj.get("payment_intent") or obj.get("id") or "")
        data = _compact(
            charge_id=obj.get("id"),
            payment_intent_id=obj.get("payment_intent"),
            amount_minor=obj.get("amount"),
            amount_refunded=obj.get("amount_refunded"),
            currency=_currency(obj),
            refunded=obj.get("refunded"),
        )
    else:
        object_id, data = str(obj.get("id") or ""), {}
    return WebhookEventIn(event_id=event_id, event_type=event_type, object_id=object_id, data=data)

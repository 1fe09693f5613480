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
    SCHEDULED_PREFIX,
    ChargeResult,
    ChargeStatus,
    CheckoutCompletion,
    CheckoutRequest,
    GatewayError,
    GatewaySubscription,
    HostedCheckout,
    PriceMove,
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
# A Stripe invoice belongs to our period when its line's period starts this close to ours.
PERIOD_MATCH = dt.timedelta(days=2)
# Subscription states in which Stripe's own collection of the latest invoice has failed.
COLLECTION_FAILED_STATES = frozenset({"past_due", "unpaid", "canceled", "incomplete_expired"})
# A Checkout Session's id (our pending checkout's gateway_checkout_id) as Stripe makes them.
CHECKOUT_SESSION_PREFIX = "cs_"


def _method_label(method: Mapping[str, Any]) -> str:
    kind = str(method.get("type") or "")
    card = method.get("card")
    if kind == "card" and isinstance(card, dict):
        brand = str(card.get("brand") or "card").title()
        return f"{brand} •••• {card.get('last4') or '????'}"
    return "UPI Autopay" if kind == "upi" else (kind.replace("_", " ").title() or "Stripe")


def _line_period_start(invoice: Mapping[str, Any]) -> int | None:
    lines = invoice.get("lines")
    data = lines.get("data") if isinstance(lines, dict) else None
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None
    period = data[0].get("period")
    start = period.get("start") if isinstance(period, dict) else None
    return int(start) if start is not None else None


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
        if payment_method.startswith(SCHEDULED_PREFIX):
            # Stripe Billing collects the subscription itself: ask what it collected.
            if period_start is None:
                raise GatewayError("A Stripe subscription's charge needs the period it is for.")
            return self._scheduled_charge(
                client,
                subscription_id=payment_method,
                period_start=period_start,
                amount_minor=amount_minor,
                currency=currency,
                collect_key=idempotency_key if not off_session else "",
            )
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

    # --- hosted checkout: Stripe Checkout + Billing -----------------------------------------

    def start_checkout(self, *, request: CheckoutRequest) -> HostedCheckout:
        """A Checkout Session in subscription mode; the same checkout key gets the same session
        (Stripe's Idempotency-Key, derived from it)."""
        client = _client()
        try:
            price_id = request.plan_ref or (
                client.v1.prices.create(
                    params={
                        "currency": request.currency.lower(),
                        "unit_amount": request.amount_minor,
                        "recurring": {
                            "interval": "month",
                            "interval_count": request.period_months,
                        },
                        "product_data": {"name": request.plan_name},
                    },
                    options={"idempotency_key": f"price:{request.checkout_key}"},
                ).id
            )
            session = client.v1.checkout.sessions.create(
                params={
                    "mode": "subscription",
                    "line_items": [{"price": price_id, "quantity": 1}],
                    "client_reference_id": request.checkout_key,
                    "customer_email": request.email,
                    "success_url": f"{request.success_url}?session_id={{CHECKOUT_SESSION_ID}}",
                    "cancel_url": request.cancel_url,
                    "metadata": {"checkout_key": request.checkout_key},
                    "subscription_data": {"metadata": {"checkout_key": request.checkout_key}},
                },
                options={"idempotency_key": f"checkout-session:{request.checkout_key}"},
            )
        except stripe.StripeError as exc:
            raise _unavailable("open the checkout", exc) from exc
        return HostedCheckout(
            checkout_id=session.id, redirect_url=str(session.url or ""), plan_ref=price_id
        )

    def complete_checkout(
        self, *, checkout_id: str, answer: Mapping[str, str]
    ) -> CheckoutCompletion | None:
        """Stripe's answer is the session itself, fetched with our secret key: the session id
        in the return URL is only a hint and must be the one we stored."""
        given = answer.get("session_id")
        if given and given != checkout_id:
            raise SignatureError("The Stripe session in the return address is not this checkout.")
        client = _client()
        try:
            session = client.v1.checkout.sessions.retrieve(
                checkout_id, params={"expand": ["subscription.default_payment_method"]}
            ).to_dict()
        except stripe.StripeError as exc:
            raise _unavailable("look up the checkout", exc) from exc
        if session.get("status") != "complete" or session.get("payment_status") != "paid":
            return None
        subscription = session.get("subscription")
        if not isinstance(subscription, dict):
            raise GatewayError("Stripe's completed checkout has no subscription.")
        method = subscription.get("default_payment_method")
        intent_id = self._invoice_payment_intent(client, str(subscription.get("latest_invoice")))
        return CheckoutCompletion(
            gateway_subscription_id=str(subscription["id"]),
            gateway_customer_id=str(session.get("customer") or ""),
            charge=ChargeResult(status=ChargeStatus.SUCCEEDED, gateway_payment_id=intent_id),
            amount_minor=int(session.get("amount_total") or 0),
            currency=str(session.get("currency") or "").upper(),
            method_label=_method_label(method) if isinstance(method, dict) else "Stripe",
        )

    def _pay_invoice(self, client: stripe.StripeClient, invoice_id: str, key: str) -> ChargeResult:
        try:
            paid = client.v1.invoices.pay(invoice_id, options={"idempotency_key": key}).to_dict()
        except stripe.CardError as exc:
            return _card_error_result(exc)
        except stripe.StripeError as exc:
            raise _unavailable("pay the open invoice", exc) from exc
        if paid.get("status") != "paid":
            raise GatewayError(f"Stripe invoice {invoice_id} is {paid.get('status')}, not paid.")
        intent_id = self._invoice_payment_intent(client, invoice_id)
        return ChargeResult(status=ChargeStatus.SUCCEEDED, gateway_payment_id=intent_id)

    # --- update payment method: a setup-mode Checkout Session -------------------------------

    def start_payment_method_update(
        self,
        *,
        gateway_subscription_id: str,
        customer_ref: str,
        success_url: str,
        cancel_url: str,
        key: str,
    ) -> HostedCheckout:
        """Stripe's hosted page where the reader saves a new card for the subscription
        (``mode=setup``, docs.stripe.com/payments/checkout/subscriptions/update-payment-details).
        """
        try:
            session = _client().v1.checkout.sessions.create(
                params={
                    "mode": "setup",
                    "currency": "inr",
                    "customer": customer_ref,
                    "success_url": f"{success_url}?session_id={{CHECKOUT_SESSION_ID}}",
                    "cancel_url": cancel_url,
                    "metadata": {"subscription_id": gateway_subscription_id},
                    "setup_intent_data": {"metadata": {"subscription_id": gateway_subscription_id}},
                },
                options={"idempotency_key": f"setup-session:{key}"},
            )
        except stripe.StripeError as exc:
            raise _unavailable("open the payment-method page", exc) from exc
        return HostedCheckout(checkout_id=session.id, redirect_url=str(session.url or ""))

    def complete_payment_method_update(
        self, *, gateway_subscription_id: str, answer: Mapping[str, str]
    ) -> str:
        """Make the card saved in the setup session the subscription's default; its label.
        Raises SignatureError for a session that is not this subscription's, GatewayError while
        the reader has not finished."""
        checkout_id = answer.get("session_id", "")
        if not checkout_id.startswith("cs_"):
            raise SignatureError("The return address names no Stripe session.")
        client = _client()
        try:
            session = client.v1.checkout.sessions.retrieve(
                checkout_id, params={"expand": ["setup_intent.payment_method"]}
            ).to_dict()
        except stripe.StripeError as exc:
            raise _unavailable("look up the payment-method page", exc) from exc
        metadata = session.get("metadata") or {}
        if session.get("mode") != "setup" or metadata.get("subscription_id") != (
            gateway_subscription_id
        ):
            raise SignatureError("This Stripe session is not an update of this subscription.")
        intent = session.get("setup_intent")
        method = intent.get("payment_method") if isinstance(intent, dict) else None
        if session.get("status") != "complete" or not isinstance(method, dict):
            raise GatewayError("The new payment method has not been saved at Stripe yet.")
        try:
            client.v1.subscriptions.update(
                gateway_subscription_id, params={"default_payment_method": str(method["id"])}
            )
        except stripe.StripeError as exc:
            raise _unavailable("save the new payment method", exc) from exc
        return _method_label(method)

    def _invoice_payment_intent(self, client: stripe.StripeClient, invoice_id: str) -> str:
        """The PaymentIntent that paid an invoice (what a refund is made against)."""
        try:
            payments = client.v1.invoice_payments.list(params={"invoice": invoice_id})
        except stripe.StripeError as exc:
            raise _unavailable("look up the invoice's payment", exc) from exc
        for payment in payments.data:
            found = payment.to_dict().get("payment") or {}
            if isinstance(found, dict) and found.get("payment_intent"):
                return str(found["payment_intent"])
        raise GatewayError(f"Stripe invoice {invoice_id} has no payment yet.")

    def _scheduled_charge(
        self,
        client: stripe.StripeClient,
        *,
        subscription_id: str,
        period_start: dt.datetime,
        amount_minor: int,
        currency: str,
        collect_key: str = "",
    ) -> ChargeResult:
        """What Stripe collected for the period. With ``collect_key`` (the reader is present:
        Pay now) an open invoice for the period is paid now on the subscription's payment
        method (``POST /v1/invoices/:id/pay``, under that key), so Pay now moves money."""
        try:
            invoices = [
                invoice.to_dict()
                for invoice in client.v1.invoices.list(
                    params={"subscription": subscription_id, "limit": 10}
                ).data
            ]
        except stripe.StripeError as exc:
            raise _unavailable("list the subscription's invoices", exc) from exc
        start = int(period_start.timestamp())
        for invoice in invoices:
            line_start = _line_period_start(invoice)
            if line_start is None or abs(line_start - start) > PERIOD_MATCH // dt.timedelta(
                seconds=1
            ):
                continue
            if invoice.get("status") == "paid":
                if (invoice.get("amount_paid"), str(invoice.get("currency")).upper()) != (
                    amount_minor,
                    currency.upper(),
                ):
                    raise GatewayError(
                        f"Stripe collected {invoice.get('amount_paid')} for subscription "
                        f"{subscription_id}, not the {amount_minor} {currency} notified; "
                        "check the price in Stripe."
                    )
                intent_id = self._invoice_payment_intent(client, str(invoice["id"]))
                return ChargeResult(status=ChargeStatus.SUCCEEDED, gateway_payment_id=intent_id)
            if collect_key and invoice.get("status") == "open":
                if (invoice.get("amount_due"), str(invoice.get("currency")).upper()) != (
                    amount_minor,
                    currency.upper(),
                ):
                    raise GatewayError(
                        f"Stripe's open invoice is for {invoice.get('amount_due')}, not the "
                        f"{amount_minor} {currency} we invoiced; check the price in Stripe."
                    )
                return self._pay_invoice(client, str(invoice["id"]), collect_key)
        try:
            subscription = client.v1.subscriptions.retrieve(subscription_id).to_dict()
        except stripe.StripeError as exc:
            raise _unavailable("look up the subscription", exc) from exc
        status = str(subscription.get("status") or "")
        if status in COLLECTION_FAILED_STATES:
            return ChargeResult(
                status=ChargeStatus.FAILED,
                failure_code=f"stripe_subscription_{status}",
                failure_message=(
                    "Stripe could not collect the renewal from your saved payment method. "
                    "Pay now, or update the payment method from Stripe's email."
                ),
            )
        raise GatewayError(
            f"Stripe has not collected subscription {subscription_id}'s period from "
            f"{period_start:%d %b %Y} yet (subscription {status or 'in an unknown state'})."
        )

    def cancel_subscription(self, *, gateway_subscription_id: str, at_period_end: bool) -> None:
        client = _client()
        try:
            if at_period_end:
                client.v1.subscriptions.update(
                    gateway_subscription_id, params={"cancel_at_period_end": True}
                )
            else:
                client.v1.subscriptions.cancel(gateway_subscription_id)
        except stripe.InvalidRequestError as exc:
            try:
                current = client.v1.subscriptions.retrieve(gateway_subscription_id)
            except stripe.StripeError:
                raise _unavailable("cancel the subscription", exc) from exc
            if current.status != "canceled":
                raise _unavailable("cancel the subscription", exc) from exc
        except stripe.StripeError as exc:
            raise _unavailable("cancel the subscription", exc) from exc

    def resume_subscription(self, *, gateway_subscription_id: str) -> None:
        try:
            _client().v1.subscriptions.update(
                gateway_subscription_id, params={"cancel_at_period_end": False}
            )
        except stripe.StripeError as exc:
            raise _unavailable("restore the subscription", exc) from exc

    def move_to_price(self, *, gateway_subscription_id: str, price: PriceMove) -> str:
        """Swap the subscription item's price (``POST /v1/subscriptions/:id`` with
        ``items[0][id]``/``items[0][price]``) with ``proration_behavior: none``: no proration
        now, and the next invoice bills the new price for the next period (Stripe's
        "Change the price of a subscription"). Idempotent: the same price set twice is one."""
        client = _client()
        try:
            price_id = price.plan_ref or (
                client.v1.prices.create(
                    params={
                        "currency": price.currency.lower(),
                        "unit_amount": price.amount_minor,
                        "recurring": {"interval": "month", "interval_count": price.period_months},
                        "product_data": {"name": price.plan_name},
                    },
                    options={"idempotency_key": f"price:{price.key}"},
                ).id
            )
            found = client.v1.subscriptions.retrieve(gateway_subscription_id).to_dict()
            items = (found.get("items") or {}).get("data") or []
            if not items:
                raise GatewayError(f"Stripe subscription {gateway_subscription_id} has no item.")
            client.v1.subscriptions.update(
                gateway_subscription_id,
                params={
                    "items": [{"id": str(items[0]["id"]), "price": price_id}],
                    "proration_behavior": "none",
                },
            )
        except stripe.StripeError as exc:
            raise _unavailable("move the subscription to the new price", exc) from exc
        return price_id

    # --- lifecycle: what Stripe holds now (events are only a signal) -------------------------

    def fetch_subscription(self, *, gateway_subscription_id: str) -> GatewaySubscription:
        """The subscription, or for a checkout not completed here yet (its id is the Checkout
        Session's, ``cs_…``) the subscription the session made: a ``checkout.session.*`` event
        for a reader who paid and never came back then settles their checkout. A session with
        no subscription yet is reported as ``checkout_open``/``checkout_expired`` (expired: the
        reader never paid, and never will on it: docs.stripe.com/api/checkout/sessions/object,
        ``status``)."""
        client = _client()
        try:
            if gateway_subscription_id.startswith(CHECKOUT_SESSION_PREFIX):
                session = client.v1.checkout.sessions.retrieve(gateway_subscription_id).to_dict()
                made = session.get("subscription")
                made_id = made.get("id") if isinstance(made, dict) else made
                if not made_id:
                    status = str(session.get("status") or "")
                    return GatewaySubscription(
                        gateway_subscription_id=gateway_subscription_id,
                        status=f"checkout_{status}",
                        ended=status == "expired",
                    )
                gateway_subscription_id = str(made_id)
            found = client.v1.subscriptions.retrieve(gateway_subscription_id).to_dict()
        except stripe.StripeError as exc:
            raise _unavailable("look up the subscription", exc) from exc
        return subscription_state(found)

    def list_subscriptions(self) -> list[GatewaySubscription]:
        """Every subscription, ended ones included (``status=all``), page by page."""
        client = _client()
        found: list[GatewaySubscription] = []
        params: dict[str, Any] = {"status": "all", "limit": 100}
        try:
            while True:
                page = client.v1.subscriptions.list(params=params)  # type: ignore[arg-type]
                found.extend(subscription_state(item.to_dict()) for item in page.data)
                if not page.has_more or not page.data:
                    return found
                params["starting_after"] = page.data[-1].id
        except stripe.StripeError as exc:
            raise _unavailable("list subscriptions", exc) from exc

    def undelivered_events(self) -> list[WebhookEventIn]:
        """Events Stripe failed to deliver (``GET /v1/events?delivery_success=false``; Stripe
        keeps events 30 days, docs.stripe.com/webhooks/process-undelivered-events). Fetched
        with our secret key, so they need no signature."""
        client = _client()
        found: list[WebhookEventIn] = []
        params: dict[str, Any] = {"delivery_success": False, "limit": 100}
        try:
            while True:
                page = client.v1.events.list(params=params)  # type: ignore[arg-type]
                for event in page.data:
                    raw = event.to_dict()
                    obj = raw.get("data", {}).get("object")
                    if isinstance(obj, dict):
                        found.append(_event(str(raw["id"]), str(raw["type"]), obj))
                if not page.has_more or not page.data:
                    return found
                params["starting_after"] = page.data[-1].id
        except stripe.StripeError as exc:
            raise _unavailable("list undelivered events", exc) from exc

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


def subscription_state(subscription: Mapping[str, Any]) -> GatewaySubscription:
    """A Stripe subscription (statuses per Stripe's ``SubscriptionStatus`` enum) reduced to what
    billing acts on. ``paused`` (a trial ended without a payment method) and a set
    ``pause_collection`` both collect nothing; ``canceled`` and ``incomplete_expired`` are
    final; ``past_due``/``unpaid`` mean Stripe's own collection failed."""
    status = str(subscription.get("status") or "")
    metadata = subscription.get("metadata")
    return GatewaySubscription(
        gateway_subscription_id=str(subscription.get("id") or ""),
        status=status,
        ended=status in {"canceled", "incomplete_expired"},
        paused=status == "paused" or bool(subscription.get("pause_collection")),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        collection_failing=status in {"past_due", "unpaid"},
        customer_ref=str(subscription.get("customer") or ""),
        metadata=(
            {str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {}
        ),
    )


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

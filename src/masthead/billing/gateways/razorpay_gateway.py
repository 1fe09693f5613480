"""Razorpay, through the official SDK: recurring charges on a saved token, refunds, webhooks.

A renewal is Razorpay's recurring-payment flow: create an order, then
``POST /v1/payments/create/recurring`` with the customer, the saved token (the card or UPI
mandate the reader authorised) and that order.

Razorpay has no idempotency header. The order's ``receipt`` carries the caller's idempotency key
(its full text also sits in the order's notes), so a retry first looks up the order by receipt
and the payments on it, and creates nothing when a payment already exists: same key, same
result. An order that exists without a payment (a crash between the two calls) is reused.

The protocol has no "pending" outcome. A payment still in flight (Razorpay's ``created`` or
``pending``, e.g. a UPI or e-mandate debit awaiting the bank) raises :class:`GatewayError`:
the outcome is not known yet, a retry under the same key creates nothing new, and the webhook
or a later ``find_charge`` settles it.

Secrets (key secret, webhook secret) are never logged or put in exception messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any

import razorpay
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from masthead.billing.gateways.base import (
    SCHEDULED_PREFIX,
    ChargeResult,
    ChargeStatus,
    CheckoutCompletion,
    CheckoutRequest,
    GatewayError,
    GatewaySubscription,
    HostedCheckout,
    NotSupported,
    PriceMove,
    RefundResult,
    SignatureError,
    WebhookEventIn,
)

SIGNATURE_HEADER = "x-razorpay-signature"
EVENT_ID_HEADER = "x-razorpay-event-id"
# Razorpay accepts receipts of at most 40 characters.
RECEIPT_MAX_LENGTH = 40
# (connect, read) seconds; the SDK sets no timeout of its own.
TIMEOUT = (5, 30)
# A payment in one of these states took the reader's money.
PAID_STATES = frozenset({"authorized", "captured", "refunded"})
IN_FLIGHT_STATES = frozenset({"created", "pending"})
NEEDS_AUTHENTICATION = "authentication_required"
AUTHENTICATION_MESSAGE = "The bank asks the reader to confirm this payment."
# A Razorpay invoice belongs to our period when its billing_start is this close to the period's
# start: Razorpay counts cycles from the moment of authorisation, we from our anchor rule.
PERIOD_MATCH = dt.timedelta(days=2)
# Subscription states in which Razorpay has given up collecting (it retries while "pending").
COLLECTION_FAILED_STATES = frozenset({"pending", "halted"})
UPI_MANDATE_FIXED = "UPI mandate: must re-authorise"
ENDED_STATES = frozenset({"cancelled", "completed", "expired"})
# Razorpay's list APIs answer at most 100 items per request.
LIST_PAGE = 100
METHOD_LABELS = {"upi": "UPI Autopay", "emandate": "Bank e-mandate", "nach": "NACH mandate"}


def _method_label(payment: Mapping[str, Any]) -> str:
    method = str(payment.get("method") or "")
    card = payment.get("card")
    if method == "card" and isinstance(card, dict):
        network = str(card.get("network") or "Card")
        return f"{network} e-mandate •••• {card.get('last4') or '????'}"
    return METHOD_LABELS.get(method, method.upper() or "Razorpay")


def receipt_for(idempotency_key: str) -> str:
    """The order/refund receipt for a key: the key itself, or a digest of a key over 40 chars."""
    if len(idempotency_key) <= RECEIPT_MAX_LENGTH:
        return idempotency_key
    return "idem_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:35]


def verify_checkout_signature(
    *, razorpay_payment_id: str, subscription_id: str, signature: str
) -> None:
    """Check the signature Checkout returns after a reader authorises a subscription.

    ``subscription_id`` must be the id this server created and stored, never the
    ``razorpay_subscription_id`` Checkout echoes back. Raises :class:`SignatureError`.
    """
    secret = _setting("RAZORPAY_KEY_SECRET")
    if not (razorpay_payment_id and subscription_id and signature):
        raise SignatureError("The Razorpay checkout response is missing its signature fields.")
    message = f"{razorpay_payment_id}|{subscription_id}".encode()
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise SignatureError("The Razorpay checkout signature does not match this subscription.")


def _setting(name: str) -> str:
    value = getattr(settings, name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set to use the Razorpay gateway.")
    return str(value)


class _Refused(Exception):
    """Razorpay answered 4xx (the SDK's BadRequestError); ``error`` is the body's error object."""

    def __init__(self, message: str, error: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.error = error

    @property
    def reason(self) -> str:
        reason = str(self.error.get("reason") or "")
        return "" if reason.upper() == "NA" else reason

    @property
    def description(self) -> str:
        return str(self.error.get("description") or self)


class _Api:
    """One SDK client for one adapter call, remembering the error body of a refused request.

    The SDK's BadRequestError keeps only the description; the decline reason (``reason``,
    ``metadata.payment_id``) is read from the response through a requests hook.
    """

    def __init__(self) -> None:
        self._last_error: dict[str, Any] = {}
        session = requests.Session()
        session.hooks["response"].append(self._remember_error)
        self.client = razorpay.Client(
            session=session,
            auth=(_setting("RAZORPAY_KEY_ID"), _setting("RAZORPAY_KEY_SECRET")),
            base_url=str(settings.RAZORPAY_API_BASE).rstrip("/"),
        )

    def _remember_error(self, response: Any, *args: Any, **kwargs: Any) -> None:
        if response.status_code < 400:
            return
        try:
            body = response.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        self._last_error = error if isinstance(error, dict) else {}

    def call(
        self, doing: str, method: Callable[..., Any], *args: Any, refusable: bool = False
    ) -> dict[str, Any]:
        """Run one SDK call; transport and server failures become GatewayError.

        A 4xx becomes :class:`_Refused` when ``refusable`` (the caller decides what it means),
        else GatewayError.
        """
        self._last_error = {}
        try:
            result = method(*args, timeout=TIMEOUT)
        except razorpay.errors.BadRequestError as exc:
            refused = _Refused(str(exc), self._last_error)
            if refusable:
                raise refused from exc
            raise GatewayError(f"Razorpay refused to {doing}: {refused.description}") from exc
        except (razorpay.errors.ServerError, razorpay.errors.GatewayError) as exc:
            raise GatewayError(f"Razorpay failed to {doing}: {exc}") from exc
        except requests.RequestException as exc:
            # Includes a 5xx whose body is not JSON (the SDK fails decoding it).
            raise GatewayError(f"Razorpay could not be reached to {doing}.") from exc
        if not isinstance(result, dict):
            raise GatewayError(f"Razorpay sent an unexpected answer to {doing}.")
        return result


def _items(collection: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = collection.get("items")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _notes(entity: Mapping[str, Any]) -> dict[str, Any]:
    notes = entity.get("notes")
    # Razorpay sends an empty list, not an object, when there are no notes.
    return notes if isinstance(notes, dict) else {}


def _payment_result(payment: Mapping[str, Any]) -> ChargeResult:
    payment_id = str(payment.get("id") or "")
    status = str(payment.get("status") or "")
    if status in PAID_STATES:
        return ChargeResult(status=ChargeStatus.SUCCEEDED, gateway_payment_id=payment_id)
    if status == "failed":
        return ChargeResult(
            status=ChargeStatus.FAILED,
            gateway_payment_id=payment_id,
            failure_code=str(
                payment.get("error_reason") or payment.get("error_code") or "payment_failed"
            ),
            failure_message=str(payment.get("error_description") or ""),
        )
    raise _still_in_flight(payment)


def _still_in_flight(payment: Mapping[str, Any]) -> GatewayError:
    status = payment.get("status") or "in an unknown state"
    return GatewayError(
        f"Razorpay payment {payment.get('id')} is {status}; its outcome is not known yet."
    )


def _latest_first(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entities, key=lambda e: int(e.get("created_at") or 0), reverse=True)


class RazorpayGateway:
    name = "razorpay"

    # --- charges ---------------------------------------------------------------------------

    def _orders_for(self, api: _Api, idempotency_key: str) -> list[dict[str, Any]]:
        found = api.call(
            "look up orders by receipt",
            api.client.order.all,
            {"receipt": receipt_for(idempotency_key)},
        )
        # The notes hold the full key: a digest receipt or someone else's order never matches.
        return [
            order
            for order in _items(found)
            if _notes(order).get("idempotency_key") == idempotency_key
        ]

    def _earlier(
        self, api: _Api, orders: list[dict[str, Any]]
    ) -> tuple[ChargeResult | None, dict[str, Any] | None]:
        """The outcome of an earlier attempt on these orders, and an order with no payment yet."""
        payments: list[dict[str, Any]] = []
        unused: dict[str, Any] | None = None
        for order in orders:
            on_order = _items(
                api.call("list the order's payments", api.client.order.payments, order["id"])
            )
            payments.extend(on_order)
            if not on_order and unused is None:
                unused = order
        if not payments:
            return None, unused
        for payment in payments:
            if payment.get("status") in PAID_STATES:
                return _payment_result(payment), None
        for payment in payments:
            if payment.get("status") in IN_FLIGHT_STATES:
                raise _still_in_flight(payment)
        return _payment_result(_latest_first(payments)[0]), None

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
        """A recurring debit on the saved token ``payment_method`` of customer ``customer_ref``.

        Recurring payments are always merchant-initiated, so ``off_session`` changes nothing.
        For a Razorpay subscription (``sub_...``) Razorpay collects on its own schedule: this
        asks what it collected for the period, and never creates a payment.
        """
        currency = currency.upper()
        api = _Api()
        if payment_method.startswith(SCHEDULED_PREFIX):
            if period_start is None:
                raise GatewayError("A Razorpay subscription's charge needs the period it is for.")
            return self._scheduled_charge(
                api,
                subscription_id=payment_method,
                period_start=period_start,
                amount_minor=amount_minor,
                currency=currency,
                collect=not off_session,
            )
        orders = self._orders_for(api, idempotency_key)
        for order in orders:
            if order.get("amount") != amount_minor or order.get("currency") != currency:
                raise GatewayError(
                    "This idempotency key was already used for a different amount or currency."
                )
        earlier, unused_order = self._earlier(api, orders)
        if earlier is not None:
            return earlier
        order = unused_order or api.call(
            "create an order",
            api.client.order.create,
            {
                "amount": amount_minor,
                "currency": currency,
                "receipt": receipt_for(idempotency_key),
                "payment_capture": 1,
                "notes": {"idempotency_key": idempotency_key},
            },
        )
        customer = api.call("fetch the customer", api.client.customer.fetch, customer_ref)
        request: dict[str, Any] = {
            "amount": amount_minor,
            "currency": currency,
            "order_id": order["id"],
            "customer_id": customer_ref,
            "token": payment_method,
            "recurring": "1",
            "description": description,
            "notes": {"idempotency_key": idempotency_key},
        }
        # Razorpay asks for the customer's email and contact on every recurring payment.
        for field in ("email", "contact"):
            if customer.get(field):
                request[field] = customer[field]
        try:
            created = api.call(
                "create the recurring payment",
                api.client.payment.createRecurring,
                request,
                refusable=True,
            )
        except _Refused as refused:
            if not refused.reason:
                # Not a decline (bad credentials, a malformed request): nothing was charged.
                raise GatewayError(
                    f"Razorpay refused the recurring payment: {refused.description}"
                ) from refused
            metadata = refused.error.get("metadata")
            payment_id = metadata.get("payment_id") if isinstance(metadata, dict) else None
            return ChargeResult(
                status=ChargeStatus.FAILED,
                gateway_payment_id=str(payment_id or ""),
                failure_code=refused.reason,
                failure_message=refused.description,
            )
        payment_id = str(created.get("razorpay_payment_id") or "")
        if not payment_id:
            raise GatewayError("Razorpay created no payment for the recurring charge.")
        action_url = _redirect_url(created)
        if action_url:
            return ChargeResult(
                status=ChargeStatus.REQUIRES_ACTION,
                gateway_payment_id=payment_id,
                failure_code=NEEDS_AUTHENTICATION,
                failure_message=AUTHENTICATION_MESSAGE,
                action_url=action_url,
            )
        payment = api.call("fetch the payment", api.client.payment.fetch, payment_id)
        return _payment_result(payment)

    def find_charge(self, *, idempotency_key: str) -> ChargeResult | None:
        api = _Api()
        earlier, _unused = self._earlier(api, self._orders_for(api, idempotency_key))
        return earlier

    # --- hosted checkout: Razorpay Subscriptions (UPI Autopay, card e-mandates) -------------

    def _plan_for(self, api: _Api, request: CheckoutRequest) -> str:
        if request.plan_ref:
            return request.plan_ref
        plan = api.call(
            "create a plan",
            api.client.plan.create,
            {
                "period": "monthly",
                "interval": request.period_months,
                "item": {
                    "name": request.plan_name,
                    "amount": request.amount_minor,
                    "currency": request.currency.upper(),
                },
                "notes": {"checkout_key": request.checkout_key},
            },
        )
        return str(plan["id"])

    def move_to_price(self, *, gateway_subscription_id: str, price: PriceMove) -> str:
        """Razorpay's "Update a Subscription" (``PATCH /v1/subscriptions/:id``) to the new
        price's plan with ``schedule_change_at: cycle_end``: the change goes live after the
        current cycle is charged, so nothing is charged or refunded now. Razorpay refuses it
        for UPI Autopay ("subscriptions cannot be updated when payment mode is UPI"): a UPI
        mandate's maximum was fixed when the reader authorised it, so they must authorise a
        new one (NotSupported)."""
        api = _Api()
        plan_id = price.plan_ref or str(
            api.call(
                "create a plan",
                api.client.plan.create,
                {
                    "period": "monthly",
                    "interval": price.period_months,
                    "item": {
                        "name": price.plan_name,
                        "amount": price.amount_minor,
                        "currency": price.currency.upper(),
                    },
                    "notes": {"price_key": price.key},
                },
            )["id"]
        )
        try:
            api.call(
                "move the subscription to the new price",
                api.client.subscription.edit,
                gateway_subscription_id,
                {"plan_id": plan_id, "schedule_change_at": "cycle_end", "customer_notify": 0},
                refusable=True,
            )
        except _Refused as refused:
            if "upi" in refused.description.lower():
                raise NotSupported(UPI_MANDATE_FIXED) from refused
            raise GatewayError(
                f"Razorpay refused to move the subscription to the new price: {refused.description}"
            ) from refused
        return plan_id

    def start_checkout(self, *, request: CheckoutRequest) -> HostedCheckout:
        """Create the Razorpay subscription the reader authorises in Checkout.js.

        Razorpay has no idempotency header: a subscription already made for this checkout key
        (found by its notes) is returned instead of a second one.
        """
        api = _Api()
        plan_id = self._plan_for(api, request)
        made = _items(
            api.call(
                "list the plan's subscriptions",
                api.client.subscription.all,
                {"plan_id": plan_id, "count": 100},
            )
        )
        for subscription in made:
            if _notes(subscription).get("checkout_key") == request.checkout_key:
                return HostedCheckout(checkout_id=str(subscription["id"]), plan_ref=plan_id)
        subscription = api.call(
            "create a subscription",
            api.client.subscription.create,
            {
                "plan_id": plan_id,
                "total_count": request.total_periods,
                "quantity": 1,
                "customer_notify": 1,
                "notes": {"checkout_key": request.checkout_key, "email": request.email},
            },
        )
        return HostedCheckout(checkout_id=str(subscription["id"]), plan_ref=plan_id)

    def complete_checkout(
        self, *, checkout_id: str, answer: Mapping[str, str]
    ) -> CheckoutCompletion | None:
        """Checkout.js's answer, verified against the subscription id stored on our side.

        With no answer (the reader's browser never came back), Razorpay is asked whether the
        subscription's first invoice was paid.
        """
        api = _Api()
        payment_id = answer.get("razorpay_payment_id", "")
        if payment_id or answer.get("razorpay_signature"):
            verify_checkout_signature(
                razorpay_payment_id=payment_id,
                subscription_id=checkout_id,
                signature=answer.get("razorpay_signature", ""),
            )
        else:
            invoices = _items(
                api.call(
                    "list the subscription's invoices",
                    api.client.invoice.all,
                    {"subscription_id": checkout_id},
                )
            )
            paid = [i for i in invoices if i.get("status") == "paid" and i.get("payment_id")]
            if not paid:
                return None
            payment_id = str(paid[-1]["payment_id"])
        payment = api.call("fetch the payment", api.client.payment.fetch, payment_id)
        return CheckoutCompletion(
            gateway_subscription_id=checkout_id,
            gateway_customer_id=str(payment.get("customer_id") or ""),
            charge=_payment_result(payment),
            amount_minor=int(payment.get("amount") or 0),
            currency=str(payment.get("currency") or "").upper(),
            method_label=_method_label(payment),
        )

    def _scheduled_charge(
        self,
        api: _Api,
        *,
        subscription_id: str,
        period_start: dt.datetime,
        amount_minor: int,
        currency: str,
        collect: bool = False,
    ) -> ChargeResult:
        invoices = _items(
            api.call(
                "list the subscription's invoices",
                api.client.invoice.all,
                {"subscription_id": subscription_id},
            )
        )
        start = int(period_start.timestamp())
        ours = [
            invoice
            for invoice in invoices
            if abs(int(invoice.get("billing_start") or 0) - start) <= PERIOD_MATCH.days * 86400
        ]
        for invoice in ours:
            if invoice.get("status") == "paid":
                if invoice.get("amount") != amount_minor or _currency(invoice) != currency:
                    # Never record a different amount than the one notified: an operator looks.
                    raise GatewayError(
                        f"Razorpay collected {invoice.get('amount')} {_currency(invoice)} for "
                        f"subscription {subscription_id}, not the {amount_minor} {currency} "
                        "notified; check the plan in Razorpay."
                    )
                return ChargeResult(
                    status=ChargeStatus.SUCCEEDED,
                    gateway_payment_id=str(invoice.get("payment_id") or ""),
                )
        if collect:
            # The reader is here (Pay now): Razorpay does not re-attempt a halted cycle's
            # charge, so the reader pays the cycle's invoice on Razorpay's own page.
            for invoice in ours:
                if invoice.get("status") == "issued" and invoice.get("short_url"):
                    return ChargeResult(
                        status=ChargeStatus.REQUIRES_ACTION,
                        failure_code="pay_on_razorpay",
                        failure_message="Pay this renewal on Razorpay's secure page.",
                        action_url=str(invoice["short_url"]),
                    )
        subscription = api.call(
            "fetch the subscription", api.client.subscription.fetch, subscription_id
        )
        status = str(subscription.get("status") or "")
        if status in COLLECTION_FAILED_STATES or status in ENDED_STATES:
            return ChargeResult(
                status=ChargeStatus.FAILED,
                failure_code=f"razorpay_subscription_{status}",
                failure_message=(
                    "Razorpay could not collect the renewal from your UPI Autopay or card "
                    "mandate. Pay now, or update the payment method from Razorpay's email."
                ),
            )
        raise GatewayError(
            f"Razorpay has not collected subscription {subscription_id}'s period from "
            f"{period_start:%d %b %Y} yet (subscription {status or 'in an unknown state'})."
        )

    def cancel_subscription(self, *, gateway_subscription_id: str, at_period_end: bool) -> None:
        api = _Api()
        try:
            api.call(
                "cancel the subscription",
                api.client.subscription.cancel,
                gateway_subscription_id,
                {"cancel_at_cycle_end": 1 if at_period_end else 0},
                refusable=True,
            )
        except _Refused as refused:
            current = api.call(
                "fetch the subscription", api.client.subscription.fetch, gateway_subscription_id
            )
            if current.get("status") in ENDED_STATES:
                return  # already stopped: cancelling twice is the same as once
            raise GatewayError(
                f"Razorpay refused to cancel the subscription: {refused.description}"
            ) from refused

    def resume_subscription(self, *, gateway_subscription_id: str) -> None:
        raise NotSupported(
            "A Razorpay subscription cannot be un-cancelled: the mandate ends with this "
            "period. Subscribe again when your access ends."
        )

    # --- update payment method: a new authorisation in Checkout.js ---------------------------

    def start_payment_method_update(
        self,
        *,
        gateway_subscription_id: str,
        customer_ref: str,
        success_url: str,
        cancel_url: str,
        key: str,
    ) -> HostedCheckout:
        """Razorpay's card change is Checkout.js on our page with the subscription and
        ``subscription_card_change: 1`` (Razorpay Subscriptions docs, "Update card details");
        nothing is created at Razorpay until the reader authorises. A card change on a
        ``pending`` subscription charges its last unpaid invoice (``payment-retries.md``)."""
        return HostedCheckout(checkout_id=gateway_subscription_id)

    def complete_payment_method_update(
        self, *, gateway_subscription_id: str, answer: Mapping[str, str]
    ) -> str:
        """Checkout.js's signed answer (payment id | subscription id, key secret), checked
        against the subscription id we stored; the label of the newly authorised method."""
        payment_id = answer.get("razorpay_payment_id", "")
        verify_checkout_signature(
            razorpay_payment_id=payment_id,
            subscription_id=gateway_subscription_id,
            signature=answer.get("razorpay_signature", ""),
        )
        api = _Api()
        payment = api.call("fetch the payment", api.client.payment.fetch, payment_id)
        return _method_label(payment)

    # --- lifecycle: what Razorpay holds now (events are only a signal) ------------------------

    def fetch_subscription(self, *, gateway_subscription_id: str) -> GatewaySubscription:
        api = _Api()
        found = api.call(
            "fetch the subscription", api.client.subscription.fetch, gateway_subscription_id
        )
        return self._state(api, found)

    def _state(self, api: _Api, entity: Mapping[str, Any]) -> GatewaySubscription:
        """``subscription_state``, telling a scheduled plan change from a scheduled
        cancellation: both set ``has_scheduled_changes``, so ask Razorpay what is scheduled
        ("Fetch Details of a Pending Update", ``/retrieve_scheduled_changes``, the subscription
        as it will be). A pending update to another plan (a price move, ADR 0014) is no
        cancellation; anything else keeps the cautious reading (it stops at cycle end)."""
        state = subscription_state(entity)
        if not state.cancel_at_period_end:
            return state
        try:
            pending = api.call(
                "fetch the pending update",
                api.client.subscription.pending_update,
                str(entity.get("id") or ""),
                refusable=True,
            )
        except _Refused:
            return state
        moves_plan = pending.get("plan_id") and pending.get("plan_id") != entity.get("plan_id")
        if moves_plan and pending.get("status") not in ENDED_STATES:
            return dataclasses.replace(state, cancel_at_period_end=False)
        return state

    def list_subscriptions(self) -> list[GatewaySubscription]:
        """Every subscription, a page of 100 at a time (``count``/``skip``, Razorpay's paging)."""
        api = _Api()
        found: list[GatewaySubscription] = []
        while True:
            page = _items(
                api.call(
                    "list subscriptions",
                    api.client.subscription.all,
                    {"count": LIST_PAGE, "skip": len(found)},
                )
            )
            found.extend(self._state(api, entity) for entity in page)
            if len(page) < LIST_PAGE:
                return found

    def undelivered_events(self) -> list[WebhookEventIn]:
        # Razorpay has no API for failed deliveries: reconcile re-fetches every subscription.
        return []

    # --- refunds ---------------------------------------------------------------------------

    def refund(
        self, *, gateway_payment_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        receipt = receipt_for(idempotency_key)
        api = _Api()
        earlier = api.call(
            "list the payment's refunds",
            api.client.payment.fetch_multiple_refund,
            gateway_payment_id,
        )
        for refund in _items(earlier):
            if refund.get("receipt") == receipt:
                return RefundResult(
                    gateway_refund_id=str(refund["id"]), amount_minor=int(refund["amount"])
                )
        try:
            refund = api.call(
                "refund the payment",
                api.client.payment.refund,
                gateway_payment_id,
                {
                    "amount": amount_minor,
                    "receipt": receipt,
                    "notes": {"idempotency_key": idempotency_key},
                },
                refusable=True,
            )
        except _Refused as refused:
            if not refused.reason:
                raise GatewayError(
                    f"Razorpay refused the refund: {refused.description}"
                ) from refused
            raise ValueError(f"Razorpay refused the refund: {refused.description}") from refused
        return RefundResult(gateway_refund_id=str(refund["id"]), amount_minor=int(refund["amount"]))

    # --- webhooks --------------------------------------------------------------------------

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> WebhookEventIn:
        """Verify ``X-Razorpay-Signature`` (HMAC-SHA256 hex of the raw body) and parse the event.

        Razorpay signs no timestamp: replays are stopped by deduplicating the event id.
        """
        secret = _setting("RAZORPAY_WEBHOOK_SECRET")
        lowered = {name.lower(): value for name, value in headers.items()}
        given = lowered.get(SIGNATURE_HEADER, "")
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if not given or not hmac.compare_digest(given.encode(), expected.encode()):
            raise SignatureError("The Razorpay webhook signature does not match the body.")
        event_id = lowered.get(EVENT_ID_HEADER, "").strip()
        if not event_id:
            raise SignatureError("The Razorpay webhook has no event id to deduplicate it by.")
        try:
            payload = json.loads(body)
            event_type = str(payload["event"])
            entities = payload.get("payload") or {}
            if not isinstance(entities, dict):
                raise TypeError("payload is not an object")
        except (ValueError, KeyError, TypeError) as exc:
            raise SignatureError("The webhook body is not a Razorpay event.") from exc
        return _event(event_id, event_type, entities)


def subscription_state(entity: Mapping[str, Any]) -> GatewaySubscription:
    """A Razorpay subscription entity (``payments/subscriptions/states.md``) reduced to what
    billing acts on.

    ``created``/``authenticated``/``active`` collect; ``pending`` is retrying a failed charge
    and ``halted`` has given up ("no auto-charge is attempted"); ``paused`` collects nothing
    until resumed; ``cancelled``, ``completed`` and ``expired`` are final. A cancellation at
    cycle end leaves the subscription ``active`` with ``has_scheduled_changes`` set until then.
    """
    status = str(entity.get("status") or "")
    return GatewaySubscription(
        gateway_subscription_id=str(entity.get("id") or ""),
        status=status,
        ended=status in ENDED_STATES,
        paused=status == "paused",
        cancel_at_period_end=status == "active" and bool(entity.get("has_scheduled_changes")),
        collection_failing=status in COLLECTION_FAILED_STATES,
        customer_ref=str(entity.get("customer_id") or ""),
        metadata={str(k): str(v) for k, v in _notes(entity).items()},
    )


def _redirect_url(created: Mapping[str, Any]) -> str:
    """The authentication link in a payment answer's ``next`` actions, if there is one."""
    actions = created.get("next")
    if not isinstance(actions, list):
        return ""
    for action in actions:
        if isinstance(action, dict) and action.get("action") == "redirect" and action.get("url"):
            return str(action["url"])
    return ""


def _entity(entities: Mapping[str, Any], name: str) -> dict[str, Any]:
    wrapper = entities.get(name)
    entity = wrapper.get("entity") if isinstance(wrapper, dict) else None
    return entity if isinstance(entity, dict) else {}


def _compact(**fields: object) -> dict[str, object]:
    return {name: value for name, value in fields.items() if value not in (None, "")}


def _currency(entity: Mapping[str, Any]) -> str | None:
    currency = entity.get("currency")
    return str(currency).upper() if currency else None


def _event(event_id: str, event_type: str, entities: Mapping[str, Any]) -> WebhookEventIn:
    payment = _entity(entities, "payment")
    subscription = _entity(entities, "subscription")
    refund = _entity(entities, "refund")
    invoice = _entity(entities, "invoice")
    if event_type.startswith("subscription.") and subscription:
        object_id = str(subscription.get("id") or "")
        data = _compact(
            subscription_id=object_id,
            status=subscription.get("status"),
            plan_id=subscription.get("plan_id"),
            customer_id=subscription.get("customer_id"),
            current_start=subscription.get("current_start"),
            current_end=subscription.get("current_end"),
            charge_at=subscription.get("charge_at"),
            paid_count=subscription.get("paid_count"),
            payment_id=payment.get("id"),
            payment_status=payment.get("status"),
            amount_minor=payment.get("amount"),
            currency=_currency(payment),
        )
    elif event_type.startswith("invoice.") and invoice.get("subscription_id"):
        # A subscription's invoice paid on its link (Pay now on a halted mandate): the event
        # is about the subscription, which catches up by asking Razorpay (ADR 0015).
        object_id = str(invoice["subscription_id"])
        data = _compact(
            subscription_id=object_id,
            invoice_id=invoice.get("id"),
            status=invoice.get("status"),
            payment_id=invoice.get("payment_id"),
            amount_minor=invoice.get("amount"),
            currency=_currency(invoice),
        )
    elif event_type.startswith("refund.") and refund:
        object_id = str(refund.get("payment_id") or "")
        data = _compact(
            refund_id=refund.get("id"),
            payment_id=object_id,
            status=refund.get("status"),
            amount_minor=refund.get("amount"),
            currency=_currency(refund),
            receipt=refund.get("receipt"),
        )
    elif payment:
        object_id = str(payment.get("id") or "")
        data = _compact(
            payment_id=object_id,
            order_id=payment.get("order_id"),
            status=payment.get("status"),
            amount_minor=payment.get("amount"),
            currency=_currency(payment),
            customer_id=payment.get("customer_id"),
            token_id=payment.get("token_id"),
            idempotency_key=_notes(payment).get("idempotency_key"),
            error_code=payment.get("error_code"),
            error_reason=payment.get("error_reason"),
            error_description=payment.get("error_description"),
        )
    else:
        object_id, data = "", {}
    return WebhookEventIn(event_id=event_id, event_type=event_type, object_id=object_id, data=data)

"""Local HTTP servers that answer like Razorpay's and Stripe's APIs, from recorded responses.

They stand in for the gateways' servers, which these machines cannot reach. Each fake is a real
``http.server.ThreadingHTTPServer`` on 127.0.0.1 (an ephemeral port) running in a thread; the
official SDKs talk to it over real sockets once ``RAZORPAY_API_BASE`` / ``STRIPE_API_BASE``
point at it. The bodies come from ``recorded/<gateway>/*.json`` (shaped like the real APIs'
answers); the fake only fills in ids, amounts and keys from the request and keeps the little
state the adapters rely on (orders by receipt, Stripe's saved answers per idempotency key).
Every request received is kept in ``received`` so tests can assert on what the SDK sent.
"""

from __future__ import annotations

import abc
import base64
import copy
import hashlib
import hmac
import json
import re
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

RECORDED = Path(__file__).parent / "recorded"
_ID_ALPHABET = string.ascii_letters + string.digits


def recording(name: str) -> Any:
    """A fresh copy of a recorded JSON body, e.g. ``recording("stripe/refund")``."""
    return json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))


def recording_bytes(name: str) -> bytes:
    """A recorded body exactly as stored (webhook bodies are signed byte for byte)."""
    return (RECORDED / f"{name}.json").read_bytes()


def new_id(prefix: str, length: int = 14) -> str:
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


@dataclass
class ReceivedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass
class Reply:
    status: int
    body: Any  # a JSON-able value, or raw bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def payload(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = ReceivedRequest(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        reply = self.server.fake.serve(request)
        payload = reply.payload()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the requests are in ``received``."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: RecordedGatewayServer


class RecordedGatewayServer(abc.ABC):
    """A fake gateway API that stands in for the gateway's servers, which these machines cannot
    reach: a real HTTP server on 127.0.0.1 (port 0) in a thread, answering from recordings."""

    def __init__(self) -> None:
        self.received: list[ReceivedRequest] = []
        # When set, every request gets this answer (the gateway is down or erroring).
        self.outage: Reply | None = None
        # One-off failures: (method, path) -> the answer for the next such request.
        self.fail_next: dict[tuple[str, str], Reply] = {}
        self._lock = threading.RLock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> RecordedGatewayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def serve(self, request: ReceivedRequest) -> Reply:
        # One request at a time: the fake's state stays simple and consistent.
        with self._lock:
            self.received.append(request)
            return self._failure(request) or self.answer(request)

    def _failure(self, request: ReceivedRequest) -> Reply | None:
        """The answer of a gateway that is down, if it is: the request reaches no API code."""
        if self.outage is not None:
            return self.outage
        return self.fail_next.pop((request.method, request.path), None)

    @abc.abstractmethod
    def answer(self, request: ReceivedRequest) -> Reply:
        """The recorded reply to one request: each gateway's server says how."""

    def requests_to(self, method: str, path: str) -> list[ReceivedRequest]:
        return [r for r in self.received if r.method == method and r.path == path]

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.received]


def _now() -> int:
    return int(time.time())


class FakeRazorpay(RecordedGatewayServer):
    """Razorpay's API as the adapter uses it: orders, customers, recurring payments, refunds.

    The saved token decides the outcome of a recurring payment, like Razorpay's test tokens:
    ``DECLINING_TOKEN`` is declined for insufficient funds (a failed payment is kept on the
    order), ``AUTHENTICATING_TOKEN`` needs the reader to authenticate, any other token is
    captured.
    """

    DECLINING_TOKEN = "token_PXaR4jW8mPs3Nu"
    AUTHENTICATING_TOKEN = "token_PXaS7kY1nQt5Pw"

    def __init__(self, *, key_id: str, key_secret: str) -> None:
        super().__init__()
        credentials = base64.b64encode(f"{key_id}:{key_secret}".encode()).decode()
        self.expected_authorization = f"Basic {credentials}"
        self._key_secret = key_secret
        self.orders: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        # Not in the subscription entity: the method the mandate was authorised with, and a
        # plan change scheduled at cycle end (Razorpay keeps it aside: "Fetch Details of a
        # Pending Update", ``/retrieve_scheduled_changes``).
        self.mandate_methods: dict[str, str] = {}
        self.scheduled_plans: dict[str, str] = {}

    # --- what the reader and Razorpay's scheduler do (no API call of ours does these) ---

    def authorise(self, subscription_id: str, *, method: str = "upi") -> dict[str, str]:
        """The reader authorises the mandate in Checkout.js and pays the first period.

        Returns Checkout.js's answer, signed as Razorpay signs it (payment id | subscription id
        with the key secret).
        """
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            now = _now()
            payment = self._subscription_payment(subscription, method=method, at=now)
            self.mandate_methods[subscription_id] = method
            subscription.update(
                status="active",
                customer_id=payment["customer_id"],
                current_start=now,
                paid_count=1,
            )
            self._invoice(subscription, payment, billing_start=now)
        message = f"{payment['id']}|{subscription_id}".encode()
        return {
            "razorpay_payment_id": payment["id"],
            "razorpay_subscription_id": subscription_id,
            "razorpay_signature": hmac.new(
                self._key_secret.encode(), message, hashlib.sha256
            ).hexdigest(),
        }

    def collect(self, subscription_id: str, *, billing_start: int) -> dict[str, Any]:
        """Razorpay's scheduler collects a period on the mandate; returns the payment."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            if subscription_id in self.scheduled_plans:
                # A change scheduled at cycle end goes live with the next cycle's charge.
                subscription.update(
                    plan_id=self.scheduled_plans.pop(subscription_id),
                    has_scheduled_changes=False,
                    change_scheduled_at=None,
                )
            method = self.mandate_methods.get(subscription_id, "upi")
            payment = self._subscription_payment(subscription, method=method, at=billing_start)
            subscription["paid_count"] += 1
            self._invoice(subscription, payment, billing_start=billing_start)
            return payment

    def fail_collection(self, subscription_id: str, *, billing_start: int | None = None) -> None:
        """Razorpay's auto-charge failed: the subscription goes to ``pending``; given the
        cycle, its invoice stays ``issued`` (unpaid, with Razorpay's payment link)."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            subscription["status"] = "pending"
            if billing_start is None:
                return
            plan = self.plans[subscription["plan_id"]]
            invoice = recording("razorpay/invoice")
            invoice_id = new_id("inv_")
            invoice.update(
                id=invoice_id,
                subscription_id=subscription_id,
                status="issued",
                payment_id=None,
                paid_at=None,
                amount=plan["item"]["amount"],
                amount_paid=0,
                amount_due=plan["item"]["amount"],
                currency=plan["item"]["currency"],
                billing_start=billing_start,
                short_url=f"https://rzp.io/i/{invoice_id[4:12]}",
                created_at=billing_start + len(self.invoices),
            )
            self.invoices[invoice["id"]] = invoice

    def pay_invoice(self, invoice_id: str) -> dict[str, Any]:
        """The reader pays an ``issued`` subscription invoice on its ``short_url`` (Razorpay's
        hosted invoice page): the invoice becomes ``paid`` with the payment's id (the recorded
        ``invoice`` entity's fields). The subscription's status is left as it was: Razorpay
        does not say that paying one invoice re-arms a ``halted`` mandate (``states.md``: only
        future cycles are charged once it is ``active`` again). Returns the payment."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            subscription = self.subscriptions[invoice["subscription_id"]]
            payment = self._subscription_payment(subscription, method="upi", at=_now())
            invoice.update(
                status="paid",
                payment_id=payment["id"],
                paid_at=payment["created_at"],
                amount_paid=invoice["amount"],
                amount_due=0,
            )
            subscription["paid_count"] += 1
            return payment

    def invoice_webhook(self, invoice_id: str, event: str = "invoice.paid") -> bytes:
        """An ``invoice.*`` webhook body as Razorpay sends it (Razorpay's webhook payload docs:
        ``contains: [payment, order, invoice]``, each wrapped in ``{"entity": …}``), built from
        the recorded ``invoice`` and payment entities."""
        with self._lock:
            invoice = copy.deepcopy(self.invoices[invoice_id])
            payment = copy.deepcopy(self.payments.get(str(invoice.get("payment_id")), {}))
            body = {
                "entity": "event",
                "account_id": "acc_Oq7Q1oXwP3lZ2K",
                "event": event,
                "contains": ["payment", "order", "invoice"],
                "payload": {
                    "payment": {"entity": payment},
                    "order": {"entity": {"id": invoice.get("order_id"), "entity": "order"}},
                    "invoice": {"entity": invoice},
                },
                "created_at": _now(),
            }
        return json.dumps(body).encode()

    def change_card(self, subscription_id: str) -> dict[str, str]:
        """The reader authorises a new card in Checkout.js (``subscription_card_change``).
        On a ``pending`` subscription Razorpay charges the last unpaid invoice to it
        (``payment-retries.md``); a ``halted`` one goes back to ``active`` without re-attempting
        (``states.md``). Returns Checkout.js's signed answer."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            payment = self._subscription_payment(subscription, method="card", at=_now())
            unpaid = [
                i
                for i in self.invoices.values()
                if i["subscription_id"] == subscription_id and i["status"] == "issued"
            ]
            if subscription["status"] == "pending" and unpaid:
                invoice = max(unpaid, key=lambda i: i["billing_start"])
                invoice.update(
                    status="paid",
                    payment_id=payment["id"],
                    amount_paid=invoice["amount"],
                    amount_due=0,
                )
                subscription["paid_count"] += 1
            subscription["status"] = "active"
        message = f"{payment['id']}|{subscription_id}".encode()
        return {
            "razorpay_payment_id": payment["id"],
            "razorpay_subscription_id": subscription_id,
            "razorpay_signature": hmac.new(
                self._key_secret.encode(), message, hashlib.sha256
            ).hexdigest(),
        }

    def set_status(self, subscription_id: str, status: str) -> None:
        """What happens outside our API calls: the reader cancels the mandate at the bank or in
        the UPI app (``cancelled``), pauses/resumes it, retries run out (``halted``), the last
        cycle is collected (``completed``): the states of ``payments/subscriptions/states.md``.
        ``resumed`` is an event, not a state: the subscription is ``active`` again."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            subscription["status"] = status
            if status in {"cancelled", "completed"}:
                subscription["ended_at"] = _now()

    def lifecycle_webhook(self, subscription_id: str, event: str) -> bytes:
        """A ``subscription.<event>`` webhook body as Razorpay sends it (the recorded
        ``subscription.cancelled`` payload, Razorpay's webhook payload docs), carrying the
        subscription as it is at the time of sending."""
        with self._lock:
            body = recording("razorpay/webhook_subscription_cancelled")
            body["event"] = f"subscription.{event}"
            body["payload"]["subscription"]["entity"] = copy.deepcopy(
                self.subscriptions[subscription_id]
            )
            body["created_at"] = _now()
        return json.dumps(body).encode()

    def _subscription_payment(
        self, subscription: dict[str, Any], *, method: str, at: int
    ) -> dict[str, Any]:
        plan = self.plans[subscription["plan_id"]]
        payment = recording("razorpay/payment_upi_autopay")
        payment.update(
            id=new_id("pay_"),
            amount=plan["item"]["amount"],
            currency=plan["item"]["currency"],
            method=method,
            customer_id=subscription.get("customer_id") or "cust_PXaQ0mCqYcZJxk",
            created_at=at + len(self.payments),
        )
        if method == "card":
            payment["card"] = {"network": "Visa", "last4": "1111", "recurring": True}
        self.payments[payment["id"]] = payment
        return payment

    def _invoice(
        self, subscription: dict[str, Any], payment: dict[str, Any], *, billing_start: int
    ) -> None:
        invoice = recording("razorpay/invoice")
        invoice.update(
            id=new_id("inv_"),
            subscription_id=subscription["id"],
            payment_id=payment["id"],
            amount=payment["amount"],
            amount_paid=payment["amount"],
            currency=payment["currency"],
            billing_start=billing_start,
            created_at=billing_start + len(self.invoices),
        )
        self.invoices[invoice["id"]] = invoice

    @staticmethod
    def _collection(items: list[dict[str, Any]]) -> dict[str, Any]:
        items = sorted(items, key=lambda item: item["created_at"], reverse=True)
        return {"entity": "collection", "count": len(items), "items": items}

    def answer(self, request: ReceivedRequest) -> Reply:
        if request.headers.get("authorization") != self.expected_authorization:
            return Reply(401, recording("razorpay/error_authentication"))
        parts = request.path.strip("/").split("/")
        route = (request.method, *parts)
        match route:
            case ("GET", "v1", "orders"):
                receipt = request.query.get("receipt")
                found = [o for o in self.orders.values() if receipt in (None, o["receipt"])]
                return Reply(200, self._collection(found))
            case ("POST", "v1", "orders"):
                return self._create_order(request.json)
            case ("GET", "v1", "orders", order_id, "payments"):
                found = [p for p in self.payments.values() if p["order_id"] == order_id]
                return Reply(200, self._collection(found))
            case ("GET", "v1", "customers", customer_id):
                customer = recording("razorpay/customer")
                customer["id"] = customer_id
                return Reply(200, customer)
            case ("POST", "v1", "payments", "create", "recurring"):
                return self._create_recurring(request.json)
            case ("GET", "v1", "payments", payment_id) if payment_id in self.payments:
                return Reply(200, self.payments[payment_id])
            case ("GET", "v1", "payments", payment_id, "refunds"):
                found = [r for r in self.refunds.values() if r["payment_id"] == payment_id]
                return Reply(200, self._collection(found))
            case ("POST", "v1", "payments", payment_id, "refund") if payment_id in self.payments:
                return self._refund(self.payments[payment_id], request.json)
            case ("POST", "v1", "plans"):
                plan = recording("razorpay/plan")
                data = request.json
                plan.update(
                    id=new_id("plan_"),
                    period=data["period"],
                    interval=data["interval"],
                    notes=data.get("notes") or [],
                    created_at=_now(),
                )
                plan["item"].update(data["item"])
                self.plans[plan["id"]] = plan
                return Reply(200, plan)
            case ("GET", "v1", "subscriptions"):
                plan_id = request.query.get("plan_id")
                found = [
                    sub for sub in self.subscriptions.values() if plan_id in (None, sub["plan_id"])
                ]
                return Reply(200, self._collection(found))
            case ("POST", "v1", "subscriptions"):
                data = request.json
                if data.get("plan_id") not in self.plans:
                    return Reply(400, recording("razorpay/error_not_found"))
                sub = recording("razorpay/subscription")
                sub.update(
                    id=new_id("sub_"),
                    plan_id=data["plan_id"],
                    total_count=data["total_count"],
                    remaining_count=data["total_count"],
                    notes=data.get("notes") or [],
                    created_at=_now() + len(self.subscriptions),
                )
                self.subscriptions[sub["id"]] = sub
                return Reply(200, sub)
            case ("GET", "v1", "subscriptions", sub_id) if sub_id in self.subscriptions:
                return Reply(200, self.subscriptions[sub_id])
            case ("GET", "v1", "subscriptions", sub_id, "retrieve_scheduled_changes") if (
                sub_id in self.subscriptions
            ):
                # "Fetch Details of a Pending Update": the subscription as it will be after the
                # change scheduled at cycle end; refused when no update is pending.
                if sub_id not in self.scheduled_plans:
                    return Reply(400, recording("razorpay/error_not_found"))
                pending = copy.deepcopy(self.subscriptions[sub_id])
                pending["plan_id"] = self.scheduled_plans[sub_id]
                return Reply(200, pending)
            case ("PATCH", "v1", "subscriptions", sub_id) if sub_id in self.subscriptions:
                return self._update_subscription(sub_id, request.json)
            case ("POST", "v1", "subscriptions", sub_id, "cancel") if sub_id in self.subscriptions:
                sub = self.subscriptions[sub_id]
                if sub["status"] in {"cancelled", "completed", "expired"}:
                    return Reply(400, recording("razorpay/error_not_found"))
                if request.json.get("cancel_at_cycle_end") == 1:
                    sub["has_scheduled_changes"] = True
                    sub["change_scheduled_at"] = sub.get("current_end")
                else:
                    sub["status"] = "cancelled"
                return Reply(200, sub)
            case ("GET", "v1", "invoices"):
                wanted = request.query.get("subscription_id")
                found = [
                    i for i in self.invoices.values() if wanted in (None, i["subscription_id"])
                ]
                return Reply(200, self._collection(found))
        return Reply(400, recording("razorpay/error_not_found"))

    def _update_subscription(self, sub_id: str, data: dict[str, Any]) -> Reply:
        """Razorpay's "Update a Subscription" (``PATCH /v1/subscriptions/:id``, API reference):
        ``plan_id`` with ``schedule_change_at`` ``now`` (default) or ``cycle_end``, answered
        with the subscription entity (``has_scheduled_changes``/``change_scheduled_at`` set for
        a change at cycle end). A UPI mandate is refused with the documented error body
        ("subscriptions cannot be updated when payment mode is UPI")."""
        sub = self.subscriptions[sub_id]
        if self.mandate_methods.get(sub_id) == "upi":
            return Reply(
                400,
                {
                    "error": {
                        "code": "BAD_REQUEST_ERROR",
                        "description": "subscriptions cannot be updated when payment mode is UPI",
                        "source": "NA",
                        "step": "NA",
                        "reason": "NA",
                        "metadata": {},
                    }
                },
            )
        if data.get("plan_id") not in self.plans or sub["status"] != "active":
            return Reply(400, recording("razorpay/error_not_found"))
        if data.get("schedule_change_at") == "cycle_end":
            self.scheduled_plans[sub_id] = data["plan_id"]
            sub.update(has_scheduled_changes=True, change_scheduled_at=sub.get("current_end"))
        else:
            sub["plan_id"] = data["plan_id"]
        return Reply(200, sub)

    def _create_order(self, data: dict[str, Any]) -> Reply:
        order = recording("razorpay/order")
        order.update(
            id=new_id("order_"),
            amount=data["amount"],
            amount_due=data["amount"],
            currency=data["currency"],
            receipt=data.get("receipt"),
            notes=data.get("notes") or [],
            created_at=_now(),
        )
        self.orders[order["id"]] = order
        return Reply(200, order)

    def _new_payment(
        self, name: str, data: dict[str, Any], order: dict[str, Any]
    ) -> dict[str, Any]:
        payment = recording(f"razorpay/{name}")
        payment.update(
            id=new_id("pay_"),
            amount=data["amount"],
            currency=data["currency"],
            order_id=order["id"],
            customer_id=data["customer_id"],
            token_id=data["token"],
            email=data.get("email"),
            contact=data.get("contact"),
            description=data.get("description"),
            notes=data.get("notes") or [],
            # Strictly increasing, so "latest" is well defined within one second.
            created_at=_now() + len(self.payments),
        )
        self.payments[payment["id"]] = payment
        order["attempts"] += 1
        order["status"] = "attempted"
        return payment

    def _create_recurring(self, data: dict[str, Any]) -> Reply:
        order = self.orders.get(data.get("order_id", ""))
        if order is None:
            return Reply(400, recording("razorpay/error_not_found"))
        token = data["token"]
        if token == self.DECLINING_TOKEN:
            payment = self._new_payment("payment_failed", data, order)
            error = recording("razorpay/error_payment_declined")
            error["error"]["metadata"] = {"payment_id": payment["id"], "order_id": order["id"]}
            return Reply(400, error)
        if token == self.AUTHENTICATING_TOKEN:
            payment = self._new_payment("payment_created", data, order)
            body = recording("razorpay/recurring_payment_needs_authentication")
            body["razorpay_payment_id"] = payment["id"]
            body["next"][0]["url"] = (
                f"https://api.razorpay.com/v1/payments/{payment['id']}/authenticate"
            )
            return Reply(200, body)
        payment = self._new_payment("payment_captured", data, order)
        order.update(status="paid", amount_paid=order["amount"], amount_due=0)
        body = recording("razorpay/recurring_payment")
        body["razorpay_payment_id"] = payment["id"]
        body["razorpay_order_id"] = order["id"]
        message = f"{order['id']}|{payment['id']}".encode()
        body["razorpay_signature"] = hmac.new(
            self._key_secret.encode(), message, hashlib.sha256
        ).hexdigest()
        return Reply(200, body)

    def _refund(self, payment: dict[str, Any], data: dict[str, Any]) -> Reply:
        amount = int(data.get("amount") or payment["amount"] - payment["amount_refunded"])
        if payment["status"] not in {"captured", "refunded"} or (
            amount > payment["amount"] - payment["amount_refunded"]
        ):
            return Reply(400, recording("razorpay/error_refund_exceeds"))
        refund = recording("razorpay/refund")
        refund.update(
            id=new_id("rfnd_"),
            amount=amount,
            currency=payment["currency"],
            payment_id=payment["id"],
            receipt=data.get("receipt"),
            notes=data.get("notes") or [],
            created_at=_now(),
        )
        self.refunds[refund["id"]] = refund
        payment["amount_refunded"] += amount
        full = payment["amount_refunded"] == payment["amount"]
        payment["refund_status"] = "full" if full else "partial"
        if full:
            payment["status"] = "refunded"
        return Reply(200, refund)


def _metadata(form: dict[str, str]) -> dict[str, str]:
    """``metadata[k]=v`` form fields, as the SDK encodes them, back into a dict."""
    return {
        param[len("metadata[") : -1]: value
        for param, value in form.items()
        if param.startswith("metadata[")
    }


_SEARCH_BY_KEY = re.compile(r"^metadata\['idempotency_key'\]:'((?:[^'\\]|\\.)*)'$")


class FakeStripe(RecordedGatewayServer):
    """Stripe's API as the adapter uses it: PaymentIntents (create, retrieve, search), refunds.

    Like Stripe, it saves the status and body of the first POST under each ``Idempotency-Key``
    and replays them (with ``Idempotent-Replayed: true``) for a repeat with the same
    parameters; a repeat with different parameters gets an ``idempotency_error``.

    Payment methods decide outcomes, after Stripe's test payment methods: see ``DECLINES``
    and ``AUTHENTICATING``; any other succeeds.
    """

    DECLINES: dict[str, tuple[str, str, str]] = {
        "pm_card_visa_chargeDeclinedInsufficientFunds": (
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    }
    # Off-session: declined with authentication_required. On-session: 3-D Secure redirect.
    AUTHENTICATING = "pm_card_authenticationRequired"

    def __init__(self, *, secret_key: str) -> None:
        super().__init__()
        self.expected_authorization = f"Bearer {secret_key}"
        self.saved: dict[str, tuple[dict[str, str], Reply]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.prices: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.invoice_payments: dict[str, dict[str, Any]] = {}
        self.events: dict[str, dict[str, Any]] = {}
        self.delivered_ids: set[str] = set()
        self.payment_methods: dict[str, dict[str, Any]] = {}

    # --- what the reader and Stripe Billing do (no API call of ours does these) ---

    def complete_session(self, session_id: str) -> None:
        """The reader pays on Stripe's Checkout page: a subscription, its paid first invoice."""
        with self._lock:
            session = self.sessions[session_id]
            price = self.prices[session["line_items"][0]]
            method = recording("stripe/payment_method")
            method["id"] = new_id("pm_1", 24)
            subscription = recording("stripe/subscription")
            subscription.update(
                id=new_id("sub_1", 24),
                customer=new_id("cus_", 14),
                default_payment_method=method,
                metadata=session["metadata"],
                created=_now(),
                # Stripe's subscription object lists its items (API reference, "The
                # Subscription object": ``items.data[]`` of ``subscription_item``s, ``si_…``).
                items={
                    "object": "list",
                    "data": [
                        {
                            "id": new_id("si_", 14),
                            "object": "subscription_item",
                            "price": price,
                            "quantity": 1,
                        }
                    ],
                    "has_more": False,
                },
            )
            self.subscriptions[subscription["id"]] = subscription
            self._paid_invoice(subscription, price, period_start=_now(), reason="create")
            session.update(
                status="complete",
                payment_status="paid",
                customer=subscription["customer"],
                subscription=subscription["id"],
            )

    def collect(self, subscription_id: str, *, period_start: int) -> str:
        """Stripe Billing renews the subscription; returns the PaymentIntent id that paid."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            price = self.prices[subscription["price"]]
            return self._paid_invoice(
                subscription, price, period_start=period_start, reason="cycle"
            )

    def fail_collection(self, subscription_id: str, *, period_start: int | None = None) -> str:
        """Stripe's renewal charge failed: the subscription is ``past_due`` and, given the
        period, its invoice stays ``open`` (Stripe's invoice workflow); returns its id."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            subscription["status"] = "past_due"
            if period_start is None:
                return ""
            price = self.prices[subscription["price"]]
            invoice = recording("stripe/invoice")
            invoice.update(
                id=new_id("in_1", 24),
                status="open",
                amount_due=price["unit_amount"],
                amount_paid=0,
                total=price["unit_amount"],
                currency=price["currency"],
                customer=subscription["customer"],
                billing_reason="subscription_cycle",
                attempt_count=1,
                created=period_start + len(self.invoices),
            )
            invoice["lines"]["data"][0].update(
                amount=price["unit_amount"], currency=price["currency"]
            )
            invoice["lines"]["data"][0]["period"]["start"] = period_start
            invoice["parent"]["subscription_details"]["subscription"] = subscription_id
            self.invoices[invoice["id"]] = invoice
            return str(invoice["id"])

    def complete_setup(self, session_id: str, *, card: str = "4242") -> None:
        """The reader saves a new card on Stripe's setup page."""
        with self._lock:
            session = self.sessions[session_id]
            method = recording("stripe/payment_method")
            method["id"] = new_id("pm_1", 24)
            method["card"]["last4"] = card
            self.payment_methods[method["id"]] = method
            session.update(
                status="complete",
                setup_intent={
                    "id": new_id("seti_1", 24),
                    "object": "setup_intent",
                    "status": "succeeded",
                    "payment_method": method,
                },
            )

    def _pay_open_invoice(self, invoice_id: str) -> Reply:
        """``POST /v1/invoices/:id/pay``: charge the subscription's default payment method."""
        invoice = self.invoices[invoice_id]
        if invoice["status"] != "open":
            return Reply(400, recording("stripe/error_not_found"))
        sub_id = invoice["parent"]["subscription_details"]["subscription"]
        subscription = self.subscriptions[sub_id]
        method = subscription.get("default_payment_method")
        method_id = method.get("id") if isinstance(method, dict) else method
        if method_id in self.DECLINES:
            error = recording("stripe/error_card_declined")
            code, decline_code, message = self.DECLINES[str(method_id)]
            error["error"].update(code=code, decline_code=decline_code, message=message)
            return Reply(402, error)
        intent = recording("stripe/payment_intent_succeeded")
        intent.update(
            id=new_id("pi_3", 24),
            amount=invoice["amount_due"],
            amount_received=invoice["amount_due"],
            currency=invoice["currency"],
            customer=invoice["customer"],
            metadata={},
            latest_charge=new_id("ch_3", 24),
            created=_now() + len(self.intents),
        )
        self.intents[intent["id"]] = intent
        payment = recording("stripe/invoice_payment")
        payment.update(id=new_id("inpay_1", 24), invoice=invoice_id)
        payment["payment"]["payment_intent"] = intent["id"]
        self.invoice_payments[payment["id"]] = payment
        invoice.update(status="paid", amount_paid=invoice["amount_due"])
        subscription["status"] = "active"
        return Reply(200, invoice)

    def change(self, subscription_id: str, **fields: Any) -> None:
        """What happens outside our API calls (the customer portal, the bank, Stripe's retries
        running out): ``status="canceled"``, ``cancel_at_period_end=True``,
        ``pause_collection={"behavior": "void", "resumes_at": None}``, ..."""
        with self._lock:
            subscription = self.subscriptions[subscription_id]
            subscription.update(fields)
            if fields.get("status") == "canceled":
                subscription.update(canceled_at=_now(), ended_at=_now())

    def lifecycle_event(self, subscription_id: str, event_type: str) -> dict[str, Any]:
        """A ``customer.subscription.*`` (or invoice) event as Stripe sends it (the recorded
        ``customer.subscription.updated`` event, Stripe's Event object), carrying the
        subscription as it is now; also kept as undelivered until ``delivered`` is called."""
        with self._lock:
            event = recording("stripe/event_customer_subscription_updated")
            event.update(id=new_id("evt_1", 24), type=event_type, created=_now())
            event["data"]["object"] = self._subscription(subscription_id)
            event.pop("previous_attributes", None)
            event["data"].pop("previous_attributes", None)
            self.events[event["id"]] = event
            return copy.deepcopy(event)

    def delivered(self, event_id: str) -> None:
        with self._lock:
            self.delivered_ids.add(event_id)

    def _paid_invoice(
        self, subscription: dict[str, Any], price: dict[str, Any], *, period_start: int, reason: str
    ) -> str:
        subscription["price"] = price["id"]
        invoice = recording("stripe/invoice")
        invoice.update(
            id=new_id("in_1", 24),
            amount_due=price["unit_amount"],
            amount_paid=price["unit_amount"],
            total=price["unit_amount"],
            currency=price["currency"],
            customer=subscription["customer"],
            billing_reason=f"subscription_{reason}",
            created=period_start + len(self.invoices),
        )
        invoice["lines"]["data"][0].update(amount=price["unit_amount"], currency=price["currency"])
        invoice["lines"]["data"][0]["period"]["start"] = period_start
        invoice["parent"]["subscription_details"]["subscription"] = subscription["id"]
        self.invoices[invoice["id"]] = invoice
        subscription["latest_invoice"] = invoice["id"]
        intent = recording("stripe/payment_intent_succeeded")
        intent.update(
            id=new_id("pi_3", 24),
            amount=price["unit_amount"],
            amount_received=price["unit_amount"],
            currency=price["currency"],
            customer=subscription["customer"],
            metadata={},
            latest_charge=new_id("ch_3", 24),
            created=period_start + len(self.intents),
        )
        self.intents[intent["id"]] = intent
        payment = recording("stripe/invoice_payment")
        payment.update(id=new_id("inpay_1", 24), invoice=invoice["id"])
        payment["payment"]["payment_intent"] = intent["id"]
        self.invoice_payments[payment["id"]] = payment
        return str(intent["id"])

    @staticmethod
    def _list(url: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        return {"object": "list", "data": items, "has_more": False, "url": url}

    def _hosted(self, request: ReceivedRequest, route: tuple[str, ...]) -> Reply | None:
        form = request.form
        match route:
            case ("POST", "v1", "prices"):
                price = recording("stripe/price")
                price.update(
                    id=new_id("price_1", 24),
                    currency=form["currency"],
                    unit_amount=int(form["unit_amount"]),
                    unit_amount_decimal=form["unit_amount"],
                )
                price["recurring"]["interval_count"] = int(form["recurring[interval_count]"])
                self.prices[price["id"]] = price
                return Reply(200, price)
            case ("POST", "v1", "checkout", "sessions") if form.get("mode") == "setup":
                session = recording("stripe/checkout_session")
                session_id = "cs_test_" + new_id("", 40)
                session.update(
                    id=session_id,
                    mode="setup",
                    amount_subtotal=None,
                    amount_total=None,
                    currency=form.get("currency"),
                    customer=form.get("customer"),
                    customer_email=None,
                    payment_status="no_payment_required",
                    success_url=form.get("success_url"),
                    cancel_url=form.get("cancel_url"),
                    metadata=_metadata(form),
                    setup_intent=None,
                    created=_now(),
                    url=f"https://checkout.stripe.com/c/pay/{session_id}",
                )
                self.sessions[session_id] = {**session, "line_items": []}
                return Reply(200, session)
            case ("POST", "v1", "invoices", invoice_id, "pay") if invoice_id in self.invoices:
                return self._pay_open_invoice(invoice_id)
            case ("POST", "v1", "checkout", "sessions"):
                price = self.prices.get(form.get("line_items[0][price]", ""))
                if price is None:
                    return Reply(400, recording("stripe/error_not_found"))
                session = recording("stripe/checkout_session")
                session_id = "cs_test_" + new_id("", 40)
                session.update(
                    id=session_id,
                    amount_subtotal=price["unit_amount"],
                    amount_total=price["unit_amount"],
                    currency=price["currency"],
                    client_reference_id=form.get("client_reference_id"),
                    customer_email=form.get("customer_email"),
                    success_url=form.get("success_url"),
                    cancel_url=form.get("cancel_url"),
                    metadata=_metadata(form),
                    created=_now(),
                    url=f"https://checkout.stripe.com/c/pay/{session_id}",
                )
                self.sessions[session_id] = {**session, "line_items": [price["id"]]}
                return Reply(200, session)
            case ("GET", "v1", "checkout", "sessions", session_id) if session_id in self.sessions:
                session = {k: v for k, v in self.sessions[session_id].items() if k != "line_items"}
                if session.get("subscription"):
                    session["subscription"] = self.subscriptions[session["subscription"]]
                return Reply(200, session)
            case ("GET", "v1", "invoices"):
                wanted = request.query.get("subscription")
                found = [
                    invoice
                    for invoice in self.invoices.values()
                    if invoice["parent"]["subscription_details"]["subscription"] == wanted
                ]
                found.sort(key=lambda invoice: invoice["created"], reverse=True)
                return Reply(200, self._list("/v1/invoices", found))
            case ("GET", "v1", "invoice_payments"):
                wanted = request.query.get("invoice")
                found = [p for p in self.invoice_payments.values() if p["invoice"] == wanted]
                return Reply(200, self._list("/v1/invoice_payments", found))
            case ("GET", "v1", "subscriptions", sub_id) if sub_id in self.subscriptions:
                return Reply(200, self._subscription(sub_id))
            case ("GET", "v1", "subscriptions"):
                found = [self._subscription(sub_id) for sub_id in self.subscriptions]
                return Reply(200, self._list("/v1/subscriptions", found))
            case ("GET", "v1", "events"):
                undelivered = request.query.get("delivery_success") == "false"
                found = [
                    event
                    for event_id, event in self.events.items()
                    if not (undelivered and event_id in self.delivered_ids)
                ]
                return Reply(200, self._list("/v1/events", found))
            case ("POST", "v1", "subscriptions", sub_id) if sub_id in self.subscriptions:
                subscription = self.subscriptions[sub_id]
                if subscription["status"] == "canceled":
                    return Reply(400, recording("stripe/error_not_found"))
                if "cancel_at_period_end" in form:
                    subscription["cancel_at_period_end"] = form["cancel_at_period_end"] == "true"
                if "items[0][price]" in form:
                    # "Change the price of a subscription": the item keeps its id and takes the
                    # new price; with proration_behavior=none the next invoice bills it.
                    item = subscription["items"]["data"][0]
                    price = self.prices.get(form["items[0][price]"])
                    if form.get("items[0][id]") != item["id"] or price is None:
                        return Reply(400, recording("stripe/error_not_found"))
                    item["price"] = price
                    subscription["price"] = price["id"]
                if form.get("default_payment_method"):
                    chosen = form["default_payment_method"]
                    subscription["default_payment_method"] = self.payment_methods.get(
                        chosen, chosen
                    )
                return Reply(200, self._subscription(sub_id))
            case ("DELETE", "v1", "subscriptions", sub_id) if sub_id in self.subscriptions:
                subscription = self.subscriptions[sub_id]
                if subscription["status"] == "canceled":
                    return Reply(400, recording("stripe/error_not_found"))
                subscription.update(status="canceled", canceled_at=_now(), ended_at=_now())
                return Reply(200, self._subscription(sub_id))
        return None

    def _subscription(self, sub_id: str) -> dict[str, Any]:
        return {k: v for k, v in self.subscriptions[sub_id].items() if k != "price"}

    def serve(self, request: ReceivedRequest) -> Reply:
        key = request.headers.get("idempotency-key")
        if request.method != "POST" or not key:
            return super().serve(request)
        with self._lock:
            self.received.append(request)
            failure = self._failure(request)
            if failure is not None:
                return failure
            earlier = self.saved.get(key)
            if earlier is None:
                reply = self.answer(request)
                # Saved as bytes: later changes to the object do not alter the replay.
                self.saved[key] = (request.form, Reply(reply.status, reply.payload()))
                return Reply(reply.status, reply.body, {"Idempotency-Key": key})
            params, saved = earlier
            if params != request.form:
                error = recording("stripe/error_idempotency")
                error["error"]["message"] = error["error"]["message"].replace(
                    "renewal:sub_81:2025-01-07:1", key
                )
                return Reply(400, error, {"Idempotency-Key": key})
            headers = {"Idempotency-Key": key, "Idempotent-Replayed": "true"}
            return Reply(saved.status, saved.body, headers)

    def answer(self, request: ReceivedRequest) -> Reply:
        if request.headers.get("authorization") != self.expected_authorization:
            return Reply(401, recording("stripe/error_invalid_api_key"))
        route = (request.method, *request.path.strip("/").split("/"))
        hosted = self._hosted(request, route)
        if hosted is not None:
            return hosted
        match route:
            case ("POST", "v1", "payment_intents"):
                return self._create_intent(request.form)
            case ("GET", "v1", "payment_intents", "search"):
                return self._search(request.query.get("query", ""))
            case ("GET", "v1", "payment_intents", intent_id) if intent_id in self.intents:
                return Reply(200, self.intents[intent_id])
            case ("POST", "v1", "refunds"):
                return self._refund(request.form)
        return Reply(404, recording("stripe/error_not_found"))

    def complete_authentication(self, intent_id: str) -> None:
        """The reader passed 3-D Secure on Stripe's page: the payment went through."""
        with self._lock:
            intent = self.intents[intent_id]
            intent.update(
                status="succeeded",
                next_action=None,
                amount_received=intent["amount"],
                latest_charge=new_id("ch_3", 24),
            )

    def _create_intent(self, form: dict[str, str]) -> Reply:
        method = form["payment_method"]
        off_session = form.get("off_session") == "true"
        name = "payment_intent_succeeded"
        if method == self.AUTHENTICATING and not off_session:
            name = "payment_intent_requires_action"
        intent = recording(f"stripe/{name}")
        intent_id = new_id("pi_3", 24)
        intent.update(
            id=intent_id,
            amount=int(form["amount"]),
            currency=form["currency"],
            customer=form.get("customer"),
            payment_method=method,
            description=form.get("description"),
            metadata=_metadata(form),
            client_secret=f"{intent_id}_secret_{new_id('', 24)}",
            created=_now() + len(self.intents),
        )
        if name == "payment_intent_succeeded":
            intent.update(amount_received=intent["amount"], latest_charge=new_id("ch_3", 24))
        else:
            redirect = intent["next_action"]["redirect_to_url"]
            redirect["return_url"] = form.get("return_url")
            redirect["url"] = (
                "https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1PqR0aF4wXyZ2aBc"
                f"&payment_intent={intent_id}&payment_intent_client_secret="
                f"{intent['client_secret']}&publishable_key=pk_test_51PqR0aF4wXyZ2aBc"
            )
        if method in self.DECLINES or (method == self.AUTHENTICATING and off_session):
            if method in self.DECLINES:
                error = recording("stripe/error_card_declined")
                code, decline_code, message = self.DECLINES[method]
                error["error"].update(code=code, decline_code=decline_code, message=message)
            else:
                error = recording("stripe/error_authentication_required")
            charge_id = new_id("ch_3", 24)
            last_error = {
                key: error["error"][key]
                for key in ("code", "decline_code", "doc_url", "message", "type")
            }
            intent.update(
                status="requires_payment_method",
                payment_method=None,
                latest_charge=charge_id,
                amount_received=0,
                last_payment_error={"charge": charge_id, **last_error},
            )
            error["error"].update(charge=charge_id, payment_intent=intent)
            self.intents[intent_id] = intent
            return Reply(402, error)
        self.intents[intent_id] = intent
        return Reply(200, intent)

    def _search(self, query: str) -> Reply:
        result = recording("stripe/search_result")
        matched = _SEARCH_BY_KEY.match(query)
        if matched is None:
            return Reply(400, recording("stripe/error_not_found"))
        key = re.sub(r"\\(.)", r"\1", matched.group(1))
        found = [i for i in self.intents.values() if i["metadata"].get("idempotency_key") == key]
        result["data"] = sorted(found, key=lambda intent: intent["created"], reverse=True)
        return Reply(200, result)

    def _refund(self, form: dict[str, str]) -> Reply:
        intent = self.intents.get(form.get("payment_intent", ""))
        if intent is None:
            return Reply(404, recording("stripe/error_not_found"))
        refunded = sum(
            r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
        )
        amount = int(form.get("amount") or intent["amount_received"] - refunded)
        if amount > intent["amount_received"] - refunded:
            return Reply(400, recording("stripe/error_refund_exceeds"))
        refund = recording("stripe/refund")
        refund.update(
            id=new_id("re_3", 24),
            amount=amount,
            charge=intent["latest_charge"],
            currency=intent["currency"],
            payment_intent=intent["id"],
            metadata=_metadata(form),
            created=_now(),
        )
        self.refunds[refund["id"]] = refund
        return Reply(200, copy.deepcopy(refund))

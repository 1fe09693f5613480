"""The one interface every payment gateway adapter implements.

Amounts are integer minor units. Every call that moves money carries an idempotency key the
caller derived from the business operation and stored *before* calling, so a retry after a
crash can never charge twice: it either finds the earlier charge or repeats it under the same key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

# A saved payment method that is the gateway's own subscription (Razorpay ``sub_...``, Stripe
# ``sub_...``): the gateway collects each period on its schedule, and "charging" a period means
# asking the gateway what it collected for it.
SCHEDULED_PREFIX = "sub_"


class ChargeStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REQUIRES_ACTION = "requires_action"  # the reader must authenticate (3-D Secure, AFA)


@dataclass(frozen=True, slots=True)
class ChargeResult:
    status: ChargeStatus
    gateway_payment_id: str = ""
    failure_code: str = ""  # "card_declined", "insufficient_funds", ...
    failure_message: str = ""
    action_url: str = ""  # where the reader authenticates, for REQUIRES_ACTION


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """One charge of a batch: the arguments of ``Gateway.charge``."""

    customer_ref: str
    payment_method: str
    amount_minor: int
    currency: str
    idempotency_key: str
    description: str
    off_session: bool


@dataclass(frozen=True, slots=True)
class RefundResult:
    gateway_refund_id: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class WebhookEventIn:
    """A verified webhook delivery, reduced to what billing acts on."""

    event_id: str
    event_type: str
    # The gateway's payment or subscription reference the event is about, if any.
    object_id: str = ""
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HostedCheckout:
    """A checkout on the gateway's side: where the reader authorises the mandate and pays."""

    checkout_id: str  # Razorpay: the subscription id; Stripe: the Checkout Session id
    redirect_url: str = ""  # Stripe's hosted page; empty for Razorpay (Checkout.js on our page)
    plan_ref: str = ""  # the gateway plan made for this price, to reuse next time


@dataclass(frozen=True, slots=True)
class CheckoutCompletion:
    """What the gateway says happened in a hosted checkout, after its answer was verified."""

    gateway_subscription_id: str
    gateway_customer_id: str
    charge: ChargeResult  # the first payment
    amount_minor: int
    currency: str
    method_label: str  # "UPI Autopay", "Card e-mandate", "Visa •••• 4242"


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """Everything a gateway needs to open a hosted checkout for one plan price."""

    checkout_key: str
    plan_name: str
    plan_ref: str  # the gateway plan made earlier for this price, or ""
    period_months: int
    amount_minor: int
    currency: str
    total_periods: int  # how many periods the mandate may collect
    email: str
    name: str
    success_url: str
    cancel_url: str


@dataclass(frozen=True, slots=True)
class PriceMove:
    """A price a gateway subscription moves to from its next period (ADR 0014): the gateway's
    plan/price for it (``plan_ref``), or what to make one from when there is none yet."""

    plan_ref: str
    plan_name: str
    period_months: int
    amount_minor: int  # what each period debits, GST included
    currency: str
    key: str  # names the new price, so a retry makes no second plan/price


@dataclass(frozen=True, slots=True)
class GatewaySubscription:
    """A gateway's subscription (the mandate it collects on) as the gateway reports it now.

    Lifecycle webhooks are only a signal: billing re-fetches this and acts on it, so events
    arriving twice or in any order end in the same state (ADR 0015).
    """

    gateway_subscription_id: str
    status: str  # the gateway's own word: "active", "halted", "canceled", ...
    # Stopped for good at the gateway (Razorpay cancelled/completed/expired, Stripe canceled or
    # incomplete_expired): the gateway will never collect on it again.
    ended: bool = False
    # Collection paused (Razorpay paused, Stripe pause_collection): nothing is collected until
    # it is resumed.
    paused: bool = False
    # The gateway stops collecting at the end of the paid period (Stripe cancel_at_period_end,
    # a Razorpay cancellation scheduled at cycle end).
    cancel_at_period_end: bool = False
    # An automatic charge failed (Razorpay pending/halted, Stripe past_due/unpaid).
    collection_failing: bool = False
    customer_ref: str = ""
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def will_collect(self) -> bool:
        """Whether the mandate still stands for the next period: nobody stopped, paused or
        cancelled it. A failing one (Razorpay pending/halted, Stripe past_due/unpaid) still
        stands: our dunning and Pay now take over, and the reader may recover it."""
        return not (self.ended or self.paused or self.cancel_at_period_end)


class SignatureError(Exception):
    """A webhook or checkout signature did not verify; the payload must be ignored."""


class GatewayError(Exception):
    """The gateway could not be reached or answered with an error; try again later."""


class NotSupported(Exception):
    """The gateway cannot do this at all (not a passing failure); the message says what to do."""


class Gateway(Protocol):
    name: str

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
        """Collect money. Same key, same result: never a second charge.

        For a ``SCHEDULED_PREFIX`` payment method no money is asked for: the result is what the
        gateway collected for the period starting at ``period_start`` (GatewayError until then).
        """
        ...

    def find_charge(self, *, idempotency_key: str) -> ChargeResult | None:
        """The outcome of an earlier charge under this key, or None if it never happened."""
        ...

    def refund(
        self, *, gateway_payment_id: str, amount_minor: int, idempotency_key: str
    ) -> RefundResult: ...

    def verify_webhook(self, *, body: bytes, headers: dict[str, str]) -> WebhookEventIn:
        """Check the signature over the raw body and parse it. Raises SignatureError."""
        ...


class HostedGateway(Gateway, Protocol):
    """A gateway whose checkout happens on its side and whose subscriptions it schedules."""

    def start_checkout(self, *, request: CheckoutRequest) -> HostedCheckout:
        """Open (or, for the same checkout key, find again) the gateway's checkout."""
        ...

    def complete_checkout(
        self, *, checkout_id: str, answer: Mapping[str, str]
    ) -> CheckoutCompletion | None:
        """Verify the reader's return from checkout; None while nothing was paid yet.

        Raises SignatureError when the answer was not signed by the gateway for this checkout.
        """
        ...

    def cancel_subscription(self, *, gateway_subscription_id: str, at_period_end: bool) -> None:
        """Stop the gateway collecting: at the end of the paid period, or at once."""
        ...

    def resume_subscription(self, *, gateway_subscription_id: str) -> None:
        """Undo a cancellation at period end. Raises GatewayError where the gateway cannot."""
        ...

    def move_to_price(self, *, gateway_subscription_id: str, price: PriceMove) -> str:
        """Put the subscription on ``price`` from its next period, charging and refunding
        nothing now; returns the gateway's plan/price id (made when ``price.plan_ref`` is
        empty). Idempotent. Raises NotSupported where the gateway will not change this
        mandate's amount (Razorpay UPI Autopay), GatewayError when it cannot be asked."""
        ...

    def fetch_subscription(self, *, gateway_subscription_id: str) -> GatewaySubscription:
        """The subscription as the gateway holds it now (lifecycle events re-fetch this)."""
        ...

    def list_subscriptions(self) -> list[GatewaySubscription]:
        """Every subscription the gateway holds for this account (reconcile, after an outage)."""
        ...

    def undelivered_events(self) -> list[WebhookEventIn]:
        """Events the gateway could not deliver to us (Stripe keeps them 30 days); [] where
        the gateway offers no such list (Razorpay: reconcile re-fetches every subscription)."""
        ...


@runtime_checkable
class ChargesInBatches(Protocol):
    """A gateway that can take many charges in one call (the sandbox: its ledger is a table).

    The renewal sweep charges such a gateway a batch at a time; the real gateways charge one
    at a time over the network, so the sweep keeps its per-subscription path for them.
    """

    def charge_many(self, *, requests: Sequence[ChargeRequest]) -> dict[str, ChargeResult]:
        """Each request's result, by idempotency key. Same keys, same results: never a second
        charge; all or nothing (an error charges none of them)."""
        ...

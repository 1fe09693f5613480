"""The one interface every payment gateway adapter implements.

Amounts are integer minor units. Every call that moves money carries an idempotency key the
caller derived from the business operation and stored *before* calling, so a retry after a
crash can never charge twice: it either finds the earlier charge or repeats it under the same key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable


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


class SignatureError(Exception):
    """A webhook or checkout signature did not verify; the payload must be ignored."""


class GatewayError(Exception):
    """The gateway could not be reached or answered with an error; try again later."""


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
    ) -> ChargeResult:
        """Collect money. Same key, same result: never a second charge."""
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

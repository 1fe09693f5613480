"""One contract for every gateway adapter (issue 12, deliverable 9): the sandbox, and Razorpay's
and Stripe's adapters talking through their official SDKs to the recorded fakes.

What the contract says comes from ``gateways/base.py`` and the gateways' own docs: the same key
twice is one charge (Stripe's idempotency layer; Razorpay's order receipt), ``find_charge``
finds it, refunds never exceed the charge ("you can't refund a total greater than the original
charge amount", stripe.com/docs/refunds; Razorpay answers 400), a webhook verifies only over
its exact bytes with the right secret, and a subscription's lifecycle state means the same
thing whichever gateway reports it (Razorpay's ``states.md``, Stripe's ``SubscriptionStatus``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from masthead.billing.gateways.base import ChargeStatus, SignatureError
from masthead.billing.gateways.razorpay_gateway import RazorpayGateway
from masthead.billing.gateways.sandbox import SandboxGateway, sign_sandbox_payload
from masthead.billing.gateways.stripe_gateway import StripeGateway
from masthead.billing.models import SandboxCharge
from masthead.billing.tests.recorded_gateway import (
    FakeRazorpay,
    FakeStripe,
    new_id,
    recording,
    recording_bytes,
)

KEY = "renewal:sub_81:2025-01-07:1"
PRICE = 39900  # ₹399.00 in paise


@dataclass
class Contract:
    gateway: Any
    customer_ref: str
    good_method: str
    charges_at_gateway: Callable[[], int]
    signed_webhook: Callable[[], tuple[bytes, dict[str, str]]]
    header: str
    # Put a subscription in the gateway's books as the gateway would report it; returns its id
    # (gateways that hold subscriptions only).
    seed_subscription: Callable[[dict[str, Any]], str] | None = None


def _sandbox(settings: Any) -> Iterator[Contract]:
    settings.SANDBOX_WEBHOOK_SECRET = "whsec-sandbox-contract"

    def webhook() -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"id": "evt_1", "type": "charge.succeeded", "object_id": KEY}).encode()
        return body, {"x-sandbox-signature": sign_sandbox_payload(body)}

    yield Contract(
        gateway=SandboxGateway(),
        customer_ref="cus_sandbox_1",
        good_method="pm_sandbox_4242424242424242",
        charges_at_gateway=SandboxCharge.objects.count,
        signed_webhook=webhook,
        header="x-sandbox-signature",
    )


def _razorpay(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Contract]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeRazorpay(key_id="rzp_test_Pq7Rx2Lm9Zs4Tb", key_secret="Xk3Lq9Vb2Nm7Rt5Wz8Pd1Hs4")
    server.start()
    settings.RAZORPAY_API_BASE = server.base_url
    settings.RAZORPAY_KEY_ID = "rzp_test_Pq7Rx2Lm9Zs4Tb"
    settings.RAZORPAY_KEY_SECRET = "Xk3Lq9Vb2Nm7Rt5Wz8Pd1Hs4"
    settings.RAZORPAY_WEBHOOK_SECRET = "whsec-razorpay-contract"

    def webhook() -> tuple[bytes, dict[str, str]]:
        body = recording_bytes("razorpay/webhook_payment_captured")
        digest = hmac.new(b"whsec-razorpay-contract", body, hashlib.sha256).hexdigest()
        return body, {"x-razorpay-signature": digest, "x-razorpay-event-id": "evt_contract_1"}

    yield Contract(
        gateway=RazorpayGateway(),
        customer_ref="cust_PXaQ0mCqYcZJxk",
        good_method="token_PXaQ9tN7wYb1Kd",
        charges_at_gateway=lambda: len(server.payments),
        signed_webhook=webhook,
        header="x-razorpay-signature",
        seed_subscription=lambda fields: _seed(server.subscriptions, "razorpay", "sub_", fields),
    )
    server.stop()


def _stripe(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Contract]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeStripe(secret_key="sk_test_51PqR0aF4wXyZ2aBcContract")
    server.start()
    settings.STRIPE_API_BASE = server.base_url
    settings.STRIPE_SECRET_KEY = "sk_test_51PqR0aF4wXyZ2aBcContract"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_contract"
    settings.STRIPE_WEBHOOK_TOLERANCE = 300
    settings.SITE_URL = "https://news.example.in"

    def webhook() -> tuple[bytes, dict[str, str]]:
        body = recording_bytes("stripe/event_payment_intent_succeeded")
        t = int(time.time())
        digest = hmac.new(b"whsec_contract", f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        return body, {"stripe-signature": f"t={t},v1={digest}"}

    yield Contract(
        gateway=StripeGateway(),
        customer_ref="cus_RXa1bC2dE3fG4h",
        good_method="pm_card_visa",
        charges_at_gateway=lambda: len(server.intents),
        signed_webhook=webhook,
        header="stripe-signature",
        seed_subscription=lambda fields: _seed(server.subscriptions, "stripe", "sub_1", fields),
    )
    server.stop()


def _seed(books: dict[str, Any], gateway: str, prefix: str, fields: dict[str, Any]) -> str:
    """A recorded subscription (``recorded/<gateway>/subscription.json``) with ``fields``."""
    subscription = recording(f"{gateway}/subscription")
    subscription.update(id=new_id(prefix, 14), **fields)
    books[subscription["id"]] = subscription
    return str(subscription["id"])


@pytest.fixture(params=["sandbox", "razorpay", "stripe"])
def contract(
    request: Any, db: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Contract]:
    if request.param == "sandbox":
        yield from _sandbox(settings)
    elif request.param == "razorpay":
        yield from _razorpay(settings, monkeypatch)
    else:
        yield from _stripe(settings, monkeypatch)


def charge(contract: Contract, *, key: str = KEY, amount: int = PRICE) -> Any:
    return contract.gateway.charge(
        customer_ref=contract.customer_ref,
        payment_method=contract.good_method,
        amount_minor=amount,
        currency="INR",
        idempotency_key=key,
        description="Meridian Ledger, quarterly renewal",
        off_session=True,
    )


def test_the_same_key_twice_makes_one_charge(contract: Contract) -> None:
    first = charge(contract)
    again = charge(contract)
    assert first.status == again.status == ChargeStatus.SUCCEEDED
    assert again.gateway_payment_id == first.gateway_payment_id
    assert contract.charges_at_gateway() == 1
    other = charge(contract, key=KEY.replace(":1", ":2"))
    assert other.gateway_payment_id != first.gateway_payment_id
    assert contract.charges_at_gateway() == 2


def test_find_charge_finds_the_charge_under_its_key_and_nothing_under_another(
    contract: Contract,
) -> None:
    assert contract.gateway.find_charge(idempotency_key=KEY) is None
    made = charge(contract)
    found = contract.gateway.find_charge(idempotency_key=KEY)
    assert found is not None
    assert (found.status, found.gateway_payment_id) == (
        ChargeStatus.SUCCEEDED,
        made.gateway_payment_id,
    )
    assert contract.gateway.find_charge(idempotency_key="renewal:sub_81:2025-04-07:1") is None


def test_refunds_add_up_to_the_charge_and_never_beyond(contract: Contract) -> None:
    made = charge(contract)
    half = contract.gateway.refund(
        gateway_payment_id=made.gateway_payment_id, amount_minor=PRICE // 2, idempotency_key="r1"
    )
    assert half.amount_minor == PRICE // 2
    # The same refund key again refunds nothing more.
    again = contract.gateway.refund(
        gateway_payment_id=made.gateway_payment_id, amount_minor=PRICE // 2, idempotency_key="r1"
    )
    assert again.gateway_refund_id == half.gateway_refund_id
    with pytest.raises(ValueError, match=r"(?i)refund"):
        contract.gateway.refund(
            gateway_payment_id=made.gateway_payment_id,
            amount_minor=PRICE // 2 + 1,
            idempotency_key="r2",
        )
    rest = contract.gateway.refund(
        gateway_payment_id=made.gateway_payment_id,
        amount_minor=PRICE - PRICE // 2,
        idempotency_key="r3",
    )
    assert half.amount_minor + rest.amount_minor == PRICE


def test_a_webhook_verifies_only_over_its_exact_bytes_with_its_secret(contract: Contract) -> None:
    body, headers = contract.signed_webhook()
    event = contract.gateway.verify_webhook(body=body, headers=headers)
    assert event.event_id and event.event_type
    with pytest.raises(SignatureError):
        contract.gateway.verify_webhook(body=body + b" ", headers=headers)
    with pytest.raises(SignatureError):
        contract.gateway.verify_webhook(body=body, headers={contract.header: "0" * 64})
    with pytest.raises(SignatureError):
        contract.gateway.verify_webhook(body=body, headers={})


# --- lifecycle: gateways that hold the subscription ----------------------------------------

# (gateway, how the gateway reports it) -> (ended, paused, cancel at period end, failing,
# will collect the next period): from Razorpay's states.md and Stripe's status enum.
LIFECYCLE = [
    ("razorpay", {"status": "active"}, (False, False, False, False, True)),
    ("razorpay", {"status": "authenticated"}, (False, False, False, False, True)),
    ("razorpay", {"status": "pending"}, (False, False, False, True, True)),
    ("razorpay", {"status": "halted"}, (False, False, False, True, True)),
    ("razorpay", {"status": "paused"}, (False, True, False, False, False)),
    ("razorpay", {"status": "cancelled"}, (True, False, False, False, False)),
    ("razorpay", {"status": "completed"}, (True, False, False, False, False)),
    ("razorpay", {"status": "expired"}, (True, False, False, False, False)),
    (
        "razorpay",
        {"status": "active", "has_scheduled_changes": True},
        (False, False, True, False, False),
    ),
    ("stripe", {"status": "active"}, (False, False, False, False, True)),
    ("stripe", {"status": "trialing"}, (False, False, False, False, True)),
    ("stripe", {"status": "past_due"}, (False, False, False, True, True)),
    ("stripe", {"status": "unpaid"}, (False, False, False, True, True)),
    ("stripe", {"status": "paused"}, (False, True, False, False, False)),
    ("stripe", {"status": "canceled"}, (True, False, False, False, False)),
    ("stripe", {"status": "incomplete_expired"}, (True, False, False, False, False)),
    (
        "stripe",
        {"status": "active", "cancel_at_period_end": True},
        (False, False, True, False, False),
    ),
    (
        "stripe",
        {"status": "active", "pause_collection": {"behavior": "void", "resumes_at": None}},
        (False, True, False, False, False),
    ),
]


@pytest.fixture
def hosted(request: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Contract]:
    maker = _razorpay if request.param == "razorpay" else _stripe
    yield from maker(settings, monkeypatch)


@pytest.mark.parametrize(("hosted", "reported", "expected"), LIFECYCLE, indirect=["hosted"])
def test_every_lifecycle_state_is_read_the_same_way_through_the_api(
    hosted: Contract, reported: dict[str, Any], expected: tuple[bool, bool, bool, bool, bool]
) -> None:
    """The adapter fetches the subscription over the API (as lifecycle handling does, and the
    reconcile command's listing) and reduces it to the same five facts on either gateway."""
    assert hosted.seed_subscription is not None
    sub_id = hosted.seed_subscription(reported)
    fetched = hosted.gateway.fetch_subscription(gateway_subscription_id=sub_id)
    listed = {s.gateway_subscription_id: s for s in hosted.gateway.list_subscriptions()}
    for seen in (fetched, listed[sub_id]):
        facts = (
            seen.ended,
            seen.paused,
            seen.cancel_at_period_end,
            seen.collection_failing,
            seen.will_collect,
        )
        assert facts == expected
        assert seen.status == reported["status"]

"""The Stripe adapter, through the official SDK, against a local server answering from recordings.

No database. Webhook signatures are computed here with hmac, independently of the SDK.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from masthead.billing.gateways.base import ChargeStatus, GatewayError, SignatureError
from masthead.billing.gateways.stripe_gateway import StripeGateway
from masthead.billing.tests.recorded_gateway import (
    FakeStripe,
    Reply,
    recording,
    recording_bytes,
)

SECRET_KEY = "sk_test_51PqR0aF4wXyZ2aBcMastheadTestKey0000wxyz"
WEBHOOK_SECRET = "whsec_mH7x2Qp9Lk4Vb8Nz3Rt6Wy1Sd5Fg0Jc"
CUSTOMER = "cus_RXa1bC2dE3fG4h"
CARD = "pm_card_visa"
KEY = "renewal:sub_81:2025-01-07:1"
PRICE = 39900  # ₹399.00 in paise
TOLERANCE = 300


@pytest.fixture
def stripe_api(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeStripe(secret_key=SECRET_KEY)
    server.start()
    settings.STRIPE_API_BASE = server.base_url
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_WEBHOOK_TOLERANCE = TOLERANCE
    settings.SITE_URL = "https://news.example.in"
    yield server
    server.stop()


@pytest.fixture
def gateway() -> StripeGateway:
    return StripeGateway()


def charge(
    gateway: StripeGateway,
    *,
    card: str = CARD,
    key: str = KEY,
    amount: int = PRICE,
    off_session: bool = True,
) -> Any:
    return gateway.charge(
        customer_ref=CUSTOMER,
        payment_method=card,
        amount_minor=amount,
        currency="INR",
        idempotency_key=key,
        description="Meridian Ledger Digital, monthly renewal",
        off_session=off_session,
    )


def intent_posts(server: FakeStripe) -> list[Any]:
    return server.requests_to("POST", "/v1/payment_intents")


# --- charges -------------------------------------------------------------------------------


def test_a_charge_confirms_an_off_session_payment_intent(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    result = charge(gateway)

    assert result.status == ChargeStatus.SUCCEEDED
    assert stripe_api.intents[result.gateway_payment_id]["status"] == "succeeded"
    (sent,) = intent_posts(stripe_api)
    assert sent.form == {
        "amount": "39900",
        "currency": "inr",
        "customer": CUSTOMER,
        "payment_method": CARD,
        "off_session": "true",
        "confirm": "true",
        "description": "Meridian Ledger Digital, monthly renewal",
        "metadata[idempotency_key]": KEY,
        "return_url": "https://news.example.in/subscribe/authenticate/",
    }
    assert sent.headers["authorization"] == f"Bearer {SECRET_KEY}"
    assert sent.headers["idempotency-key"] == KEY
    assert sent.headers["stripe-version"]
    assert SECRET_KEY not in sent.path


@pytest.mark.parametrize(
    ("card", "code", "message"),
    [
        (
            "pm_card_visa_chargeDeclinedInsufficientFunds",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        ("pm_card_chargeDeclined", "generic_decline", "Your card was declined."),
    ],
)
def test_a_declined_card_fails_with_the_decline_code(
    stripe_api: FakeStripe, gateway: StripeGateway, card: str, code: str, message: str
) -> None:
    result = charge(gateway, card=card)

    assert result.status == ChargeStatus.FAILED
    assert result.failure_code == code
    assert result.failure_message == message
    assert stripe_api.intents[result.gateway_payment_id]["status"] == "requires_payment_method"


def test_an_off_session_charge_the_bank_wants_authenticated_requires_action(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    result = charge(gateway, card=FakeStripe.AUTHENTICATING)

    assert result.status == ChargeStatus.REQUIRES_ACTION
    assert result.failure_code == "authentication_required"
    assert result.gateway_payment_id in stripe_api.intents
    # Off-session there is no Stripe page yet: the reader must come back to pay on-session.
    assert result.action_url == ""


def test_an_on_session_charge_needing_3ds_requires_action_with_stripes_page(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    result = charge(gateway, card=FakeStripe.AUTHENTICATING, amount=1_650_000, off_session=False)

    assert result.status == ChargeStatus.REQUIRES_ACTION
    assert result.action_url.startswith("https://hooks.stripe.com/3d_secure_2/hosted?")
    assert f"payment_intent={result.gateway_payment_id}" in result.action_url
    (sent,) = intent_posts(stripe_api)
    assert sent.form["off_session"] == "false"
    assert sent.form["amount"] == "1650000"


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(Reply(500, recording("stripe/error_api")), id="500-api-error"),
        pytest.param(
            Reply(502, b"<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
            id="502-from-a-proxy",
        ),
    ],
)
def test_a_gateway_error_raises_gateway_error(
    stripe_api: FakeStripe, gateway: StripeGateway, failure: Reply
) -> None:
    stripe_api.outage = failure
    with pytest.raises(GatewayError):
        charge(gateway)
    assert not stripe_api.intents


def test_a_gateway_that_cannot_be_reached_raises_gateway_error(
    stripe_api: FakeStripe, gateway: StripeGateway, settings: Any
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{port}"
    with pytest.raises(GatewayError):
        charge(gateway)


def test_the_same_key_twice_makes_one_charge(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    first = charge(gateway)
    second = charge(gateway)

    assert second == first
    assert len(stripe_api.intents) == 1
    first_post, second_post = intent_posts(stripe_api)
    assert first_post.headers["idempotency-key"] == second_post.headers["idempotency-key"] == KEY
    assert second_post.form == first_post.form


def test_a_declined_charge_retried_under_its_key_replays_the_decline(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    card = "pm_card_visa_chargeDeclinedInsufficientFunds"
    first = charge(gateway, card=card)
    second = charge(gateway, card=card)

    assert second == first
    assert len(stripe_api.intents) == 1


def test_a_retry_after_an_outage_charges_once(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    stripe_api.fail_next[("POST", "/v1/payment_intents")] = Reply(
        503, b"upstream connect error", content_type="text/plain"
    )
    with pytest.raises(GatewayError):
        charge(gateway)

    assert charge(gateway).status == ChargeStatus.SUCCEEDED
    assert len(stripe_api.intents) == 1


def test_a_replayed_answer_is_refreshed_once_the_reader_has_authenticated(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    pending = charge(gateway, card=FakeStripe.AUTHENTICATING, off_session=False)
    stripe_api.complete_authentication(pending.gateway_payment_id)

    again = charge(gateway, card=FakeStripe.AUTHENTICATING, off_session=False)

    # Stripe replays the saved requires_action; the adapter asks for the state now.
    assert again.status == ChargeStatus.SUCCEEDED
    assert again.gateway_payment_id == pending.gateway_payment_id
    assert len(stripe_api.intents) == 1
    assert stripe_api.calls()[-1] == ("GET", f"/v1/payment_intents/{pending.gateway_payment_id}")


def test_a_key_reused_for_another_amount_is_refused_and_charges_nothing(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    charge(gateway)
    with pytest.raises(GatewayError, match="IdempotencyError"):
        charge(gateway, amount=PRICE + 100)
    assert len(stripe_api.intents) == 1


def test_find_charge_returns_the_earlier_outcome_or_none(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    paid = charge(gateway, key="renewal:sub_81:2025-01-07:1")
    declined = charge(
        gateway,
        key="renewal:sub_82:2025-01-07:1",
        card="pm_card_visa_chargeDeclinedInsufficientFunds",
    )
    posts_before = len(intent_posts(stripe_api))

    assert gateway.find_charge(idempotency_key="renewal:sub_81:2025-01-07:1") == paid
    found = gateway.find_charge(idempotency_key="renewal:sub_82:2025-01-07:1")
    assert found is not None
    assert found.status == ChargeStatus.FAILED
    assert found.failure_code == "insufficient_funds"
    assert found.gateway_payment_id == declined.gateway_payment_id
    assert gateway.find_charge(idempotency_key="renewal:sub_99:2025-01-07:1") is None

    searches = stripe_api.requests_to("GET", "/v1/payment_intents/search")
    assert searches[0].query["query"] == "metadata['idempotency_key']:'renewal:sub_81:2025-01-07:1'"
    assert all("idempotency-key" not in request.headers for request in searches)
    assert len(intent_posts(stripe_api)) == posts_before


def test_find_charge_quotes_the_key_in_the_search_query(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    key = "renewal:o'brien:2025-01-07:1"
    paid = charge(gateway, key=key)

    assert gateway.find_charge(idempotency_key=key) == paid
    (search,) = stripe_api.requests_to("GET", "/v1/payment_intents/search")
    assert search.query["query"] == "metadata['idempotency_key']:'renewal:o\\'brien:2025-01-07:1'"


def test_wrong_api_key_raises_gateway_error_without_the_key(
    stripe_api: FakeStripe, gateway: StripeGateway, settings: Any
) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_a-wrong-key-value"
    with pytest.raises(GatewayError) as raised:
        charge(gateway)
    assert "a-wrong-key-value" not in str(raised.value)
    assert not stripe_api.intents


# --- refunds -------------------------------------------------------------------------------


def test_a_refund_sends_the_amount_in_paise_under_its_key(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    paid = charge(gateway)
    key = "refund:sub_81:2025-01-08"

    refund = gateway.refund(
        gateway_payment_id=paid.gateway_payment_id, amount_minor=19950, idempotency_key=key
    )
    again = gateway.refund(
        gateway_payment_id=paid.gateway_payment_id, amount_minor=19950, idempotency_key=key
    )

    assert refund.amount_minor == 19950
    assert refund.gateway_refund_id.startswith("re_")
    assert again == refund
    assert len(stripe_api.refunds) == 1
    first, second = stripe_api.requests_to("POST", "/v1/refunds")
    assert first.form == {
        "payment_intent": paid.gateway_payment_id,
        "amount": "19950",
        "metadata[idempotency_key]": key,
    }
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"] == key


def test_a_refund_above_what_was_paid_is_refused(
    stripe_api: FakeStripe, gateway: StripeGateway
) -> None:
    paid = charge(gateway)
    with pytest.raises(ValueError, match="greater than unrefunded amount"):
        gateway.refund(
            gateway_payment_id=paid.gateway_payment_id,
            amount_minor=PRICE + 1,
            idempotency_key="refund:too-much",
        )


# --- webhooks ------------------------------------------------------------------------------


def signature_header(
    body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> str:
    """``Stripe-Signature`` as Stripe computes it: HMAC-SHA256 of ``"{t}.{raw body}"``."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


@pytest.fixture
def webhook_settings(settings: Any) -> Any:
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_WEBHOOK_TOLERANCE = TOLERANCE
    return settings


@pytest.mark.parametrize(
    ("recorded", "object_id", "expected"),
    [
        (
            "event_invoice_paid",
            "sub_1PzT4uF4wXyZ2aBcV5wX6yZa",
            {"invoice_id": "in_1QeS6kF4wXyZ2aBcN7oP8qRs", "status": "paid", "amount_paid": 39900},
        ),
        (
            "event_invoice_payment_failed",
            "sub_1PzT9bF4wXyZ2aBcH3iJ4kLm",
            {"payment_intent_id": "pi_3QeS8mF4wXyZ2aBc0n5Pq7Rs", "attempt_count": 1},
        ),
        (
            "event_payment_intent_succeeded",
            "pi_3QeS7lF4wXyZ2aBc0m9Kd1Rt",
            {"status": "succeeded", "amount_minor": 39900, "idempotency_key": KEY},
        ),
        (
            "event_payment_intent_payment_failed",
            "pi_3QeS8mF4wXyZ2aBc0n5Pq7Rs",
            {"status": "requires_payment_method", "failure_code": "insufficient_funds"},
        ),
        (
            "event_customer_subscription_updated",
            "sub_1PzT9bF4wXyZ2aBcH3iJ4kLm",
            {"status": "past_due", "current_period_end": 1738904400},
        ),
        (
            "event_customer_subscription_deleted",
            "sub_1PzT4uF4wXyZ2aBcV5wX6yZa",
            {"status": "canceled", "current_period_end": 1738904400},
        ),
        (
            "event_charge_refunded",
            "pi_3QeS7lF4wXyZ2aBc0m9Kd1Rt",
            {"charge_id": "ch_3QeS7lF4wXyZ2aBc0k2Lm8Qp", "amount_refunded": 19950},
        ),
    ],
)
def test_a_correctly_signed_webhook_is_parsed(
    webhook_settings: Any,
    gateway: StripeGateway,
    recorded: str,
    object_id: str,
    expected: dict[str, object],
) -> None:
    body = recording_bytes(f"stripe/{recorded}")
    event = gateway.verify_webhook(body=body, headers={"stripe-signature": signature_header(body)})

    raw = recording(f"stripe/{recorded}")
    assert event.event_id == raw["id"]
    assert event.event_type == raw["type"]
    assert event.object_id == object_id
    assert expected.items() <= event.data.items()


@pytest.fixture
def paid_body(webhook_settings: Any) -> bytes:
    return recording_bytes("stripe/event_invoice_paid")


def test_a_webhook_body_altered_by_one_byte_is_rejected(
    gateway: StripeGateway, paid_body: bytes
) -> None:
    header = signature_header(paid_body)
    altered = paid_body.replace(b'"amount_paid": 39900', b'"amount_paid": 39901', 1)
    assert sum(a != b for a, b in zip(altered, paid_body, strict=True)) == 1
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=altered, headers={"stripe-signature": header})


def test_a_webhook_signed_with_another_secret_is_rejected(
    gateway: StripeGateway, paid_body: bytes
) -> None:
    header = signature_header(paid_body, secret="whsec_someone_elses_endpoint")
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=paid_body, headers={"stripe-signature": header})


@pytest.mark.parametrize(
    "headers",
    [{}, {"stripe-signature": ""}, {"x-razorpay-signature": "whatever"}],
    ids=["absent", "empty", "another-gateways"],
)
def test_a_webhook_without_a_signature_is_rejected(
    gateway: StripeGateway, paid_body: bytes, headers: dict[str, str]
) -> None:
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=paid_body, headers=headers)


@pytest.mark.parametrize(
    "header", ["garbage", "t=notanumber,v1=abc", "t=1736226065", "t=1736226065,v0=abc"]
)
def test_a_malformed_signature_header_is_rejected(
    gateway: StripeGateway, paid_body: bytes, header: str
) -> None:
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=paid_body, headers={"stripe-signature": header})


def test_an_old_timestamp_outside_the_tolerance_is_rejected(
    gateway: StripeGateway, paid_body: bytes
) -> None:
    stale = int(time.time()) - TOLERANCE - 60
    header = signature_header(paid_body, timestamp=stale)  # a real signature, replayed late
    with pytest.raises(SignatureError, match="tolerance"):
        gateway.verify_webhook(body=paid_body, headers={"stripe-signature": header})


def test_a_timestamp_inside_the_tolerance_passes(gateway: StripeGateway, paid_body: bytes) -> None:
    recent = int(time.time()) - TOLERANCE + 60
    header = signature_header(paid_body, timestamp=recent)
    event = gateway.verify_webhook(body=paid_body, headers={"Stripe-Signature": header})
    assert event.event_type == "invoice.paid"


@pytest.mark.parametrize("tolerance", [0, -1])
def test_the_tolerance_can_never_be_zero(
    gateway: StripeGateway, paid_body: bytes, webhook_settings: Any, tolerance: int
) -> None:
    # The SDK would skip the timestamp check for 0 and accept a years-old replay.
    webhook_settings.STRIPE_WEBHOOK_TOLERANCE = tolerance
    ancient = signature_header(paid_body, timestamp=1_000_000_000)
    fresh = signature_header(paid_body)
    for header in (ancient, fresh):
        with pytest.raises(ImproperlyConfigured):
            gateway.verify_webhook(body=paid_body, headers={"stripe-signature": header})


def test_a_rotated_secret_is_accepted_when_any_v1_matches(
    gateway: StripeGateway, paid_body: bytes
) -> None:
    t = int(time.time())
    old = signature_header(paid_body, secret="whsec_the_previous_secret", timestamp=t)
    new = signature_header(paid_body, timestamp=t)
    header = f"{old},{new.split(',')[1]}"
    assert gateway.verify_webhook(body=paid_body, headers={"stripe-signature": header})


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"id": "evt_1", "type": "x"}', b"\xff\xfe"])
def test_a_correctly_signed_body_that_is_no_event_is_rejected(
    gateway: StripeGateway, webhook_settings: Any, body: bytes
) -> None:
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=body, headers={"stripe-signature": signature_header(body)})


def test_without_a_webhook_secret_nothing_verifies(
    gateway: StripeGateway, paid_body: bytes, webhook_settings: Any
) -> None:
    webhook_settings.STRIPE_WEBHOOK_SECRET = ""
    header = signature_header(paid_body, secret="")
    with pytest.raises(ImproperlyConfigured):
        gateway.verify_webhook(body=paid_body, headers={"stripe-signature": header})


# --- secrets -------------------------------------------------------------------------------


def test_no_secret_reaches_the_logs_or_the_output(
    stripe_api: FakeStripe,
    gateway: StripeGateway,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    charge(gateway)
    charge(gateway, key="renewal:sub_82:2025-01-07:1", card="pm_card_chargeDeclined")
    stripe_api.outage = Reply(500, recording("stripe/error_api"))
    with pytest.raises(GatewayError) as raised:
        charge(gateway, key="renewal:sub_83:2025-01-07:1")
    body = recording_bytes("stripe/event_invoice_paid")
    with pytest.raises(SignatureError) as rejected:
        gateway.verify_webhook(
            body=body, headers={"stripe-signature": signature_header(body, secret="x")}
        )

    output = capsys.readouterr()
    seen = " ".join([caplog.text, output.out, output.err, str(raised.value), str(rejected.value)])
    for secret in (SECRET_KEY, WEBHOOK_SECRET):
        assert secret not in seen

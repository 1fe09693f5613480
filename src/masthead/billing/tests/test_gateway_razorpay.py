"""The Razorpay adapter, through the official SDK, against a local server answering from recordings.

No database: the adapter keeps no state of its own; Razorpay's orders (by receipt) are its memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from masthead.billing.gateways.base import ChargeStatus, GatewayError, SignatureError
from masthead.billing.gateways.razorpay_gateway import (
    RazorpayGateway,
    receipt_for,
    verify_checkout_signature,
)
from masthead.billing.tests.recorded_gateway import (
    FakeRazorpay,
    Reply,
    recording,
    recording_bytes,
)

KEY_ID = "rzp_test_Pq7Rx2Lm9Zs4Tb"
KEY_SECRET = "Xk3Lq9Vb2Nm7Rt5Wz8Pd1Hs4"
WEBHOOK_SECRET = "mh-razorpay-webhook-3f9c2a71"
CUSTOMER = "cust_PXaQ0mCqYcZJxk"
TOKEN = "token_PXaQ9tN7wYb1Kd"
KEY = "renewal:sub_81:2025-01-07:1"
PRICE = 39900  # ₹399.00 in paise


@pytest.fixture
def razorpay_api(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRazorpay]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    server = FakeRazorpay(key_id=KEY_ID, key_secret=KEY_SECRET)
    server.start()
    settings.RAZORPAY_API_BASE = server.base_url
    settings.RAZORPAY_KEY_ID = KEY_ID
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    yield server
    server.stop()


@pytest.fixture
def gateway() -> RazorpayGateway:
    return RazorpayGateway()


def charge(
    gateway: RazorpayGateway, *, token: str = TOKEN, key: str = KEY, amount: int = PRICE
) -> Any:
    return gateway.charge(
        customer_ref=CUSTOMER,
        payment_method=token,
        amount_minor=amount,
        currency="INR",
        idempotency_key=key,
        description="Meridian Ledger Digital, monthly renewal",
        off_session=True,
    )


def posts(server: FakeRazorpay, path: str) -> int:
    return len(server.requests_to("POST", path))


# --- charges -------------------------------------------------------------------------------


def test_a_charge_creates_an_order_then_a_recurring_payment_on_the_saved_token(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    result = charge(gateway)

    assert result.status == ChargeStatus.SUCCEEDED
    assert razorpay_api.payments[result.gateway_payment_id]["status"] == "captured"
    (order_id,) = razorpay_api.orders
    assert razorpay_api.calls() == [
        ("GET", "/v1/orders"),
        ("POST", "/v1/orders"),
        ("GET", f"/v1/customers/{CUSTOMER}"),
        ("POST", "/v1/payments/create/recurring"),
        ("GET", f"/v1/payments/{result.gateway_payment_id}"),
    ]
    lookup, create_order, _customer, create_payment, _fetch = razorpay_api.received
    assert lookup.query == {"receipt": KEY}
    assert create_order.json == {
        "amount": PRICE,
        "currency": "INR",
        "receipt": KEY,
        "payment_capture": 1,
        "notes": {"idempotency_key": KEY},
    }
    sent = create_payment.json
    assert sent["amount"] == PRICE
    assert sent["currency"] == "INR"
    assert sent["order_id"] == order_id
    assert sent["customer_id"] == CUSTOMER
    assert sent["token"] == TOKEN
    assert sent["recurring"] == "1"
    # Razorpay wants the customer's email and contact; they come from the customer record.
    assert sent["email"] == "asha.rao@example.com"
    assert sent["contact"] == "+919876543210"
    assert create_payment.headers["content-type"] == "application/json"
    # Every request authenticates with the key pair (HTTP Basic), the secret never in the URL.
    expected = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
    for request in razorpay_api.received:
        assert request.headers["authorization"] == expected
        assert KEY_SECRET not in request.path
        assert KEY_SECRET not in json.dumps(request.query)


def test_a_declined_charge_fails_with_razorpays_reason(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    result = charge(gateway, token=FakeRazorpay.DECLINING_TOKEN)

    assert result.status == ChargeStatus.FAILED
    assert result.failure_code == "insufficient_funds"
    assert "insufficient account balance" in result.failure_message
    assert razorpay_api.payments[result.gateway_payment_id]["status"] == "failed"


def test_a_charge_the_bank_wants_authenticated_requires_action(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    result = charge(gateway, token=FakeRazorpay.AUTHENTICATING_TOKEN, amount=1_650_000)

    assert result.status == ChargeStatus.REQUIRES_ACTION
    assert result.failure_code == "authentication_required"
    assert result.action_url == (
        f"https://api.razorpay.com/v1/payments/{result.gateway_payment_id}/authenticate"
    )
    assert razorpay_api.payments[result.gateway_payment_id]["status"] == "created"


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(Reply(500, recording("razorpay/error_server")), id="500-server-error"),
        pytest.param(
            Reply(502, b"<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
            id="502-from-a-proxy",
        ),
        pytest.param(Reply(503, b"", content_type="text/plain"), id="503-empty"),
    ],
)
def test_a_gateway_error_raises_gateway_error(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway, failure: Reply
) -> None:
    razorpay_api.outage = failure
    with pytest.raises(GatewayError):
        charge(gateway)
    assert not razorpay_api.orders


def test_a_gateway_that_cannot_be_reached_raises_gateway_error(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway, settings: Any
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.RAZORPAY_API_BASE = f"http://127.0.0.1:{port}"
    with pytest.raises(GatewayError):
        charge(gateway)


def test_the_same_key_twice_makes_one_charge(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    first = charge(gateway)
    calls_before = len(razorpay_api.received)

    second = charge(gateway)

    assert second == first
    assert len(razorpay_api.orders) == 1
    assert len(razorpay_api.payments) == 1
    assert posts(razorpay_api, "/v1/orders") == 1
    assert posts(razorpay_api, "/v1/payments/create/recurring") == 1
    (order_id,) = razorpay_api.orders
    # The retry only looked: the order by receipt, then the payments on it.
    assert razorpay_api.calls()[calls_before:] == [
        ("GET", "/v1/orders"),
        ("GET", f"/v1/orders/{order_id}/payments"),
    ]


def test_a_declined_charge_retried_under_its_key_is_not_attempted_again(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    first = charge(gateway, token=FakeRazorpay.DECLINING_TOKEN)
    second = charge(gateway, token=FakeRazorpay.DECLINING_TOKEN)

    assert second.status == ChargeStatus.FAILED
    assert second.failure_code == "insufficient_funds"
    assert second.gateway_payment_id == first.gateway_payment_id
    assert posts(razorpay_api, "/v1/payments/create/recurring") == 1


def test_a_retry_after_a_crash_between_order_and_payment_reuses_the_order(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    razorpay_api.fail_next[("POST", "/v1/payments/create/recurring")] = Reply(
        500, recording("razorpay/error_server")
    )
    with pytest.raises(GatewayError):
        charge(gateway)

    result = charge(gateway)

    assert result.status == ChargeStatus.SUCCEEDED
    assert posts(razorpay_api, "/v1/orders") == 1
    assert len(razorpay_api.orders) == 1
    assert len(razorpay_api.payments) == 1


def test_a_payment_still_in_flight_is_not_charged_again(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    charge(gateway, token=FakeRazorpay.AUTHENTICATING_TOKEN)

    with pytest.raises(GatewayError, match="not known yet"):
        charge(gateway, token=FakeRazorpay.AUTHENTICATING_TOKEN)

    assert posts(razorpay_api, "/v1/payments/create/recurring") == 1


def test_a_key_reused_for_another_amount_is_refused(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    charge(gateway)
    with pytest.raises(GatewayError, match="different amount"):
        charge(gateway, amount=PRICE + 100)
    assert posts(razorpay_api, "/v1/payments/create/recurring") == 1


def test_a_key_too_long_for_a_receipt_is_digested_and_still_found(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    key = "renewal:subscription-000000081:2025-01-07T00:00:00+00:00:attempt-1"
    result = charge(gateway, key=key)

    (order,) = razorpay_api.orders.values()
    assert len(order["receipt"]) <= 40
    assert order["receipt"] == receipt_for(key)
    assert order["notes"] == {"idempotency_key": key}
    assert gateway.find_charge(idempotency_key=key) == result


def test_find_charge_returns_the_earlier_outcome_or_none(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    paid = charge(gateway, key="renewal:sub_81:2025-01-07:1")
    declined = charge(
        gateway, key="renewal:sub_82:2025-01-07:1", token=FakeRazorpay.DECLINING_TOKEN
    )
    posts_before = [r for r in razorpay_api.received if r.method == "POST"]

    assert gateway.find_charge(idempotency_key="renewal:sub_81:2025-01-07:1") == paid
    found = gateway.find_charge(idempotency_key="renewal:sub_82:2025-01-07:1")
    assert found is not None
    assert found.status == ChargeStatus.FAILED
    assert found.failure_code == "insufficient_funds"
    assert found.gateway_payment_id == declined.gateway_payment_id
    assert gateway.find_charge(idempotency_key="renewal:sub_99:2025-01-07:1") is None
    # Looking never creates anything.
    assert [r for r in razorpay_api.received if r.method == "POST"] == posts_before


def test_wrong_credentials_raise_gateway_error_without_the_secret(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway, settings: Any
) -> None:
    settings.RAZORPAY_KEY_SECRET = "a-wrong-secret-value"
    with pytest.raises(GatewayError) as raised:
        charge(gateway)
    assert "a-wrong-secret-value" not in str(raised.value)
    assert not razorpay_api.orders


def test_missing_keys_are_a_configuration_error(gateway: RazorpayGateway, settings: Any) -> None:
    settings.RAZORPAY_KEY_SECRET = ""
    with pytest.raises(ImproperlyConfigured):
        charge(gateway)


# --- refunds -------------------------------------------------------------------------------


def test_a_refund_sends_the_amount_in_paise_once_per_key(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
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
    assert again == refund
    (sent,) = razorpay_api.requests_to("POST", f"/v1/payments/{paid.gateway_payment_id}/refund")
    assert sent.json == {"amount": 19950, "receipt": key, "notes": {"idempotency_key": key}}
    assert razorpay_api.payments[paid.gateway_payment_id]["amount_refunded"] == 19950


def test_a_refund_above_what_was_paid_is_refused(
    razorpay_api: FakeRazorpay, gateway: RazorpayGateway
) -> None:
    paid = charge(gateway)
    with pytest.raises(ValueError, match="greater than amount captured"):
        gateway.refund(
            gateway_payment_id=paid.gateway_payment_id,
            amount_minor=PRICE + 1,
            idempotency_key="refund:too-much",
        )


# --- webhooks ------------------------------------------------------------------------------


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery(body: bytes, *, signature: str | None = None) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "x-razorpay-signature": sign(body) if signature is None else signature,
        "x-razorpay-event-id": "HXbfhN9T5LmSl1",
    }


@pytest.fixture
def webhook_gateway(settings: Any) -> RazorpayGateway:
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    return RazorpayGateway()


@pytest.mark.parametrize(
    ("recorded", "event_type", "object_id", "expected"),
    [
        (
            "webhook_payment_captured",
            "payment.captured",
            "pay_PXb2K1m3TfWZ4s",
            {"status": "captured", "amount_minor": 39900, "idempotency_key": KEY},
        ),
        (
            "webhook_payment_failed",
            "payment.failed",
            "pay_PXb3Vn0aJm5TgH",
            {"status": "failed", "error_reason": "insufficient_funds"},
        ),
        (
            "webhook_subscription_charged",
            "subscription.charged",
            "sub_PXZx1tH5Q2gLmA",
            {"status": "active", "payment_id": "pay_PXb9Tq4kVd1HsY", "amount_minor": 39900},
        ),
        (
            "webhook_subscription_halted",
            "subscription.halted",
            "sub_PXZx1tH5Q2gLmA",
            {"status": "halted", "current_end": 1741323600},
        ),
        (
            "webhook_subscription_cancelled",
            "subscription.cancelled",
            "sub_PXZx1tH5Q2gLmA",
            {"status": "cancelled"},
        ),
        (
            "webhook_refund_processed",
            "refund.processed",
            "pay_PXb2K1m3TfWZ4s",
            {"refund_id": "rfnd_PXc1uB7nLs2VqE", "amount_minor": 19950, "status": "processed"},
        ),
    ],
)
def test_a_correctly_signed_webhook_is_parsed(
    webhook_gateway: RazorpayGateway,
    recorded: str,
    event_type: str,
    object_id: str,
    expected: dict[str, object],
) -> None:
    body = recording_bytes(f"razorpay/{recorded}")

    event = webhook_gateway.verify_webhook(body=body, headers=delivery(body))

    assert event.event_id == "HXbfhN9T5LmSl1"
    assert event.event_type == event_type
    assert event.object_id == object_id
    assert expected.items() <= event.data.items()


@pytest.fixture
def captured_body(settings: Any) -> bytes:
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    return recording_bytes("razorpay/webhook_payment_captured")


def test_a_webhook_body_altered_by_one_byte_is_rejected(
    gateway: RazorpayGateway, captured_body: bytes
) -> None:
    headers = delivery(captured_body)
    altered = captured_body.replace(b'"amount": 39900', b'"amount": 39901', 1)
    assert len(altered) == len(captured_body)
    assert sum(a != b for a, b in zip(altered, captured_body, strict=True)) == 1
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=altered, headers=headers)


def test_a_webhook_signed_with_another_secret_is_rejected(
    gateway: RazorpayGateway, captured_body: bytes
) -> None:
    headers = delivery(captured_body, signature=sign(captured_body, "not-the-webhook-secret"))
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=captured_body, headers=headers)


def test_a_webhook_signed_with_the_key_secret_instead_is_rejected(
    gateway: RazorpayGateway, captured_body: bytes, settings: Any
) -> None:
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    headers = delivery(captured_body, signature=sign(captured_body, KEY_SECRET))
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=captured_body, headers=headers)


@pytest.mark.parametrize("header", ["x-razorpay-signature", "x-razorpay-event-id"])
def test_a_webhook_without_its_headers_is_rejected(
    gateway: RazorpayGateway, captured_body: bytes, header: str
) -> None:
    headers = delivery(captured_body)
    del headers[header]
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=captured_body, headers=headers)


@pytest.mark.parametrize("signature", ["", "00", "é" * 64, "A" * 64])
def test_a_malformed_signature_is_rejected(
    gateway: RazorpayGateway, captured_body: bytes, signature: str
) -> None:
    with pytest.raises(SignatureError):
        gateway.verify_webhook(
            body=captured_body, headers=delivery(captured_body, signature=signature)
        )


def test_header_names_are_matched_case_insensitively(
    gateway: RazorpayGateway, captured_body: bytes
) -> None:
    headers = {
        "X-Razorpay-Signature": sign(captured_body),
        "X-Razorpay-Event-Id": "HXbfhN9T5LmSl1",
    }
    assert gateway.verify_webhook(body=captured_body, headers=headers).event_id == "HXbfhN9T5LmSl1"


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"payload": {}}'])
def test_a_correctly_signed_body_that_is_no_event_is_rejected(
    gateway: RazorpayGateway, settings: Any, body: bytes
) -> None:
    settings.RAZORPAY_WEBHOOK_SECRET = WEBHOOK_SECRET
    with pytest.raises(SignatureError):
        gateway.verify_webhook(body=body, headers=delivery(body))


def test_without_a_webhook_secret_nothing_verifies(gateway: RazorpayGateway, settings: Any) -> None:
    settings.RAZORPAY_WEBHOOK_SECRET = ""
    body = recording_bytes("razorpay/webhook_payment_captured")
    with pytest.raises(ImproperlyConfigured):
        gateway.verify_webhook(body=body, headers=delivery(body, signature=sign(body, "")))


# --- subscription checkout signature -------------------------------------------------------


def checkout_signature(payment_id: str, subscription_id: str, secret: str = KEY_SECRET) -> str:
    message = f"{payment_id}|{subscription_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def test_the_checkout_signature_verifies_against_our_stored_subscription_id(
    settings: Any,
) -> None:
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    stored = "sub_PXZx1tH5Q2gLmA"  # the id our server created and saved
    signature = checkout_signature("pay_PXb2K1m3TfWZ4s", stored)

    verify_checkout_signature(
        razorpay_payment_id="pay_PXb2K1m3TfWZ4s", subscription_id=stored, signature=signature
    )


def test_the_checkout_signature_fails_for_another_subscription(settings: Any) -> None:
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    # Signed for a subscription the reader controls, presented against ours.
    signature = checkout_signature("pay_PXb2K1m3TfWZ4s", "sub_PXZzOtherReader1")
    with pytest.raises(SignatureError):
        verify_checkout_signature(
            razorpay_payment_id="pay_PXb2K1m3TfWZ4s",
            subscription_id="sub_PXZx1tH5Q2gLmA",
            signature=signature,
        )


@pytest.mark.parametrize(
    ("payment_id", "signature"),
    [
        ("pay_PXb2K1m3TfWZ4s", checkout_signature("pay_PXb2K1m3TfWZ4s", "sub_X", "wrong")),
        ("pay_PXbOtherPayment", checkout_signature("pay_PXb2K1m3TfWZ4s", "sub_PXZx1tH5Q2gLmA")),
        ("pay_PXb2K1m3TfWZ4s", ""),
        ("", checkout_signature("", "sub_PXZx1tH5Q2gLmA")),
    ],
)
def test_a_wrong_checkout_signature_fails(settings: Any, payment_id: str, signature: str) -> None:
    settings.RAZORPAY_KEY_SECRET = KEY_SECRET
    with pytest.raises(SignatureError):
        verify_checkout_signature(
            razorpay_payment_id=payment_id,
            subscription_id="sub_PXZx1tH5Q2gLmA",
            signature=signature,
        )


# --- secrets -------------------------------------------------------------------------------


def test_no_secret_reaches_the_logs_or_the_output(
    razorpay_api: FakeRazorpay,
    gateway: RazorpayGateway,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    charge(gateway)
    charge(gateway, key="renewal:sub_82:2025-01-07:1", token=FakeRazorpay.DECLINING_TOKEN)
    razorpay_api.outage = Reply(500, recording("razorpay/error_server"))
    with pytest.raises(GatewayError) as raised:
        charge(gateway, key="renewal:sub_83:2025-01-07:1")
    body = recording_bytes("razorpay/webhook_payment_captured")
    with pytest.raises(SignatureError) as rejected:
        gateway.verify_webhook(body=body, headers=delivery(body, signature=sign(body, "x")))

    output = capsys.readouterr()
    seen = " ".join([caplog.text, output.out, output.err, str(raised.value), str(rejected.value)])
    for secret in (KEY_SECRET, WEBHOOK_SECRET, sign(body)):
        assert secret not in seen

"""Webhook endpoints exist only for the gateways this deployment is configured for; the
sandbox's never in production; and the deploy check warns about a published default secret."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from masthead.billing import checks
from masthead.billing.gateways.sandbox import sign_sandbox_payload
from masthead.billing.models import WebhookEvent
from masthead.core import checks as core_checks

pytestmark = pytest.mark.django_db(transaction=True)

BODY = json.dumps({"id": "evt_1", "type": "payment.captured", "data": {}}).encode()


def deliver(client, gateway: str, **headers: str):
    return client.post(
        reverse("billing:webhook", args=[gateway]), BODY, content_type="application/json", **headers
    )


@pytest.mark.parametrize("gateway", ["razorpay", "stripe"])
def test_a_gateway_without_its_webhook_secret_has_no_endpoint(client, settings, gateway):
    settings.RAZORPAY_WEBHOOK_SECRET = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = deliver(client, gateway)
    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    ("gateway", "setting"),
    [("razorpay", "RAZORPAY_WEBHOOK_SECRET"), ("stripe", "STRIPE_WEBHOOK_SECRET")],
)
def test_a_configured_gateway_takes_deliveries_and_refuses_unsigned_ones(
    client, settings, gateway, setting
):
    setattr(settings, setting, "whsec_configured_here_1234")
    response = deliver(client, gateway)
    assert response.status_code == 400
    assert response.content == b"Signature check failed."


def test_the_sandbox_endpoint_is_refused_in_production_even_correctly_signed(client, settings):
    settings.PRODUCTION = True
    response = deliver(client, "sandbox", HTTP_X_SANDBOX_SIGNATURE=sign_sandbox_payload(BODY))
    assert response.status_code == 404
    assert not WebhookEvent.objects.exists()


def test_the_sandbox_endpoint_takes_signed_deliveries_outside_production(client):
    response = deliver(client, "sandbox", HTTP_X_SANDBOX_SIGNATURE=sign_sandbox_payload(BODY))
    assert response.status_code == 200
    assert WebhookEvent.objects.get().event_id == "evt_1"


def test_an_unknown_gateway_has_no_endpoint(client):
    assert deliver(client, "paypal").status_code == 404


def test_the_deploy_check_refuses_the_default_sandbox_secret_whatever_the_gateway(settings):
    settings.BILLING_GATEWAY = "razorpay"
    settings.RAZORPAY_KEY_ID = "rzp_live_abc"
    settings.RAZORPAY_KEY_SECRET = "secret"
    settings.RAZORPAY_WEBHOOK_SECRET = "whsec"
    settings.NEWSLETTERS_WEBHOOK_SECRET = "another-random-secret"
    settings.SANDBOX_WEBHOOK_SECRET = "sandbox-webhook-secret"  # the default settings.py publishes
    refused = [m for m in core_checks.no_published_defaults() if m.id == "masthead.E102"]
    assert [m.msg.split(" is ")[0] for m in refused] == ["SANDBOX_WEBHOOK_SECRET"]
    assert checks.gateway_configured() == []  # the live gateway itself is set up right
    settings.SANDBOX_WEBHOOK_SECRET = "a-random-secret-of-our-own"
    assert [m.id for m in core_checks.no_published_defaults() if m.id == "masthead.E102"] == []


def test_the_deploy_check_warns_about_test_mode_keys_on_a_live_gateway(settings):
    settings.BILLING_GATEWAY = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_abc"
    settings.STRIPE_WEBHOOK_SECRET = "whsec"
    settings.SANDBOX_WEBHOOK_SECRET = "a-random-secret-of-our-own"
    (warning,) = checks.gateway_configured()
    assert warning.id == "masthead.W004"
    assert "STRIPE_SECRET_KEY is a test-mode key" in warning.msg


def test_the_deploy_check_refuses_e_invoicing_through_the_sandbox_irp(settings):
    settings.BILLING_GATEWAY = "razorpay"
    settings.RAZORPAY_KEY_ID = "rzp_live_abc"
    settings.RAZORPAY_KEY_SECRET = "secret"
    settings.RAZORPAY_WEBHOOK_SECRET = "whsec"
    settings.EINVOICE_ENABLED = True
    settings.EINVOICE_IRP = "sandbox"  # the default: IRNs signed with "sandbox-irp-key"
    (error,) = checks.gateway_configured()
    assert error.id == "masthead.E134"
    assert "IRNs the Invoice Registration Portal never issued" in error.msg
    settings.EINVOICE_IRP = "gsp"
    assert checks.gateway_configured() == []
    settings.EINVOICE_IRP = "sandbox"
    settings.EINVOICE_ENABLED = False  # off, as by default: nothing is registered anywhere
    assert checks.gateway_configured() == []

"""Payment gateways behind one interface. ``get_gateway(name)`` returns the configured one."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from masthead.billing.gateways.base import Gateway

GATEWAYS = {
    "sandbox": "masthead.billing.gateways.sandbox.SandboxGateway",
    "razorpay": "masthead.billing.gateways.razorpay_gateway.RazorpayGateway",
    "stripe": "masthead.billing.gateways.stripe_gateway.StripeGateway",
}


@cache
def get_gateway(name: str | None = None) -> Gateway:
    key = name or settings.BILLING_GATEWAY
    if key not in GATEWAYS:
        raise ValueError(f"Unknown gateway {key!r}; choose one of {', '.join(GATEWAYS)}.")
    gateway: Gateway = import_string(GATEWAYS[key])()
    return gateway

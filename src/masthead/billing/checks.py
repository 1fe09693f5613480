"""Deployment checks for billing (run by `masthead check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

REQUIRED = {
    "razorpay": ("RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET"),
    "stripe": ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"),
}


@register(Tags.security, deploy=True)
def gateway_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if settings.BILLING_GATEWAY == "sandbox":
        problems.append(
            Warning(
                "The sandbox payment gateway is active: anyone can subscribe with a test card.",
                hint="Set MASTHEAD_BILLING_GATEWAY=razorpay or stripe, with its keys.",
                id="masthead.W001",
            )
        )
    for name in REQUIRED.get(settings.BILLING_GATEWAY, ()):
        if not getattr(settings, name):
            problems.append(
                Warning(
                    f"{name} is not set, so the {settings.BILLING_GATEWAY} gateway cannot work.",
                    hint=f"Set the {name} environment variable.",
                    id="masthead.W002",
                )
            )
    # A published webhook secret is an error whichever gateway is active: masthead.core.checks.
    problems.extend(_test_mode_keys())
    return problems


# The gateways' own prefixes for test-mode credentials (Razorpay key ids ``rzp_test_``, Stripe
# secret keys ``sk_test_``): a live site taking test-mode payments collects nothing.
TEST_MODE_PREFIXES = {
    "RAZORPAY_KEY_ID": "rzp_test_",
    "STRIPE_SECRET_KEY": "sk_test_",
}


def _test_mode_keys() -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for name, prefix in TEST_MODE_PREFIXES.items():
        gateway = name.split("_", 1)[0].lower()
        if gateway == settings.BILLING_GATEWAY and str(getattr(settings, name)).startswith(prefix):
            problems.append(
                Warning(
                    f"{name} is a test-mode key: readers' payments would not be collected.",
                    hint=f"Set {name} to the live key from the {gateway.title()} dashboard.",
                    id="masthead.W004",
                )
            )
    return problems

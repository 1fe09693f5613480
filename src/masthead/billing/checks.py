"""Deployment checks for billing (run by `masthead check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

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
    problems.extend(_einvoicing_through_the_sandbox())
    return problems


def _einvoicing_through_the_sandbox() -> list[CheckMessage]:
    """E-invoicing on with the offline sandbox IRP: invoices would print IRNs that no portal
    registered, signed with the key published in settings.py (an Error, like the other
    published defaults in masthead.core.checks)."""
    if not settings.EINVOICE_ENABLED or settings.EINVOICE_IRP == "gsp":
        return []
    return [
        Error(
            "E-invoicing is on through the offline sandbox IRP: invoices would carry IRNs the "
            "Invoice Registration Portal never issued, signed with a key published with "
            "Masthead.",
            hint="Set MASTHEAD_EINVOICE_IRP=gsp with your GSP's URL and credentials, or turn "
            "MASTHEAD_EINVOICE_ENABLED off.",
            id="masthead.E134",
        )
    ]


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


@register()
def tax_documents_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """At start-up: the invoice prefix can make valid numbers and the publisher's GSTIN is
    real (check digit included), or no tax document could be issued correctly."""
    from masthead.billing.gstin import gstin_problem
    from masthead.billing.numbering import prefix_problem

    problems: list[CheckMessage] = []
    prefix = prefix_problem(settings.INVOICE_PREFIX)
    if prefix:
        problems.append(
            Error(prefix, hint="Set MASTHEAD_INVOICE_PREFIX, e.g. ML.", id="masthead.E131")
        )
    gstin = gstin_problem(settings.PUBLISHER_GSTIN, state_code=settings.PUBLISHER_STATE_CODE)
    if gstin:
        problems.append(
            Error(
                f"MASTHEAD_PUBLISHER_GSTIN: {gstin}",
                hint="Set MASTHEAD_PUBLISHER_GSTIN to the registration on your GST certificate.",
                id="masthead.E132",
            )
        )
    if settings.GST_LUT_REFERENCE and not settings.GST_LUT_VALID_UNTIL:
        problems.append(
            Error(
                "An LUT reference is set without the date it is valid until.",
                hint="Set MASTHEAD_GST_LUT_VALID_UNTIL (the end of the financial year, "
                "e.g. 2027-03-31).",
                id="masthead.E133",
            )
        )
    return problems

"""Which gateways' webhook endpoints exist: only those this deployment is configured for.

A gateway without its webhook secret cannot verify a delivery, so its endpoint does not exist
(404) rather than failing on every request. The sandbox's endpoint is a test fixture: it never
exists in production, whatever the configured gateway, because its signature would be checked
against a secret anyone can read in the source (``checks.PUBLISHED_DEFAULT``) unless changed.
"""

from __future__ import annotations

from django.conf import settings

# The setting holding each real gateway's webhook signing secret.
WEBHOOK_SECRETS = {
    "razorpay": "RAZORPAY_WEBHOOK_SECRET",
    "stripe": "STRIPE_WEBHOOK_SECRET",
}


def webhook_gateways() -> frozenset[str]:
    """The gateways whose ``/subscribe/webhooks/<gateway>/`` endpoint answers."""
    names = {name for name, secret in WEBHOOK_SECRETS.items() if getattr(settings, secret, "")}
    if not settings.PRODUCTION:
        names.add("sandbox")
    return frozenset(names)


def accepts_webhooks(gateway: str) -> bool:
    return gateway in webhook_gateways()

"""Deployment checks that refuse the defaults published in this repository (``check --deploy``).

Everything here is an Error: a production site that issues tax invoices in the demo company's
name, accepts webhooks signed with a secret printed in the README, or "sends" its password
reset emails to a console nobody reads is broken, not merely untidy. Settings only; no app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# The demo publisher's seller identity (settings.py defaults; printed on every demo invoice).
DEMO_SELLER = {
    "PUBLISHER_GSTIN": ("MASTHEAD_PUBLISHER_GSTIN", "27AABCM1234F1ZX"),
    "PUBLISHER_LEGAL_NAME": (
        "MASTHEAD_PUBLISHER_LEGAL_NAME",
        "Meridian Ledger Media Private Limited",
    ),
    "PUBLISHER_ADDRESS": (
        "MASTHEAD_PUBLISHER_ADDRESS",
        "4th Floor, Ledger House, Nariman Point, Mumbai 400021",
    ),
}
# Secrets whose development defaults are published in settings.py and the README.
PUBLISHED_SECRETS = {
    "SANDBOX_WEBHOOK_SECRET": ("MASTHEAD_SANDBOX_WEBHOOK_SECRET", "sandbox-webhook-secret"),
    "NEWSLETTERS_WEBHOOK_SECRET": (
        "MASTHEAD_NEWSLETTERS_WEBHOOK_SECRET",
        "newsletters-webhook-secret",
    ),
}
# Backends that deliver nothing: sign-in codes and password resets would never arrive.
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@register(Tags.security, deploy=True)
def no_published_defaults(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    for name, (variable, demo) in DEMO_SELLER.items():
        if getattr(settings, name) == demo:
            problems.append(
                Error(
                    f"{name} is the demo publisher's ({demo!r}): invoices would be issued in "
                    "the demo company's name.",
                    hint=f"Set {variable} to your company's own.",
                    id="masthead.E101",
                )
            )
    for name, (variable, published) in PUBLISHED_SECRETS.items():
        if getattr(settings, name) == published:
            problems.append(
                Error(
                    f"{name} is the default published with Masthead: anyone can sign webhooks.",
                    hint=f"Set {variable} to a long random value (or to the provider's).",
                    id="masthead.E102",
                )
            )
    if settings.EMAIL_BACKEND in UNDELIVERED_EMAIL_BACKENDS:
        problems.append(
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}, which delivers no email: readers "
                "would never receive sign-in codes, password resets or invoices.",
                hint="Set MASTHEAD_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend "
                "and the MASTHEAD_EMAIL_HOST settings.",
                id="masthead.E103",
            )
        )
    if not settings.STAFF_MFA_REQUIRED:
        problems.append(
            Error(
                "MASTHEAD_STAFF_MFA_REQUIRED is false: the back office opens with a password "
                "alone.",
                hint="Remove MASTHEAD_STAFF_MFA_REQUIRED (staff then need a second factor).",
                id="masthead.E104",
            )
        )
    return problems

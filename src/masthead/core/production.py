"""What refuses to run on a production site (MASTHEAD_ENV=production)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


class RefusedInProduction(CommandError):
    """A demo step asked for on a production site. A CommandError, so a command exits cleanly
    with the message and status 1."""


def refuse_in_production(what: str) -> None:
    """Raise unless this is a development or test site.

    The demo creates staff accounts whose passwords are published in the README and a seller
    identity that is not the publisher's; on a production site that is an open door.
    """
    if settings.MASTHEAD_ENV == "production":
        raise RefusedInProduction(
            f"{what} refuses to run when MASTHEAD_ENV=production: the demo's logins have "
            "published passwords. Create staff accounts with `masthead createsuperuser`."
        )

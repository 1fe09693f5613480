"""Changes to readers' and staff members' accounts that are not allauth's own flows."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import transaction


@transaction.atomic
def reset_second_factor(*, email: str) -> int:
    """Remove every second factor (authenticator app, security keys, recovery codes) of the
    account with this address, for a staff member who lost theirs: at their next visit to the
    back office they are sent to set up a new one. Returns how many were removed."""
    address = email.strip()
    user_ids = {
        *get_user_model().objects.filter(email__iexact=address).values_list("pk", flat=True),
        *EmailAddress.objects.filter(email__iexact=address).values_list("user_id", flat=True),
    }
    if not address or not user_ids:
        raise LookupError(f"No account has the email address {address!r}.")
    removed, _ = Authenticator.objects.filter(user_id__in=user_ids).delete()
    return int(removed)

"""Changes to readers' and staff members' accounts that are not allauth's own flows (staff's
second factor, imports from other platforms)."""

from __future__ import annotations

import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
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


@transaction.atomic
def ensure_reader(*, email: str, name: str = "") -> tuple[User, bool]:
    """The account for ``email`` (any case), made if there is none: no password (the reader
    sets one with "forgot password", which also confirms the address). True if made."""
    model = get_user_model()
    address = email.strip()
    found = model.objects.filter(email__iexact=address).order_by("pk").first()
    if found is not None:
        return found, False
    local = address.split("@", 1)[0][:20] or "reader"
    username = f"{local}-{hashlib.sha256(address.lower().encode()).hexdigest()[:8]}"
    first, _, last = name.strip().partition(" ")
    user = model.objects.create_user(
        username=username, email=address, first_name=first[:150], last_name=last[:150]
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=address, primary=True, verified=False)
    return user, True

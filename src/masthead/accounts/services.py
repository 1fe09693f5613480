"""Writing readers' accounts outside allauth's own forms (imports from other platforms)."""

from __future__ import annotations

import hashlib

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction


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

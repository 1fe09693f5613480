"""Demo logins: a reader, a subscriber with every benefit, an editor and an admin. Printed by
`make demo`; never in production."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from masthead.access.models import Benefit, GrantSource
from masthead.access.selectors import active_benefits
from masthead.access.services import grant_benefits
from masthead.core.production import refuse_in_production

DEMO_LOGINS = [
    ("reader@example.com", "read-the-ledger-1997", "reader"),
    ("subscriber@example.com", "subscribe-to-the-ledger-1997", "subscriber"),
    ("editor@example.com", "edit-the-ledger-1997", "editor"),
    ("admin@example.com", "run-the-ledger-1997", "admin"),
]
EDITOR_APPS = ("newsroom", "newsletters")


@transaction.atomic
def editors_group() -> Group:
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))
    return group


@transaction.atomic
def load() -> None:
    # Here as well as in the commands: whatever calls it, published passwords stay off a
    # production site.
    refuse_in_production("Loading the demo logins")
    user_model = get_user_model()
    editors = editors_group()
    for email, password, role in DEMO_LOGINS:
        user, _ = user_model.objects.get_or_create(
            username=email.split("@")[0], defaults={"email": email}
        )
        user.email = email
        user.is_staff = role in {"editor", "admin"}
        user.is_superuser = role == "admin"
        user.set_password(password)
        user.save()
        if role == "editor":
            user.groups.add(editors)
        if role == "subscriber":
            _every_benefit(user)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )


def _every_benefit(user: Any) -> None:
    """The demo subscriber holds every benefit (as the demo plans grant), with no end date.
    Run again, it grants only what is missing."""
    missing = [b for b in Benefit.values if b not in active_benefits(user_id=user.pk)]
    if missing:
        grant_benefits(
            user=user,
            benefits=missing,
            source=GrantSource.COMPLIMENTARY,
            source_reference="demo:subscriber",
            starts_at=timezone.now(),
            ends_at=None,
            note="Demo subscriber: every benefit of the plans",
        )

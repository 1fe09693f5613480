"""Demo logins: a reader, an editor and an admin. Printed by `make demo`; never in production."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

DEMO_LOGINS = [
    ("reader@example.com", "read-the-ledger-1997", "reader"),
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
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )

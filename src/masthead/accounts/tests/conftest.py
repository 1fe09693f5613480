"""The reader the accounts tests log in as. Real allauth views, real cache (Redis if set)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from masthead.accounts.tests.helpers import READER_EMAIL, READER_PASSWORD


@pytest.fixture
def reader(db: Any) -> Any:
    """A reader with a confirmed address and a password."""
    user = get_user_model().objects.create_user(
        username="reader", email=READER_EMAIL, password=READER_PASSWORD
    )
    EmailAddress.objects.create(user=user, email=READER_EMAIL, verified=True, primary=True)
    return user

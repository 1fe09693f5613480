"""Partner tests: a pool, subscribers holding the partner benefit, and codes to upload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masthead.access import services as access
from masthead.access.models import Benefit, GrantSource
from masthead.ops import testing
from masthead.partners import services
from masthead.partners.models import PartnerPool


def codes(count: int, prefix: str = "DR") -> list[str]:
    return [f"{prefix}-CODE-{n:05d}" for n in range(1, count + 1)]


def csv_of(values: list[str], header: bool = True) -> bytes:
    return (("code\n" if header else "") + "\n".join(values) + "\n").encode()


def make_pool(*, count: int = 5, **fields) -> PartnerPool:
    pool = PartnerPool.objects.create(
        name=fields.pop("name", "A year of The Deccan Review"),
        partner_name=fields.pop("partner_name", "The Deccan Review"),
        redeem_url="https://deccanreview.example/redeem",
        **fields,
    )
    if count:
        services.upload_codes(pool=pool, raw=csv_of(codes(count)), uploaded_by=None)
    return pool


def holder(*, source=GrantSource.SUBSCRIPTION, days_ago: float = 1, email=None):
    """A reader holding every benefit (the partner bundle among them) since ``days_ago``."""
    user = testing.reader_account(email)
    now = timezone.now()
    access.grant_benefits(
        user=user,
        benefits=list(Benefit.values),
        source=source,
        source_reference=f"subscription:test-{user.pk}",
        starts_at=now - dt.timedelta(days=days_ago),
        ends_at=now + dt.timedelta(days=90),
    )
    return user


@pytest.fixture
def pool(db):
    return make_pool()

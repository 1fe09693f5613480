"""The demo's partner offer: a year of an invented partner publication, with 40 codes."""

from __future__ import annotations

import hashlib

from django.db import transaction

from masthead.partners import services
from masthead.partners.models import PartnerCode, PartnerPool

DEMO_POOL = "A year of The Deccan Review, digital"
DEMO_CODES = 40


def _demo_code(number: int) -> str:
    digest = hashlib.sha256(f"deccan-review-demo-{number}".encode()).hexdigest().upper()
    return f"DR-{digest[:4]}-{digest[4:8]}"


@transaction.atomic
def load() -> None:
    pool, _ = PartnerPool.objects.update_or_create(
        name=DEMO_POOL,
        defaults={
            "partner_name": "The Deccan Review",
            "instructions": "Enter the code at deccanreview.example/redeem and sign in or "
            "create a Deccan Review account: a year of digital access starts at once.",
            "redeem_url": "https://deccanreview.example/redeem",
            "is_active": True,
            "low_threshold": 10,
            "min_paid_days": 0,
        },
    )
    if not PartnerCode.objects.filter(pool=pool).exists():
        lines = "code\n" + "\n".join(_demo_code(n) for n in range(1, DEMO_CODES + 1))
        services.upload_codes(pool=pool, raw=lines.encode(), uploaded_by=None)

"""The demo's house ads: one on the home page, section pages and story pages."""

from __future__ import annotations

from django.db import transaction

from masthead.ads import services
from masthead.ads.models import AdKind, AdSlot, Placement

HOUSE_ADS = [
    (
        "Home: The Ledger Investor",
        Placement.HOME,
        "The Ledger Investor — market analysis every trading day. Subscribe from ₹300 a month.",
        "/market-analysis/",
    ),
    (
        "Sections: the archives",
        Placement.SECTION,
        "Every story since 1997 — open The Ledger archives with a subscription.",
        "/archive/",
    ),
    (
        "Stories: go ad-free",
        Placement.ARTICLE,
        "Read without ads, on every device. See the plans.",
        "/subscribe/",
    ),
]


@transaction.atomic
def load() -> None:
    for name, placement, text, link in HOUSE_ADS:
        AdSlot.objects.update_or_create(
            name=name,
            defaults={
                "placement": placement,
                "kind": AdKind.HOUSE,
                "text": text,
                "link_url": link,
                "is_active": True,
            },
        )
    services.ads_changed()

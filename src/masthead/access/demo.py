"""The demo paywall: 3 free stories a month anonymously, 5 when registered, the seed's copy."""

from __future__ import annotations

from django.db import transaction

from masthead.access import services
from masthead.access.models import (
    DEFAULT_ARCHIVE_AFTER_DAYS,
    ArchivePolicy,
    Audience,
    Benefit,
    BenefitCopy,
    MeterPeriod,
    MeterRule,
)
from masthead.access.prompt import DEFAULT_COPY

BENEFITS = [
    (
        Benefit.PREMIUM_STORIES,
        "Exclusive premium stories online",
        "Over 30 premium stories daily, handpicked by our editors",
    ),
    (
        Benefit.PARTNER_BUNDLE,
        "Complimentary partner subscription",
        "A year of our partner publication's digital edition — news, puzzles and podcasts",
    ),
    (
        Benefit.EPAPER,
        "The Ledger e-paper",
        "Digital replica of our daily newspaper — with options to read, save, and share",
    ),
    (
        Benefit.NEWSLETTERS,
        "Curated newsletters",
        "Insights on markets, finance, politics, tech, and more delivered to your inbox",
    ),
    (
        Benefit.MARKET_ANALYSIS,
        "Market analysis & investment insights",
        "In-depth market analysis & insights with access to The Ledger Investor",
    ),
    (Benefit.ARCHIVES, "Archives", "Repository of articles and publications dating back to 1997"),
    (Benefit.AD_FREE, "Ad-free reading", "Uninterrupted reading experience with no advertisements"),
    (
        Benefit.DEVICES,
        "Seamless access across all devices",
        "Read on mobile, tablet or PC, on the web or in the app",
    ),
]


@transaction.atomic
def load() -> None:
    MeterRule.objects.update_or_create(
        name="Anonymous readers: 3 a month",
        defaults={
            "position": 10,
            "audience": Audience.ANONYMOUS,
            "free_limit": 3,
            "period": MeterPeriod.CALENDAR_MONTH,
            "is_active": True,
        },
    )
    MeterRule.objects.update_or_create(
        name="Registered readers: 5 a month",
        defaults={
            "position": 20,
            "audience": Audience.REGISTERED,
            "free_limit": 5,
            "period": MeterPeriod.CALENDAR_MONTH,
            "is_active": True,
        },
    )
    # Stories older than a year need the archives (the demo's archive goes back to 1997).
    if not ArchivePolicy.objects.exists():
        ArchivePolicy.objects.create(archive_after_days=DEFAULT_ARCHIVE_AFTER_DAYS)
    services.rules_changed()
    for kind, copy in DEFAULT_COPY.items():
        services.save_prompt_copy(kind=kind, **copy)
    for position, (benefit, title, description) in enumerate(BENEFITS, start=1):
        BenefitCopy.objects.update_or_create(
            benefit=benefit,
            defaults={"title": title, "description": description, "position": position * 10},
        )

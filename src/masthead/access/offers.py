"""What the prompt shows of the plans. Billing owns plans and provides these; access shows them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True, slots=True)
class PlanOffer:
    slug: str
    name: str
    price: str  # "₹2,700"
    period: str  # "1 Year"
    per_month: str  # "₹225/Month"
    per_month_minor: int
    currency: str
    subscribe_url: str


def current_offers() -> Sequence[PlanOffer]:
    provider: Callable[[], Sequence[PlanOffer]] = import_string(settings.ACCESS_OFFERS_PROVIDER)
    return provider()


def with_next(offer: PlanOffer, *, next_url: str, currency: str = "") -> PlanOffer:
    """The offer's link, carrying where the reader should land after paying."""
    query = {k: v for k, v in (("next", next_url), ("currency", currency)) if v}
    if not query:
        return offer
    return replace(offer, subscribe_url=f"{offer.subscribe_url}?{urlencode(query)}")

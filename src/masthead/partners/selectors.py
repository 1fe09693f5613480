"""Reading partner pools and codes: a reader's code, and how full each pool is."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from masthead.partners.models import PartnerCode, PartnerPool


def code_of(*, user_id: int, pool: PartnerPool) -> PartnerCode | None:
    return (
        PartnerCode.objects.select_related("pool").filter(pool=pool, claimed_by_id=user_id).first()
    )


def pools_for_reader(*, user_id: int) -> QuerySet[PartnerPool]:
    """Active pools, and any pool the reader already has a code from."""
    return PartnerPool.objects.filter(
        Q(is_active=True) | Q(codes__claimed_by_id=user_id)
    ).distinct()


def with_counts(pools: QuerySet[PartnerPool]) -> QuerySet[PartnerPool]:
    """Annotate ``total`` and ``available`` (unclaimed) codes."""
    return pools.annotate(
        total=Count("codes"), available=Count("codes", filter=Q(codes__claimed_at__isnull=True))
    )


@dataclass(frozen=True, slots=True)
class LowPool:
    pool_id: int
    name: str
    available: int
    threshold: int


def low_pools() -> list[LowPool]:
    """Active pools at or under their warning threshold, emptiest first."""
    pools = with_counts(PartnerPool.objects.filter(is_active=True))
    low = []
    for pool in pools:
        available = int(getattr(pool, "available", 0))
        if available <= pool.low_threshold:
            low.append(
                LowPool(
                    pool_id=pool.pk,
                    name=pool.name,
                    available=available,
                    threshold=pool.low_threshold,
                )
            )
    return sorted(low, key=lambda p: p.available)


def codes_of(*, user_id: int) -> list[PartnerCode]:
    """Every partner code the reader has been given, newest pool first."""
    return list(
        PartnerCode.objects.select_related("pool")
        .filter(claimed_by_id=user_id)
        .order_by("-claimed_at")
    )

"""Reading partner pools and codes: a reader's code, and how full each pool is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from masthead.access.models import Benefit, GrantSource
from masthead.access.selectors import holders_of
from masthead.partners.models import PartnerCode, PartnerPool


def code_of(*, user_id: int, pool: PartnerPool) -> PartnerCode | None:
    return (
        PartnerCode.objects.select_related("pool").filter(pool=pool, claimed_by_id=user_id).first()
    )


def sweep_candidates(
    *, pool: PartnerPool, after_user_id: int, limit: int, now: dt.datetime
) -> list[User]:
    """The next ``limit`` readers, by id after ``after_user_id``, who may be due a code from
    ``pool`` now: active accounts holding the partner benefit, without a code from this pool,
    and — if the pool asks for paid days — paid long enough. A narrowing only: the gate still
    decides for each (``services.eligibility``).

    Readers still inside the pool's wait are left out, so they never fill a batch, and the id
    order lets the sweep page through everyone (keyset pagination) in one run.
    """
    holders = holders_of(benefit=Benefit.PARTNER_BUNDLE, now=now)
    if pool.min_paid_days:
        # ``benefit_held_since(source=subscription)`` is the earliest start among the reader's
        # active paid grants, so "held for N days" is "some active paid grant started by the
        # cutoff". A grant starting after real time exists only on a sandbox test clock ahead
        # of it (or a plan starting later): those few stay candidates for the gate, which reads
        # them on the reader's own clock.
        cutoff = now - dt.timedelta(days=pool.min_paid_days)
        holders = holders.filter(
            Q(source=GrantSource.SUBSCRIPTION, starts_at__lte=cutoff) | Q(starts_at__gt=now)
        )
    given = PartnerCode.objects.filter(pool=pool, claimed_by__isnull=False).values("claimed_by")
    return list(
        get_user_model()
        .objects.filter(is_active=True, pk__gt=after_user_id, pk__in=holders)
        .exclude(pk__in=given)
        .order_by("pk")[:limit]
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

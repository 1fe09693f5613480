"""Parallel claims on PostgreSQL: each code to one reader, one code to each reader."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from masthead.partners import services
from masthead.partners.models import PartnerCode

from .conftest import holder, make_pool

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def in_parallel(work, items):
    items = list(items)
    barrier = threading.Barrier(len(items))

    def run(item):
        try:
            barrier.wait(timeout=30)
            return work(item)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        return list(pool.map(run, items))


def test_more_readers_than_codes_claiming_at_once_each_code_goes_to_one_reader():
    pool = make_pool(count=8)
    readers = [holder() for _ in range(12)]

    def claim(reader):
        try:
            return services.claim_code(user=reader, pool=pool).pk
        except services.PoolEmpty:
            return None

    results = in_parallel(claim, readers)
    given = [r for r in results if r is not None]
    assert len(given) == 8
    assert len(set(given)) == 8
    claimed = PartnerCode.objects.filter(claimed_at__isnull=False)
    assert claimed.count() == 8
    assert len(set(claimed.values_list("claimed_by", flat=True))) == 8


def test_one_reader_claiming_from_many_tabs_at_once_gets_one_code():
    pool = make_pool(count=8)
    reader = holder()
    results = in_parallel(lambda _n: services.claim_code(user=reader, pool=pool).pk, range(8))
    assert len(set(results)) == 1
    assert PartnerCode.objects.filter(claimed_at__isnull=False).count() == 1


def test_sweeps_on_several_workers_at_once_give_each_reader_exactly_one_code():
    pool = make_pool(count=30)
    readers = [holder() for _ in range(20)]
    in_parallel(lambda _n: services.assign_codes(), range(4))
    claimed = list(
        PartnerCode.objects.filter(pool=pool, claimed_at__isnull=False).values_list(
            "claimed_by", flat=True
        )
    )
    assert sorted(claimed) == sorted(r.pk for r in readers)

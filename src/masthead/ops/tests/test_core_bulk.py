"""core.bulk: the batch writes renewals use, on both databases (COPY on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from masthead.access.models import Grant, GrantSource
from masthead.core.bulk import insert_rows, update_rows
from masthead.ops import testing

pytestmark = pytest.mark.django_db


def test_inserted_rows_get_their_ids_and_read_back_as_written():
    reader = testing.reader_account("bulk@example.com")
    start = dt.datetime(2026, 4, 30, 18, 30, tzinfo=dt.UTC)
    grants = insert_rows(
        [
            Grant(
                user=reader,
                benefit=benefit,
                source=GrantSource.SUBSCRIPTION,
                source_reference="subscription:7",
                starts_at=start,
                ends_at=start + dt.timedelta(days=90),
                note='it\'s "quoted", tab\there, back\\slash',
            )
            for benefit in ("archives", "epaper")
        ]
    )
    assert all(grant.pk is not None for grant in grants)
    stored = {g.pk: g for g in Grant.objects.filter(user=reader)}
    assert sorted(stored) == sorted(g.pk for g in grants)
    archives = stored[grants[0].pk]
    assert archives.benefit == "archives"
    assert archives.starts_at == start
    assert archives.ends_at == dt.datetime(2026, 7, 29, 18, 30, tzinfo=dt.UTC)
    assert archives.note == 'it\'s "quoted", tab\there, back\\slash'
    assert archives.created_at is not None  # auto_now_add, as bulk_create sets it

    # Written again through update_rows: the ids are the rows'.
    grants[1].ends_at = start + dt.timedelta(days=1)
    assert update_rows(grants[1:], ["ends_at"]) == 1
    assert Grant.objects.get(pk=grants[1].pk).ends_at == dt.datetime(
        2026, 5, 1, 18, 30, tzinfo=dt.UTC
    )


def test_a_row_breaking_a_unique_constraint_raises_and_inserts_none_of_the_batch():
    insert_rows([Group(name="editors")])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows([Group(name="readers"), Group(name="editors")])
    assert sorted(Group.objects.values_list("name", flat=True)) == ["editors"]


def test_rows_whose_ids_are_not_wanted_are_inserted_all_the_same():
    insert_rows([Group(name=f"desk {n}") for n in range(3)], set_ids=False)
    assert Group.objects.filter(name__startswith="desk ").count() == 3

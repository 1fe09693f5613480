"""A batch of renewals syncs its readers' grants at once (``access.services.sync_grants_many``):
the same outcome ``sync_grants`` gives one subscription at a time, worked out by hand here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from masthead.access.models import Grant, GrantSource
from masthead.access.services import GrantSync, sync_grants_many
from masthead.ops import testing

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 1, 31, 10, 0, tzinfo=dt.UTC)  # paid at checkout
RENEWED = dt.datetime(2026, 4, 29, 10, 0, tzinfo=dt.UTC)  # the renewal is paid
OLD_END = dt.datetime(2026, 4, 30, 10, 0, tzinfo=dt.UTC)
NEW_END = dt.datetime(2026, 7, 30, 10, 0, tzinfo=dt.UTC)


def grant(user, benefit, reference, *, ends_at=OLD_END, revoked=False):
    return Grant.objects.create(
        user=user,
        benefit=benefit,
        source=GrantSource.SUBSCRIPTION,
        source_reference=reference,
        starts_at=T0,
        ends_at=ends_at,
        revoked_at=timezone.now() if revoked else None,
    )


def ends(user, benefit):
    return sorted(
        (g.starts_at, g.ends_at)
        for g in Grant.objects.filter(user=user, benefit=benefit, revoked_at__isnull=True)
    )


def test_renewed_grants_run_to_the_new_end_dropped_benefits_stop_and_new_ones_start():
    ana, ben = testing.reader_account("ana@example.com"), testing.reader_account("ben@example.com")
    grant(ana, "archives", "subscription:1")
    grant(ana, "epaper", "subscription:1")  # her renewed plan no longer includes the e-paper
    grant(ana, "newsletters", "subscription:1", revoked=True)  # revoked by staff: stays so
    grant(ben, "archives", "subscription:2")
    grant(ben, "archives", "subscription:1")  # another reader under her reference: not hers
    sync_grants_many(
        source=GrantSource.SUBSCRIPTION,
        syncs=[
            GrantSync(
                user_id=ana.pk,
                source_reference="subscription:1",
                benefits=["archives", "ad_free"],
                starts_at=RENEWED,
                ends_at=NEW_END,
            ),
            GrantSync(
                user_id=ben.pk,
                source_reference="subscription:2",
                benefits=["archives"],
                starts_at=RENEWED,
                ends_at=NEW_END,
            ),
        ],
    )
    assert ends(ana, "archives") == [(T0, NEW_END)]
    assert ends(ana, "epaper") == [(T0, RENEWED)]
    assert ends(ana, "ad_free") == [(RENEWED, NEW_END)]
    revoked = Grant.objects.get(user=ana, benefit="newsletters")
    assert revoked.ends_at == OLD_END and revoked.revoked_at is not None
    assert sorted((g.source_reference, g.ends_at) for g in Grant.objects.filter(user=ben)) == [
        ("subscription:1", OLD_END),
        ("subscription:2", NEW_END),
    ]


def test_syncing_twice_changes_nothing_more():
    ana = testing.reader_account("ana@example.com")
    grant(ana, "archives", "subscription:1")
    sync = GrantSync(
        user_id=ana.pk,
        source_reference="subscription:1",
        benefits=["archives", "epaper"],
        starts_at=RENEWED,
        ends_at=NEW_END,
    )
    sync_grants_many(source=GrantSource.SUBSCRIPTION, syncs=[sync])
    sync_grants_many(source=GrantSource.SUBSCRIPTION, syncs=[sync])
    assert ends(ana, "archives") == [(T0, NEW_END)]
    assert ends(ana, "epaper") == [(RENEWED, NEW_END)]

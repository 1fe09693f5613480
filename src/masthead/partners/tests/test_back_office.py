"""The back office warns when a pool runs low, and shows codes masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.ops import testing
from masthead.partners import services

from .conftest import holder, make_pool

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = testing.reader_account("office@example.com")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    return client


def test_a_pool_at_its_threshold_is_flagged_in_the_list_and_announced(staff_client):
    low = make_pool(count=4, low_threshold=3, name="Running low")
    healthy = make_pool(count=6, low_threshold=3, name="Plenty left")
    services.claim_code(user=holder(), pool=low)  # 3 left: at the threshold
    page = staff_client.get(reverse("admin:partners_partnerpool_changelist")).content.decode()
    assert "Running low: only 3 unclaimed code(s) left (warning at 3)" in page
    assert "Plenty left: only" not in page
    assert page.count("partner-pool-low") == 1
    assert "⚠ 3 — low" in page
    # The pool's own page carries the warning too, and its upload button.
    page = staff_client.get(reverse("admin:partners_partnerpool_change", args=[healthy.pk]))
    assert "Running low: only 3 unclaimed" in page.content.decode()
    assert reverse("admin:partners_partnerpool_upload", args=[healthy.pk]) in page.content.decode()


def test_an_inactive_pool_does_not_warn(staff_client):
    make_pool(count=1, low_threshold=5, is_active=False, name="Old offer")
    page = staff_client.get(reverse("admin:partners_partnerpool_changelist")).content.decode()
    assert "Old offer: only" not in page


def test_codes_cannot_be_added_edited_or_deleted_by_hand(staff_client):
    pool = make_pool(count=1)
    code = pool.codes.get()
    assert staff_client.get(reverse("admin:partners_partnercode_add")).status_code == 403
    page = staff_client.get(reverse("admin:partners_partnercode_change", args=[code.pk]))
    assert page.status_code == 200
    assert code.code not in page.content.decode()
    assert (
        staff_client.post(
            reverse("admin:partners_partnercode_delete", args=[code.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        staff_client.post(
            reverse("admin:partners_partnerpool_delete", args=[pool.pk]), {"post": "yes"}
        ).status_code
        == 403
    )

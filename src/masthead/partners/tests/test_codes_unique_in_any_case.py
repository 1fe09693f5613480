"""The database, not only the upload, holds a pool's code once in any letter case."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.partners import services
from masthead.partners.codefile import CodeFileError
from masthead.partners.models import PartnerCode

from .conftest import make_pool

pytestmark = pytest.mark.django_db

migration = importlib.import_module("masthead.partners.migrations.0002_codes_unique_in_any_case")


def stored(pool, code: str, *, case_sensitive: bool = False) -> PartnerCode:
    return PartnerCode.objects.create(
        pool=pool, code=code, case_sensitive=case_sensitive, uploaded_at=timezone.now()
    )


def test_two_codes_differing_only_in_case_cannot_both_be_stored_even_by_the_orm():
    pool = make_pool(count=0)
    stored(pool, "DR-AAAA-0001")

    with pytest.raises(IntegrityError), transaction.atomic():
        stored(pool, "dr-aaaa-0001")

    # Another pool may hold the same code, and the first copy is still there.
    stored(make_pool(count=0, name="Another offer"), "dr-aaaa-0001")
    assert list(pool.codes.values_list("code", flat=True)) == ["DR-AAAA-0001"]


def test_the_upload_still_names_every_refused_line_before_the_database_would():
    pool = make_pool(count=0)
    services.upload_codes(pool=pool, raw=b"DR-AAAA-0001\nDR-AAAA-0002\n", uploaded_by=None)

    with pytest.raises(CodeFileError) as caught:
        services.upload_codes(
            pool=pool, raw=b"dr-aaaa-0001\nDR-AAAA-0003\ndr-aaaa-0002\nDr-Aaaa-0003\n",
            uploaded_by=None,
        )  # fmt: skip

    assert caught.value.problems == [
        "Line 1: this code is already in the pool.",
        "Line 3: this code is already in the pool.",
        "Line 4: repeats the code on line 2.",
    ]
    assert sorted(pool.codes.values_list("code", flat=True)) == ["DR-AAAA-0001", "DR-AAAA-0002"]


def test_a_partner_with_case_sensitive_codes_may_store_both(settings):
    settings.PARTNER_CODES_CASE_SENSITIVE = True
    pool = make_pool(count=0)

    assert services.upload_codes(pool=pool, raw=b"DR-aaaa-0001\nDR-AAAA-0001\n", uploaded_by=None)

    assert sorted(pool.codes.values_list("code", "case_sensitive")) == [
        ("DR-AAAA-0001", True),
        ("DR-aaaa-0001", True),
    ]


# The migration's step runs on the rows as they are when the column is added (every row says
# False then). Here the rows that clash are stored as case-sensitive, the only way the new
# constraint lets them in; the step looks at the codes alone, not at that column.


def test_the_migration_refuses_codes_already_stored_twice_in_other_letters_naming_them():
    pool = make_pool(count=0)
    first = stored(pool, "DR-AAAA-0001", case_sensitive=True)
    second = stored(pool, "dr-aaaa-0001", case_sensitive=True)
    stored(pool, "DR-AAAA-0002")

    with pytest.raises(RuntimeError) as caught:
        migration.mark_or_refuse_codes_alike_in_case(apps, None)

    message = str(caught.value)
    assert message.startswith("1 partner code(s) are stored more than once in the same pool")
    assert f"pool #{pool.pk}: codes #{first.pk}, #{second.pk})" in message
    assert "MASTHEAD_PARTNER_CODES_CASE_SENSITIVE=true" in message
    assert "aaaa" not in message.lower()  # never the code itself: it is a secret


def test_the_migration_keeps_old_codes_apart_where_codes_are_case_sensitive(settings):
    settings.PARTNER_CODES_CASE_SENSITIVE = True
    pool = make_pool(count=0)
    stored(pool, "DR-AAAA-0001", case_sensitive=True)
    stored(pool, "dr-aaaa-0001", case_sensitive=True)
    stored(pool, "DR-AAAA-0002")

    migration.mark_or_refuse_codes_alike_in_case(apps, None)

    assert list(pool.codes.order_by("pk").values_list("code", "case_sensitive")) == [
        ("DR-AAAA-0001", True),
        ("dr-aaaa-0001", True),
        ("DR-AAAA-0002", True),
    ]

"""Builders for the search tests. The same tests run on SQLite (FTS5) and on PostgreSQL
(tsvector): the suite's two passes (``make test``) are the two engines."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from masthead.access import services as access
from masthead.access.demo import load as load_demo_paywall
from masthead.access.models import GrantSource
from masthead.devices.tests.conftest import reader
from masthead.epaper.models import Edition, EditionPage, EditionStatus
from masthead.ops import testing

__all__ = ["reader"]  # the API tests' signed-up reader, as a fixture here too

IST = ZoneInfo("Asia/Kolkata")

# A story whose only gated paragraphs carry a phrase no other text has.
GATED_PHRASE = "Osa air defence battery"
KARABAKH_BODY = [
    "Azerbaijan said on Tuesday its forces had moved along the line of contact in Karabakh.",
    "Officials in Baku said the operation would continue until its aims were met.",
    f"Drone footage released by the ministry showed a strike on an {GATED_PHRASE} near the "
    "town, the ministry said.",
    "Analysts said the systems were decades old and had been left exposed in open ground.",
]


def at(year: int, month: int = 6, day: int = 15) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=IST)


@pytest.fixture
def paywall(db: Any) -> None:
    load_demo_paywall()


def sign_in(client: Client, *benefits: str) -> Any:
    user = testing.reader_account()
    if benefits:
        access.grant_benefits(
            user=user,
            benefits=list(benefits),
            source=GrantSource.SUBSCRIPTION,
            starts_at=timezone.now() - dt.timedelta(days=1),
            ends_at=None,
        )
    client.force_login(user)
    return user


def story(**fields: Any) -> Any:
    body = fields.pop("body", None)
    if isinstance(body, str):
        body = [body]
    return testing.article(body=body, **fields)


def edition_page(*, text: str, date: dt.date, number: int = 1, name: str = "Mumbai") -> Any:
    edition = Edition.objects.create(
        date=date,
        name=name,
        slug=name.lower(),
        status=EditionStatus.READY,
        folder=f"test/{date}/{name}/{number}",
        page_count=number,
    )
    return EditionPage.objects.create(
        edition=edition, number=number, width_pt=600, height_pt=800, text=text
    )


def search(client: Client, **params: Any) -> Any:
    return client.get("/search/", params)


def search_json(client: Client, **params: Any) -> Any:
    return client.get("/search/", {**params, "format": "json"})


def full_text_indexes() -> list[tuple[str, str]]:
    """PostgreSQL's GIN indexes on the entries, by name, with their definitions."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_entry' "
            "AND indexdef LIKE '%% USING gin %%' ORDER BY indexname"
        )
        return [(str(name), str(definition)) for name, definition in cursor.fetchall()]

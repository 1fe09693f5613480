"""The demo e-paper: real editions laid out from the demo newsroom's stories."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from masthead.epaper import demo, services
from masthead.epaper.models import Edition, EditionStatus
from masthead.newsroom import demo as newsroom_demo
from masthead.newsroom.models import Article

pytestmark = pytest.mark.django_db


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_demo_lays_out_real_editions_led_by_demo_stories_under_the_nameplate() -> None:
    newsroom_demo.load()
    headlines = list(Article.objects.published().values_list("headline", flat=True))

    made = demo.load(days=1, editions=("Mumbai", "Delhi"), pages=2)

    assert made == 2
    published = list(Edition.objects.filter(status=EditionStatus.READY).order_by("name"))
    assert [(e.name, e.page_count) for e in published] == [("Delhi", 2), ("Mumbai", 2)]
    for edition in published:
        with services.storage().open(services.source_path(edition), "rb") as source:
            pdf = PdfReader(io.BytesIO(source.read()))
        assert len(pdf.pages) == 2
        front = words(pdf.pages[0].extract_text())
        assert settings.PUBLISHER_NAME in front
        assert f"{edition.name.upper()} EDITION" in front
        assert any(words(h) in front for h in headlines), "no demo headline on page 1"
        # What readers search is what they see: the rendered page kept the same words.
        assert settings.PUBLISHER_NAME in words(edition.pages.get(number=1).text)
    assert demo.load(days=1, editions=("Mumbai", "Delhi"), pages=2) == 0  # kept, not redone

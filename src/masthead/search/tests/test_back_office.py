"""The back office's story list searches with the archive's engine (and still finds drafts by
their headline)."""

from __future__ import annotations

import pytest

from masthead.search.tests.conftest import story

pytestmark = pytest.mark.django_db


def test_the_story_list_finds_stories_by_words_in_their_body_and_drafts_by_headline(
    admin_client, paywall
):
    story(
        headline="Steel output climbs",
        body="Furnaces in Odisha ran at capacity through the quarter.",
        access_level="free",
    )
    story(headline="Steel imports fall", body="Customs data.", access_level="free")
    story(headline="Draft furnace piece", body="Not yet.", access_level="free", publish=False)

    by_body = admin_client.get("/admin/newsroom/article/", {"q": "furnace"}).content.decode()
    by_headline = admin_client.get("/admin/newsroom/article/", {"q": "imports"}).content.decode()

    # "furnace" finds "Furnaces" in a published body (stemmed) and the draft by its headline.
    assert "Steel output climbs" in by_body
    assert "Draft furnace piece" in by_body
    assert "Steel imports fall" not in by_body
    assert "Steel imports fall" in by_headline
    assert "Steel output climbs" not in by_headline

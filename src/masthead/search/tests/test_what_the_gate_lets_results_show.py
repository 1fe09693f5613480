"""A gated story is found by its full text, but a reader who may not read it gets a snippet
only from its headline, standfirst and lead: no byte of the gated paragraphs reaches the results
page, its JSON form or the API. Runs on both engines."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from masthead.access.models import Benefit
from masthead.api.tests.test_api import bearer, token_for
from masthead.search.tests.conftest import (
    GATED_PHRASE,
    KARABAKH_BODY,
    at,
    edition_page,
    search,
    search_json,
    sign_in,
    story,
)

pytestmark = pytest.mark.django_db

GATED_WORDS = ("Drone footage", "strike on an", "Analysts said", "left exposed")


def karabakh(access_level: str = "premium", **fields):
    return story(
        headline="Azerbaijan presses on in Karabakh",
        access_level=access_level,
        wire=None,
        body=KARABAKH_BODY,
        **fields,
    )


def assert_no_gated_text(text: str) -> None:
    for gated in (GATED_PHRASE, *GATED_WORDS, "battery", "Osa"):
        assert gated not in text, f"{gated!r} leaked"


@pytest.mark.parametrize("access_level", ["premium", "metered"])
def test_a_phrase_only_in_gated_paragraphs_finds_the_story_but_shows_none_of_them(
    client, paywall, access_level
):
    karabakh(access_level)

    page = search(client, q=f'"{GATED_PHRASE}"')
    as_json = search_json(client, q=f'"{GATED_PHRASE}"')

    assert page.status_code == 200
    html = page.content.decode()
    # What IS shown: the story, its lead, and why the snippet does not show the match.
    assert "Azerbaijan presses on in Karabakh" in html
    assert "Officials in Baku said the operation would continue" in html
    assert "Matches in the full story." in html
    # The query box repeats the reader's own words; the results must not.
    results_html = html.split('class="listing search-list"', 1)[1]
    assert_no_gated_text(results_html)
    data = as_json.json()
    assert data["total"] == 1
    (result,) = data["results"]
    assert result["full"] is False
    assert result["matches_in_full_story"] is True
    assert "Officials in Baku" in result["snippet"]
    body = json.dumps(data["results"])
    assert_no_gated_text(body)


def test_the_api_finds_the_gated_story_and_shows_only_the_lead(client, paywall, reader):
    karabakh("premium")
    token = token_for(client, reader)

    response = client.get("/api/v1/search", {"q": "Osa air defence"}, **bearer(token))

    assert response.status_code == 200
    data = response.json()
    (result,) = data["results"]
    assert result["headline"] == "Azerbaijan presses on in Karabakh"
    assert result["reason"] == "premium"
    assert result["matches_in_full_story"] is True
    assert "Azerbaijan said on Tuesday" in result["snippet"]
    assert_no_gated_text(json.dumps(data["results"]))


def test_the_api_needs_a_token_like_the_stories(client, paywall):
    karabakh("premium")

    response = client.get("/api/v1/search", {"q": "Karabakh"})

    assert response.status_code == 401
    assert GATED_PHRASE not in response.content.decode()


def test_a_reader_with_the_benefit_sees_the_matching_passage_highlighted(client, paywall):
    karabakh("premium")
    sign_in(client, Benefit.PREMIUM_STORIES)

    html = search(client, q="Osa air defence").content.decode()
    data = search_json(client, q="Osa air defence").json()

    assert "<mark>Osa air defence</mark>" in html
    assert "Matches in the full story." not in html
    (result,) = data["results"]
    assert result["full"] is True
    assert GATED_PHRASE in result["snippet"]


def test_archive_age_stories_are_full_with_archive_access_and_carry_the_prompt_otherwise(
    client, paywall
):
    karabakh("metered", published_at=at(2003))

    anonymous = search_json(client, q="Osa air defence").json()["results"][0]
    html = search(client, q="Osa air defence").content.decode()
    sign_in(client, Benefit.ARCHIVES)
    archived = search_json(client, q="Osa air defence").json()["results"][0]

    assert anonymous["reason"] == "archived"
    assert anonymous["full"] is False
    assert "From the archive" in anonymous["label"]
    assert "From the archive: read it in full with archive access." in html
    assert_no_gated_text(json.dumps(anonymous))
    assert archived["full"] is True
    assert archived["label"] is None
    assert GATED_PHRASE in archived["snippet"]


def test_epaper_pages_are_searched_only_for_readers_with_the_epaper(client, paywall):
    edition_page(
        text="Printed only: the Sensex closed at a record on foreign buying.",
        date=dt.date(2026, 3, 2),
        number=4,
    )

    anonymous = search_json(client, q="Sensex record")
    as_page = search(client, q="Sensex record").content.decode()
    sign_in(client, Benefit.EPAPER)
    with_epaper = search_json(client, q="Sensex record").json()

    assert anonymous.json()["total"] == 0
    assert anonymous.json()["epaper_included"] is False
    assert "foreign buying" not in json.dumps(anonymous.json())
    assert "E-paper pages are searched for readers with the e-paper." in as_page
    assert with_epaper["total"] == 1
    (page,) = with_epaper["results"]
    assert page["kind"] == "epaper_page"
    assert page["headline"] == "Mumbai edition, page 4"
    assert page["url"].endswith("/epaper/2026-03-02/mumbai/4/")
    assert "foreign buying" in page["snippet"]


def test_asking_for_epaper_pages_without_the_benefit_finds_nothing_not_every_story(
    client: Client, paywall
):
    story(headline="Sensex record on foreign buying", access_level="free")
    edition_page(text="Sensex record in print", date=dt.date(2026, 3, 2))

    data = search_json(client, q="Sensex", type="epaper").json()

    assert data["total"] == 0
    assert data["results"] == []

"""Readers find stories by words, phrases, exclusions and alternatives, narrowed by filters and
sorted; the index follows every publish, edit and unpublish at once. Runs on both engines."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from masthead.newsroom.models import Article, ArticleStatus
from masthead.ops import testing
from masthead.search import engines, services
from masthead.search.models import Entry
from masthead.search.tests.conftest import at, full_text_indexes, search, search_json, story

pytestmark = pytest.mark.django_db


def headlines(client, **params) -> list[str]:
    response = search_json(client, **params)
    assert response.status_code == 200, response.content
    return [r["headline"] for r in response.json()["results"]]


@pytest.fixture
def desk(paywall):
    """Four free stories on overlapping subjects."""
    economy = testing.section("economy")
    markets = testing.section("markets")
    afp = testing.agency()
    return {
        "repo": story(
            headline="RBI holds the repo rate at 6.5%",
            body="The Reserve Bank of India kept its policy rate unchanged on Friday.",
            access_level="free",
            in_section=economy,
            published_at=at(2024),
        ),
        "reverse": story(
            headline="Banks park cash at the reverse repo window",
            body="Liquidity in the banking system rose as lenders parked surplus funds.",
            access_level="free",
            in_section=economy,
            published_at=at(2008),
        ),
        "crypto": story(
            headline="RBI warns on crypto assets",
            body="The central bank said crypto assets threaten financial stability.",
            access_level="free",
            in_section=markets,
            published_at=at(2021),
        ),
        "wire": story(
            headline="Oil rises on supply worries",
            body="Brent crude rose as the central bank of Azerbaijan spoke of output.",
            access_level="free",
            in_section=markets,
            wire=afp,
            published_at=at(2025),
        ),
    }


def test_plain_words_must_all_match_with_stemming_and_without_accents(client, desk):
    assert headlines(client, q="lenders parking") == ["Banks park cash at the reverse repo window"]
    assert headlines(client, q="Résérve Bank") == ["RBI holds the repo rate at 6.5%"]


@pytest.fixture(params=["by every range of time", "by ranges, then the rest at once", "by date"])
def phrase_plan(request, monkeypatch):
    """On PostgreSQL a phrase is found by ranges of time through its word pairs -- every range,
    or, once the candidates met say the rest of the archive holds few, the rest at once
    (engines.PHRASE_ONE_PASS_CANDIDATES) -- or, when the planner expects its pairs in a large
    share of stories, by walking the stories by date (engines.PHRASE_WALK_SHARE). A test's
    small archive would always take the walk: each phrase test runs all three ways, and each
    must find the same stories in the same order."""
    by_ranges = request.param != "by date"
    monkeypatch.setattr(engines, "PHRASE_WALK_SHARE", 2.0 if by_ranges else 0.0)
    if request.param == "by every range of time":
        monkeypatch.setattr(engines, "PHRASE_ONE_PASS_CANDIDATES", -1)
    ranges_searched = []
    find_phrases = engines.PostgresEngine._find_phrases
    run = engines._run
    plan = SimpleNamespace(name=request.param, range_searches=[])

    def spy(self, **kwargs):
        ranges_searched.append(kwargs["offset"])
        return find_phrases(self, **kwargs)

    def count_ranges(sql, params):
        if "cardinality(c.ids)" in sql:  # one range of publication time searched
            plan.range_searches.append(sql)
        return run(sql, params)

    monkeypatch.setattr(engines.PostgresEngine, "_find_phrases", spy)
    monkeypatch.setattr(engines, "_run", count_ranges)
    yield plan
    if connection.vendor == "postgresql":  # SQLite's FTS5 keeps positions: one way only
        assert bool(ranges_searched) == by_ranges


def test_a_phrase_matches_those_words_in_that_order_only(client, desk, phrase_plan):
    assert headlines(client, q='"reverse repo"') == ["Banks park cash at the reverse repo window"]
    assert headlines(client, q='"repo reverse"') == []


def test_phrases_with_common_words_inside_hyphens_or_alternatives_and_after_an_edit(
    client, desk, phrase_plan
):
    # On PostgreSQL a phrase's candidates come from its adjacent word pairs (migration 0004):
    # a phrase with no such pair ("cash at the reverse"), a hyphenated one and one of two
    # alternatives must be found all the same, and an edit must move the pairs with the text.
    window = "Banks park cash at the reverse repo window"
    assert headlines(client, q='"cash at the reverse"') == [window]
    assert headlines(client, q='"cash at the repo"') == []
    assert sorted(headlines(client, q='"parked surplus" OR "crypto assets"')) == [
        window,
        "RBI warns on crypto assets",
    ]
    crypto = desk["crypto"]
    testing.newsroom.save_article(
        slug=crypto.slug,
        headline=crypto.headline,
        section=crypto.section,
        body_text="The central bank warned of stable-coin risks to financial stability.",
        access_level="free",
    )
    assert headlines(client, q='"stable-coin risks"') == ["RBI warns on crypto assets"]
    assert headlines(client, q='"stable coin risks"') == ["RBI warns on crypto assets"]
    assert headlines(client, q='"crypto assets threaten"') == []


def test_a_three_word_phrase_is_looked_for_only_where_its_words_stand_in_a_row(
    client, paywall, phrase_plan
):
    # Both stories hold both pairs of "repo rate cut"; only one holds the three words in a row.
    apart = story(
        headline="Policy review",
        body="The repo rate held steady. A rate cut may follow in June.",
        access_level="free",
    )
    in_a_row = story(
        headline="Bond desk", body="Traders priced in a repo rate cut by June.", access_level="free"
    )

    assert headlines(client, q='"repo rate cut"') == ["Bond desk"]
    assert sorted(headlines(client, q='"rate cut"')) == ["Bond desk", "Policy review"]
    if connection.vendor == "postgresql":
        # The stories a phrase's numbers offer before `document @@` decides (migration 0006):
        # a story holding both pairs apart is not even read.
        def candidates(phrase: str) -> set[int]:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT article_id FROM search_entry "
                    "WHERE pairs @> search_pairs(to_tsvector('masthead_search', %s))",
                    [phrase],
                )
                return {row[0] for row in cursor.fetchall()}

        assert candidates("repo rate cut") == {in_a_row.id}
        assert candidates("repo rate") == {apart.id, in_a_row.id}


def test_a_phrase_is_found_across_the_years_in_date_order_and_counted(client, paywall, phrase_plan):
    # On PostgreSQL a phrase's matches are looked for a range of publication time at a time,
    # newest first (engines.PHRASE_RANGE_DAYS): the matches, their order, the pages and the
    # count must be those of the whole archive, wherever the ranges fall.
    now = timezone.now()
    days_back = [1, 30, 100, 200, 400, 800, 1200, 2000, 3000, 4000, 6000, 9000]
    for days in days_back:
        story(
            headline=f"Parliament report {days}",
            body="Ministers said the monsoon session would open with the farm bills.",
            access_level="free",
            published_at=now - dt.timedelta(days=days, hours=1),
        )
    for days in (2, 500, 5000):  # both words, never side by side in this order
        story(
            headline=f"Session notes {days}",
            body="The session was short; the monsoon came late.",
            access_level="free",
            published_at=now - dt.timedelta(days=days),
        )

    phrase_plan.range_searches.clear()
    first = search_json(client, q='"monsoon session"', sort="newest").json()
    if connection.vendor == "postgresql":
        # Twelve matches, fewer than the 101 wanted: every range is searched, or the last 90
        # days and then, the candidates being few, all the rest at once.
        expected_ranges = {
            "by every range of time": len(engines.PHRASE_RANGE_DAYS),
            "by ranges, then the rest at once": 2,
            "by date": 0,
        }[phrase_plan.name]
        assert len(phrase_plan.range_searches) == expected_ranges
    second = search_json(client, q='"monsoon session"', sort="newest", page=2).json()
    ranked = headlines(client, q='"monsoon session"') + headlines(
        client, q='"monsoon session"', page=2
    )

    expected = [f"Parliament report {days}" for days in days_back]  # newest first, by hand
    assert (first["total"], first["pages"]) == (12, 2)
    assert [r["headline"] for r in first["results"] + second["results"]] == expected
    assert sorted(ranked) == sorted(expected)
    assert headlines(client, q='"session monsoon"') == []


def test_a_phrase_in_more_than_a_hundred_stories_says_more_than_100(client, paywall, phrase_plan):
    now = timezone.now()
    for number in range(103):
        story(
            headline=f"Kharif sowing {number}",
            body="Officials said the kharif sowing had begun in most districts.",
            access_level="free",
            published_at=now - dt.timedelta(days=number * 7, hours=1),
        )

    html = search(client, q='"kharif sowing"', sort="newest").content.decode()
    first = search_json(client, q='"kharif sowing"', sort="newest").json()
    last = search_json(client, q='"kharif sowing"', sort="newest", page=11).json()

    assert "More than 100 results for" in html
    assert [r["headline"] for r in first["results"][:2]] == ["Kharif sowing 0", "Kharif sowing 1"]
    assert [r["headline"] for r in last["results"]] == [
        "Kharif sowing 100",
        "Kharif sowing 101",
        "Kharif sowing 102",
    ]


def test_minus_excludes_and_or_accepts_either(client, desk):
    assert headlines(client, q="RBI -crypto") == ["RBI holds the repo rate at 6.5%"]
    assert sorted(headlines(client, q="crypto OR liquidity")) == [
        "Banks park cash at the reverse repo window",
        "RBI warns on crypto assets",
    ]


def test_the_headline_outranks_the_body_and_newest_sorts_by_date(client, paywall):
    story(
        headline="Tea prices at the Kolkata auction",
        body="Exporters said rupee weakness helped, and the monsoon was kind.",
        access_level="free",
        published_at=at(2020),
    )
    story(
        headline="Rupee weakness lifts exporters",
        body="Tea and textile exporters gained.",
        access_level="free",
        published_at=at(2019),
    )

    assert headlines(client, q="rupee weakness") == [
        "Rupee weakness lifts exporters",
        "Tea prices at the Kolkata auction",
    ]
    assert headlines(client, q="rupee weakness", sort="newest") == [
        "Tea prices at the Kolkata auction",
        "Rupee weakness lifts exporters",
    ]


def test_filters_by_section_type_year_and_date_range(client, desk):
    assert headlines(client, q="bank", section="markets", sort="newest") == [
        "Oil rises on supply worries",
        "RBI warns on crypto assets",
    ]
    assert headlines(client, q="bank", type="wire") == ["Oil rises on supply worries"]
    assert "Oil rises on supply worries" not in headlines(client, q="bank", type="staff")
    assert headlines(client, q="bank", year="2008") == [
        "Banks park cash at the reverse repo window"
    ]
    assert headlines(
        client, q="bank", sort="newest", **{"from": "2021-01-01", "to": "2024-06-15"}
    ) == [
        "RBI holds the repo rate at 6.5%",
        "RBI warns on crypto assets",
    ]


def test_filter_by_author(client, desk):
    author = testing.newsroom.upsert_author(slug="anita-rao", name="Anita Rao")
    testing.newsroom.set_authors(article=desk["crypto"], authors=[author])

    assert headlines(client, q="RBI", author="anita-rao") == ["RBI warns on crypto assets"]


def test_results_are_paginated(client, paywall):
    for number in range(12):
        story(
            headline=f"Monsoon update {number}", access_level="free", published_at=at(2000 + number)
        )

    first = search_json(client, q="monsoon", sort="newest").json()
    second = search_json(client, q="monsoon", sort="newest", page=2).json()
    html = search(client, q="monsoon", sort="newest").content.decode()

    assert (first["total"], first["pages"], len(first["results"])) == (12, 2, 10)
    assert first["results"][0]["headline"] == "Monsoon update 11"
    assert [r["headline"] for r in second["results"]] == ["Monsoon update 1", "Monsoon update 0"]
    assert 'href="?q=monsoon&amp;sort=newest&amp;page=2"' in html


def test_did_you_mean_offers_a_close_spelling_that_finds_something(client, desk):
    # The vocabulary is the words of headlines and standfirsts.
    data = search_json(client, q="cripto").json()
    html = search(client, q="cripto").content.decode()

    assert data["total"] == 0
    assert data["did_you_mean"] == "crypto"
    assert 'Did you mean <a href="?q=crypto">crypto</a>?' in html
    assert search_json(client, q="zzyzx").json()["did_you_mean"] is None


def test_publish_edit_and_unpublish_reach_the_index_within_a_second(client, paywall):
    def found_after(write, q):
        started = time.monotonic()
        write()
        found = headlines(client, q=q)
        assert time.monotonic() - started < 1.0
        return found

    made = {}

    def publish():
        made["story"] = story(headline="Cabinet clears the semiconductor plan", access_level="free")

    assert found_after(publish, "semiconductor") == ["Cabinet clears the semiconductor plan"]
    article = made["story"]

    def edit():
        testing.newsroom.save_article(
            slug=article.slug,
            headline="Cabinet clears the chip plan",
            section=article.section,
            body_text="Fabs in Gujarat.",
            access_level="free",
        )

    assert found_after(edit, "fabs gujarat") == ["Cabinet clears the chip plan"]
    assert headlines(client, q="semiconductor") == []
    stories = Article.objects.filter(pk=article.pk)
    assert found_after(lambda: stories.update(status=ArticleStatus.DRAFT), "chip") == []
    assert found_after(lambda: stories.update(status=ArticleStatus.PUBLISHED), "chip") == [
        "Cabinet clears the chip plan"
    ]
    assert found_after(stories.delete, "chip") == []


def test_a_story_scheduled_for_later_is_not_found_before_its_time(client, paywall):
    story(
        headline="Budget embargoed until noon",
        access_level="free",
        published_at=timezone.now() + dt.timedelta(hours=2),
    )

    assert headlines(client, q="embargoed") == []


def test_a_rebuild_that_fails_half_way_leaves_the_index_as_it_was(client, desk, monkeypatch):
    indexes = full_text_indexes()

    def fail_after_the_first_batch(done: int, total: int) -> None:
        if done:
            raise RuntimeError("the rebuild's connection dropped")

    with pytest.raises(RuntimeError, match="connection dropped"):
        services.reindex(progress=fail_after_the_first_batch)

    # One transaction: the entries, the GIN indexes and (on SQLite) the triggers are back.
    assert Entry.objects.count() == 4
    assert full_text_indexes() == indexes
    assert headlines(client, q="crypto") == ["RBI warns on crypto assets"]
    monkeypatch.setattr(engines, "PHRASE_WALK_SHARE", 2.0)  # through the phrase index
    assert headlines(client, q='"reverse repo window"') == [
        "Banks park cash at the reverse repo window"
    ]
    crypto = desk["crypto"]
    testing.newsroom.save_article(
        slug=crypto.slug,
        headline="RBI warns on stablecoins",
        section=crypto.section,
        body_text="The central bank warned of stablecoin risks.",
        access_level="free",
    )
    assert headlines(client, q="stablecoins") == ["RBI warns on stablecoins"]


def test_reindex_rebuilds_the_index_with_progress(client, desk, capsys, monkeypatch):
    indexes = full_text_indexes()
    Entry.objects.all().delete()
    assert headlines(client, q="crypto") == []

    call_command("search", "reindex")

    out = capsys.readouterr().out
    assert "indexing [" in out
    assert "Indexed 4 stories and 0 e-paper pages" in out
    assert headlines(client, q="crypto") == ["RBI warns on crypto assets"]
    assert Entry.objects.count() == 4
    # On PostgreSQL the rebuild drops its GIN indexes and makes them again (services.reindex):
    # the same ones are back, and a phrase found through them is found.
    assert full_text_indexes() == indexes
    if connection.vendor == "postgresql":
        assert [name for name, _ in indexes] == [
            "search_entry_document_idx",
            "search_entry_pairs_idx",
        ]
    monkeypatch.setattr(engines, "PHRASE_WALK_SHARE", 2.0)  # through the phrase index
    assert headlines(client, q='"reverse repo window"') == [
        "Banks park cash at the reverse repo window"
    ]

"""An archive indexed before the phrase triples (migration 0006) finds the same phrases after
the upgrade: the migration refills every entry's numbers in the same transaction."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from masthead.search import engines
from masthead.search.tests.conftest import full_text_indexes, search_json, story

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_TRIPLES = "0005_filters_newest_first"


def _headlines(client, q: str) -> list[str]:
    response = search_json(client, q=q)
    assert response.status_code == 200, response.content
    return [r["headline"] for r in response.json()["results"]]


def test_a_three_word_phrase_indexed_before_the_triples_is_found_after_the_upgrade(
    client, paywall, monkeypatch
):
    # Through the phrase index, as on a large archive (a test's tiny one would be walked by
    # date, which never reads the index).
    monkeypatch.setattr(engines, "PHRASE_WALK_SHARE", 2.0)
    indexes = full_text_indexes()
    call_command("migrate", "search", BEFORE_TRIPLES, verbosity=0)
    try:
        story(  # indexed by migration 0004's trigger: pairs only
            headline="Bond desk",
            body="Traders priced in a repo rate cut by June.",
            access_level="free",
        )
        story(headline="Policy review", body="The repo rate held.", access_level="free")
    finally:
        call_command("migrate", "search", verbosity=0)

    assert _headlines(client, '"repo rate cut"') == ["Bond desk"]
    assert _headlines(client, '"priced in a repo rate"') == ["Bond desk"]
    assert sorted(_headlines(client, '"repo rate"')) == ["Bond desk", "Policy review"]
    # The migration drops both GIN indexes around its rewrite and makes the same ones again.
    assert full_text_indexes() == indexes

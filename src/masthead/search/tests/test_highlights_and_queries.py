"""Highlights never let markup through, and the query syntax reads the same for every input."""

from __future__ import annotations

import re

import pytest
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from masthead.search.engines import fts5_expression
from masthead.search.matching import highlight, query_keys, snippet
from masthead.search.query import QueryError, Term, parse


def test_a_phrase_is_highlighted_as_one_run_and_markup_is_escaped():
    keys = query_keys(parse('"Osa air defence"'))

    html = highlight("An <b>Osa</b> air defence system & crew", keys)

    assert (
        html == "An &lt;b&gt;<mark>Osa</mark>&lt;/b&gt; <mark>air defence</mark> system &amp; crew"
    )


@given(text=st.text(max_size=200), query=st.sampled_from(["osa", "air defence", "a b", "é"]))
def test_highlighting_only_adds_marks_to_the_escaped_text(text, query):
    html = str(highlight(text, query_keys(parse(query))))

    assert html.replace("<mark>", "").replace("</mark>", "") == escape(text)


def test_the_snippet_starts_near_the_first_match_and_says_when_there_was_none():
    keys = query_keys(parse("monsoon"))
    words = [f"w{i}" for i in range(100)]
    words[60] = "monsoons"

    found = snippet([" ".join(words)], keys)
    missed = snippet(["nothing to see here"], keys)

    assert found.matched
    assert found.text.startswith("… w50 ")
    assert "<mark>monsoons</mark>" in found.html
    assert not missed.matched
    assert missed.text == "nothing to see here"


@pytest.mark.parametrize(
    ("raw", "clauses", "excluded"),
    [
        ("RBI repo rate", [["rbi"], ["repo"], ["rate"]], []),
        ('"repo rate" OR "reverse repo" -crypto', [["repo rate", "reverse repo"]], ["crypto"]),
        ("the Osa-AKM", [["osa akm"]], []),
        ('rbi -"interest rates"', [["rbi"]], ["interest rates"]),
        ("OR rbi OR", [["rbi"]], []),
    ],
)
def test_the_query_syntax(raw, clauses, excluded):
    query = parse(raw)

    assert [[t.text for t in c] for c in query.clauses] == clauses
    assert [t.text for t in query.excluded] == excluded


@given(raw=st.text(max_size=80))
def test_any_query_parses_to_words_or_a_message_and_never_carries_fts5_syntax(raw):
    try:
        query = parse(raw)
    except QueryError as exc:
        assert str(exc)
        return
    expression = fts5_expression(query)
    # Every term is one double-quoted run of word characters: nothing else reaches FTS5.
    for term in query.terms + query.excluded:
        assert isinstance(term, Term)
        assert all(re.fullmatch(r"\w+", word) for word in term.words)
        assert f'"{" ".join(term.words)}"' in expression
    assert expression.count('"') == 2 * (len(query.terms) + len(query.excluded))

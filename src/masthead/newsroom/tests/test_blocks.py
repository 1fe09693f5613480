from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masthead.newsroom.blocks import BodyError, body_to_text, parse_body, split_lead


def test_scripts_and_event_handlers_never_survive_in_a_body():
    blocks = parse_body(
        'Hello <script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">there</a>'
        '\n\n<img src=x onerror="alert(3)">After'
    )
    html = " ".join(b["html"] for b in blocks)
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onclick" not in html
    assert "onerror" not in html
    assert "<img" not in html


def test_links_and_emphasis_are_kept():
    [block] = parse_body('A <em>big</em> <a href="https://example.com/x">link</a>')
    assert "<em>big</em>" in block["html"]
    assert 'href="https://example.com/x"' in block["html"]


def test_the_editors_notation_becomes_typed_blocks_and_back():
    text = (
        "First paragraph.\n\n## A subhead\n\n> Words said. — A Person, Minister\n\n"
        "![A chart](demo/chart.svg) The caption\n\n[[more]]\n\nLast paragraph."
    )
    blocks = parse_body(text)
    assert [b["type"] for b in blocks] == [
        "paragraph",
        "subhead",
        "quote",
        "image",
        "cut",
        "paragraph",
    ]
    assert blocks[2]["attribution"] == "A Person, Minister"
    assert parse_body(body_to_text(blocks)) == blocks


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("![](demo/a.svg) No alt", "alt text"),
        ("![Alt](javascript:alert(1)) x", "must be an https:// URL"),
        ("![Alt](../../etc/passwd.png) x", "must be an https:// URL"),
        ("One\n\n[[more]]\n\nTwo\n\n[[more]]", "only once"),
    ],
)
def test_a_bad_block_is_refused_naming_the_block_and_the_fix(text, message):
    with pytest.raises(BodyError, match=message):
        parse_body(text)


def test_without_a_marker_the_lead_is_the_first_two_paragraphs():
    blocks = parse_body("One.\n\n## Sub\n\nTwo.\n\nThree.")
    split = split_lead(blocks, default_paragraphs=2)
    assert [b.get("html") or b.get("text") for b in split.lead] == ["One.", "Sub", "Two."]
    assert [b["html"] for b in split.rest] == ["Three."]


@given(st.text(max_size=400))
def test_any_typed_body_parses_to_clean_blocks_or_a_clear_refusal(text):
    try:
        blocks = parse_body(text)
    except BodyError as refused:
        message = str(refused)
        assert message.startswith("Block ")
        return
    for block in blocks:
        assert "<script" not in str(block).lower()

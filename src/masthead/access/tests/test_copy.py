from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masthead.access.copy import PLACEHOLDERS, CopyError, render_copy, validate_copy

VALUES = {
    "free_limit": 3,
    "remaining": 0,
    "read": 3,
    "register_bonus": 2,
    "cheapest_monthly": "₹162",
    "publisher": "The Meridian Ledger",
}


def test_the_seed_prompt_renders_its_number():
    text = "You’ve reached your limit of {free_limit} free articles this month."
    validate_copy(text)
    assert render_copy(text, VALUES) == "You’ve reached your limit of 3 free articles this month."


def test_the_seed_pages_double_brace_mistake_is_refused_with_a_hint():
    with pytest.raises(CopyError) as refused:
        validate_copy("You’ve reached your limit of {{free_limit}} free articles this month.")
    assert "{{free_limit}}" in str(refused.value)
    assert "write {free_limit}" in str(refused.value)


def test_an_unknown_placeholder_is_refused_by_name():
    with pytest.raises(CopyError) as refused:
        validate_copy("Only {remainig} left")
    assert "{remainig}" in str(refused.value)
    assert "{remaining}" in str(refused.value)  # the message lists what is known


@pytest.mark.parametrize("text", ["Only {remaining left", "Only remaining} left", "{ {x} }"])
def test_malformed_braces_are_refused(text):
    with pytest.raises(CopyError):
        validate_copy(text)


def test_every_documented_placeholder_is_accepted():
    validate_copy(" ".join("{" + name + "}" for name in PLACEHOLDERS))


@given(st.text())
def test_rendering_never_shows_a_brace_whatever_the_copy(text):
    rendered = render_copy(text, VALUES)
    assert "{" not in rendered
    assert "}" not in rendered


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["{" + n + "}" for n in PLACEHOLDERS]),
            st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=20),
        ),
        max_size=12,
    )
)
def test_valid_copy_renders_every_placeholder_and_keeps_the_words(parts):
    text = "".join(parts)
    validate_copy(text)
    rendered = render_copy(text, VALUES)
    assert "{" not in rendered
    assert "}" not in rendered
    for part in parts:
        if part.startswith("{"):
            assert str(VALUES[part[1:-1]]) in rendered

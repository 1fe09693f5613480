"""Names with their own "The" read naturally after "your" and "the" (issue 18: "Your The
Deccan Review code", "Shared from the The Meridian Ledger e-paper")."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from masthead.core.web import running_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("The Deccan Review", "Deccan Review"),
        ("The Meridian Ledger", "Meridian Ledger"),
        ("the Hindu", "Hindu"),
        ("Mint", "Mint"),
        ("Theatre Weekly", "Theatre Weekly"),  # "The" only as a word of its own
        ("The", "The"),
        ("  The Economic Times ", "Economic Times"),
    ],
)
def test_a_name_after_your_or_the_drops_its_own_the(name, expected):
    assert running_name(name) == expected


class Pool:
    partner_name = "The Deccan Review"
    name = "The Deccan Review digital"


@pytest.mark.parametrize("publisher", ["The Meridian Ledger", "Mint"])
@pytest.mark.parametrize("template", ["partners/emails/code.txt", "partners/emails/code.html"])
def test_the_partner_code_email_reads_naturally_with_and_without_the(template, publisher):
    text = render_to_string(
        template, {"pool": Pool(), "publisher_name": publisher, "code": "DR-1", "url": ""}
    )

    assert "Your Deccan Review code" in text
    assert "Your The" not in text
    short = publisher.removeprefix("The ")
    assert f"Your {short} subscription includes" in text

"""GSTINs checked in one place (billing.gstin), check character included (reference note §7)."""

from __future__ import annotations

import pytest

from masthead.billing.forms import TaxDetailsForm
from masthead.billing.gstin import InvalidGstin, gstin_problem, validate_gstin

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def gstn_check_character(first_14: str) -> str:
    """GSTN's checkGstn, written out from the reference note (not from the code under test):
    from the right, multiply by 2, 1, 2, …; add ⌊p/36⌋ + p mod 36; check = (36 − sum mod 36)
    mod 36."""
    total = 0
    for position, char in enumerate(reversed(first_14)):
        product = ALPHABET.index(char) * (2 if position % 2 == 0 else 1)
        total += product // 36 + product % 36
    return ALPHABET[(36 - total % 36) % 36]


def test_the_hand_computed_check_character_agrees_with_a_published_gstin():
    # 27AAPFU0939F1ZV is the example GSTIN GSTN's own documents use.
    assert gstn_check_character("27AAPFU0939F1Z") == "V"
    assert validate_gstin("27aapfu0939f1zv") == "27AAPFU0939F1ZV"


def test_a_gstin_with_a_wrong_check_character_is_refused():
    # The issue: 27ABCDE1234Z1Z9 was accepted on its length alone. It is no GSTIN (its PAN's
    # fourth letter, D, is no holder type, and its check character would be V).
    assert "not a valid GSTIN" in gstin_problem("27ABCDE1234Z1Z9")
    # A well-formed one with the wrong last character: 27AABCM1234F1Z's check is X.
    assert gstn_check_character("27AABCM1234F1Z") == "X"
    with pytest.raises(InvalidGstin, match="check character"):
        validate_gstin("27AABCM1234F1Z9")
    assert validate_gstin("27AABCM1234F1ZX") == "27AABCM1234F1ZX"


def test_ladakh_gstins_are_accepted_though_the_librarys_state_table_stops_at_37():
    number = "38AABCM1234F1Z" + gstn_check_character("38AABCM1234F1Z")
    assert validate_gstin(number, state_code="38") == number
    wrong = number[:-1] + ("A" if number[-1] != "A" else "B")
    assert "check character" in gstin_problem(wrong)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("27AAPFU0939F1Z", "15 characters"),
        ("27AAPFU0939F0ZV", "not a valid GSTIN"),  # entity code is never 0
        ("99AAPFU0939F1Z" + gstn_check_character("99AAPFU0939F1Z"), "not a valid GSTIN"),
    ],
)
def test_malformed_gstins_say_what_is_wrong(value, why):
    assert why in gstin_problem(value)


def test_a_gstin_must_belong_to_the_state_on_the_address():
    assert "registered in state 27" in gstin_problem("27AAPFU0939F1ZV", state_code="29")


def test_the_checkout_form_refuses_a_gstin_with_a_bad_check_character():
    form = TaxDetailsForm(
        data={
            "checkout_key": "k" * 20,
            "name": "Asha Traders",
            "state_code": "27",
            "gstin": "27AABCM1234F1Z9",
        }
    )
    assert not form.is_valid()
    assert "check character" in form.errors["gstin"][0]
    good = TaxDetailsForm(
        data={
            "checkout_key": "k" * 20,
            "name": "Asha Traders",
            "state_code": "27",
            "gstin": "27aabcm1234f1zx",
            "address": "12 MG Road",
            "city": "Pune",
            "postal_code": "411001",
        }
    )
    assert good.is_valid(), good.errors
    assert good.cleaned_data["gstin"] == "27AABCM1234F1ZX"

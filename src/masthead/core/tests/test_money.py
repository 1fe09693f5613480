from __future__ import annotations

import ast
import pathlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masthead.core.money import Money, format_money, per_month_floor


@pytest.mark.parametrize(
    ("minor", "months", "shown"),
    [(90_000, 3, "₹300"), (270_000, 12, "₹225"), (390_000, 24, "₹162")],
)
def test_the_seed_plans_per_month_figures_round_down_to_whole_rupees(minor, months, shown):
    monthly = per_month_floor(total=Money(minor, "INR"), months=months)
    assert format_money(monthly, locale="en_IN", whole=True) == shown


def test_indian_grouping_comes_from_babel():
    assert format_money(Money(270_000, "INR"), locale="en_IN") == "₹2,700"
    assert format_money(Money(10_000_000, "INR"), locale="en_IN") == "₹1,00,000"
    assert format_money(Money(10_050, "INR"), locale="en_IN") == "₹100.50"


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=120))
def test_the_per_month_figure_never_overstates_the_price(minor, months):
    monthly = per_month_floor(total=Money(minor, "INR"), months=months)
    assert monthly.minor % 100 == 0
    assert monthly.minor * months <= minor
    assert (monthly.minor + 100) * months > minor


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["INR", "JPY", "KWD", "USD"]))
def test_currencies_use_their_own_exponent(minor, currency):
    money = Money(minor, currency)
    assert money.as_decimal().scaleb(money.exponent) == minor


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        Money(2700.0, "INR")


def test_no_money_path_uses_float():
    """Money code must never convert to float: scan the money and billing modules."""
    root = pathlib.Path(__file__).resolve().parents[2]
    # documents.py lays out PDF pages in points (floats by nature); the amounts it prints
    # come formatted from Money, which this test does cover.
    billing = [
        p
        for p in sorted((root / "billing").rglob("*.py"))
        if p.name != "documents.py" and "tests" not in p.parts and "migrations" not in p.parts
    ]
    for path in [root / "core" / "money.py", *billing]:
        tree = ast.parse(path.read_text())
        floats = [
            node.lineno
            for node in ast.walk(tree)
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float")
            or (isinstance(node, ast.Constant) and isinstance(node.value, float))
        ]
        assert not floats, f"{path.name} uses float at lines {floats}"

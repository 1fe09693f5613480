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


# billing.documents lays out PDF pages in points, floats by nature: only there, and only in the
# layout (the writer and the page template), may a float literal appear; and only the JSON
# writers named below may turn an exact amount into the number a JSON schema asks for.
_LAYOUT = {
    "layout.py": frozenset({"Writer"}),
    "pdf.py": frozenset({"_render"}),
    # The returns and e-invoice JSON want numbers: exact two-decimal amounts, output only.
    "formats.py": frozenset({"json_number", "json_rate"}),
}


def _float_uses(source: str, *, layout: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """(line, what) for every way ``source`` could bring a float into money: ``float()``,
    a float literal, true division ``/`` (int / int is a float; ``//`` is allowed, and so is
    dividing a ``Decimal(...)``, which stays exact), and ``.total_seconds()``."""
    tree = ast.parse(source)
    in_layout: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name in layout:
            in_layout.update(ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float":
            if node not in in_layout:  # the named output functions may hand JSON a number
                found.append((node.lineno, "float()"))
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "total_seconds":
            found.append((node.lineno, ".total_seconds()"))
        elif isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Div):
            left = node.left if isinstance(node, ast.BinOp) else node.target
            exact = isinstance(left, ast.Call) and getattr(left.func, "id", None) == "Decimal"
            if not exact:
                found.append((node.lineno, "/"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, float)
            and node not in in_layout
        ):
            found.append((node.lineno, "float literal"))
    return found


def _money_modules() -> list[pathlib.Path]:
    root = pathlib.Path(__file__).resolve().parents[2]
    billing = [
        p
        for p in sorted((root / "billing").rglob("*.py"))
        if "tests" not in p.parts and "migrations" not in p.parts
    ]
    return [root / "core" / "money.py", *billing]


def test_no_money_path_uses_float():
    """Money code must never go through float: scan the money and billing modules (documents
    included, its PDF layout excepted)."""
    modules = _money_modules()
    assert {"layout.py", "pdf.py", "tax_invoice.py", "credit_note.py"} <= {
        path.name for path in modules if path.parent.name == "documents"
    }
    for path in modules:
        floats = _float_uses(path.read_text(), layout=_LAYOUT.get(path.name, frozenset()))
        assert not floats, f"{path.name} may use float at {floats}"


@pytest.mark.parametrize(
    ("source", "what"),
    [
        ("share = paid * left / total", "/"),
        ("share /= 2", "/"),
        ("seconds = (end - start).total_seconds()", ".total_seconds()"),
        ("rate = float(bp)", "float()"),
        ("half = 0.5", "float literal"),
    ],
)
def test_the_float_guard_catches_each_way_in(source, what):
    assert _float_uses(source) == [(1, what)]


@pytest.mark.parametrize(
    "source",
    [
        "share = paid * left // total",
        "percent = Decimal(bp) / 100",
        "micros = (end - start) // dt.timedelta(microseconds=1)",
    ],
)
def test_the_float_guard_allows_exact_arithmetic(source):
    assert _float_uses(source) == []


def test_the_float_guard_allows_floats_only_in_the_pdf_layout():
    source = "class _Writer:\n    width = 0.55\n\nscale = 0.55\n"
    assert _float_uses(source, layout=frozenset({"_Writer"})) == [(4, "float literal")]


@pytest.mark.parametrize(
    ("minor", "currency", "months", "shown"),
    [
        # The issue: $45 a year is $3.75 a month, shown as "$3/Month" before.
        (4_500, "USD", 12, "$3.75"),
        # $15 a quarter: $5.00 exactly.
        (1_500, "USD", 3, "$5"),
        # $10 over 3 months: 3.333… → $3.33 (down, by less than a cent).
        (1_000, "USD", 3, "$3.33"),
        # Rupees stay whole, as the seed shows them: ₹2,700 a year → ₹225.
        (270_000, "INR", 12, "₹225"),
    ],
)
def test_per_month_prices_round_down_to_the_currencys_displayed_unit(
    minor, currency, months, shown
):
    monthly = per_month_floor(total=Money(minor, currency), months=months)
    assert format_money(monthly, locale="en_IN") == shown


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=1, max_value=120),
    st.sampled_from(["INR", "USD"]),
)
def test_the_per_month_figure_never_understates_by_a_whole_displayed_unit(minor, months, cur):
    step = 100 if cur == "INR" else 1  # whole rupees; cents
    monthly = per_month_floor(total=Money(minor, cur), months=months)
    assert monthly.minor * months <= minor
    assert (monthly.minor + step) * months > minor


def test_refunds_and_credit_notes_show_a_minus_sign():
    from masthead.core.money import format_refund

    assert format_money(Money(-30_000, "INR"), locale="en_IN", whole=False) == "-₹300.00"
    assert format_refund(Money(30_000, "INR"), locale="en_IN") == "-₹300.00"
    assert format_refund(Money(375, "USD"), locale="en_IN") == "-$3.75"


@pytest.mark.parametrize(("currency", "why"), [("JPY", "no minor unit"), ("KWD", "three decimals")])
def test_prices_in_currencies_without_two_decimals_are_refused_with_the_reason(currency, why):
    from masthead.core.money import currency_problem

    assert why in currency_problem(currency)
    assert "INR or USD" in currency_problem(currency)
    assert currency_problem("USD") == currency_problem("INR") == ""

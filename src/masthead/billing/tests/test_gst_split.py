"""GST arithmetic, for every amount and rate: the parts add up to the total to the paisa.

Rounding (billing/tax.py, ADR 0017; reference note §3 "compute each 9% on the taxable value
and round to paise, so CGST = SGST. Never halve a rounded total"): the taxable value of a
tax-inclusive price is rounded half up to the paisa, each tax head is its rate on the taxable
value rounded half up, and a round-off line (at most a paisa either way) makes the parts equal
the price. Credit notes carve GST out of the refund at the invoice's rate and never reverse
more of any part than the invoice still holds.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.billing.tax import TaxSplit, split_credit, split_tax

amounts = st.integers(min_value=0, max_value=10**12)
rates = st.sampled_from([0, 500, 1200, 1800, 2800]) | st.integers(min_value=0, max_value=10_000)


@given(amount=amounts, rate_bp=rates, intra_state=st.booleans(), inclusive=st.booleans())
def test_taxable_plus_tax_is_the_total_and_the_halves_make_the_tax(
    amount, rate_bp, intra_state, inclusive
):
    split = split_tax(
        amount_minor=amount, rate_bp=rate_bp, intra_state=intra_state, inclusive=inclusive
    )
    tax = split.cgst + split.sgst + split.igst
    assert split.taxable + tax + split.round_off == split.total
    assert abs(split.round_off) <= 1  # never more than the paisa rounding leaves
    assert min(split.taxable, split.cgst, split.sgst, split.igst) >= 0
    rate = Fraction(rate_bp, 10_000)
    if intra_state:
        assert split.igst == 0
        assert split.cgst == split.sgst  # CGST = SGST, always
        assert abs(split.cgst - split.taxable * rate / 2) <= Fraction(1, 2)
    else:
        assert split.cgst == split.sgst == 0
        assert abs(split.igst - split.taxable * rate) <= Fraction(1, 2)
    if inclusive:
        assert split.total == amount  # the reader pays the sticker price
        assert abs(split.taxable - amount / (1 + rate)) <= Fraction(1, 2)
    else:
        assert split.taxable == amount  # GST on top of the price
        # the total is the price plus the tax at the full rate, whatever the state
        assert abs(split.total - amount - amount * rate) <= Fraction(1, 2)


@pytest.mark.parametrize(
    ("amount", "inclusive", "expected"),  # expected: taxable, CGST, SGST, round off
    [
        # ₹900 incl. 18%: 900 / 1.18 = 762.711… → 762.71; 9% × 762.71 = 68.6439 → 68.64
        # each (the issue found 68.64 / 68.65); 762.71 + 68.64 + 68.64 = 899.99 → +0.01.
        (90_000, True, (76_271, 6_864, 6_864, 1)),
        # ₹2,700 incl. 18%: 2700 / 1.18 = 2288.135… → 2288.14; 9% × 2288.14 = 205.9326 →
        # 205.93 each; 2288.14 + 411.86 = 2700.00.
        (270_000, True, (228_814, 20_593, 20_593, 0)),
        (90_000, False, (90_000, 8_100, 8_100, 0)),
        (1, True, (1, 0, 0, 0)),  # a paisa is too small to carry tax
        # 3 paise + 18%: total 3 + 0.54 → 4; 9% of 3 paise = 0.27 → 0 each; round off 1.
        (3, False, (3, 0, 0, 1)),
    ],
)
def test_known_splits_at_18_percent(amount, inclusive, expected):
    taxable, cgst, sgst, round_off = expected
    split = split_tax(amount_minor=amount, rate_bp=1800, intra_state=True, inclusive=inclusive)
    assert (split.taxable, split.cgst, split.sgst, split.round_off) == (
        taxable,
        cgst,
        sgst,
        round_off,
    )


def test_negative_amounts_and_rates_are_refused():
    with pytest.raises(ValueError, match="negative"):
        split_tax(amount_minor=-1, rate_bp=1800, intra_state=True, inclusive=True)
    with pytest.raises(ValueError, match="negative"):
        split_tax(amount_minor=1, rate_bp=-1, intra_state=True, inclusive=True)


def _minus(left: TaxSplit, note: TaxSplit) -> TaxSplit:
    return TaxSplit(
        left.total - note.total,
        left.taxable - note.taxable,
        left.cgst - note.cgst,
        left.sgst - note.sgst,
        left.igst - note.igst,
        left.rate_bp,
        left.round_off - note.round_off,
    )


@settings(max_examples=300)
@given(
    price=st.integers(min_value=1, max_value=10**9),
    rate_bp=rates,
    intra_state=st.booleans(),
    inclusive=st.booleans(),
    cuts=st.lists(st.integers(min_value=1, max_value=10**6), max_size=12),
)
def test_credit_notes_total_their_refunds_and_a_full_refund_cancels_the_invoice_exactly(
    price, rate_bp, intra_state, inclusive, cuts
):
    invoice = split_tax(
        amount_minor=price, rate_bp=rate_bp, intra_state=intra_state, inclusive=inclusive
    )
    left = invoice
    refunds = []
    for cut in cuts:  # partial refunds while something is left, then the rest
        if cut >= left.total:
            break
        refunds.append(cut)
        left = _minus(left, split_credit(amount_minor=cut, rate_bp=rate_bp, left=left))
    refunds.append(left.total)
    left = invoice
    for refund in refunds:
        note = split_credit(amount_minor=refund, rate_bp=rate_bp, left=left)
        tax = note.cgst + note.sgst + note.igst
        assert note.total == refund  # the credit note is the money returned, GST inside
        assert note.taxable + tax + note.round_off == refund
        assert min(note.taxable, note.cgst, note.sgst, note.igst) >= 0
        assert (note.cgst == note.sgst) if intra_state else (note.cgst == note.sgst == 0)
        if intra_state:
            assert note.igst == 0
        left = _minus(left, note)
        assert min(left.taxable, left.cgst, left.sgst, left.igst) >= 0  # never over-reversed
    assert left == TaxSplit(0, 0, 0, 0, 0, rate_bp, 0)


def test_a_first_partial_credit_note_rounds_like_an_invoice():
    # ₹900 invoice in Maharashtra; ₹450 back: 450 / 1.18 = 381.355… → 381.36; 9% × 381.36 =
    # 34.3224 → 34.32 each; 381.36 + 68.64 = 450.00.
    invoice = split_tax(amount_minor=90_000, rate_bp=1800, intra_state=True, inclusive=True)
    note = split_credit(amount_minor=45_000, rate_bp=1800, left=invoice)
    assert (note.taxable, note.cgst, note.sgst, note.igst, note.round_off) == (
        38_136,
        3_432,
        3_432,
        0,
        0,
    )


def test_a_credit_note_larger_than_what_is_left_is_refused():
    invoice = split_tax(amount_minor=90_000, rate_bp=1800, intra_state=True, inclusive=True)
    with pytest.raises(ValueError, match="cannot exceed"):
        split_credit(amount_minor=90_001, rate_bp=1800, left=invoice)

"""GST on a price: taxable value, CGST+SGST or IGST, and a round-off line, in whole paise.

Prices include tax by default (the reader pays the sticker price); with
``MASTHEAD_PRICES_INCLUDE_TAX=false`` GST is added on top. The arithmetic follows the rule the
accountant checks (reference note §3, ADR 0017):

- the taxable value of a tax-inclusive price is the price divided by (1 + rate), rounded half
  up to the paisa; of a tax-exclusive price it is the price itself;
- each tax head is its own rate applied to the taxable value and rounded half up to the paisa,
  so within the state CGST = SGST always (a rounded total is never halved);
- what the rounding leaves over (never more than one paisa either way) is shown on its own
  "Round off" line (the e-invoice schema's ``RndOffAmt``), so the taxable value stays the true
  value and the total stays the price: taxable + taxes + round off == total.

With tax added on top the total is the taxable value plus the tax at the full rate, the same
whichever state the reader is in, so a pre-debit notice can state it before the split is known.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TaxSplit:
    total: int
    taxable: int
    cgst: int
    sgst: int
    igst: int
    rate_bp: int
    round_off: int = 0

    @property
    def tax(self) -> int:
        return self.cgst + self.sgst + self.igst


def _rate_of(amount: int, rate_bp: int, halves: int = 1) -> int:
    """``amount`` × ``rate_bp`` / 10 000 / ``halves``, rounded half up, integers only."""
    denominator = 10_000 * halves
    return (2 * amount * rate_bp + denominator) // (2 * denominator)


def split_tax(*, amount_minor: int, rate_bp: int, intra_state: bool, inclusive: bool) -> TaxSplit:
    if amount_minor < 0 or rate_bp < 0:
        raise ValueError("Amounts and rates cannot be negative.")
    if inclusive:
        # taxable = amount / (1 + rate), rounded half up, in integers only.
        denominator = 10_000 + rate_bp
        taxable = (2 * amount_minor * 10_000 + denominator) // (2 * denominator)
        total = amount_minor
    else:
        taxable = amount_minor
        total = amount_minor + _rate_of(amount_minor, rate_bp)
    if intra_state:
        # Each head at half the rate on the taxable value (CGST Act s.9, SGST Act s.9).
        half = _rate_of(taxable, rate_bp, halves=2)
        return TaxSplit(total, taxable, half, half, 0, rate_bp, total - taxable - 2 * half)
    igst = _rate_of(taxable, rate_bp)
    return TaxSplit(total, taxable, 0, 0, igst, rate_bp, total - taxable - igst)


def split_credit(*, amount_minor: int, rate_bp: int, left: TaxSplit) -> TaxSplit:
    """A refund of ``amount_minor`` (what the reader gets back, tax included) split as the
    invoice was, where ``left`` is what the invoice still holds after earlier credit notes.

    The refund is the credit note's total in either price mode: GST is carved out of it at the
    invoice's rate and place of supply (CGST = SGST, or IGST). No part ever reverses more than
    is left of it, the round-off line takes what rounding leaves, and the refund that takes the
    rest takes exactly the rest: a fully refunded invoice is cancelled to the paisa.
    """
    if amount_minor < 0 or amount_minor > left.total:
        raise ValueError("A credit note cannot exceed what is left of its invoice.")
    if amount_minor == left.total:
        return left
    intra = bool(left.cgst or left.sgst) or not left.igst
    wanted = split_tax(
        amount_minor=amount_minor, rate_bp=rate_bp, intra_state=intra, inclusive=True
    )
    taxable = min(wanted.taxable, left.taxable)
    if left.igst or not (left.cgst or left.sgst):
        igst = min(wanted.igst, left.igst)
        return TaxSplit(amount_minor, taxable, 0, 0, igst, rate_bp, amount_minor - taxable - igst)
    half = min(wanted.cgst, left.cgst, left.sgst)
    return TaxSplit(
        amount_minor, taxable, half, half, 0, rate_bp, amount_minor - taxable - 2 * half
    )


def financial_year(local_date_year: int, local_date_month: int) -> str:
    """India's financial year runs April to March: 25 Nov 2026 is in 2026-27."""
    start = local_date_year if local_date_month >= 4 else local_date_year - 1
    return f"{start}-{str(start + 1)[-2:]}"

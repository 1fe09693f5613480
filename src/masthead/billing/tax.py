"""GST on a price: the split between taxable value and CGST+SGST or IGST, in whole paise.

Prices include tax by default (the reader pays the sticker price); with
``MASTHEAD_PRICES_INCLUDE_TAX=false`` GST is added on top. Either way the parts add up to the
total exactly: taxable + tax == total, and within the state cgst + sgst == tax, the odd paisa
of an odd tax going to SGST (CGST is the tax halved, rounded down) so the same amount always
splits the same way.
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
        total = amount_minor + (2 * amount_minor * rate_bp + 10_000) // 20_000
    tax = total - taxable
    if intra_state:
        cgst = tax // 2
        return TaxSplit(total, taxable, cgst, tax - cgst, 0, rate_bp)
    return TaxSplit(total, taxable, 0, 0, tax, rate_bp)


def split_credit(*, amount_minor: int, rate_bp: int, left: TaxSplit) -> TaxSplit:
    """A refund of ``amount_minor`` (what the reader gets back, tax included) split as the
    invoice was, where ``left`` is what the invoice still holds after earlier credit notes.

    The refund is the credit note's total in either price mode: GST is carved out of it at the
    invoice's rate. Each part is kept within what is left of it, so the credit notes of an
    invoice never reverse more taxable value or tax than it charged, and the refund that takes
    the rest takes exactly the rest: a fully refunded invoice is cancelled to the paisa.
    """
    if amount_minor < 0 or amount_minor > left.total:
        raise ValueError("A credit note cannot exceed what is left of its invoice.")
    if amount_minor == left.total:
        return TaxSplit(amount_minor, left.taxable, left.cgst, left.sgst, left.igst, left.rate_bp)
    wanted = split_tax(amount_minor=amount_minor, rate_bp=rate_bp, intra_state=True, inclusive=True)
    left_tax = left.cgst + left.sgst + left.igst
    tax, taxable = _within(amount_minor, wanted.cgst + wanted.sgst, left_tax, left.taxable)
    if left.igst:
        return TaxSplit(amount_minor, taxable, 0, 0, tax, rate_bp)
    cgst, sgst = _within(tax, tax // 2, left.cgst, left.sgst)
    return TaxSplit(amount_minor, taxable, cgst, sgst, 0, rate_bp)


def _within(amount: int, wanted_first: int, first_cap: int, second_cap: int) -> tuple[int, int]:
    """``amount`` as two parts, the first as near ``wanted_first`` as the caps allow.
    Needs 0 <= amount <= first_cap + second_cap; both parts then stay within their caps."""
    first = min(wanted_first, first_cap)
    second = amount - first
    if second > second_cap:
        second = second_cap
        first = amount - second
    return first, second


def financial_year(local_date_year: int, local_date_month: int) -> str:
    """India's financial year runs April to March: 25 Nov 2026 is in 2026-27."""
    start = local_date_year if local_date_month >= 4 else local_date_year - 1
    return f"{start}-{str(start + 1)[-2:]}"

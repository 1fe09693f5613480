"""GST on a price: the split between taxable value and CGST+SGST or IGST, in whole paise.

Prices include tax by default (the reader pays the sticker price); the parts always add up to
the total exactly, with any odd paisa going to SGST.
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


def financial_year(local_date_year: int, local_date_month: int) -> str:
    """India's financial year runs April to March: 25 Nov 2026 is in 2026-27."""
    start = local_date_year if local_date_month >= 4 else local_date_year - 1
    return f"{start}-{str(start + 1)[-2:]}"

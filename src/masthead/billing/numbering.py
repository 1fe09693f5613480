"""Tax document numbers (CGST Rule 46(b), Rule 53(1)(b)): at most 16 characters, only
``A-Z a-z 0-9 - /``, consecutive and unique per financial year within a series.

Invoices read ``ML/2627/000001`` (14 characters) and credit notes ``MLC/2627/000001`` (15):
the publisher's prefix (``MASTHEAD_INVOICE_PREFIX``), a ``C`` for the credit-note series, the
financial year as four digits (2026-27 → ``2627``) and the serial within that year and series.
The e-invoice portal also refuses lower case and a leading ``0``, ``/`` or ``-`` (reference
note §1), so the prefix is one to three upper-case letters or digits starting with a letter;
the system check ``masthead.E131`` refuses any other at start-up.
"""

from __future__ import annotations

import re

MAX_LENGTH = 16  # CGST Rule 46(b)
PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,2}$")
NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9/-]{1,16}$")
SERIAL_DIGITS = 6
# The demo's made-up billing history (``demo_history``) numbers its documents in a series of
# its own under this "financial year": they were never issued to anyone, so they are in no
# GST return (``gstr1``) and never meet the real numbering.
DEMO_FINANCIAL_YEAR = "demo"

# The series a number belongs to: (DocumentSequence.series, the letter in the number).
INVOICE_SERIES = "INV"
CREDIT_SERIES = "CN"
_SERIES_MARK = {INVOICE_SERIES: "", CREDIT_SERIES: "C"}


class NumberTooLong(Exception):
    """A series has run past what 16 characters can hold; the prefix must be shortened."""


def prefix_problem(prefix: str) -> str:
    """Why ``prefix`` cannot start tax document numbers, or '' if it can."""
    if not PREFIX_PATTERN.match(prefix):
        return (
            f"The invoice prefix {prefix!r} must be 1 to 3 upper-case letters or digits, "
            "starting with a letter (e.g. ML): invoice numbers may have at most 16 characters "
            "(CGST Rule 46(b)) and the e-invoice portal refuses lower case and a leading 0."
        )
    return ""


def short_year(financial_year: str) -> str:
    """'2026-27' → '2627'."""
    start, end = financial_year.split("-")
    return f"{start[-2:]}{end[-2:]}"


def document_number(*, prefix: str, series: str, financial_year: str, serial: int) -> str:
    """The printed number of the ``serial``-th document of a series in a financial year."""
    if serial < 1:
        raise ValueError("Serial numbers start at 1 (the offline tool refuses all zeros).")
    number = (
        f"{prefix}{_SERIES_MARK[series]}/{short_year(financial_year)}/{serial:0{SERIAL_DIGITS}d}"
    )
    if len(number) > MAX_LENGTH or not NUMBER_PATTERN.match(number):
        raise NumberTooLong(
            f"{number} is longer than the 16 characters CGST Rule 46(b) allows; "
            "shorten MASTHEAD_INVOICE_PREFIX."
        )
    return number

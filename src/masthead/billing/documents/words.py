"""The amount in words on a tax invoice ('Indian Rupees Two Thousand Seven
Hundred Only'), in the Indian system for rupees and thousands/millions for dollars.
"""

from __future__ import annotations

_ONES = (
    "", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
    "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen",
    "Nineteen",
)  # fmt: skip
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")


def _below_thousand(n: int) -> str:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        words.append(f"{_ONES[hundreds]} Hundred")
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(f"{_TENS[tens]} {_ONES[ones]}".strip())
    elif rest:
        words.append(_ONES[rest])
    return " ".join(words)


def _indian_words(n: int) -> str:
    """Whole numbers in the Indian system: 2,28,813 → 'Two Lakh Twenty Eight Thousand …'."""
    if n == 0:
        return "Zero"
    words: list[str] = []
    crores, n = divmod(n, 10**7)
    if crores:
        words.append(f"{_indian_words(crores)} Crore")
    lakhs, n = divmod(n, 10**5)
    if lakhs:
        words.append(f"{_below_thousand(lakhs)} Lakh")
    thousands, n = divmod(n, 1000)
    if thousands:
        words.append(f"{_below_thousand(thousands)} Thousand")
    if n:
        words.append(_below_thousand(n))
    return " ".join(words)


_WORDS_UNITS = {
    # currency: (major unit as written before the figure, minor unit singular, plural)
    "INR": ("Indian Rupees", "Paisa", "Paise"),
    "USD": ("US Dollars", "Cent", "Cents"),
}


def amount_in_words(minor: int, currency: str) -> str:
    """'Indian Rupees Two Thousand Seven Hundred and One Paisa Only'; '' for a currency with
    no wording here. Paisa is singular, paise plural (and cent, cents)."""
    if currency not in _WORDS_UNITS:
        return ""
    major_name, one_minor, many_minor = _WORDS_UNITS[currency]
    major, cents = divmod(int(minor), 100)
    number = _indian_words(major) if currency == "INR" else _western_words(major)
    text = f"{major_name} {number}"
    if cents:
        text += f" and {_below_thousand(cents)} {one_minor if cents == 1 else many_minor}"
    return f"{text} Only"


def _western_words(n: int) -> str:
    """Whole numbers in thousands and millions, for dollar amounts."""
    if n == 0:
        return "Zero"
    words: list[str] = []
    for size, name in ((10**9, "Billion"), (10**6, "Million"), (1000, "Thousand")):
        count, n = divmod(n, size)
        if count:
            words.append(f"{_western_words(count)} {name}")
    if n:
        words.append(_below_thousand(n))
    return " ".join(words)

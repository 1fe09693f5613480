"""Money: an integer count of minor units plus an ISO currency code, shown with Babel.

Nothing here uses float. Display rounding is explicit and named, never the ambient decimal
context (Babel would otherwise round half-even and ₹162.5 would depend on thread state).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext

from babel.numbers import format_currency, get_currency_precision


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int count of minor units (no floats).")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"{self.currency!r} is not an ISO 4217 currency code like INR.")

    @property
    def exponent(self) -> int:
        return int(get_currency_precision(self.currency))

    def as_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-self.exponent)


def per_month_floor(*, total: Money, months: int) -> Money:
    """The per-month figure shown beside a plan: whole major units, rounded down.

    ₹3,900 over 24 months is ₹162.50, shown as ₹162: rounding down never overstates the price.
    """
    if months <= 0:
        raise ValueError("A billing period must be at least one month.")
    unit = 10**total.exponent
    whole_units = (total.minor // months) // unit
    return Money(minor=whole_units * unit, currency=total.currency)


def format_money(money: Money, *, locale: str, whole: bool | None = None) -> str:
    """₹2,700 / ₹1,00,000 in en_IN; paise shown only when there are some (or whole=False)."""
    amount = money.as_decimal()
    show_whole = whole if whole is not None else money.minor % (10**money.exponent) == 0
    with localcontext() as ctx:
        ctx.rounding = ROUND_FLOOR
        if show_whole:
            # The grouping comes from the locale; drop decimals explicitly.
            return str(
                format_currency(
                    amount.to_integral_value(rounding=ROUND_FLOOR),
                    money.currency,
                    locale=locale,
                    format="¤#,##,##0" if locale.startswith(("en_IN", "hi")) else "¤#,##0",
                    currency_digits=False,
                )
            )
        return str(format_currency(amount, money.currency, locale=locale))

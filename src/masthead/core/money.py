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


# The smallest step a price is shown in, in minor units: whole rupees, as the publisher's own
# plan page shows them (₹300/Month); every other currency to its minor unit ($3.75/Month).
DISPLAY_STEP_MINOR = {"INR": 100}

# The currencies a price may be set in: two decimals, as the checkout, the gateways and the
# tax documents handle them. JPY (no minor unit) and KWD (three decimals) are refused in the
# back office with a message rather than accepted and never offered.
SUPPORTED_CURRENCIES = ("INR", "USD")


def display_step(currency: str) -> int:
    return DISPLAY_STEP_MINOR.get(currency, 1)


def currency_problem(currency: str) -> str:
    """Why a price cannot be set in ``currency``, or '' if it can."""
    if currency in SUPPORTED_CURRENCIES:
        return ""
    try:
        decimals = int(get_currency_precision(currency))
    except (KeyError, ValueError):
        decimals = -1
    why = {
        0: f"{currency} has no minor unit",
        3: f"{currency} has three decimals",
    }.get(decimals, f"{currency} is not a currency Masthead can charge")
    return (
        f"Prices can be set in {' or '.join(SUPPORTED_CURRENCIES)} only: {why}, which the "
        "checkout, the payment gateways and the tax invoices here do not handle. Set this "
        "price in one of those currencies."
    )


def per_month_floor(*, total: Money, months: int) -> Money:
    """The per-month figure shown beside a plan, rounded down to the currency's displayed
    step: whole rupees (₹3,900 over 24 months is ₹162.50, shown ₹162), cents for dollars ($45
    a year is $3.75, not $3). Rounding down never overstates the price, and never understates
    it by a whole step."""
    if months <= 0:
        raise ValueError("A billing period must be at least one month.")
    step = display_step(total.currency)
    return Money(minor=(total.minor // months) // step * step, currency=total.currency)


def format_money(money: Money, *, locale: str, whole: bool | None = None) -> str:
    """₹2,700 / ₹1,00,000 in en_IN; paise shown only when there are some (or whole=False).
    A negative amount (a refund, a credit note) keeps its minus sign: -₹300.00."""
    if money.minor < 0:
        positive = Money(minor=-money.minor, currency=money.currency)
        return "-" + format_money(positive, locale=locale, whole=whole)
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


def format_refund(money: Money, *, locale: str) -> str:
    """Money going back to a reader (a refund, a credit note): always with its minus sign."""
    return format_money(
        Money(minor=-abs(money.minor), currency=money.currency), locale=locale, whole=False
    )

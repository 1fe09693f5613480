"""Dates, amounts and file names as the tax documents print them: the publisher's
calendar day, ₹2,700.00, 18%.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from masthead.core.money import Money, format_money

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RUPEE = "\u20b9"


# --- Dates and figures ---------------------------------------------------------------------


def local_date(moment: datetime) -> date:
    """The publisher's calendar day of an aware moment (settings.TIME_ZONE, e.g. IST)."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def local_day_label(moment: datetime) -> str:
    """'24 Feb 2027': the day in the publisher's time zone, month names never localised."""
    day = local_date(moment)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def attachment_filename(number: str) -> str:
    """A file name for a document number: 'ML/2627/000001' → 'ML-2627-000001.pdf'."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", number).strip("-.") or "document"
    return f"{safe}.pdf"


def money_label(minor: int, currency: str) -> str:
    return format_money(
        Money(minor=int(minor), currency=currency), locale=settings.LOCALE, whole=False
    )


def percent_label(basis_points: int | Decimal) -> str:
    """1800 → '18%', 900 → '9%', 625 → '6.25%' (exact; no float)."""
    value = (Decimal(basis_points) / 100).normalize()
    return f"{value:f}%"


def day_label(day: date) -> str:
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"

from __future__ import annotations

from django import template
from django.conf import settings

from masthead.core.money import Money, format_money

register = template.Library()


@register.filter
def money(minor: int | None, currency: str = "") -> str:
    """{{ invoice.total_minor|money:invoice.currency }} → ₹2,700 (paise shown if any)."""
    if minor is None:
        return ""
    return format_money(Money(int(minor), currency or settings.CURRENCY), locale=settings.LOCALE)

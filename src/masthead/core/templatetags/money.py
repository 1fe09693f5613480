from __future__ import annotations

from django import template
from django.conf import settings

from masthead.core.money import Money, format_money, format_refund

register = template.Library()


@register.filter
def money(minor: int | None, currency: str = "") -> str:
    """{{ invoice.total_minor|money:invoice.currency }} → ₹2,700 (paise shown if any)."""
    if minor is None:
        return ""
    return format_money(Money(int(minor), currency or settings.CURRENCY), locale=settings.LOCALE)


@register.filter
def refund(minor: int | None, currency: str = "") -> str:
    """{{ note.amount_minor|refund:note.currency }} → -₹300.00: money going back to a reader
    (a refund, a credit note) always carries its minus sign (issue 13)."""
    if minor is None:
        return ""
    return format_refund(Money(int(minor), currency or settings.CURRENCY), locale=settings.LOCALE)

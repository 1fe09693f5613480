from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from masthead.ads.presenters import ad_slot_html, with_nonce_mark

register = template.Library()


@register.simple_tag(takes_context=True)
def ad_slot(context: dict[str, Any], placement: str) -> SafeString:
    """``{% ad_slot "home" %}``: this page's ads for the reader, or nothing (ad-free)."""
    request = context.get("request")
    reader = getattr(request, "reader", None)
    if reader is None:
        return mark_safe("")
    # The slot template autoescapes house ads; only the staff-entered ad tag is raw.
    nonce = str(getattr(request, "csp_nonce", ""))
    return mark_safe(ad_slot_html(reader=reader, placement=placement, nonce=nonce))


@register.filter
def csp_nonce_mark(tag_html: str) -> str:
    """The ad tag's <script> elements, marked for the request's CSP nonce (presenters)."""
    return with_nonce_mark(tag_html)

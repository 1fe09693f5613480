"""``{% partner_codes user %}``: the reader's partner codes on their account page.

Reads only: codes are claimed by the worker's sweep and by the reader's partner page, never
while rendering a template.
"""

from __future__ import annotations

from typing import Any

from django import template

from masthead.partners import selectors

register = template.Library()


@register.inclusion_tag("partners/_account_codes.html")
def partner_codes(user: Any) -> dict[str, Any]:
    user_id = getattr(user, "pk", None)
    return {"codes": selectors.codes_of(user_id=user_id) if user_id else []}

from __future__ import annotations

from typing import Any

from django import template

from masthead.newsletters import selectors

register = template.Library()


@register.inclusion_tag("newsletters/_signup_box.html")
def newsletter_signup_box() -> dict[str, Any]:
    return {"newsletters": list(selectors.offered())}

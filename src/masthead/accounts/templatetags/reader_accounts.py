"""Template helpers for the account pages: carry a safe ``?next=`` from page to page."""

from __future__ import annotations

from typing import Any

from allauth.account.utils import get_next_redirect_url, passthrough_next_redirect_url
from django import template
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def safe_next(context: Any) -> str:
    """The page's ``next`` if allauth would follow it (same site), else ``""``.

    Off-site values such as ``https://evil.example/`` are never echoed into the page.
    """
    request = context.get("request")
    if request is None:
        return ""
    return get_next_redirect_url(request, REDIRECT_FIELD_NAME) or ""


@register.simple_tag(takes_context=True)
def url_with_next(context: Any, url_name: str) -> str:
    """``{% url url_name %}`` plus this page's safe ``?next=``, if it has one."""
    url = reverse(url_name)
    request = context.get("request")
    if request is None:
        return url
    return str(passthrough_next_redirect_url(request, url, REDIRECT_FIELD_NAME))

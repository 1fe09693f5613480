from __future__ import annotations

import datetime as dt

from django import template

from masthead.core.web import absolute_url, machine_datetime, running_name

register = template.Library()


@register.filter
def iso(value: dt.datetime | None) -> str:
    """<time datetime="{{ story.published_at|iso }}">: valid HTML, publisher's time zone."""
    return machine_datetime(value)


@register.filter
def absolute(path: str) -> str:
    """{{ story.get_absolute_url|absolute }}: the site's absolute URL (MASTHEAD_SITE_URL)."""
    return absolute_url(str(path))


@register.filter
def in_running_text(name: str) -> str:
    """A name after "your" or "the" in a sentence: "The Deccan Review" -> "Deccan Review", so
    copy reads "Your Deccan Review code", never "Your The Deccan Review code"."""
    return running_name(str(name))

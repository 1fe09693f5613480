"""Values written for machines (HTML ``datetime``, JSON-LD, sitemaps, feeds), one way everywhere."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def machine_datetime(value: dt.datetime | None) -> str:
    """ISO 8601 in the publisher's time zone, to the second: ``2026-12-06T06:30:33+05:30``.

    Django's ``|date:'c'`` keeps microseconds, which HTML's ``datetime`` attribute refuses (a
    fraction of a second has at most three digits, HTML Living Standard §2.3.5) and which no
    reader or crawler needs."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def absolute_url(path: str) -> str:
    """This site's absolute URL for a path, from the one setting (``MASTHEAD_SITE_URL``)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + (path if path.startswith("/") else "/" + path)


def running_name(name: str) -> str:
    """A proper name as it reads after "your" or "the": without its own leading "The"."""
    name = name.strip()
    return name[4:].lstrip() if name[:4].lower() == "the " and len(name) > 4 else name

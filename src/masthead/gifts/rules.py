"""The rules of giving stories, in one place."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from masthead.access.models import Benefit

# Who may give: readers the gate lets use ``unlimited_stories``, i.e. subscribers. It is the
# benefit every plan carries and the one that makes a reader a subscriber rather than a metered
# reader; a gift is a subscriber sharing what they can read. (A premium story is given only by a
# reader the gate lets read it in full as well.)
GIVING_BENEFIT = Benefit.UNLIMITED_STORIES


def gift_lifetime() -> dt.timedelta:
    """How long a gift link opens its story, counted from when it was given."""
    return dt.timedelta(days=int(settings.GIFT_DAYS))

"""'Now' for a reader's entitlements, seen through billing's clock when it has one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


def reader_now(user_id: int | None) -> dt.datetime:
    """Real time, except for a sandbox reader on a billing test clock: their grants were written
    on that clock, so the gate reads them on it too (configured: ACCESS_READER_CLOCK)."""
    if user_id is None or not settings.ACCESS_READER_CLOCK:
        return timezone.now()
    provider: Callable[[int], dt.datetime] = import_string(settings.ACCESS_READER_CLOCK)
    return provider(user_id)

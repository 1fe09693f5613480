"""The billing clock: real time, or a sandbox customer's test clock.

Billing decisions (is a renewal due? has the period ended?) use the customer's clock, and the
grants billing writes are in that clock's time. The gate asks ``reader_now`` (wired in through
ACCESS_READER_CLOCK) so a sandbox reader's access follows their test clock too.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from masthead.billing.models import Customer, TestClock


def now_for(customer: Customer | None) -> dt.datetime:
    clock = customer.test_clock if customer is not None else None
    return clock.frozen_time if clock is not None else timezone.now()


def reader_now(user_id: int) -> dt.datetime:
    """The billing clock of a reader: their test clock's time if they have one (sandbox)."""
    frozen = (
        TestClock.objects.filter(customers__user_id=user_id)
        .values_list("frozen_time", flat=True)
        .first()
    )
    return frozen if frozen is not None else timezone.now()


def advance(clock: TestClock, *, by: dt.timedelta) -> TestClock:
    """Move a test clock forward (never back: billing history cannot be unwritten)."""
    if by <= dt.timedelta(0):
        raise ValueError("A test clock only moves forward; give a positive number of days.")
    TestClock.objects.filter(pk=clock.pk).update(frozen_time=clock.frozen_time + by)
    clock.refresh_from_db()
    return clock

"""The billing clock: real time, or a sandbox customer's test clock.

Billing decisions (is a renewal due? has the period ended?) use the customer's clock. Access
grants are read by the gate against real time, so times written into grants are translated
with ``to_real``: "the period ends 3 days from now on the test clock" becomes "3 days from now".
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from masthead.billing.models import Customer, TestClock


def now_for(customer: Customer | None) -> dt.datetime:
    clock = customer.test_clock if customer is not None else None
    return clock.frozen_time if clock is not None else timezone.now()


def to_real(customer: Customer | None, moment: dt.datetime) -> dt.datetime:
    clock = customer.test_clock if customer is not None else None
    if clock is None:
        return moment
    return timezone.now() + (moment - clock.frozen_time)


def advance(clock: TestClock, *, by: dt.timedelta) -> TestClock:
    """Move a test clock forward (never back: billing history cannot be unwritten)."""
    if by <= dt.timedelta(0):
        raise ValueError("A test clock only moves forward; give a positive number of days.")
    TestClock.objects.filter(pk=clock.pk).update(frozen_time=clock.frozen_time + by)
    clock.refresh_from_db()
    return clock

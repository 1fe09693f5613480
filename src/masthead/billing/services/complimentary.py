"""Free time given by staff: a later renewal for a subscriber on our clock, complimentary
access for anyone else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from masthead.access import services as access
from masthead.billing import queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.models import Customer, Subscription, SubscriptionStatus
from masthead.billing.periods import add_months, period
from masthead.billing.services import settlement
from masthead.billing.services.common import (
    BillingError,
    _day,
    _locked,
    _set_access_until,
    record_event,
)


@dataclass(frozen=True)
class Complimentary:
    """What a complimentary extension did: moved a subscription's renewal, or gave access."""

    renewal_moved: bool
    until: dt.datetime
    message: str


def give_complimentary(
    *, customer: Customer, duration: access.CompDuration, staff: User, note: str = ""
) -> Complimentary:
    """Staff give a reader free time.

    A subscriber renewing on our own billing clock gets it as a later renewal: the period they
    paid for runs on by ``duration`` and nothing is charged until it ends (free time that ran
    beside a paid period would be worth nothing to them). Anyone else (no subscription, a
    renewal already failed, or a gateway that keeps its own schedule) gets complimentary
    access to every benefit for ``duration`` from now.
    """
    label = access.COMP_DURATION_LABELS[duration]
    why = f": {note}" if note else ""
    with transaction.atomic():
        live = (
            Subscription.objects.filter(
                customer=customer, status=SubscriptionStatus.ACTIVE, gateway_subscription_id=""
            )
            .values_list("pk", flat=True)
            .first()
        )
        if live is not None:
            sub = _locked(live)
            old_end = sub.current_period_end
            if old_end is None or sub.anchor is None:
                raise BillingError("This subscription has no period to extend.")
            new_end = access.comp_ends_at(starts_at=old_end, duration=duration)
            if new_end is None:
                raise BillingError("Complimentary time from the back office is for a fixed period.")
            # Every period derives from the anchor (periods.py): a new anchor moves this
            # period's end and every renewal after it; the pre-debit notice follows the date.
            sub.anchor = _anchor_ending_by(
                end=new_end, index=sub.period_index, months=sub.plan.period_months
            )
            sub.current_period_end = period(
                anchor=sub.anchor, index=sub.period_index, months=sub.plan.period_months
            ).end
            sub.next_action_at = settlement.renewal_action_at(sub)
            sub.save(update_fields=["anchor", "current_period_end", "next_action_at"])
            _set_access_until(sub, sub.current_period_end)
            record_event(
                customer=customer,
                subscription=sub,
                kind="complimentary",
                message=f"{label} free by {staff.get_username()}: renews "
                f"{_day(sub.current_period_end)} instead of {_day(old_end)}{why}",
                at=now_for(customer),
                ends_at=sub.current_period_end,
            )
            queue.after_commit(
                tasks.send_complimentary_time, subscription_id=sub.pk, label=label, note=note
            )
            verb = "access ends" if sub.cancel_at_period_end else "the next renewal is"
            return Complimentary(
                renewal_moved=True,
                until=sub.current_period_end,
                message=f"{label} free for {customer.user.email}: {verb} on "
                f"{_day(sub.current_period_end)} instead of {_day(old_end)}.",
            )
        now = now_for(customer)
        grants = access.grant_complimentary(
            user=customer.user,
            duration=duration,
            granted_by=staff,
            note=f"Complimentary, {label}{why}",
            # On the reader's billing clock (a sandbox reader's test clock), the clock the gate
            # reads their grants against (ACCESS_READER_CLOCK).
            now=now,
        )
        until = grants[0].ends_at
        if until is None:
            raise BillingError("Complimentary time from the back office is for a fixed period.")
        record_event(
            customer=customer,
            subscription=None,
            kind="complimentary",
            message=f"Complimentary access for {label} by {staff.get_username()}{why}",
            at=now,
            ends_at=until,
        )
        queue.after_commit(
            tasks.send_complimentary_access,
            customer_id=customer.pk,
            label=label,
            until=until.isoformat(),
            note=note,
        )
    return Complimentary(
        renewal_moved=False,
        until=until,
        message=f"{customer.user.email} has complimentary access for {label}, until {_day(until)}.",
    )


def _anchor_ending_by(*, end: dt.datetime, index: int, months: int) -> dt.datetime:
    """The anchor whose period ``index`` ends at ``end``; where no anchor does (30 May has no
    twin three months earlier: 28 Feb gives 28 May), the first day after it that ends later,
    so free time is never shorter than what staff gave."""
    anchor = add_months(end, -(index + 1) * months)
    while period(anchor=anchor, index=index, months=months).end < end:
        anchor += dt.timedelta(days=1)
    return anchor

"""Reading newsletters' data: what is offered, a reader's choices, counts for the back office."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from masthead.newsletters.models import (
    Delivery,
    DeliveryStatus,
    Issue,
    Newsletter,
    Signup,
    SignupStatus,
    Suppression,
)
from masthead.newsletters.services import may_receive


def offered() -> QuerySet[Newsletter]:
    return Newsletter.objects.filter(is_active=True).order_by("position", "name")


def by_slugs(*, slugs: list[str]) -> list[Newsletter]:
    return list(offered().filter(slug__in=slugs))


@dataclass(frozen=True, slots=True)
class Choice:
    newsletter: Newsletter
    status: str | None  # the address's sign-up status, None if never signed up
    may_receive: bool  # False: subscriber-only and this reader lacks the benefit

    @property
    def receiving(self) -> bool:
        return self.status == SignupStatus.ACTIVE and self.may_receive

    @property
    def paused(self) -> bool:
        """Signed up, but the newsletter is for subscribers and the reader no longer is one."""
        return self.status == SignupStatus.ACTIVE and not self.may_receive

    @property
    def pending(self) -> bool:
        return self.status == SignupStatus.PENDING


def choices_for(
    *, email: str | None, user_id: int | None, now: dt.datetime | None = None
) -> list[Choice]:
    now = now or timezone.now()
    statuses: dict[int, str] = {}
    if email:
        statuses = dict(
            Signup.objects.filter(email=email.strip().lower()).values_list(
                "newsletter_id", "status"
            )
        )
    return [
        Choice(
            newsletter=n,
            status=statuses.get(n.pk),
            may_receive=may_receive(newsletter=n, user_id=user_id, now=now),
        )
        for n in offered()
    ]


def receiving_signups() -> QuerySet[Signup]:
    """Active sign-ups whose address is not suppressed (bounced, complained, stopped by staff):
    the addresses an issue would go to, before the subscriber-only check."""
    return Signup.objects.filter(status=SignupStatus.ACTIVE).exclude(
        email__in=Suppression.objects.values("email")
    )


def active_counts() -> dict[int, int]:
    rows = (
        receiving_signups()
        .values("newsletter_id")
        .annotate(n=Count("pk"))
        .values_list("newsletter_id", "n")
    )
    return dict(rows)


def subscribers_over_time(
    *, newsletter: Newsletter, days: int = 28, step: int = 7, now: dt.datetime | None = None
) -> list[tuple[dt.date, int]]:
    """Confirmed addresses on the list at the end of each ``step``-day period, oldest first
    (the publisher's days). Worked out from the sign-ups' confirmed and unsubscribed times and
    the suppressions' times, so it needs no snapshot job. A sign-up keeps only its latest
    spell: an address that left and came back counts from its return."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(tz).date()
    points = []
    for back in range(days - step, -step, -step):
        day = today - dt.timedelta(days=back)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        count = (
            Signup.objects.filter(
                Q(unsubscribed_at__isnull=True) | Q(unsubscribed_at__gte=end),
                newsletter=newsletter,
                confirmed_at__lt=end,
            )
            # Nothing goes to a suppressed address: from then on it is not a subscriber.
            .exclude(email__in=Suppression.objects.filter(created_at__lt=end).values("email"))
            .count()
        )
        points.append((day, count))
    return points


@dataclass(frozen=True, slots=True)
class IssueCounts:
    total: int
    sent: int
    failed: int
    skipped: int
    waiting: int


def issue_counts(*, issue: Issue) -> IssueCounts:
    by_status = dict(
        Delivery.objects.filter(issue=issue)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return IssueCounts(
        total=sum(by_status.values()),
        sent=by_status.get(DeliveryStatus.SENT, 0),
        failed=by_status.get(DeliveryStatus.FAILED, 0),
        skipped=by_status.get(DeliveryStatus.SKIPPED, 0),
        waiting=by_status.get(DeliveryStatus.PENDING, 0) + by_status.get(DeliveryStatus.CLAIMED, 0),
    )


def verified_email(*, user_id: int, email: str) -> bool:
    """Has the reader proved this address theirs (allauth's confirmation)?"""
    from allauth.account.models import EmailAddress

    return bool(
        EmailAddress.objects.filter(user_id=user_id, email__iexact=email, verified=True).exists()
    )

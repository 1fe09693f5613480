"""Reading gifts: the giver's allowance this month and their gifts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from masthead.gifts.models import Gift
from masthead.newsroom.models import Article


class GiftState(StrEnum):
    LIVE = "live"
    EXPIRED = "expired"
    REVOKED = "revoked"


def month_key(*, now: dt.datetime) -> str:
    """The publisher's calendar month ("2026-11") that ``now`` falls in."""
    return now.astimezone(ZoneInfo(settings.TIME_ZONE)).strftime("%Y-%m")


def next_month_starts(*, now: dt.datetime) -> dt.date:
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return (local.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def monthly_allowance() -> int:
    return int(settings.GIFTS_PER_MONTH)


def gifts_given_in_month(*, giver_id: int, now: dt.datetime) -> int:
    """Gifts given this publisher month. Revoked ones count: revoking is not a way to give
    more."""
    return Gift.objects.filter(giver_id=giver_id, month=month_key(now=now)).count()


def gifts_left(*, giver_id: int, now: dt.datetime) -> int:
    return max(0, monthly_allowance() - gifts_given_in_month(giver_id=giver_id, now=now))


def state_of(gift: Gift, *, now: dt.datetime) -> GiftState:
    if gift.revoked_at is not None:
        return GiftState.REVOKED
    if now >= gift.expires_at:
        return GiftState.EXPIRED
    return GiftState.LIVE


def live_gift_of(*, giver_id: int, article_id: int, now: dt.datetime) -> Gift | None:
    return (
        Gift.objects.filter(
            giver_id=giver_id, article_id=article_id, revoked_at__isnull=True, expires_at__gt=now
        )
        .order_by("-created_at")
        .first()
    )


def gifts_of(*, giver_id: int, limit: int = 100) -> QuerySet[Gift]:
    return Gift.objects.filter(giver_id=giver_id).select_related("article", "article__section")[
        :limit
    ]


def giftable_story(*, article_id: int) -> Article | None:
    """A published story, by id (the "Give this story" button names it by id)."""
    return Article.objects.published().select_related("section").filter(pk=article_id).first()

"""Giving, opening and revoking gift stories."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from masthead.access.gate import Context, Reason, decide, may_use
from masthead.access.identity import Reader
from masthead.gifts import selectors
from masthead.gifts.models import Gift
from masthead.gifts.rules import GIVING_BENEFIT, gift_lifetime
from masthead.newsroom.models import AccessLevel, Article

logger = logging.getLogger(__name__)


class GiftRefused(Exception):
    """Why a story could not be given, in words for the reader."""


@dataclass(frozen=True, slots=True)
class Given:
    gift: Gift
    created: bool  # False: the giver's live gift of this story was handed back


def _refuse_unless_may_give(*, giver: User, article: Article) -> None:
    reader = Reader(user_id=giver.pk, anonymous_id=None)
    if not may_use(reader=reader, benefit=GIVING_BENEFIT).full:
        raise GiftRefused(
            "Giving stories is part of a subscription. Subscribe to give up to "
            f"{selectors.monthly_allowance()} stories a month."
        )
    if article.access_level == AccessLevel.FREE:
        raise GiftRefused("This story is free for everyone: share its address as it is.")
    # A premium story is given only by a reader who may read it in full themselves.
    seen = decide(reader=reader, article=article, context=Context(count=False))
    if seen.reason != Reason.ENTITLED:
        raise GiftRefused("You can give only stories your subscription lets you read in full.")


def give_story(*, giver: User, article: Article, now: dt.datetime | None = None) -> Given:
    """Give a story: a new gift link, or the giver's live one for this story (so a double click
    or a second try costs nothing). Refused past the month's allowance, with when it renews."""
    now = now or timezone.now()
    _refuse_unless_may_give(giver=giver, article=article)
    existing = selectors.live_gift_of(giver_id=giver.pk, article_id=article.pk, now=now)
    if existing is not None:
        return Given(gift=existing, created=False)
    month = selectors.month_key(now=now)
    allowance = selectors.monthly_allowance()
    # Each gift takes the month's next number; the unique (giver, month, number) makes a
    # parallel give that took the same number fail, and it tries the next one.
    for _attempt in range(allowance + 1):
        given = selectors.gifts_given_in_month(giver_id=giver.pk, now=now)
        if given >= allowance:
            renews = date_format(selectors.next_month_starts(now=now), "j F")
            raise GiftRefused(
                f"You have given all {allowance} of this month’s gift stories. "
                f"You can give more from {renews}."
            )
        try:
            with transaction.atomic():
                gift = Gift.objects.create(
                    giver=giver,
                    article=article,
                    created_at=now,
                    expires_at=now + gift_lifetime(),
                    month=month,
                    number=given + 1,
                )
        except IntegrityError:
            continue
        logger.info("gift %s given by reader %s (story %s)", gift.pk, giver.pk, article.pk)
        return Given(gift=gift, created=True)
    raise GiftRefused("Too many gifts at once: please try again.")


def record_open(*, gift: Gift, now: dt.datetime | None = None) -> None:
    Gift.objects.filter(pk=gift.pk).update(
        opens=F("opens") + 1, last_opened_at=now or timezone.now()
    )


def revoke_gift(*, gift_id: int, giver: User, now: dt.datetime | None = None) -> Gift:
    """The giver withdraws a gift: its link stops opening the story at once. Revoking twice is
    harmless. Gift.DoesNotExist if it is not this giver's gift."""
    gift = Gift.objects.select_related("article").get(pk=gift_id, giver=giver)
    if gift.revoked_at is None:
        Gift.objects.filter(pk=gift.pk, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now()
        )
        gift.refresh_from_db()
    return gift

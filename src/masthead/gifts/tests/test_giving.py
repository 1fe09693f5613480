"""Giving stories: who may, how many a month (publisher's calendar), and the same story twice."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse

from masthead.access.models import Benefit
from masthead.gifts import selectors, services
from masthead.gifts.models import Gift
from masthead.ops import testing

from .conftest import make_subscriber

pytestmark = pytest.mark.django_db

# 30 Nov 2026, 23:50 and 1 Dec 2026, 00:10 in Kolkata (UTC+5:30).
LAST_MINUTES_OF_NOVEMBER = dt.datetime(2026, 11, 30, 18, 20, tzinfo=dt.UTC)
FIRST_MINUTES_OF_DECEMBER = dt.datetime(2026, 11, 30, 18, 40, tzinfo=dt.UTC)


def test_a_subscriber_gives_five_stories_a_month_and_the_sixth_is_refused_with_when(subscriber):
    stories = [testing.article() for _ in range(6)]
    for story in stories[:5]:
        assert services.give_story(
            giver=subscriber, article=story, now=LAST_MINUTES_OF_NOVEMBER
        ).created
    assert selectors.gifts_left(giver_id=subscriber.pk, now=LAST_MINUTES_OF_NOVEMBER) == 0
    with pytest.raises(services.GiftRefused, match=r"all 5 .* from 1 December"):
        services.give_story(giver=subscriber, article=stories[5], now=LAST_MINUTES_OF_NOVEMBER)
    assert Gift.objects.count() == 5


def test_the_allowance_renews_at_midnight_in_the_publishers_time_zone(subscriber):
    stories = [testing.article() for _ in range(6)]
    for story in stories[:5]:
        services.give_story(giver=subscriber, article=story, now=LAST_MINUTES_OF_NOVEMBER)
    # 18:40 UTC is still 30 November in London, but 1 December in Kolkata: a new month.
    given = services.give_story(giver=subscriber, article=stories[5], now=FIRST_MINUTES_OF_DECEMBER)
    assert given.created
    assert given.gift.month == "2026-12"
    assert selectors.gifts_left(giver_id=subscriber.pk, now=FIRST_MINUTES_OF_DECEMBER) == 4


def test_revoked_gifts_still_count_against_the_month(subscriber):
    stories = [testing.article() for _ in range(6)]
    for story in stories[:5]:
        gift = services.give_story(giver=subscriber, article=story).gift
        services.revoke_gift(gift_id=gift.pk, giver=subscriber)
    with pytest.raises(services.GiftRefused):
        services.give_story(giver=subscriber, article=stories[5])


def test_giving_the_same_story_again_hands_back_the_live_link_and_costs_nothing(subscriber):
    story = testing.article()
    first = services.give_story(giver=subscriber, article=story)
    again = services.give_story(giver=subscriber, article=story)
    assert again.gift.pk == first.gift.pk
    assert not again.created
    assert selectors.gifts_left(giver_id=subscriber.pk, now=first.gift.created_at) == 4


def test_readers_without_a_subscription_cannot_give(db):
    reader = testing.reader_account()
    with pytest.raises(services.GiftRefused, match="part of a subscription"):
        services.give_story(giver=reader, article=testing.article())
    assert not Gift.objects.exists()


def test_free_stories_are_not_given_they_are_shared(subscriber):
    with pytest.raises(services.GiftRefused, match="free for everyone"):
        services.give_story(giver=subscriber, article=testing.article(access_level="free"))


def test_a_premium_story_is_given_only_by_a_reader_who_may_read_it(db):
    metered_only = make_subscriber(benefits=(Benefit.UNLIMITED_STORIES,))
    with pytest.raises(services.GiftRefused, match="read in full"):
        services.give_story(giver=metered_only, article=testing.article(access_level="premium"))
    full = make_subscriber()
    assert services.give_story(giver=full, article=testing.article(access_level="premium")).created


def test_a_reader_revokes_only_their_own_gifts(subscriber, client):
    gift = services.give_story(giver=subscriber, article=testing.article()).gift
    someone = make_subscriber()
    client.force_login(someone)
    response = client.post(reverse("gifts:revoke", args=[gift.pk]))
    assert response.status_code == 404
    gift.refresh_from_db()
    assert gift.revoked_at is None


def test_the_give_button_gives_and_the_list_shows_whats_left(subscriber, client):
    story = testing.article()
    client.force_login(subscriber)
    page = client.get(story.get_absolute_url()).content.decode()
    assert reverse("gifts:give", args=[story.pk]) in page
    assert "Give this story" in page
    confirm = client.get(reverse("gifts:give", args=[story.pk])).content.decode()
    assert "5</strong> of 5 gifts left this month" in confirm
    response = client.post(reverse("gifts:give", args=[story.pk]), follow=True)
    page = response.content.decode()
    assert "is ready" in page
    assert "4</strong> gifts left this month" in page
    gift = Gift.objects.get()
    assert f'id="gift-{gift.pk}"' in page
    assert "0 times" in page


def test_the_sixth_gift_through_the_page_says_why(subscriber, client):
    stories = [testing.article() for _ in range(6)]
    for story in stories[:5]:
        services.give_story(giver=subscriber, article=story)
    client.force_login(subscriber)
    page = client.post(reverse("gifts:give", args=[stories[5].pk]), follow=True).content.decode()
    assert "You have given all 5 of this month’s gift stories" in page
    assert Gift.objects.count() == 5


def test_metered_readers_see_no_give_button(client, db):
    story = testing.article()
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Give this story" not in page
    reader = testing.reader_account()
    client.force_login(reader)
    assert "Give this story" not in client.get(story.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_parallel_gives_never_exceed_the_months_allowance():
    giver = make_subscriber()
    stories = [testing.article() for _ in range(8)]
    barrier = threading.Barrier(len(stories))

    def give(story):
        try:
            barrier.wait(timeout=30)
            return services.give_story(giver=giver, article=story).gift.pk
        except services.GiftRefused:
            return None
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(stories)) as pool:
        results = list(pool.map(give, stories))
    assert len([r for r in results if r is not None]) == 5
    assert sorted(Gift.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]

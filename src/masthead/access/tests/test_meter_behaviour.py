"""The meter's behaviour, run once per store: the database store, and Redis when present."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from masthead.access.gate import Context, Reason, Surface, decide, meter_store
from masthead.access.identity import Reader
from masthead.access.models import Audience, MeterMiss, MeterPeriod
from masthead.ops import testing

pytestmark = pytest.mark.django_db

NOV = dt.datetime(2026, 11, 10, 6, 0, tzinfo=dt.UTC)


def anon(key: str = "0" * 32) -> Reader:
    return Reader(user_id=None, anonymous_id=key)


def read(reader: Reader, story, *, now=NOV, **context):
    return decide(reader=reader, article=story, context=Context(now=now, **context))


def test_a_reader_gets_exactly_the_free_limit_of_new_stories(meter_store_name):
    testing.demo_rules()
    reader = anon()
    stories = [testing.article() for _ in range(4)]
    first_three = [read(reader, s) for s in stories[:3]]
    assert all(d.full for d in first_three)
    assert [d.remaining for d in first_three] == [2, 1, 0]
    fourth = read(reader, stories[3])
    assert not fourth.full
    assert fourth.free_limit == 3


def test_rereading_an_article_does_not_use_the_meter(meter_store_name):
    testing.demo_rules()
    reader = anon()
    story = testing.article()
    for _ in range(5):
        decision = read(reader, story)
        assert decision.full
        assert decision.remaining == 2


def test_a_counted_story_stays_open_after_the_meter_is_used_up(meter_store_name):
    testing.demo_rules()
    reader = anon()
    stories = [testing.article() for _ in range(4)]
    for s in stories[:3]:
        read(reader, s)
    assert not read(reader, stories[3]).full
    assert read(reader, stories[0]).full


def test_the_meter_starts_again_in_the_next_calendar_month(meter_store_name):
    testing.demo_rules()
    reader = anon()
    stories = [testing.article() for _ in range(4)]
    for s in stories[:3]:
        read(reader, s)
    assert not read(reader, stories[3]).full
    # 1 Dec, 00:10 in Kolkata is still 30 Nov in UTC: the publisher's month decides.
    december = dt.datetime(2026, 11, 30, 18, 40, tzinfo=dt.UTC)
    assert read(reader, stories[3], now=december).full


def test_a_rolling_window_lets_old_reads_fall_away(meter_store_name):
    testing.rule(free_limit=1, period=MeterPeriod.ROLLING_DAYS, rolling_days=7)
    reader = anon()
    first, second = testing.article(), testing.article()
    assert read(reader, first).full
    assert not read(reader, second, now=NOV + dt.timedelta(days=6)).full
    assert read(reader, second, now=NOV + dt.timedelta(days=7, seconds=1)).full


def test_premium_stories_never_count_and_always_need_a_subscription(meter_store_name):
    testing.demo_rules()
    reader = anon()
    premium = testing.article(access_level="premium")
    decision = read(reader, premium)
    assert not decision.full
    assert decision.reason == Reason.PREMIUM
    # ...and opening it used none of the reader's free stories.
    assert read(reader, testing.article()).remaining == 2


def test_free_stories_are_open_and_never_counted(meter_store_name):
    testing.demo_rules()
    reader = anon()
    assert read(reader, testing.article(access_level="free")).reason == Reason.FREE_STORY
    assert read(reader, testing.article()).remaining == 2


def test_wire_stories_and_exempt_sections_are_free_under_a_rule_that_says_so(meter_store_name):
    opinion = testing.section("opinion")
    meter = testing.rule(free_limit=1, exempt_wire_stories=True)
    meter.exempt_sections.add(opinion)
    testing.forget_cached_rules()
    reader = anon()
    assert read(reader, testing.article(wire=testing.agency())).reason == Reason.NOT_METERED
    assert read(reader, testing.article(in_section=opinion)).reason == Reason.NOT_METERED
    assert read(reader, testing.article()).full
    assert not read(reader, testing.article()).full


def test_a_rule_can_meter_only_some_sections_and_the_first_match_applies(meter_store_name):
    markets = testing.section("markets")
    strict = testing.rule(free_limit=1, position=1)
    strict.counted_sections.add(markets)
    testing.rule(free_limit=3, position=2)
    testing.forget_cached_rules()
    reader = anon()
    assert read(reader, testing.article(in_section=markets)).full
    second_markets = read(reader, testing.article(in_section=markets))
    assert not second_markets.full
    assert second_markets.free_limit == 1
    # Other sections fall to the general rule.
    assert read(reader, testing.article()).free_limit == 3


def test_a_limit_of_zero_gates_every_metered_story(meter_store_name):
    testing.rule(free_limit=0)
    assert not read(anon(), testing.article()).full


def test_signing_in_carries_the_anonymous_count_into_the_account(meter_store_name):
    testing.demo_rules()
    browser = anon("a" * 32)
    stories = [testing.article() for _ in range(6)]
    for s in stories[:3]:
        read(browser, s)
    user = testing.reader_account()
    store = meter_store()
    store.merge(
        from_key=browser.meter_key, into_key=f"u:{user.pk}", since=NOV - dt.timedelta(days=40)
    )
    account = Reader(user_id=user.pk, anonymous_id=browser.anonymous_id)
    # Registered readers get 5: three already read, so two more, then the prompt.
    assert read(account, stories[3]).remaining == 1
    assert read(account, stories[4]).remaining == 0
    assert not read(account, stories[5]).full
    # The stories read anonymously are still open to the account.
    assert read(account, stories[0]).full


def test_signing_out_does_not_reset_the_count(meter_store_name):
    testing.demo_rules()
    user = testing.reader_account()
    account = Reader(user_id=user.pk, anonymous_id="b" * 32)
    stories = [testing.article() for _ in range(4)]
    for s in stories[:3]:
        read(account, s)
    meter_store().merge(
        from_key=account.meter_key, into_key="a:" + "b" * 32, since=NOV - dt.timedelta(days=40)
    )
    assert not read(anon("b" * 32), stories[3]).full


def test_a_forged_reader_cookie_earns_no_free_stories(meter_store_name):
    testing.demo_rules()
    forged = Reader(user_id=None, anonymous_id="c" * 32, forged=True)
    assert not read(forged, testing.article()).full


def test_a_feed_never_uses_the_meter_and_carries_no_gated_text(meter_store_name):
    testing.demo_rules()
    reader = anon()
    story = testing.article()
    assert not read(reader, story, surface=Surface.FEED, count=False).full
    assert read(reader, testing.article()).remaining == 2


def test_a_request_that_does_not_count_opens_only_stories_already_counted(meter_store_name):
    testing.demo_rules()
    reader = anon()
    counted, other = testing.article(), testing.article()
    read(reader, counted)
    assert read(reader, counted, count=False).full
    peek = read(reader, other, count=False)
    assert not peek.full
    assert peek.remaining == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_requests_with_one_story_left_let_exactly_one_through(meter_store_name):
    testing.demo_rules()
    reader = anon("d" * 32)
    warmup = [testing.article() for _ in range(2)]
    for s in warmup:
        assert read(reader, s).full
    stories = [testing.article() for _ in range(20)]
    barrier = threading.Barrier(len(stories))

    def open_story(story):
        try:
            barrier.wait(timeout=10)
            return read(reader, story).full
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(stories)) as pool:
        outcomes = list(pool.map(open_story, stories))
    assert outcomes.count(True) == 1
    assert outcomes.count(False) == 19


@pytest.mark.parametrize(("policy", "full"), [("allow", True), ("deny", False)])
def test_an_unreachable_redis_follows_the_policy_and_records_the_miss(settings, policy, full):
    from masthead.access.gate import reset_meter_store

    settings.METER_STORE = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.METER_UNAVAILABLE_POLICY = policy
    reset_meter_store()
    testing.demo_rules()
    decision = read(anon(), testing.article())
    assert decision.full is full
    assert decision.reason == Reason.METER_UNAVAILABLE
    miss = MeterMiss.objects.get()
    assert miss.store == "redis"
    assert miss.policy == policy


def test_signed_in_readers_are_metered_by_their_own_rule(meter_store_name):
    testing.rule(audience=Audience.ANONYMOUS, free_limit=1)
    testing.rule(audience=Audience.REGISTERED, free_limit=2, position=20)
    user = testing.reader_account()
    account = Reader(user_id=user.pk, anonymous_id=None)
    assert read(account, testing.article()).remaining == 1


def test_counted_stories_are_forgotten_once_no_window_needs_them(meter_store_name, settings):
    """Redis keys expire when their period ends; the database store prunes old rows."""
    testing.demo_rules()
    reader = anon("e" * 32)
    read(reader, testing.article())
    if meter_store_name == "redis":
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        ttl = client.ttl(f"{settings.REDIS_PREFIX}:meter:{reader.meter_key}")
        # NOV is 10 Nov 06:00 UTC; the Kolkata month ends 30 Nov 18:30 UTC.
        expected = (dt.datetime(2026, 11, 30, 18, 30, tzinfo=dt.UTC) - NOV).total_seconds()
        assert expected - 5 <= ttl <= expected
    else:
        from masthead.access.models import MeterView
        from masthead.access.stores import DatabaseMeterStore

        assert DatabaseMeterStore().prune(now=NOV + dt.timedelta(days=30)) == 0
        assert DatabaseMeterStore().prune(now=NOV + dt.timedelta(days=401)) == 1
        assert not MeterView.objects.exists()


def test_the_database_store_keeps_only_what_the_active_rules_can_count(settings):
    """Monthly rules look back at most 31 days (a day's margin: 32); a 90-day rolling rule 91."""
    from masthead.access.models import MeterView
    from masthead.access.selectors import meter_history_needed
    from masthead.access.stores import DatabaseMeterStore

    settings.METER_STORE = "database"
    testing.demo_rules()
    store = DatabaseMeterStore()
    for age in (20, 31, 33, 60, 95):
        MeterView.objects.create(
            reader_key=f"a:{age:032d}", article_id=1, viewed_at=NOV - dt.timedelta(days=age)
        )
    assert meter_history_needed() == dt.timedelta(days=32)
    assert store.prune(now=NOV, keep=meter_history_needed()) == 3  # 33, 60 and 95 days old
    assert sorted(v.reader_key[-2:] for v in MeterView.objects.all()) == ["20", "31"]

    testing.rule(period=MeterPeriod.ROLLING_DAYS, rolling_days=90, position=30)
    MeterView.objects.create(
        reader_key="a:" + "9" * 32, article_id=1, viewed_at=NOV - dt.timedelta(days=95)
    )
    MeterView.objects.create(
        reader_key="a:" + "8" * 32, article_id=1, viewed_at=NOV - dt.timedelta(days=85)
    )
    assert meter_history_needed() == dt.timedelta(days=91)
    assert store.prune(now=NOV, keep=meter_history_needed()) == 1  # the 95-day-old view
    assert MeterView.objects.filter(reader_key="a:" + "8" * 32).exists()

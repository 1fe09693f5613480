"""The gate for the plan's story benefits: premium stories, market analysis and the archives.

Each is refused, with its own prompt, to a reader without the benefit, opened to a reader with
it, and never opened by the meter."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.access import services
from masthead.access.gate import Context, Reason, decide, may_use, needed_benefits
from masthead.access.identity import Reader
from masthead.access.models import ArchivePolicy, Benefit, GrantSource, PromptKind
from masthead.ops import testing

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 10, 6, 0, tzinfo=dt.UTC)
RECENT = NOW - dt.timedelta(days=3)
OLD = NOW - dt.timedelta(days=400)  # the default archive policy: older than 365 days


def anon(key: str = "a" * 32) -> Reader:
    return Reader(user_id=None, anonymous_id=key)


def subscriber(*benefits: str) -> Reader:
    user = testing.reader_account()
    if benefits:
        services.grant_benefits(
            user=user,
            benefits=list(benefits),
            source=GrantSource.SUBSCRIPTION,
            starts_at=NOW - dt.timedelta(days=30),
            ends_at=None,
        )
    return Reader(user_id=user.pk, anonymous_id=None)


def read(reader: Reader, story, *, now=NOW):
    return decide(reader=reader, article=story, context=Context(now=now))


def market_section():
    return testing.newsroom.upsert_section(
        name="Market Analysis", slug="market-analysis", is_market_analysis=True
    )


# --- Premium stories ------------------------------------------------------------------------


def test_a_premium_story_opens_for_premium_stories_and_never_for_the_meter(meter_store_name):
    testing.demo_rules()
    story = testing.article(access_level="premium", published_at=RECENT)
    refused = read(anon(), story)
    assert (refused.full, refused.reason, refused.prompt) == (
        False,
        Reason.PREMIUM,
        PromptKind.PREMIUM_ANONYMOUS,
    )
    # Unlimited stories is not premium stories.
    assert read(subscriber(Benefit.UNLIMITED_STORIES), story).prompt == (
        PromptKind.PREMIUM_REGISTERED
    )
    assert read(subscriber(Benefit.PREMIUM_STORIES), story).reason == Reason.ENTITLED
    # The refusal used none of the anonymous reader's free stories.
    assert read(anon(), testing.article(published_at=RECENT)).remaining == 2


# --- Market analysis ------------------------------------------------------------------------


def test_a_market_analysis_story_needs_market_analysis_even_when_metered(meter_store_name):
    testing.demo_rules()
    story = testing.article(in_section=market_section(), published_at=RECENT)
    anonymous = read(anon(), story)
    assert not anonymous.full
    assert anonymous.reason == Reason.MARKET_ANALYSIS
    assert anonymous.prompt == PromptKind.MARKET_ANONYMOUS
    assert anonymous.benefit == Benefit.MARKET_ANALYSIS
    everything_else = subscriber(Benefit.UNLIMITED_STORIES, Benefit.PREMIUM_STORIES)
    assert read(everything_else, story).prompt == PromptKind.MARKET_REGISTERED
    assert read(subscriber(Benefit.MARKET_ANALYSIS), story).full
    # Never counted: the meter is untouched.
    assert read(anon(), testing.article(published_at=RECENT)).remaining == 2


def test_a_premium_market_analysis_story_needs_both_benefits(meter_store_name):
    story = testing.article(
        access_level="premium", in_section=market_section(), published_at=RECENT
    )
    assert not read(subscriber(Benefit.PREMIUM_STORIES), story).full
    assert not read(subscriber(Benefit.MARKET_ANALYSIS), story).full
    assert read(subscriber(Benefit.PREMIUM_STORIES, Benefit.MARKET_ANALYSIS), story).full


# --- Archives -------------------------------------------------------------------------------


def test_a_story_older_than_a_year_needs_the_archives_and_the_meter_never_opens_it(
    meter_store_name,
):
    testing.demo_rules()
    old = testing.article(published_at=OLD)
    refused = read(anon(), old)
    assert (refused.full, refused.reason, refused.prompt) == (
        False,
        Reason.ARCHIVED,
        PromptKind.ARCHIVE_ANONYMOUS,
    )
    assert read(subscriber(Benefit.UNLIMITED_STORIES), old).prompt == PromptKind.ARCHIVE_REGISTERED
    assert read(subscriber(Benefit.ARCHIVES), old).reason == Reason.ENTITLED
    # A story a day short of the age is still metered.
    young = testing.article(published_at=NOW - dt.timedelta(days=364))
    assert read(anon(), young).reason == Reason.UNDER_METER
    assert read(anon(), testing.article(published_at=RECENT)).remaining == 1


def test_an_old_premium_story_needs_the_archives_and_premium_stories(meter_store_name):
    story = testing.article(access_level="premium", published_at=OLD)
    archives_only = read(subscriber(Benefit.ARCHIVES), story)
    assert archives_only.prompt == PromptKind.PREMIUM_REGISTERED
    premium_only = read(subscriber(Benefit.PREMIUM_STORIES), story)
    assert premium_only.prompt == PromptKind.ARCHIVE_REGISTERED
    assert read(subscriber(Benefit.ARCHIVES, Benefit.PREMIUM_STORIES), story).full


def test_old_free_stories_stay_free(meter_store_name):
    story = testing.article(access_level="free", published_at=OLD)
    assert read(anon(), story).reason == Reason.FREE_STORY


def test_the_archive_age_is_a_back_office_setting(meter_store_name):
    testing.demo_rules()
    month_old = testing.article(published_at=NOW - dt.timedelta(days=40))
    assert read(anon(), month_old).full
    ArchivePolicy.objects.create(archive_after_days=30)
    services.rules_changed()
    assert read(anon("b" * 32), month_old).reason == Reason.ARCHIVED
    ArchivePolicy.objects.update(archive_after_days=0)  # 0 turns the rule off
    services.rules_changed()
    assert read(anon("c" * 32), testing.article(published_at=OLD)).reason == Reason.UNDER_METER


# --- For every story and every reader -------------------------------------------------------

STORY_BENEFITS = [
    Benefit.UNLIMITED_STORIES,
    Benefit.PREMIUM_STORIES,
    Benefit.MARKET_ANALYSIS,
    Benefit.ARCHIVES,
]


@settings(max_examples=40, deadline=None)
@given(
    level=st.sampled_from(["free", "metered", "premium"]),
    in_vertical=st.booleans(),
    age_days=st.integers(min_value=0, max_value=30 * 365),
    held=st.sets(st.sampled_from(STORY_BENEFITS)),
)
def test_a_reader_holding_every_needed_benefit_reads_in_full_and_one_lacking_any_does_not(
    level, in_vertical, age_days, held
):
    """No meter rule here, so nothing but benefits can open a story that needs one."""
    section = testing.newsroom.upsert_section(
        name="Vertical" if in_vertical else "Plain",
        slug="vertical" if in_vertical else "plain",
        is_market_analysis=in_vertical,
    )
    story = testing.article(
        access_level=level, in_section=section, published_at=NOW - dt.timedelta(days=age_days)
    )
    needs = set(needed_benefits(story, now=NOW))
    decision = read(subscriber(*held), story)
    if level == "free":
        assert decision.full and not needs
    elif needs <= held:
        assert decision.reason == Reason.ENTITLED
    elif needs == {Benefit.UNLIMITED_STORIES}:
        assert decision.reason == Reason.NOT_METERED  # no rule: open, as before
    else:
        assert not decision.full
        assert decision.benefit in needs - held
        assert decision.prompt is not None
    assert (Benefit.ARCHIVES in needs) == (level != "free" and age_days > 365)


def test_ad_free_reading_is_answered_by_the_gate():
    assert not may_use(reader=anon(), benefit=Benefit.AD_FREE).full
    assert not may_use(reader=subscriber(Benefit.PREMIUM_STORIES), benefit=Benefit.AD_FREE).full
    assert may_use(reader=subscriber(Benefit.AD_FREE), benefit=Benefit.AD_FREE).full

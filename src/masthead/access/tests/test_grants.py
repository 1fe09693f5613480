from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from masthead.access import services
from masthead.access.gate import Context, Reason, decide, may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit, Grant, GrantSource, PromptCopy
from masthead.access.selectors import active_benefits, active_benefits_of
from masthead.access.services import CompDuration
from masthead.ops import testing

pytestmark = pytest.mark.django_db
START = dt.datetime(2027, 1, 31, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("duration", "ends"),
    [
        (CompDuration.ONE_WEEK, dt.datetime(2027, 2, 7, 10, tzinfo=dt.UTC)),
        (CompDuration.ONE_MONTH, dt.datetime(2027, 2, 28, 10, tzinfo=dt.UTC)),
        (CompDuration.SIX_MONTHS, dt.datetime(2027, 7, 31, 10, tzinfo=dt.UTC)),
        (CompDuration.ONE_YEAR, dt.datetime(2028, 1, 31, 10, tzinfo=dt.UTC)),
        (CompDuration.FOREVER, None),
    ],
)
def test_complimentary_access_lasts_as_long_as_staff_chose(duration, ends):
    user = testing.reader_account()
    grants = services.grant_complimentary(user=user, duration=duration, granted_by=None, now=START)
    assert {g.benefit for g in grants} == set(Benefit.values)
    assert {g.ends_at for g in grants} == {ends}
    assert all(g.source == GrantSource.COMPLIMENTARY for g in grants)


def test_a_grant_works_only_between_its_start_and_end():
    user = testing.reader_account()
    services.grant_complimentary(
        user=user, duration=CompDuration.ONE_WEEK, granted_by=None, now=START
    )
    assert Benefit.PREMIUM_STORIES in active_benefits(user_id=user.pk, now=START)
    assert not active_benefits(user_id=user.pk, now=START - dt.timedelta(seconds=1))
    assert not active_benefits(user_id=user.pk, now=START + dt.timedelta(weeks=1))


def test_a_grant_must_end_after_it_starts_and_name_real_benefits():
    user = testing.reader_account()
    with pytest.raises(ValidationError, match="end after it starts"):
        services.grant_benefits(
            user=user,
            benefits=[Benefit.EPAPER],
            source=GrantSource.PARTNER,
            starts_at=START,
            ends_at=START,
        )
    with pytest.raises(ValidationError, match="Unknown benefit"):
        services.grant_benefits(
            user=user,
            benefits=["free_lunch"],
            source=GrantSource.GIFT,
            starts_at=START,
            ends_at=None,
        )
    assert not Grant.objects.exists()


def test_the_benefit_a_story_needs_is_what_opens_it():
    testing.rule(free_limit=0)
    user = testing.reader_account()
    reader = Reader(user_id=user.pk, anonymous_id=None)
    services.grant_benefits(
        user=user,
        benefits=[Benefit.UNLIMITED_STORIES],
        source=GrantSource.SUBSCRIPTION,
        starts_at=START - dt.timedelta(days=1),
        ends_at=None,
    )
    ctx = Context(now=START)
    assert decide(reader=reader, article=testing.article(), context=ctx).reason == Reason.ENTITLED
    premium = decide(
        reader=Reader(user_id=user.pk, anonymous_id=None),
        article=testing.article(access_level="premium"),
        context=ctx,
    )
    assert premium.reason == Reason.PREMIUM


def test_a_benefit_that_is_not_a_story_is_answered_by_the_gate_too():
    user = testing.reader_account()
    reader = Reader(user_id=user.pk, anonymous_id=None)
    services.grant_benefits(
        user=user,
        benefits=[Benefit.EPAPER],
        source=GrantSource.SUBSCRIPTION,
        starts_at=START,
        ends_at=START + dt.timedelta(days=30),
    )
    assert may_use(reader=reader, benefit=Benefit.EPAPER, now=START).full
    refused = may_use(reader=reader, benefit=Benefit.AD_FREE, now=START)
    assert (refused.full, refused.reason, refused.benefit) == (
        False,
        Reason.BENEFIT_REQUIRED,
        Benefit.AD_FREE,
    )
    later = Reader(user_id=user.pk, anonymous_id=None)
    assert not may_use(reader=later, benefit=Benefit.EPAPER, now=START + dt.timedelta(days=30)).full
    stranger = may_use(reader=Reader(user_id=None, anonymous_id="x"), benefit=Benefit.EPAPER)
    assert stranger.prompt == "premium_anonymous"


def test_staff_grant_and_revoke_complimentary_access_in_the_back_office(admin_client):
    reader = testing.reader_account("comp@example.com")
    response = admin_client.post(
        reverse("admin:access_grant_complimentary"),
        {"email": "comp@example.com", "duration": "1m", "note": "Press pass"},
        follow=True,
    )
    assert "now has complimentary access until" in response.content.decode()
    grants = Grant.objects.filter(user=reader)
    assert grants.count() == len(Benefit.values)
    admin_client.post(
        reverse("admin:access_grant_changelist"),
        {"action": "revoke", "_selected_action": [g.pk for g in grants]},
    )
    assert not active_benefits(user_id=reader.pk)


def test_granting_to_an_unknown_email_says_what_to_do(admin_client):
    response = admin_client.post(
        reverse("admin:access_grant_complimentary"),
        {"email": "nobody@example.com", "duration": "1w"},
    )
    assert "ask the reader to register first" in response.content.decode()
    assert not Grant.objects.exists()


def test_prompt_copy_with_an_unknown_placeholder_is_refused_naming_it(admin_client):
    response = admin_client.post(
        reverse("admin:access_promptcopy_add"),
        {
            "kind": "meter_anonymous",
            "heading": "You have read {free_limt} stories",
            "message": "",
            "button_label": "Subscribe",
            "secondary": "",
            "footnote": "",
        },
    )
    assert response.status_code == 200
    assert "unknown placeholder {free_limt}" in response.content.decode()
    assert not PromptCopy.objects.exists()


def test_the_service_refuses_bad_copy_too():
    with pytest.raises(ValidationError) as refused:
        services.save_prompt_copy(
            kind="meter_anonymous",
            heading="{{free_limit}}",
            message="",
            button_label="Go",
            secondary="",
            footnote="",
        )
    assert "heading" in refused.value.message_dict


def test_a_batch_of_readers_gets_each_readers_own_benefits_at_one_instant():
    """A newsletter batch asks for many readers at once: a week's comp from START holds on
    day 3, not before START nor after the week; a revoked comp holds nothing."""
    week, later, revoked, none = (testing.reader_account() for _ in range(4))
    services.grant_complimentary(
        user=week, duration=CompDuration.ONE_WEEK, granted_by=None, now=START
    )
    services.grant_complimentary(
        user=later,
        duration=CompDuration.ONE_WEEK,
        granted_by=None,
        now=START + dt.timedelta(days=5),
    )
    services.grant_complimentary(
        user=revoked, duration=CompDuration.ONE_WEEK, granted_by=None, now=START
    )
    Grant.objects.filter(user=revoked).update(revoked_at=START + dt.timedelta(days=1))
    everything = frozenset(Benefit.values)
    ids = [week.pk, later.pk, revoked.pk, none.pk]

    held = active_benefits_of(user_ids=ids, now=START + dt.timedelta(days=3))
    assert held[week.pk] == frozenset(g.benefit for g in Grant.objects.filter(user=week))
    assert held[week.pk] and held[week.pk] <= everything
    assert held[later.pk] == held[revoked.pk] == held[none.pk] == frozenset()

    after = active_benefits_of(user_ids=ids, now=START + dt.timedelta(days=8))
    assert after[week.pk] == frozenset()
    assert after[later.pk] == held[week.pk]  # the same comp, five days later

"""Opening a gift link: the whole story for anyone, without the meter, for exactly its story and
its 14 days; altered, expired or revoked links open nothing."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.access.gate import Context, Reason, decide
from masthead.access.identity import Reader
from masthead.gifts import links, services
from masthead.gifts.links import GiftLinkInvalid, gift_from_token, path_for, token_for
from masthead.ops import testing

from .conftest import meter_count

pytestmark = pytest.mark.django_db

SECRETS = ("SECRET-THIRD-PARAGRAPH", "SECRET-FOURTH-PARAGRAPH", "SECRET-FIFTH-PARAGRAPH")


@pytest.fixture
def meter(meter_store_name):
    testing.demo_rules()  # 3 a month anonymously
    return meter_store_name


def used_up_stranger(client):
    """A stranger who read their 3 free stories and is refused the 4th."""
    for _ in range(3):
        assert (
            "SECRET-FIFTH-PARAGRAPH"
            in client.get(testing.article().get_absolute_url()).content.decode()
        )
    refused = client.get(testing.article().get_absolute_url()).content.decode()
    assert 'section class="prompt' in refused
    assert "SECRET-FIFTH-PARAGRAPH" not in refused
    assert meter_count(client) == 3


def test_a_stranger_with_no_stories_left_reads_a_gift_in_full_and_the_meter_is_untouched(
    client, subscriber, meter
):
    used_up_stranger(client)
    story = testing.article()
    gift = services.give_story(giver=subscriber, article=story).gift
    response = client.get(path_for(gift))
    page = response.content.decode()
    assert response.status_code == 200
    assert story.headline in page
    for secret in SECRETS:
        assert secret in page
    assert 'section class="prompt' not in page
    assert "A subscriber gave you this story" in page
    assert meter_count(client) == 3
    # Reading it again through the link changes nothing either; opens are counted.
    client.get(path_for(gift))
    assert meter_count(client) == 3
    gift.refresh_from_db()
    assert gift.opens == 2


def test_the_gift_page_keeps_the_paywall_markup_and_stays_private(client, subscriber, meter):
    gift = services.give_story(giver=subscriber, article=testing.article()).gift
    response = client.get(path_for(gift))
    page = response.content.decode()
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert ld["isAccessibleForFree"] is False
    assert ld["hasPart"] == {
        "@type": "WebPageElement",
        "isAccessibleForFree": False,
        "cssSelector": ".paywall",
    }
    assert '<div class="paywall">' in page
    # Search engines are pointed at the story's own address, never at the gift link.
    canonical = django_settings.SITE_URL + gift.article.get_absolute_url()
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_a_prefetch_of_a_gift_link_is_not_counted_as_an_open(client, subscriber, meter):
    gift = services.give_story(giver=subscriber, article=testing.article()).gift
    client.get(path_for(gift), HTTP_SEC_PURPOSE="prefetch")
    gift.refresh_from_db()
    assert gift.opens == 0


def test_the_gate_opens_only_the_gifted_story(db, meter):
    gifted, other = testing.article(), testing.article(access_level="premium")
    stranger = Reader(user_id=None, anonymous_id="f" * 32)
    context = Context(gifted_article_id=gifted.pk, count=True)
    assert decide(reader=stranger, article=gifted, context=context).reason == Reason.GIFT
    assert not decide(reader=stranger, article=other, context=context).full
    premium_gift = Context(gifted_article_id=other.pk)
    assert decide(reader=stranger, article=other, context=premium_gift).reason == Reason.GIFT
    assert not stranger.touched  # no meter was asked


def _reforged(token: str, payload: object) -> str:
    """The token with its payload replaced and its signature kept: what a reader editing the
    link could make."""
    signature = token.rsplit(":", 1)[1]
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
    return body.decode().rstrip("=") + ":" + signature


def test_altering_the_link_to_open_another_story_or_gift_fails(client, subscriber, meter):
    gift = services.give_story(giver=subscriber, article=testing.article()).gift
    other = services.give_story(giver=subscriber, article=testing.article()).gift
    token = token_for(gift)
    for altered in (
        _reforged(token, [gift.pk, other.article_id]),
        _reforged(token, [other.pk, other.article_id]),
        _reforged(token, [gift.pk, gift.article_id, 999]),
        token[:-3],
        signing.dumps([gift.pk, other.article_id], salt="another-salt"),
    ):
        with pytest.raises(GiftLinkInvalid):
            gift_from_token(altered)
        response = client.get(f"/gift/{altered}/")
        assert response.status_code == 404
        assert "This gift link is not valid" in response.content.decode()
        for secret in SECRETS:
            assert secret not in response.content.decode()


def test_a_genuine_signature_for_a_mismatched_pair_opens_nothing(subscriber, meter):
    """Even signed with the site's key, a (gift, story) pair that is not a real gift fails."""
    gift = services.give_story(giver=subscriber, article=testing.article()).gift
    other_story = testing.article()
    forged = signing.dumps([gift.pk, other_story.pk], salt=links._SALT, compress=False)
    with pytest.raises(GiftLinkInvalid):
        gift_from_token(forged)


@settings(max_examples=60, deadline=None)
@given(token=st.text(min_size=0, max_size=120).filter(lambda t: "/" not in t))
def test_no_made_up_token_opens_a_gift(token):
    with pytest.raises(GiftLinkInvalid):
        gift_from_token(token)


def test_a_gift_opens_its_story_for_14_days_from_giving_and_then_says_it_ended(
    client, subscriber, meter
):
    now = timezone.now()
    fresh = services.give_story(
        giver=subscriber, article=testing.article(), now=now - dt.timedelta(days=13, hours=23)
    ).gift
    old = services.give_story(
        giver=subscriber, article=testing.article(), now=now - dt.timedelta(days=14, minutes=1)
    ).gift
    assert old.expires_at - old.created_at == dt.timedelta(days=14)
    assert "SECRET-FIFTH-PARAGRAPH" in client.get(path_for(fresh)).content.decode()
    ended = client.get(path_for(old))
    assert ended.status_code == 410
    page = ended.content.decode()
    assert "This gift has ended" in page
    assert old.article.get_absolute_url() in page
    assert "SECRET-FIFTH-PARAGRAPH" not in page


def test_a_revoked_gift_stops_opening_its_story_at_once(client, subscriber, meter):
    used_up_stranger(client)
    gift = services.give_story(giver=subscriber, article=testing.article()).gift
    assert "SECRET-FIFTH-PARAGRAPH" in client.get(path_for(gift)).content.decode()
    services.revoke_gift(gift_id=gift.pk, giver=subscriber)
    response = client.get(path_for(gift))
    assert response.status_code == 410
    assert "This gift was withdrawn" in response.content.decode()
    assert "SECRET-FIFTH-PARAGRAPH" not in response.content.decode()
    # And the story's own address still meters as before: the stranger is refused.
    page = client.get(gift.article.get_absolute_url()).content.decode()
    assert "SECRET-FIFTH-PARAGRAPH" not in page
    assert meter_count(client) == 3

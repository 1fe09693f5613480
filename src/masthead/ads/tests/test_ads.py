"""Ad slots: on every kind of page for readers without ad-free reading; for readers with it, no
ad markup and no ad script anywhere in the response."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from masthead.access import services as access
from masthead.access.models import Benefit, GrantSource
from masthead.ads import services
from masthead.ads.models import AdKind, AdSlot, Placement
from masthead.ops import testing

pytestmark = pytest.mark.django_db

TAG_SCRIPT = "https://ads.example.net/tag.js"
AD_MARKERS = ("ad-slot", "Advertisement", TAG_SCRIPT, "googletag", "Go ad-free with us")


@pytest.fixture
def ads():
    for placement in Placement.values:
        AdSlot.objects.create(
            name=f"house {placement}",
            placement=placement,
            kind=AdKind.HOUSE,
            text="Go ad-free with us",
            link_url="/subscribe/",
        )
        AdSlot.objects.create(
            name=f"tag {placement}",
            placement=placement,
            kind=AdKind.TAG,
            tag_html=f'<script async src="{TAG_SCRIPT}"></script><div id="googletag-{placement}">'
            "</div>",
        )
    services.ads_changed()


def reader_with(client, *benefits):
    user = testing.reader_account()
    if benefits:
        access.grant_benefits(
            user=user,
            benefits=list(benefits),
            source=GrantSource.SUBSCRIPTION,
            starts_at=timezone.now() - dt.timedelta(days=1),
            ends_at=None,
        )
    client.force_login(user)


def pages():
    story = testing.article(access_level="free")
    return ["/", story.section.get_absolute_url(), story.get_absolute_url(), "/archive/"]


def html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_readers_without_ad_free_get_house_ads_and_the_ad_tag_on_every_kind_of_page(client, ads):
    urls = pages()
    reader_with(client, Benefit.PREMIUM_STORIES)  # a subscriber, but not to ad-free reading
    for url in urls:
        page = html(client, url)
        assert 'aria-label="Advertisement"' in page, url
        assert TAG_SCRIPT in page, url
        assert "Go ad-free with us" in page, url


def test_ad_free_readers_get_no_ad_markup_and_no_ad_script_at_all(client, ads):
    urls = pages()
    # An anonymous reader warms every cache (the article kit, the rendered ads) first.
    for url in urls:
        assert TAG_SCRIPT in html(client, url)
    reader_with(client, Benefit.AD_FREE)
    for url in urls:
        page = html(client, url)
        for marker in AD_MARKERS:
            assert marker not in page, (url, marker)
    # ...and the kit the ad-free reader used still gives the next reader their ads.
    client.logout()
    assert TAG_SCRIPT in html(client, urls[2])


def test_a_house_ad_is_escaped_and_leads_only_to_web_addresses():
    with pytest.raises(ValidationError) as refused:
        services.check_ad(
            kind=AdKind.HOUSE,
            text="",
            image_url="",
            image_alt="",
            link_url="javascript:alert(1)",
            tag_html="",
        )
    assert set(refused.value.message_dict) == {"link_url", "text"}
    with pytest.raises(ValidationError, match="Say what the image shows"):
        services.check_ad(
            kind=AdKind.HOUSE,
            text="",
            image_url="demo/ad.svg",
            image_alt="",
            link_url="/premium/",
            tag_html="",
        )


def test_a_house_ad_cannot_be_saved_without_a_link():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AdSlot.objects.create(name="empty", placement=Placement.HOME, kind=AdKind.HOUSE)


def test_house_ad_words_are_shown_as_text_never_as_markup(client):
    AdSlot.objects.create(
        name="words",
        placement=Placement.HOME,
        text="<script>alert('x')</script>Half price",
        link_url="/subscribe/",
    )
    page = html(client, "/")
    assert "&lt;script&gt;alert" in page
    assert "<script>alert" not in page


def staff(client, *, may_edit_tag: bool):
    user = testing.reader_account()
    user.is_staff = True
    user.save()
    perms = Permission.objects.filter(
        content_type__app_label="ads",
        codename__in=["change_adslot", "view_adslot"] + (["edit_ad_tag"] if may_edit_tag else []),
    )
    user.user_permissions.set(perms)
    client.force_login(user)


def test_only_staff_with_the_ad_tag_permission_may_change_the_raw_tag(client, ads):
    slot = AdSlot.objects.get(name="tag home")
    url = reverse("admin:ads_adslot_change", args=[slot.pk])
    staff(client, may_edit_tag=False)
    page = html(client, url)
    assert 'name="tag_html"' not in page  # shown read-only
    assert "raw HTML and script, served as is" in page
    client.post(
        url,
        {
            "name": "tag home",
            "placement": "home",
            "kind": "tag",
            "position": 100,
            "is_active": "on",
            "tag_html": "<script>evil()</script>",
        },
    )
    slot.refresh_from_db()
    assert "evil" not in slot.tag_html

    staff(client, may_edit_tag=True)
    assert 'name="tag_html"' in html(client, url)

"""The article page's cache: fast pages that still meter, gate and show edits at once.

Each test runs once per meter store (``meter_store_name``), and where it matters once per cache
layer: ``local`` serves kits from this process's copy, ``shared`` drops that copy before every
request so the kit comes from Django's cache (Redis on the Redis pass).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from masthead.access import services as access_services
from masthead.access.demo import load as load_demo_paywall
from masthead.access.services import CompDuration
from masthead.newsroom import selectors
from masthead.newsroom.models import Article
from masthead.ops import testing
from masthead.pages import page_cache

pytestmark = pytest.mark.django_db

LEAD = testing.PARAGRAPHS[:2]
LATER = ("SECRET-THIRD-PARAGRAPH", "SECRET-FOURTH-PARAGRAPH", "SECRET-FIFTH-PARAGRAPH")


@pytest.fixture
def paywall(meter_store_name: str) -> str:
    load_demo_paywall()  # 3 free stories a month anonymously, 5 registered; the seed's copy
    return meter_store_name


@pytest.fixture(params=["local", "shared"])
def layer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "shared":
        real = page_cache.article_kit

        def from_the_shared_cache(*, slug: str):
            page_cache.forget_local_copies()
            return real(slug=slug)

        monkeypatch.setattr(page_cache, "article_kit", from_the_shared_cache)
    return str(request.param)


@pytest.fixture
def no_kit_builds(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it once the kits are warm: from then on a request that builds one fails."""

    def forbid() -> None:
        def build(*, slug: str) -> Article:
            raise AssertionError(f"the kit of {slug} was built again, not read from the cache")

        monkeypatch.setattr(selectors, "published_article", build)

    return forbid


def page(client, story) -> str:
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return str(response.content.decode())


def warm(*stories: Article) -> None:
    for story in stories:
        page_cache.article_kit(slug=story.slug)


def test_pages_served_from_the_cache_still_meter(client, paywall, layer, no_kit_builds):
    stories = [testing.article() for _ in range(4)]
    warm(*stories)
    no_kit_builds()
    for story, note in zip(
        stories[:3],
        [
            "2 free stories left this month",
            "1 free story left this month",
            "This is your last free story this month",
        ],
        strict=True,
    ):
        text = page(client, story)
        assert f'<p class="meter-note" role="status">{note}</p>' in text
        assert all(secret in text for secret in LATER)
    gated = page(client, stories[3])
    assert "You’ve reached your limit of 3 free articles this month." in gated
    assert 'class="meter-note"' not in gated
    assert all(paragraph in gated for paragraph in LEAD)
    assert not any(secret in gated for secret in LATER)
    # A story already counted stays open, still from the cache.
    assert LATER[-1] in page(client, stories[0])


def test_a_gated_page_from_a_kit_a_full_reader_warmed_has_none_of_the_later_paragraphs(
    client, paywall, layer, no_kit_builds
):
    metered, premium = testing.article(), testing.article(access_level="premium")
    subscriber = testing.reader_account()
    access_services.grant_complimentary(
        user=subscriber, duration=CompDuration.ONE_MONTH, granted_by=None
    )
    client.force_login(subscriber)
    for story in (metered, premium):
        text = page(client, story)
        assert all(secret in text for secret in LATER)  # the kit has the whole story...
    no_kit_builds()
    client.logout()
    client.cookies.clear()
    testing.rule(free_limit=0, position=1)  # ...and this anonymous reader has no free stories
    for story, heading in (
        (metered, "You’ve reached your limit of 0 free articles this month."),
        (premium, "This is a premium story."),
    ):
        text = page(client, story)
        assert heading in text
        assert all(paragraph in text for paragraph in LEAD)
        for secret in LATER:  # nowhere in the bytes: body, JSON-LD, Open Graph, anything
            assert secret not in text
        json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        assert json_ld
        data = json.loads(json_ld[1])
        assert "articleBody" not in data
        assert data["isAccessibleForFree"] is False
        assert 'class="prompt paywall"' in text
        assert "Log out" not in text  # nor the subscriber's account links


def test_signed_in_and_anonymous_readers_each_get_their_own_account_links(client, paywall):
    story = testing.article(access_level="free")
    anonymous = page(client, story)
    assert "Log in</a>" in anonymous and "csrfmiddlewaretoken" not in anonymous
    client.force_login(testing.reader_account())
    signed_in = page(client, story)
    assert "Log out" in signed_in and 'name="csrfmiddlewaretoken"' in signed_in
    client.logout()
    assert "Log out" not in page(client, story)


def test_messages_for_the_reader_still_show_on_a_cached_page(client, paywall):
    story = testing.article(access_level="free")
    page(client, story)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Welcome <back>")])
    assert '<p class="message success">Welcome &lt;back&gt;</p>' in page(client, story)
    assert 'class="messages"' not in page(client, story)  # shown once


def second_browser(client):
    """A second browser, next to the editor's."""
    return client.__class__()


def staff_client(client):
    editor = testing.reader_account()
    editor.is_staff = editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    return client


def change_form(story: Article, **changes: str) -> dict[str, object]:
    published = timezone.localtime(story.published_at)
    form: dict[str, object] = {
        "headline": story.headline,
        "slug": story.slug,
        "standfirst": story.standfirst,
        "body_text": "\n\n".join(testing.PARAGRAPHS),
        "section": story.section_id,
        "dateline": story.dateline,
        "access_level": story.access_level,
        "agency": "",
        "canonical_url": "",
        "status": "published",
        "published_at_0": published.strftime("%Y-%m-%d"),
        "published_at_1": published.strftime("%H:%M:%S"),
        "updated_at_0": "",
        "updated_at_1": "",
    }
    form.update(changes)
    return form


def test_an_edit_in_the_back_office_shows_on_the_next_request(client, paywall, layer):
    story = testing.article(headline="Budget widens the tax base")
    reader = second_browser(client)
    assert "Budget widens the tax base" in page(reader, story)
    editor = staff_client(client)
    body = "\n\n".join(["EDITED-LEAD-PARAGRAPH", *testing.PARAGRAPHS[1:]])
    response = editor.post(
        reverse("admin:newsroom_article_change", args=[story.pk]),
        change_form(story, headline="Budget widens the tax net", body_text=body),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    text = page(reader, story)
    assert '<h1 id="headline">Budget widens the tax net</h1>' in text
    assert '<meta property="og:title" content="Budget widens the tax net">' in text
    assert "EDITED-LEAD-PARAGRAPH" in text
    assert "Budget widens the tax base" not in text


def test_a_story_unpublished_or_moved_in_the_back_office_leaves_its_old_address(
    client, paywall, layer
):
    story, other = testing.article(), testing.article()
    reader = second_browser(client)
    old_url = story.get_absolute_url()
    assert page(reader, story) and page(reader, other)
    editor = staff_client(client)
    change = reverse("admin:newsroom_article_change", args=[story.pk])
    assert editor.post(change, change_form(story, slug="a-new-address")).status_code == 302
    assert reader.get(old_url).status_code == 404
    assert reader.get(Article.objects.get(pk=story.pk).get_absolute_url()).status_code == 200
    change = reverse("admin:newsroom_article_change", args=[other.pk])
    assert editor.post(change, change_form(other, status="draft")).status_code == 302
    assert reader.get(other.get_absolute_url()).status_code == 404


def test_renaming_a_section_in_the_back_office_shows_on_its_stories_at_once(client, paywall, layer):
    story = testing.article()
    reader = second_browser(client)
    assert '<a href="/economy/">Economy</a>' in page(reader, story)
    editor = staff_client(client)
    response = editor.post(
        reverse("admin:newsroom_section_change", args=[story.section_id]),
        {"name": "Economy & Policy", "slug": "economy", "position": 1, "description": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    text = page(reader, story)
    assert '<p class="kicker"><a href="/economy/">Economy &amp; Policy</a>' in text
    assert '<li><a href="/economy/">Economy &amp; Policy</a></li>' in text  # the navigation


def test_a_warm_page_for_a_returning_anonymous_reader_needs_few_queries(
    client, paywall, layer, django_assert_max_num_queries
):
    story = testing.article()
    assert LATER[-1] in page(client, story)  # counts the story and sets the reader cookie
    assert settings.READER_COOKIE_NAME in client.cookies
    # Redis store: none. Database store: the meter's own transaction — SQLite: savepoint,
    # select, release; PostgreSQL adds the reader's advisory lock.
    allowed = 0 if paywall == "redis" else 4
    for _ in range(3):
        with django_assert_max_num_queries(allowed):
            text = page(client, story)
        assert LATER[-1] in text
        assert "2 free stories left this month" in text

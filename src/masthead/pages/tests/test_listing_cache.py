"""The listings' cache: the home page, sections, premium, market analysis, the archive, feeds
and sitemaps served without SQL when warm, each reader still getting their own account links,
ads and benefit notes, and edits through the services showing on the next request.

Where it matters a test runs once per cache layer: ``local`` serves this process's copy,
``shared`` drops that copy before every request so the listing comes from Django's cache
(Redis on the Redis pass), as another process would find it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.utils import timezone

from masthead.access import services as access_services
from masthead.access.demo import load as load_demo_paywall
from masthead.access.models import Benefit, GrantSource
from masthead.ads import demo as ads_demo
from masthead.newsroom import selectors, services
from masthead.newsroom.models import Article
from masthead.ops import testing
from masthead.pages import listing_cache

pytestmark = pytest.mark.django_db

LATER = ("SECRET-THIRD-PARAGRAPH", "SECRET-FOURTH-PARAGRAPH", "SECRET-FIFTH-PARAGRAPH")
BODY = [*testing.PARAGRAPHS[:2], *LATER]
HOME_AD = "The Ledger Investor — market analysis every trading day."
SECTION_AD = "Every story since 1997 — open The Ledger archives with a subscription."
PAGES = ["/", "/economy/", "/premium/", "/market-analysis/", "/archive/"]
FEEDS_AND_SITEMAPS = [
    "/rss.xml",
    "/rss/economy.xml",
    "/sitemap.xml",
    "/sitemaps/pages.xml",
    "/sitemaps/news.xml",
]


def this_years_sitemap() -> str:
    return f"/sitemaps/stories-{timezone.localtime().year}.xml"


def every_listing() -> list[str]:
    return [*PAGES, *FEEDS_AND_SITEMAPS, this_years_sitemap()]


@pytest.fixture
def newsroom() -> dict[str, Article]:
    """A small newsroom with the demo paywall copy and house ads (home and section pages)."""
    load_demo_paywall()
    ads_demo.load()
    testing.section("world")
    analysis = services.upsert_section(
        name="Market Analysis", slug="analysis", is_market_analysis=True
    )
    return {
        "metered": testing.article(headline="Rupee firms as exports pick up", body=BODY),
        "premium": testing.article(
            access_level="premium", headline="Inside the bank merger talks", body=BODY
        ),
        "analysis": testing.article(
            in_section=analysis, headline="Where the Nifty goes next", body=BODY
        ),
    }


@pytest.fixture(params=["local", "shared"])
def layer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "shared":
        real = listing_cache.listing

        def from_the_shared_cache(**kwargs):
            listing_cache.forget_local_copies()
            return real(**kwargs)

        monkeypatch.setattr(listing_cache, "listing", from_the_shared_cache)
    return str(request.param)


@pytest.fixture
def no_rebuilds(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it once the listings are warm: from then on a request that renders one from the
    database fails."""

    def forbid() -> None:
        def read(**kwargs: object) -> None:
            raise AssertionError("a listing was rendered again, not read from the cache")

        for name in (
            "front_page",
            "section_by_slug",
            "section_page",
            "premium_front",
            "market_analysis_sections",
            "market_analysis_page",
            "archive_years",
            "latest",
            "latest_in_section",
            "sitemap_years",
            "news_sitemap_articles",
            "sitemap_articles",
        ):
            monkeypatch.setattr(selectors, name, read)

    return forbid


def get(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return str(response.content.decode())


def subscriber_with_ad_free() -> Client:
    user = testing.reader_account()
    access_services.grant_benefits(
        user=user,
        benefits=[
            Benefit.AD_FREE,
            Benefit.PREMIUM_STORIES,
            Benefit.MARKET_ANALYSIS,
            Benefit.ARCHIVES,
        ],
        source=GrantSource.COMPLIMENTARY,
        starts_at=timezone.now(),
        ends_at=None,
    )
    client = Client()
    client.force_login(user)
    return client


def test_a_warm_listing_needs_no_sql_for_an_anonymous_reader(
    client, newsroom, layer, django_assert_num_queries
):
    for path in every_listing():
        get(client, path)  # rendered once
    for path in [*every_listing(), "/?utm_source=newsletter", "/economy/?page=1"]:
        with django_assert_num_queries(0):
            text = get(client, path)
        if path == this_years_sitemap():
            assert newsroom["metered"].get_absolute_url() in text
        elif path not in {"/archive/", "/sitemap.xml", "/sitemaps/pages.xml"}:
            shown = ("Rupee firms as exports pick up", "Inside the bank", "Where the Nifty")
            assert any(headline in text for headline in shown), path


def test_a_warm_listing_needs_no_more_sql_for_a_subscriber_than_a_plain_page(
    newsroom, django_assert_max_num_queries
):
    """Signed in, a request reads the session, the account and the reader's grants (for the
    ads and the benefit notes) whatever the page; the listing itself adds nothing."""
    subscriber = subscriber_with_ad_free()
    for path in every_listing():
        get(subscriber, path)
    for path in every_listing():
        with django_assert_max_num_queries(6):
            get(subscriber, path)


@pytest.mark.parametrize("anonymous_first", [True, False])
def test_each_reader_gets_their_own_parts_of_the_same_cached_listing(
    newsroom, layer, no_rebuilds, anonymous_first
):
    anonymous, subscriber, reader = Client(), subscriber_with_ad_free(), Client()
    reader.force_login(testing.reader_account())
    first = anonymous if anonymous_first else subscriber
    for path in PAGES:
        get(first, path)  # the one rendering every reader shares
    no_rebuilds()
    for path in PAGES:
        ad = HOME_AD if path == "/" else SECTION_AD
        mine = get(subscriber, path)
        assert "Log out" in mine and 'name="csrfmiddlewaretoken"' in mine
        assert ">Log in</a>" not in mine
        assert "data-ad-slot" not in mine and ad not in mine  # ad-free: no ad markup at all
        theirs = get(anonymous, path)
        assert f'<a href="/accounts/login/?next={path}">Log in</a>' in theirs
        assert "Log out" not in theirs and "csrfmiddlewaretoken" not in theirs
        assert ad in theirs
        signed_in = get(reader, path)
        assert "Log out" in signed_in and ad in signed_in
        if path in {"/premium/", "/market-analysis/", "/archive/"}:
            assert "— included in your subscription." in mine
            assert "See the plans" not in mine
            for without in (theirs, signed_in):
                assert "See the plans" in without
                assert f'href="/subscribe/?next={path}"' in without
                assert "included in your subscription" not in without


def test_the_log_in_link_comes_back_to_the_address_the_reader_asked_for(client, newsroom):
    get(client, "/")
    text = get(client, "/?utm_source=newsletter")
    assert 'href="/accounts/login/?next=/%3Futm_source%3Dnewsletter">Log in</a>' in text


def test_messages_for_the_reader_still_show_on_a_cached_listing(client, newsroom):
    get(client, "/")
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Welcome <back>")])
    assert '<p class="message success">Welcome &lt;back&gt;</p>' in get(client, "/")
    assert 'class="messages"' not in get(client, "/")  # shown once, to this reader only


def test_listings_never_carry_more_of_a_story_than_its_headline_and_lead(client, newsroom):
    subscriber = subscriber_with_ad_free()
    for path in every_listing():
        get(subscriber, path)  # a full reader first: had the cache kept anything of theirs...
    for path in every_listing():
        text = get(client, path)
        for secret in LATER:
            assert secret not in text, path
    for path in ("/", "/premium/", "/rss.xml"):
        assert "Inside the bank merger talks" in get(client, path)


def warm_everything(client: Client) -> dict[str, str]:
    return {path: get(client, path) for path in every_listing()}


def test_a_new_story_shows_on_every_listing_at_once(client, newsroom, layer):
    warm_everything(client)
    story = testing.article(headline="Monsoon arrives early in Kerala", access_level="premium")
    for path in ["/", "/economy/", "/premium/", "/rss.xml", "/rss/economy.xml"]:
        assert "Monsoon arrives early in Kerala" in get(client, path), path
    assert story.get_absolute_url() in get(client, "/sitemaps/news.xml")
    assert story.get_absolute_url() in get(client, this_years_sitemap())


def test_an_unpublished_story_leaves_every_listing_at_once(client, newsroom, layer):
    story = newsroom["metered"]
    before = warm_everything(client)
    assert "Rupee firms as exports pick up" in before["/"]
    edit(story, publish=False)
    for path, text in warm_everything(client).items():
        assert "Rupee firms as exports pick up" not in text, path
        assert story.get_absolute_url() not in text, path


def test_a_changed_headline_shows_on_every_listing_at_once(client, newsroom, layer):
    story = newsroom["metered"]
    warm_everything(client)
    edit(story, headline="Rupee slips as oil climbs")
    for path in ["/", "/economy/", "/rss.xml", "/rss/economy.xml", "/sitemaps/news.xml"]:
        text = get(client, path)
        assert "Rupee slips as oil climbs" in text, path
        assert "Rupee firms as exports pick up" not in text, path


def test_a_story_moved_to_another_section_moves_on_the_listings_at_once(client, newsroom, layer):
    story = newsroom["metered"]
    warm_everything(client)
    assert "Rupee firms" not in get(client, "/world/") + get(client, "/rss/world.xml")
    edit(story, section=testing.section("world"))
    assert "Rupee firms as exports pick up" in get(client, "/world/")
    assert "Rupee firms as exports pick up" in get(client, "/rss/world.xml")
    assert "Rupee firms as exports pick up" not in get(client, "/economy/")
    assert "Rupee firms as exports pick up" not in get(client, "/rss/economy.xml")
    assert "/world/" + story.slug + "/" in get(client, "/sitemaps/news.xml")


def test_a_story_made_premium_joins_the_premium_page_at_once(client, newsroom, layer):
    story = newsroom["metered"]
    assert "Rupee firms as exports pick up" not in get(client, "/premium/")
    edit(story, access_level="premium")
    text = get(client, "/premium/")
    assert "Rupee firms as exports pick up" in text
    assert get(client, "/").count('<span class="badge badge-premium">Premium</span>') == 1 + 2


def test_a_section_renamed_through_the_services_shows_on_the_home_page_at_once(
    client, newsroom, layer
):
    assert '<p class="kicker"><a href="/economy/">Economy</a>' in get(client, "/")
    services.upsert_section(name="Economy & Policy", slug="economy")
    text = get(client, "/")
    assert '<p class="kicker"><a href="/economy/">Economy &amp; Policy</a>' in text
    assert '<li><a href="/economy/">Economy &amp; Policy</a></li>' in text  # the navigation


def test_each_page_of_a_section_is_kept_apart(client, newsroom):
    economy = testing.section("economy")
    for number in range(25):
        testing.article(in_section=economy, headline=f"Numbered story {number:02}")
    first, second = get(client, "/economy/"), get(client, "/economy/?page=2")
    for _ in range(2):  # cached now: still each page its own stories and addresses
        assert get(client, "/economy/") == first
        assert get(client, "/economy/?page=2") == second
        again = get(client, "/economy/?page=1")  # the same page but for the log-in link back
        assert again.replace("?next=/economy/%3Fpage%3D1", "?next=/economy/") == first
    assert "Numbered story 24" in first and "Numbered story 24" not in second
    assert f'<link rel="canonical" href="{settings.SITE_URL}/economy/?page=2">' in second
    assert "Page 2 of 2" in second
    # A page number written otherwise is rendered as before, uncached.
    assert "Page 1 of 2" in get(client, "/economy/?page=abc")
    assert "Page 2 of 2" in get(client, "/economy/?page=999")


def edit(story: Article, **changes: object) -> Article:
    """Save the story through the newsroom's service, changing only what is given."""
    story.refresh_from_db()
    fields: dict[str, object] = {
        "slug": story.slug,
        "headline": story.headline,
        "standfirst": story.standfirst,
        "section": story.section,
        "body_text": "\n\n".join(BODY),
        "access_level": story.access_level,
        "published_at": story.published_at,
    }
    fields.update(changes)
    return services.save_article(**fields)  # type: ignore[arg-type]

"""The news site as a reader browses it."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.newsroom.models import Article
from masthead.ops import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    economy = testing.section("economy", "Economy")
    world = testing.section("world", "World")
    lead = testing.article(in_section=economy, headline="Budget widens the tax base")
    wire = testing.article(
        in_section=world,
        headline="Azerbaijan says it destroyed air defence system",
        wire=testing.agency(),
        access_level="free",
        canonical_url="https://www.afp.com/en/news/azerbaijan-osa",
    )
    return {"economy": economy, "world": world, "lead": lead, "wire": wire}


def test_the_home_page_shows_the_lead_story_and_sections(client, newsroom):
    page = client.get("/").content.decode()
    assert "Budget widens the tax base" in page
    assert 'aria-label="Sections"' in page
    assert "<main" in page and 'role="contentinfo"' in page


def test_a_wire_story_carries_the_agency_credit_disclaimer_and_canonical(
    client, newsroom, settings
):
    page = client.get(newsroom["wire"].get_absolute_url()).content.decode()
    assert "Agence France-Presse (AFP)" in page
    assert f"Disclaimer: No {settings.PUBLISHER_SHORT_NAME} journalist was involved" in page
    assert '<link rel="canonical" href="https://www.afp.com/en/news/azerbaijan-osa">' in page


def test_staff_stories_point_canonical_at_themselves_and_carry_news_article_json_ld(
    client, newsroom, settings
):
    story = newsroom["lead"]
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}{story.get_absolute_url()}">' in page
    assert '"@type": "NewsArticle"' in page
    assert '<meta property="og:title" content="Budget widens the tax base">' in page
    assert "Disclaimer" not in page


def test_a_story_under_the_wrong_section_redirects_to_its_address(client, newsroom):
    story = newsroom["lead"]
    response = client.get(f"/world/{story.slug}/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_unknown_story_and_section_get_the_designed_404(client, newsroom):
    for url in ("/economy/no-such-story/", "/no-such-section/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "We couldn’t find that page" in response.content.decode()


def test_drafts_and_future_stories_are_not_published(client, newsroom):
    draft = testing.article(publish=False)
    future = testing.article(published_at=timezone.now() + dt.timedelta(days=1))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(future.get_absolute_url()).status_code == 404


def test_section_and_author_pages_list_their_stories(client, newsroom):
    author = testing.newsroom.upsert_author(slug="asha-rao", name="Asha Rao")
    story = testing.article(in_section=newsroom["economy"], headline="Rao on rates")
    story.authors.add(author)
    assert "Rao on rates" in client.get("/economy/").content.decode()
    assert "Rao on rates" in client.get("/author/asha-rao/").content.decode()
    assert client.get("/economy/?page=999").status_code == 200  # clamps to the last page


def test_rss_sitemap_and_robots(client, newsroom):
    rss = client.get("/rss/economy.xml")
    assert rss.status_code == 200
    ET.fromstring(rss.content)
    year = newsroom["lead"].published_at.astimezone().year
    sitemap = client.get(f"/sitemaps/stories-{year}.xml")
    assert newsroom["lead"].get_absolute_url() in sitemap.content.decode()
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap:" in robots
    assert "Disallow: /admin/" in robots


def test_an_oversized_query_string_gets_a_clean_414(client, newsroom):
    response = client.get("/economy/?" + "q=" + "x" * 5000)
    assert response.status_code == 414
    assert "too long" in response.content.decode()


def test_a_form_post_with_too_many_fields_gets_a_clean_400(client, newsroom):
    data = {f"f{i}": "x" for i in range(2000)}
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 400


def test_posting_to_a_page_that_only_reads_is_refused(client, newsroom):
    assert client.post("/").status_code == 405


def test_an_editor_writes_a_story_in_the_back_office_and_scripts_are_removed(client, newsroom):
    editor = testing.reader_account("ed@example.com")
    editor.is_staff = True
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    response = client.post(
        reverse("admin:newsroom_article_add"),
        {
            "headline": "Editors can publish",
            "slug": "editors-can-publish",
            "standfirst": "A test story",
            "body_text": "Clean first.<script>alert('x')</script>\n\nSecond paragraph.",
            "section": newsroom["economy"].pk,
            "access_level": "free",
            "status": "published",
            "published_at_0": "2026-11-01",
            "published_at_1": "10:00:00",
            "dateline": "Mumbai",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    story = Article.objects.get(slug="editors-can-publish")
    assert story.body[0]["html"] == "Clean first."
    preview = client.get(reverse("admin:newsroom_article_preview", args=[story.pk]))
    assert "Second paragraph." in preview.content.decode()
    assert "<script>alert" not in client.get(story.get_absolute_url()).content.decode()


def test_a_bad_image_line_in_the_back_office_says_which_block_and_how_to_fix_it(client, newsroom):
    editor = testing.reader_account("ed2@example.com")
    editor.is_staff = editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    response = client.post(
        reverse("admin:newsroom_article_add"),
        {
            "headline": "Bad image",
            "slug": "bad-image",
            "body_text": "Fine.\n\n![](x.png) no alt",
            "section": newsroom["economy"].pk,
            "access_level": "free",
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert "Block 2: the image needs alt text" in response.content.decode()
    assert not Article.objects.filter(slug="bad-image").exists()


def test_a_section_cannot_take_an_address_the_site_uses(client):
    admin = testing.reader_account("boss@example.com")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post(
        reverse("admin:newsroom_section_add"), {"name": "Admin", "slug": "admin", "position": 1}
    )
    assert "used by the site itself" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/archive/9999/",
        "/archive/9999/12/",
        "/archive/9999/12/31/",
        "/archive/1/",
        "/archive/1/1/1/",
    ],
)
def test_archive_addresses_at_the_ends_of_the_calendar_are_not_found(client, newsroom, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_a_staff_member_without_permission_to_view_stories_is_refused_the_preview_politely(
    client, newsroom
):
    clerk = testing.reader_account("clerk@example.com")
    clerk.is_staff = True  # in the back office, but given no permission on stories
    clerk.save()
    client.force_login(clerk)

    response = client.get(reverse("admin:newsroom_article_preview", args=[newsroom["lead"].pk]))

    assert response.status_code == 403
    html = response.content.decode()
    assert "You can’t open this page" in html
    assert 'class="site-header"' in html
    assert "Budget widens the tax base" not in html


def test_a_form_sent_without_its_security_token_gets_the_sites_own_page(newsroom):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 id="err-title">Please try that again</h1>' in html
    assert "reload the page and send the form again" in html
    assert 'class="site-header"' in html
    assert "CSRF verification failed" not in html

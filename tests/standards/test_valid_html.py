"""Every page kind passes the Nu Html Checker (the W3C's validator, vnu-jar) with no error."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from masthead.epaper.models import Edition
from masthead.newsroom.models import AccessLevel, Article, Author, Section

from .checkers import html_errors

pytestmark = pytest.mark.django_db


def _story(**filters: Any) -> str:
    story = Article.objects.filter(status="published", **filters).order_by("-published_at").first()
    assert story is not None, f"the demo has a published story with {filters}"
    return story.get_absolute_url()


def page_kinds() -> dict[str, str]:
    """One URL per kind of page a reader (or a crawler) can open, from the demo newsroom."""
    section = Section.objects.order_by("pk").first()
    author = Author.objects.order_by("pk").first()
    edition = Edition.objects.order_by("-date").first()
    assert section and author and edition
    edition_url = f"/epaper/{edition.date.isoformat()}/{edition.slug}/"
    first = Article.objects.filter(status="published").order_by("published_at").first()
    assert first is not None and first.published_at is not None
    year = first.published_at.year
    return {
        "home": "/",
        "section": section.get_absolute_url(),
        "story (free)": _story(access_level=AccessLevel.FREE, agency__isnull=True),
        "story (metered)": _story(access_level=AccessLevel.METERED, agency__isnull=True),
        "story (premium)": _story(access_level=AccessLevel.PREMIUM),
        "story (wire)": _story(agency__isnull=False),
        "story (with its lead image)": _story(lead_image__gt="", access_level=AccessLevel.METERED),
        "story (premium, image, prompt)": _story(
            lead_image__gt="", access_level=AccessLevel.PREMIUM
        ),
        "author": f"/author/{author.slug}/",
        "premium": "/premium/",
        "market analysis": "/market-analysis/",
        "archive": "/archive/",
        "archive year": f"/archive/{year}/",
        "archive month": f"/archive/{year}/{first.published_at.month}/",
        "archive day": f"/archive/{year}/{first.published_at.month}/{first.published_at.day}/",
        "e-paper": "/epaper/",
        "e-paper page (prompt)": f"{edition_url}1/",
        "subscribe": "/subscribe/",
        "sign in": "/accounts/login/",
        "sign up": "/accounts/signup/",
        "password reset": "/accounts/password/reset/",
        "newsletters": "/newsletters/",
        "not found": "/no-such-section/no-such-story/",
    }


def signed_in_kinds() -> dict[str, str]:
    edition = Edition.objects.order_by("-date").first()
    assert edition is not None
    return {**SIGNED_IN, "e-paper page": f"/epaper/{edition.date.isoformat()}/{edition.slug}/1/"}


SIGNED_IN = {
    "my account": "/accounts/me/",
    "your benefits": "/accounts/benefits/",
    "my subscription": "/subscribe/my/",
    "devices": "/accounts/devices/",
    "partner codes": "/partner/",
    "gifts": "/gift/mine/",
}


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


def _fetch(client: Client, pages: dict[str, str]) -> dict[str, str]:
    fetched = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), f"{name} {url}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), f"{name} {url}"
        fetched[f"{name} ({url})"] = response.content.decode()
    return fetched


def test_every_page_kind_is_valid_html(demo: None) -> None:
    anonymous = _fetch(Client(), page_kinds())
    subscriber = Client()
    subscriber.force_login(get_user_model().objects.get(email="subscriber@example.com"))
    signed_in = _fetch(subscriber, signed_in_kinds())
    pages = {**anonymous, **signed_in}

    errors = html_errors(pages)

    assert len(pages) == len(page_kinds()) + len(signed_in_kinds())
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(map(str, errors))

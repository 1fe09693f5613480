"""Canonical, Open Graph and JSON-LD on every page kind, all from MASTHEAD_SITE_URL; a wire
story's og:url and JSON-LD agree with its canonical (the agency's) address."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from masthead.newsroom.models import Author
from masthead.ops import testing

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def head_of(client: Client, path: str) -> dict[str, Any]:
    page = client.get(path).content.decode()
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', page)
    og = dict(re.findall(r'<meta property="og:([a-z_:]+)" content="([^"]*)">', page))
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return {"canonical": canonical, "og": og, "json_ld": [json.loads(b) for b in blocks]}


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "CollectionPage"),
        ("/economy/", "CollectionPage"),
        ("/premium/", "CollectionPage"),
        ("/market-analysis/", "CollectionPage"),
        ("/archive/", "CollectionPage"),
        ("/archive/2026/", "CollectionPage"),
        ("/author/meera-krishnan/", "ProfilePage"),
    ],
)
def test_every_listing_page_has_canonical_open_graph_and_json_ld(client, path, kind):
    testing.article(in_section=testing.section("economy"))
    Author.objects.get_or_create(slug="meera-krishnan", defaults={"name": "Meera Krishnan"})

    head = head_of(client, path)

    assert head["canonical"] == [SITE + path]
    assert head["og"]["url"] == SITE + path
    assert head["og"]["title"]
    assert head["og"]["image"].startswith(SITE + "/static/")
    [data] = head["json_ld"]
    assert data["@type"] == kind
    assert data["url"] == SITE + path
    assert data["publisher"]["url"] == SITE + "/"
    assert data["publisher"]["logo"]["url"] == SITE + "/static/brand/logo.png"


def test_a_story_names_its_publisher_with_url_and_logo(client):
    story = testing.article(access_level="free")

    [data] = head_of(client, story.get_absolute_url())["json_ld"]

    assert data["@type"] == "NewsArticle"
    assert data["url"] == SITE + story.get_absolute_url()
    assert data["publisher"]["name"] == "The Meridian Ledger"
    assert data["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": SITE + "/static/brand/logo.png",
        "width": 600,
        "height": 60,
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30", data["datePublished"])


def test_a_wire_storys_og_url_and_json_ld_agree_with_its_canonical_at_the_agency(client):
    agency_url = "https://www.afp.com/en/news/1234"
    story = testing.article(access_level="free", wire=testing.agency(), canonical_url=agency_url)

    head = head_of(client, story.get_absolute_url())

    assert head["canonical"] == [agency_url]
    assert head["og"]["url"] == agency_url
    [data] = head["json_ld"]
    assert data["url"] == agency_url
    assert data["mainEntityOfPage"] == agency_url

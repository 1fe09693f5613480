"""A story's lead image on its page, in lists, in what it says to crawlers and feed readers,
and in the back office where it is uploaded."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from masthead.newsroom.models import Article
from masthead.ops import testing
from masthead.pages.tests.test_page_cache import change_form, staff_client

pytestmark = pytest.mark.django_db

SITE = "https://ledger.example"


@pytest.fixture
def site(settings: Any, media_storage: Path) -> str:
    settings.SITE_URL = SITE
    return SITE


def figure_of(page: str) -> str:
    found = re.search(r'<figure class="lead-figure">.*?</figure>', page, re.S)
    assert found, "the story page has a lead figure"
    return found.group(0)


def fetched_image(client: Client, url: str) -> tuple[str, tuple[int, int]]:
    response = client.get(url.removeprefix(SITE))
    assert response.status_code == 200, url
    data = response.getvalue()
    with Image.open(io.BytesIO(data)) as image:
        return str(image.format), image.size


def test_the_lead_image_is_a_figure_with_webp_and_jpeg_sizes_above_the_fold(client, site):
    story = testing.with_lead_image(testing.article(access_level="free"))

    page = client.get(story.get_absolute_url()).content.decode()
    figure = figure_of(page)

    # 1280×720 gives 480, 800 and 1200 px (no 1600: never upscaled), WebP first, JPEG fallback.
    source = re.search(r'<source type="image/webp" srcset="([^"]+)" sizes="[^"]+">', figure)
    img = re.search(r"<img ([^>]+)>", figure)
    assert source and img
    assert [w.split()[-1] for w in source.group(1).split(", ")] == ["480w", "800w", "1200w"]
    assert 'width="800" height="450"' in img.group(1)
    assert 'fetchpriority="high"' in img.group(1) and "loading=" not in img.group(1)
    assert 'alt="A white square with nothing on it"' in img.group(1)
    assert 'Nothing to see here. <span class="credit">Test Desk</span>' in figure
    # The browser's pick is a real WebP of the width it says.
    webp_800 = source.group(1).split(", ")[1].split()[0]
    assert fetched_image(client, webp_800) == ("WEBP", (800, 450))
    # Above the story's text.
    assert page.index("lead-figure") < page.index(testing.PARAGRAPHS[0])


def test_crawlers_get_the_three_ratios_as_absolute_urls(client, site):
    story = testing.with_lead_image(testing.article(access_level="free"))

    page = client.get(story.get_absolute_url()).content.decode()
    og = re.findall(r'<meta property="og:image" content="([^"]+)">', page)
    twitter = dict(re.findall(r'<meta name="twitter:([a-z:]+)" content="([^"]*)">', page))
    [json_ld] = [
        json.loads(b)
        for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]

    assert json_ld["image"] == og
    assert [u.rsplit("/", 1)[-1] for u in og] == [
        "share-16x9.jpg",
        "share-4x3.jpg",
        "share-1x1.jpg",
    ]
    assert all(u.startswith(SITE + "/media/newsroom/images/") for u in og)
    assert twitter["card"] == "summary_large_image" and twitter["image"] == og[0]
    # 1280×720: 16:9 → 1200×675; 4:3 → 960×720; 1:1 → 720×720 (each ≥ 50,000 pixels).
    sizes = [fetched_image(client, u) for u in og]
    assert sizes == [("JPEG", (1200, 675)), ("JPEG", (960, 720)), ("JPEG", (720, 720))]
    assert re.findall(r'<meta property="og:image:width" content="(\d+)">', page) == [
        "1200",
        "960",
        "720",
    ]


def test_a_story_without_an_image_keeps_the_small_card(client, site):
    story = testing.article(access_level="free")

    page = client.get(story.get_absolute_url()).content.decode()

    assert 'name="twitter:card" content="summary"' in page
    assert "lead-figure" not in page and 'property="og:image"' not in page
    assert '"image"' not in page and story.headline in page


def test_a_reader_without_access_sees_the_image_and_the_lead_but_nothing_gated(client, site):
    story = testing.with_lead_image(testing.article(access_level="premium"))

    page = client.get(story.get_absolute_url()).content.decode()

    assert "A white square with nothing on it" in figure_of(page)
    assert testing.PARAGRAPHS[0] in page and 'class="prompt paywall"' in page
    assert not any(p in page for p in testing.PARAGRAPHS[2:])


def test_lists_show_thumbnails_that_load_lazily(client, site):
    economy = testing.section("economy")
    story = testing.with_lead_image(testing.article(in_section=economy))
    testing.article(in_section=economy)  # one without: no empty picture

    page = client.get("/economy/").content.decode()
    thumbnails = re.findall(r'<a class="card-picture"[^>]*>.*?</a>', page, re.S)

    assert len(thumbnails) == 1
    assert 'loading="lazy"' in thumbnails[0] and 'width="480" height="270"' in thumbnails[0]
    assert story.get_absolute_url() in thumbnails[0]


def test_the_feed_carries_the_image_as_an_enclosure(client, site):
    story = testing.with_lead_image(testing.article(access_level="free"))

    feed = feedparser.parse(client.get("/rss.xml").content)
    [item] = [e for e in feed.entries if e.title == story.headline]
    [enclosure] = item.enclosures

    assert enclosure.type == "image/jpeg" and enclosure.href.startswith(SITE + "/media/")
    served = client.get(enclosure.href.removeprefix(SITE))
    assert int(enclosure.length) == len(served.getvalue())


def test_only_the_newsrooms_images_are_served_from_the_storage(client, site):
    story = testing.with_lead_image(testing.article())
    name = story.lead_image_renditions["picture"][0]["jpg"]

    ok = client.get(f"/media/{name}")
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert "immutable" in ok["Cache-Control"]
    assert client.get("/media/newsroom/images/../../secret.jpg").status_code == 404
    assert client.get("/media/newsroom/images/nothing-here.jpg").status_code == 404
    assert client.get(f"/media/{story.lead_image}".replace(".png", ".txt")).status_code == 404
    # The upload itself is never public: it keeps its camera's EXIF (GPS), and no page links it.
    assert story.lead_image.endswith("/original.png")
    assert client.get(f"/media/{story.lead_image}").status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "x%00.jpg",  # a null byte: the file system refuses the name
        "a" * 300 + ".jpg",  # longer than a file name may be
        "0123456789abcdef0123456789abcdef/f0500-0500-r1/picture-480.webp/",  # a folder
        "0123456789abcdef0123456789abcdef/f0500-0500-r1.jpg",  # a folder's name, as a file
    ],
)
def test_a_crafted_image_name_is_a_404_never_a_500(client, site, name):
    story = testing.with_lead_image(testing.article())
    folder = story.lead_image_renditions["picture"][0]["jpg"].rsplit("/", 1)[0]
    assert client.get(f"/media/{folder}/picture-480.jpg").status_code == 200  # the real one
    assert client.get(f"/media/newsroom/images/{name}").status_code == 404


# --- The back office ----------------------------------------------------------------------


def _upload(data: bytes, name: str = "photo.png") -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_an_editor_uploads_a_lead_image_with_its_words_and_focal_point(client, site):
    story = testing.article(access_level="free")
    editor = staff_client(client)
    change = reverse("admin:newsroom_article_change", args=[story.pk])

    response = editor.post(
        change,
        change_form(
            story,
            lead_image_upload=_upload(testing.image_bytes((1600, 900), dot_at=(0.9, 0.5))),
            lead_image_alt="Ships queue outside the port",
            lead_image_caption="Queues at the port on Monday.",
            lead_image_credit="Reuters",
            focal_x="90",
            focal_y="50",
        ),
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.lead_image_focal_x, story.lead_image_focal_y) == (0.9, 0.5)
    assert story.lead_image_credit == "Reuters" and story.lead_image_width == 1600
    figure = figure_of(Client().get(story.get_absolute_url()).content.decode())
    assert "Ships queue outside the port" in figure and "Reuters" in figure
    # The form shows what is there now.
    form = editor.get(change).content.decode()
    assert "1600×900 px, focal point 90% across, 50% down" in form


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (
            {"lead_image_upload": _upload(b"GIF89a not really", "x.gif"), "lead_image_alt": "x"},
            "This file is not an image: upload a JPEG, PNG or WebP.",
        ),
        (
            {"lead_image_upload": _upload(testing.image_bytes((640, 480))), "lead_image_alt": "x"},
            "The image is 640×480 px; a lead image must be at least 1200×675 px",
        ),
        (
            {"lead_image_upload": _upload(testing.image_bytes()), "lead_image_alt": ""},
            "alt text is required when a story has a lead image",
        ),
        (
            {
                "lead_image_upload": _upload(testing.image_bytes()),
                "lead_image_alt": "x",
                "focal_x": "140",
            },
            "Ensure this value is less than or equal to 100",
        ),
    ],
    ids=["not an image", "too small", "no alt text", "focal point off the image"],
)
def test_a_bad_upload_is_a_form_error_and_changes_nothing(client, site, fields, error):
    story = testing.article()
    editor = staff_client(client)

    response = editor.post(
        reverse("admin:newsroom_article_change", args=[story.pk]), change_form(story, **fields)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Article.objects.get(pk=story.pk).lead_image == ""


def test_an_editor_removes_the_image(client, site):
    story = testing.with_lead_image(testing.article(access_level="free"))
    editor = staff_client(client)

    response = editor.post(
        reverse("admin:newsroom_article_change", args=[story.pk]),
        change_form(story, remove_lead_image="on", lead_image_alt=story.lead_image_alt),
    )

    assert response.status_code == 302
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "lead-figure" not in page and story.headline in page

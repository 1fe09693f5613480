"""Reading, saving and sharing: only the gate lets a reader at pages and PDFs."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from masthead.access import ways_in
from masthead.access.models import Benefit
from masthead.access.services import CompDuration, grant_complimentary
from masthead.epaper import clips, rendering, services
from masthead.epaper.models import Download, Edition
from masthead.epaper.rendering import Clip
from masthead.epaper.tests.conftest import HEADLINE, edition_pdf
from masthead.ops.testing import reader_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(tmp_path: Path) -> Edition:
    path = edition_pdf(tmp_path, pages=3)
    return services.receive_edition(
        path=path,
        filename=path.name,
        date=timezone.localdate(),
        name="Mumbai",
        uploaded_by=None,
        render_now=True,
    )


def url(name: str, edition: Edition, **kwargs: Any) -> str:
    return reverse(name, kwargs={"date": edition.date.isoformat(), "slug": edition.slug, **kwargs})


@pytest.fixture
def subscriber(client: Client) -> Client:
    user = reader_account(email="asha@example.com")
    user.first_name, user.last_name = "Asha", "Rao"
    user.save()
    grant_complimentary(
        user=user, duration=CompDuration.ONE_MONTH, granted_by=None, benefits=[Benefit.EPAPER]
    )
    client.force_login(user)
    return client


@pytest.fixture
def registered_without_epaper(client: Client) -> Client:
    user = reader_account()
    grant_complimentary(
        user=user,
        duration=CompDuration.ONE_MONTH,
        granted_by=None,
        benefits=[Benefit.UNLIMITED_STORIES],
    )
    client.force_login(user)
    return client


def test_the_epaper_is_registered_as_the_benefits_way_in() -> None:
    [way] = ways_in.ways_in(benefit=Benefit.EPAPER)
    assert way.label == "Read today's e-paper"
    assert reverse(way.url_name) == "/epaper/"


def test_home_shows_todays_edition_and_the_calendar(client: Client, edition: Edition) -> None:
    response = client.get("/epaper/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Today’s e-paper" in html
    assert "Mumbai edition" in html
    assert f"{edition.date:%B %Y}" in html
    assert url("epaper:page", edition, number=1) in html


def month_link(html: str, rel: str) -> str:
    found = re.search(rf'<a href="(\?month=[0-9-]+)" rel="{rel}"', html)
    assert found, f"no {rel} month link"
    return found.group(1)


def test_a_subscriber_opens_a_past_edition_from_the_calendar_moving_between_months(
    subscriber: Client, tmp_path: Path
) -> None:
    today = timezone.localdate()
    # Two months back, with an empty month between: the calendar steps over it.
    past_day = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=10)
    editions = {}
    for day, headline in ((past_day, "An older front page"), (today, HEADLINE)):
        path = edition_pdf(tmp_path, pages=1, headline=headline)
        editions[day] = services.receive_edition(
            path=path,
            filename=path.name,
            date=day,
            name="Mumbai",
            uploaded_by=None,
            render_now=True,
        )
    past = editions[past_day]

    home = subscriber.get("/epaper/").content.decode()
    assert f"{today:%B %Y}</span>" in home
    assert url("epaper:page", past, number=1) not in home  # not this month's
    earlier = month_link(home, "prev")
    assert earlier == f"?month={past_day:%Y-%m}"

    month = subscriber.get(f"/epaper/{earlier}").content.decode()
    assert f"{past_day:%B %Y}</span>" in month
    assert f'aria-label="Mumbai edition, {past_day.day} {past_day:%B %Y}"' in month
    assert url("epaper:page", past, number=1) in month
    assert month_link(month, "next") == f"?month={today:%Y-%m}"
    assert 'rel="prev"' not in month  # nothing earlier

    page = subscriber.get(url("epaper:page", past, number=1))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Mumbai edition · {past_day:%A}, {past_day.day} {past_day:%B %Y}" in html
    assert url("epaper:page_image", past, number=1, size="medium") in html
    image = subscriber.get(url("epaper:page_image", past, number=1, size="medium"))
    assert image.status_code == 200

    later = subscriber.get(f"/epaper/{month_link(month, 'next')}").content.decode()
    assert f"{today:%B %Y}</span>" in later
    assert url("epaper:page", editions[today], number=1) in later


@pytest.mark.parametrize("who", ["anonymous", "registered_without_epaper"])
def test_a_reader_without_the_epaper_sees_the_front_page_blurred_with_the_prompt(
    request: pytest.FixtureRequest, client: Client, edition: Edition, who: str
) -> None:
    reader = client if who == "anonymous" else request.getfixturevalue(who)
    response = reader.get(url("epaper:page", edition, number=2))
    html = response.content.decode()

    assert response.status_code == 200
    assert url("epaper:cover", edition) in html
    assert 'class="prompt' in html
    assert "The e-paper is for subscribers." in html
    for size in ("large", "medium", "thumb"):
        assert f"{size}.jpg" not in html
    assert HEADLINE not in html  # not even the page's text
    cover = reader.get(url("epaper:cover", edition))
    with Image.open(io.BytesIO(cover.content)) as image:
        assert image.width == rendering.COVER_BLUR_WIDTH


@pytest.mark.parametrize(
    "path",
    [
        lambda e: url("epaper:page_image", e, number=1, size="large"),
        lambda e: url("epaper:page_image", e, number=2, size="thumb"),
        lambda e: url("epaper:download", e),
        lambda e: url("epaper:download_page", e, number=1),
    ],
    ids=["large", "thumb", "edition-pdf", "page-pdf"],
)
def test_no_page_image_or_pdf_goes_to_a_reader_without_the_epaper(
    registered_without_epaper: Client, edition: Edition, path: Any
) -> None:
    response = registered_without_epaper.get(path(edition))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")


def test_a_subscriber_reads_pages_with_a_strip_next_and_previous(
    subscriber: Client, edition: Edition
) -> None:
    response = subscriber.get(url("epaper:page", edition, number=2))
    html = response.content.decode()

    assert 'class="prompt' not in html
    assert url("epaper:page_image", edition, number=2, size="medium") in html
    assert url("epaper:page_image", edition, number=2, size="large") in html
    for number in (1, 2, 3):
        assert url("epaper:page_image", edition, number=number, size="thumb") in html
    assert f'rel="prev" href="{url("epaper:page", edition, number=1)}"' in html
    assert f'rel="next" href="{url("epaper:page", edition, number=3)}"' in html
    image = subscriber.get(url("epaper:page_image", edition, number=2, size="large"))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert image["Cache-Control"].startswith("private")
    assert subscriber.get(url("epaper:page", edition, number=4)).status_code == 404


def test_a_download_carries_the_readers_identity(subscriber: Client, edition: Edition) -> None:
    response = subscriber.get(url("epaper:download", edition))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = PdfReader(io.BytesIO(response.content))
    download = Download.objects.get()
    assert len(pdf.pages) == 3
    assert pdf.metadata is not None
    assert str(pdf.metadata["/MastheadLicensee"]) == "asha@example.com"
    assert str(pdf.metadata["/MastheadDownload"]) == download.reference
    for page in pdf.pages:
        footer = page.extract_text()
        assert "Licensed to Asha Rao <asha@example.com>" in footer
        assert download.reference in footer


def test_a_page_download_is_that_one_page(subscriber: Client, edition: Edition) -> None:
    response = subscriber.get(url("epaper:download_page", edition, number=2))
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) == 1
    assert "Second story" in pdf.pages[0].extract_text()
    assert Download.objects.get().page_number == 2


def share(client: Client, edition: Edition, number: int, **rect: int) -> str:
    response = client.post(url("epaper:share", edition, number=number), rect)
    assert response.status_code == 200, response.content
    token = response.context["token"]
    assert isinstance(token, str)
    return token


def test_a_shared_clip_opens_for_a_stranger_with_a_prompt(
    subscriber: Client, edition: Edition
) -> None:
    token = share(subscriber, edition, 1, x=100, y=200, w=500, h=250)
    stranger = Client()

    page = stranger.get(reverse("epaper:shared", kwargs={"token": token}))
    image = stranger.get(reverse("epaper:shared_image", kwargs={"token": token}))

    assert page.status_code == 200
    assert "The e-paper is for subscribers." in page.content.decode()
    with Image.open(io.BytesIO(image.content)) as clip:
        assert clip.width == rendering.LARGE_WIDTH // 2
        large_height = round(rendering.LARGE_WIDTH * 1224 / 792)
        assert abs(clip.height - large_height // 4) <= 2


def test_a_shared_whole_page_opens_for_a_stranger(subscriber: Client, edition: Edition) -> None:
    token = share(subscriber, edition, 3)
    image = Client().get(reverse("epaper:shared_image", kwargs={"token": token}))
    with Image.open(io.BytesIO(image.content)) as shown:
        assert shown.width == rendering.MEDIUM_WIDTH


def test_only_readers_with_the_epaper_can_make_share_links(
    registered_without_epaper: Client, edition: Edition
) -> None:
    response = registered_without_epaper.post(url("epaper:share", edition, number=1))
    assert response.status_code == 403


def test_a_clip_smaller_than_a_slip_of_the_mouse_is_refused(
    subscriber: Client, edition: Edition
) -> None:
    response = subscriber.post(
        url("epaper:share", edition, number=1), {"x": 1, "y": 1, "w": 3, "h": 3}
    )
    assert response.status_code == 400
    assert b"Draw a larger rectangle" in response.content


def test_an_altered_share_link_shows_nothing(subscriber: Client, edition: Edition) -> None:
    token = share(subscriber, edition, 1)
    signature = token.rsplit(":", 1)[1]
    forged = clips.share_token(
        shared=clips.SharedPage(date=edition.date, slug=edition.slug, page=2, clip=None)
    ).rsplit(":", 1)[0]
    stranger = Client()
    response = stranger.get(reverse("epaper:shared", kwargs={"token": f"{forged}:{signature}"}))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    image = stranger.get(reverse("epaper:shared_image", kwargs={"token": f"{forged}:{signature}"}))
    assert image.status_code == 404


def test_a_share_link_expires_after_thirty_days(
    subscriber: Client, edition: Edition, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = share(subscriber, edition, 1)
    real = dt.datetime.now(dt.UTC).timestamp()
    # Only the signing module's clock moves: 30 days and a minute later.
    monkeypatch.setattr(
        "django.core.signing.time", SimpleNamespace(time=lambda: real + 30 * 86400 + 60)
    )
    response = Client().get(reverse("epaper:shared", kwargs={"token": token}))
    assert response.status_code == 404
    assert "has expired" in response.content.decode()


def test_a_share_link_still_opens_on_day_twenty_nine(
    subscriber: Client, edition: Edition, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = share(subscriber, edition, 1)
    real = dt.datetime.now(dt.UTC).timestamp()
    monkeypatch.setattr("django.core.signing.time", SimpleNamespace(time=lambda: real + 29 * 86400))
    assert Client().get(reverse("epaper:shared_image", kwargs={"token": token})).status_code == 200


rects = (
    st.builds(
        Clip,
        x=st.integers(0, 980),
        y=st.integers(0, 980),
        w=st.just(20),
        h=st.just(20),
    )
    | st.none()
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    page=st.integers(1, 99),
    clip=rects,
    position=st.integers(0, 10_000),
    replacement=st.characters(whitelist_categories=("Lu", "Ll", "Nd")),
)
def test_a_share_token_cannot_be_altered_to_show_anything_else(
    page: int, clip: Clip | None, position: int, replacement: str
) -> None:
    shared = clips.SharedPage(date=dt.date(2026, 11, 25), slug="mumbai", page=page, clip=clip)
    token = clips.share_token(shared=shared)
    assert clips.read_share_token(token) == shared
    at = position % len(token)
    altered = token[:at] + replacement + token[at + 1 :]
    try:
        shown = clips.read_share_token(altered)
    except clips.ShareLinkInvalid:
        return
    assert shown == shared  # a change that leaves the signed bytes as they were


@given(
    x=st.integers(-50, 1050),
    y=st.integers(-50, 1050),
    w=st.integers(0, 1100),
    h=st.integers(0, 1100),
)
def test_a_clip_always_lies_within_the_page(x: int, y: int, w: int, h: int) -> None:
    try:
        clip = Clip(x, y, w, h)
    except ValueError:
        return
    assert clip.x >= 0 and clip.x + clip.w <= 1000
    assert clip.y >= 0 and clip.y + clip.h <= 1000
    assert clip.w >= 20 and clip.h >= 20

"""The e-paper issue's acceptance, in a real browser: staff upload an edition in the back office;
a subscriber reads it (next page, arrow keys, zoom, fit to width on a phone), downloads it with
their identity stamped in, and shares a clip that a stranger opens; a reader without the
e-paper is refused (blurred front page and the prompt, and no page image)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from masthead.access.models import Benefit
from masthead.access.services import CompDuration, grant_complimentary
from masthead.epaper.layout import PrintStory, lay_out_edition
from tests.browser.helpers import (
    STRONG_PASSWORD,
    horizontal_overflow,
    new_email,
    wait_until_true,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRONT_HEADLINE = "Browser desk replaces the Mumbai front page"


def print_edition(tmp_path: Path, date: dt.date) -> Path:
    story = PrintStory(
        headline=FRONT_HEADLINE,
        section="Markets",
        standfirst="A late change to the front page.",
        byline="By the Desk",
        paragraphs=["Markets closed higher after the announcement on Tuesday."] * 12,
    )
    path = tmp_path / "mumbai.pdf"
    path.write_bytes(
        lay_out_edition(
            publisher="The Meridian Ledger",
            tagline="Business daily",
            edition="Mumbai",
            date=date,
            stories=[story] * 6,
            pages=2,
        )
    )
    return path


def log_in(page: Page, site: str, email: str, next_path: str) -> None:
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.locator("form.account-form").get_by_role("button", name="Log in").click()


def reader(*, epaper: bool) -> str:
    email = new_email("epaper")
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=STRONG_PASSWORD
    )
    if epaper:
        grant_complimentary(
            user=user, duration=CompDuration.ONE_MONTH, granted_by=None, benefits=[Benefit.EPAPER]
        )
    return email


def test_upload_read_download_share_and_refuse(
    site: str, page_factory: Any, shoot: Any, tmp_path: Path
) -> None:
    today = timezone.localdate()
    edition_path = f"/epaper/{today.isoformat()}/mumbai/"

    # Staff upload today's Mumbai edition again, with a new front page.
    get_user_model().objects.create_superuser("desk", "desk@example.com", STRONG_PASSWORD)
    desk = page_factory()
    desk.goto(site + "/admin/epaper/edition/add/")
    # The admin's login page sends staff to the site's sign-in (issue 15).
    desk.locator("#id_login").fill("desk@example.com")
    desk.locator("#id_password").fill(STRONG_PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    expect(desk.get_by_role("heading", name="Upload an e-paper edition")).to_be_visible()
    desk.locator("#id_pdf").set_input_files(str(print_edition(tmp_path, today)))
    desk.locator("#id_date").fill(today.isoformat())
    desk.locator("#id_name").fill("Mumbai")
    desk.get_by_role("button", name="Upload and publish").click()
    expect(desk.locator(".messagelist")).to_contain_text(
        f"Published Mumbai edition, {today:%d %b %Y}: 2 pages."
    )

    # A subscriber reads it: front page, next page, arrow key back, zoom.
    page = page_factory()
    email = reader(epaper=True)
    log_in(page, site, email, "/epaper/")
    expect(page.get_by_role("heading", name="Today’s e-paper", exact=False)).to_be_visible()
    page.get_by_role("link", name="Mumbai edition").first.click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("page 1 of 2")
    page.get_by_text("Text of page 1").click()
    expect(page.locator(".ep-text-body")).to_contain_text(FRONT_HEADLINE)
    page.get_by_role("link", name="Next page →").click()
    expect(heading).to_contain_text("page 2 of 2")
    page.keyboard.press("ArrowLeft")
    expect(heading).to_contain_text("page 1 of 2")
    image = page.locator(".ep-page-image")
    before = image.bounding_box()["width"]
    page.get_by_role("button", name="Zoom in").click()
    expect(page.locator(".ep-zoom-level")).to_have_text("150%")
    expect(image).to_have_attribute("src", re.compile(rf"^{edition_path}1/large\.jpg\?v=\d+$"))
    wait_until_true(page, "document.querySelector('.ep-page-image').naturalWidth === 1600")
    assert image.bounding_box()["width"] > before * 1.3
    shoot(page, "epaper-subscriber-zoomed")
    page.get_by_role("button", name="Fit width").click()
    expect(page.locator(".ep-zoom-level")).to_have_text("100%")

    # Save: the edition as a PDF with the reader's identity in it.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download edition (PDF)").click()
    pdf = PdfReader(downloading.value.path())
    assert len(pdf.pages) == 2
    assert pdf.metadata["/MastheadLicensee"] == email
    assert email in pdf.pages[1].extract_text()

    # Share: clip a rectangle from the front page.
    page.get_by_role("button", name="Clip an article").click()
    image.evaluate("element => element.scrollIntoView({block: 'start'})")
    box = image.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.05, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 320, steps=5)
    page.mouse.up()
    page.get_by_role("button", name="Share the clip").click()
    expect(page.get_by_role("heading", name="this clip of page 1 is ready")).to_be_visible()
    link = page.get_by_label("Link", exact=True).input_value()
    assert "/epaper/s/" in link

    # Fit to width on a phone: the page fills the screen and nothing scrolls sideways.
    page.go_back()
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.locator(".ep-page-image").bounding_box()["width"]
    assert 300 < width <= 390
    assert horizontal_overflow(page) <= 0
    shoot(page, "epaper-subscriber-phone")

    # A stranger opens the shared clip: the clip, and a subscribe prompt beside it.
    stranger = page_factory()
    stranger.goto(link)
    shared = stranger.locator(".ep-shared-image")
    expect(shared).to_be_visible()
    wait_until_true(stranger, "document.querySelector('.ep-shared-image').naturalWidth > 600")
    expect(stranger.locator("section.prompt")).to_contain_text("The e-paper is for subscribers.")
    shoot(stranger, "epaper-shared-clip")

    # A reader without the e-paper: the front page small and blurred, the prompt, no pages.
    refused = page_factory()
    log_in(refused, site, reader(epaper=False), edition_path + "1/")
    expect(refused.locator(".ep-blurred")).to_be_visible()
    expect(refused.locator("section.prompt")).to_contain_text("The e-paper is for subscribers.")
    expect(refused.locator(".ep-page-image")).to_have_count(0)
    assert refused.request.get(site + edition_path + "1/large.jpg").status == 403
    assert refused.request.get(site + edition_path + "download.pdf").status == 403
    shoot(refused, "epaper-refused")

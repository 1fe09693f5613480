"""Lead images: what an upload must be, and renditions cropped around the focal point."""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw

from masthead.newsroom import images, services
from masthead.newsroom.models import Article

_stories = itertools.count(1)


def story() -> Article:
    """A published story (the newsroom's own service: its tests sit below the gate)."""
    number = next(_stories)
    return services.save_article(
        slug=f"pictured-{number}",
        headline=f"Pictured story {number}",
        section=services.upsert_section(name="Economy", slug="economy"),
        body_text="A paragraph.",
    )


def drawing(
    size: tuple[int, int], *, dot_at: tuple[float, float] | None = None, fmt: str = "PNG"
) -> bytes:
    """A white image, with a red dot 60 px across at ``dot_at`` (fractions of the size)."""
    image = Image.new("RGB", size, (255, 255, 255))
    if dot_at is not None:
        x, y = dot_at[0] * size[0], dot_at[1] * size[1]
        ImageDraw.Draw(image).ellipse([x - 30, y - 30, x + 30, y + 30], fill=(220, 0, 0))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def red_pixels(name: str) -> int:
    with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
        r, g, b = image.convert("RGB").split()
        red = ImageChops.multiply(
            r.point(lambda v: 255 if v > 180 else 0),
            ImageChops.multiply(
                g.point(lambda v: 255 if v < 80 else 0), b.point(lambda v: 255 if v < 80 else 0)
            ),
        )
        return red.histogram()[255]


def opened(name: str) -> tuple[str, tuple[int, int]]:
    with default_storage.open(name, "rb") as handle, Image.open(handle) as image:
        return str(image.format), image.size


def stored_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


# --- Crops --------------------------------------------------------------------------------

RATIOS = [(16, 9), (4, 3), (1, 1)]


# A pure function: only a busy machine can make generation look slow.
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.integers(min_value=1, max_value=6000),
    height=st.integers(min_value=1, max_value=6000),
    ratio=st.sampled_from(RATIOS),
    fx=st.floats(min_value=0, max_value=1),
    fy=st.floats(min_value=0, max_value=1),
)
def test_a_crop_is_the_largest_box_of_its_ratio_and_keeps_the_focal_point(
    width: int, height: int, ratio: tuple[int, int], fx: float, fy: float
) -> None:
    left, top, right, bottom = images.crop_box(
        width=width, height=height, ratio=ratio, focal=(fx, fy)
    )
    box_w, box_h = right - left, bottom - top

    assert 0 <= left < right <= width and 0 <= top < bottom <= height
    assert box_w == width or box_h == height  # as large as the image allows
    assert abs(box_w * ratio[1] - box_h * ratio[0]) <= max(ratio)  # the ratio, to a pixel
    # The focal point is inside, unless the box is a pixel too small to hold it at the edge.
    assert left - 1 <= fx * width <= right + 1 and top - 1 <= fy * height <= bottom + 1


# --- Renditions ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_renditions_have_the_promised_sizes_formats_and_keep_the_focal_point(
    media_storage: Path,
) -> None:
    # 2400×1200 (2:1), the dot near the top right corner.
    pictured = story()
    images.set_lead_image(
        article=pictured,
        data=drawing((2400, 1200), dot_at=(0.9, 0.2)),
        alt="A red dot",
        focal=(0.9, 0.2),
    )
    made = pictured.lead_image_renditions

    # <picture>: 16:9 at each width, WebP and JPEG.
    sizes = [(e["width"], e["height"]) for e in made["picture"]]
    assert sizes == [(480, 270), (800, 450), (1200, 675), (1600, 900)]
    for entry in made["picture"]:
        assert opened(entry["webp"]) == ("WEBP", (entry["width"], entry["height"]))
        assert opened(entry["jpg"]) == ("JPEG", (entry["width"], entry["height"]))
        assert red_pixels(entry["jpg"]) > 0
    # Google's three ratios: 16:9 from 2133×1200, 4:3 from 1600×1200, 1:1 is 1200×1200.
    share = {label: opened(s["name"]) for label, s in made["share"].items()}
    assert share == {
        "16x9": ("JPEG", (1200, 675)),
        "4x3": ("JPEG", (1200, 900)),
        "1x1": ("JPEG", (1200, 1200)),
    }
    assert all(red_pixels(s["name"]) > 0 for s in made["share"].values())


@pytest.mark.django_db
def test_without_the_focal_point_a_centred_crop_loses_the_dot(media_storage: Path) -> None:
    pictured = story()
    images.set_lead_image(
        article=pictured, data=drawing((2400, 1200), dot_at=(0.9, 0.2)), alt="A red dot"
    )
    square = pictured.lead_image_renditions["share"]["1x1"]["name"]  # x 600..1800 of 2400

    assert red_pixels(square) == 0
    assert red_pixels(pictured.lead_image_renditions["share"]["16x9"]["name"]) > 0


@pytest.mark.django_db
def test_a_narrow_original_is_never_upscaled(media_storage: Path) -> None:
    pictured = story()
    images.set_lead_image(article=pictured, data=drawing((1300, 731)), alt="White")

    widths = [e["width"] for e in pictured.lead_image_renditions["picture"]]
    shares = {
        k: (v["width"], v["height"]) for k, v in pictured.lead_image_renditions["share"].items()
    }
    assert widths == [480, 800, 1200]
    # 16:9 is 1300×731 → 1200×675; 4:3 is 975×731 and 1:1 731×731, kept as they are.
    assert shares == {"16x9": (1200, 675), "4x3": (975, 731), "1x1": (731, 731)}


@pytest.mark.django_db
def test_setting_the_same_image_again_writes_nothing_and_a_new_focal_point_adds_crops(
    media_storage: Path,
) -> None:
    pictured = story()
    data = drawing((1600, 900), dot_at=(0.2, 0.5))
    images.set_lead_image(article=pictured, data=data, alt="A dot", focal=(0.2, 0.5))
    first = stored_files(media_storage)
    made = pictured.lead_image_renditions

    again = story()  # another pictured with the same picture shares its files
    images.set_lead_image(article=again, data=data, alt="A dot", focal=(0.2, 0.5))
    images.set_lead_image(article=pictured, data=data, alt="A dot", focal=(0.2, 0.5))

    assert stored_files(media_storage) == first
    assert len(first) == 1 + 8 + 3  # the original, 4 widths × 2 formats, 3 share crops
    assert again.lead_image_renditions == made
    images.set_lead_image(article=pictured, alt="A dot", focal=(0.25, 0.5))
    assert len(stored_files(media_storage) - first) == 11  # no new original


# --- Refusals -----------------------------------------------------------------------------


def _gif(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("P", size).save(out, "GIF")
    return out.getvalue()


def _bomb() -> bytes:
    # 10,000 × 8,000 pixels of one colour: a few kilobytes of PNG, 240 MB once decoded.
    out = io.BytesIO()
    Image.new("1", (10_000, 8_000)).save(out, "PNG")
    return out.getvalue()


def _truncated() -> bytes:
    data = drawing((1600, 900), dot_at=(0.5, 0.5), fmt="JPEG")
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: b"Not a picture at all", "not an image"),
        (lambda: drawing((800, 600)), "800×600 px; a lead image must be at least 1200×675"),
        (lambda: _gif((1600, 900)), "GIF images are not taken"),
        (_bomb, "too many pixels (10000×8000 px)"),
        (_truncated, "damaged or cut short"),
    ],
    ids=["not an image", "too small", "GIF", "decompression bomb", "truncated"],
)
def test_a_bad_upload_is_refused_with_a_reason(make: Any, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        images.check_upload(data=make())

    assert says in refused.value.messages[0]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings: Any) -> None:
    settings.NEWSROOM_IMAGE_MAX_MB = 1

    with pytest.raises(ValidationError) as refused:
        images.check_upload(data=b"\xff" * 1_200_000)

    assert refused.value.messages == [
        "The image is 1.1 MB; the most we take is 1 MB. Export it smaller (JPEG, 2400 px wide "
        "is plenty)."
    ]
    assert images.check_upload(data=drawing((1200, 675))).width == 1200  # a fine one passes


@pytest.mark.django_db
def test_an_image_without_alt_text_is_refused_and_nothing_changes(media_storage: Path) -> None:
    pictured = story()

    with pytest.raises(ValidationError, match="alt text"):
        images.set_lead_image(article=pictured, data=drawing((1600, 900)), alt="  ")

    pictured.refresh_from_db()
    assert pictured.lead_image == "" and images.picture(pictured) is None
    assert stored_files(media_storage) == set()

"""A story's lead image: checking an upload, cropping around the focal point, renditions.

Everything goes through Django's storage API (``default_storage``, i.e. ``STORAGES["default"]``),
never a path on disk, so the same code writes to a folder or to an S3 bucket. Names are
content-addressed: ``newsroom/images/<sha256 of the original>/original.<ext>`` and, per focal
point, ``.../f<x>-<y>/<kind>-<width>.<ext>``. A name always holds the same bytes, so making the
renditions again writes only what is missing (idempotent), and the files may be cached forever.

Renditions are made in the request that sets the image (ADR 0024): a dozen Pillow resizes of an
image of at most ``MAX_PIXELS`` take well under a second, and the page needs them at once.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from masthead.newsroom import changes
from masthead.newsroom.models import Article

# Widths of the story page's <picture> (never wider than the original: no upscaling).
PICTURE_WIDTHS = (480, 800, 1200, 1600)
PICTURE_RATIO = (16, 9)
# The three aspect ratios Google asks of an article's images, each at least 50,000 pixels
# (developers.google.com/search/docs/appearance/structured-data/article, "image"); we make
# them 1200 px wide when the original allows, the width Open Graph cards display best.
SHARE_RATIOS: dict[str, tuple[int, int]] = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
SHARE_WIDTH = 1200
# An upload must give a 16:9 picture 1200 px wide without upscaling.
MIN_WIDTH, MIN_HEIGHT = 1200, 675
# Far above any press photo (a 45-megapixel camera), far below what could exhaust memory:
# decoding is refused before it starts past this (a "decompression bomb").
MAX_PIXELS = 50_000_000
# MPO is how Pillow names the JPEGs many phone cameras write (a JPEG with a second picture).
FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp"}
JPEG_QUALITY = 82
WEBP_QUALITY = 78
# Bump when the renditions' recipe changes: names change with it, so pages pick up new files.
RECIPE = 1
PREFIX = "newsroom/images"


def max_upload_bytes() -> int:
    return int(settings.NEWSROOM_IMAGE_MAX_MB) * 1024 * 1024


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    digest: str
    format: str  # a key of FORMATS
    width: int  # as displayed (after the camera's EXIF orientation)
    height: int


def check_upload(*, data: bytes) -> CheckedImage:
    """The upload as an image we can use, or a ValidationError that says what is wrong."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ValidationError(
            f"The image is {len(data) / 1_048_576:.1f} MB; the most we take is "
            f"{limit // 1_048_576} MB. Export it smaller (JPEG, 2400 px wide is plenty)."
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its limit refuses) about huge images; ours is lower.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                width, height = image.size  # read from the header: nothing decoded yet
                if kind not in FORMATS:
                    raise ValidationError(
                        f"{kind or 'This'} images are not taken: upload a JPEG, PNG or WebP."
                    )
                if width * height > MAX_PIXELS:
                    raise ValidationError(_too_many_pixels(width, height))
                image.load()  # a truncated or corrupt file fails here, not on the page
                shown = ImageOps.exif_transpose(image)
                width, height = shown.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_too_many_pixels(0, 0)) from None
    except UnidentifiedImageError:
        raise ValidationError("This file is not an image: upload a JPEG, PNG or WebP.") from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            "This image is damaged or cut short and cannot be read: export it again."
        ) from None
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ValidationError(
            f"The image is {width}×{height} px; a lead image must be at least "
            f"{MIN_WIDTH}×{MIN_HEIGHT} px so it is sharp on large screens and in search results."
        )
    return CheckedImage(
        data=data,
        digest=hashlib.sha256(data).hexdigest(),
        format=kind,
        width=width,
        height=height,
    )


def _too_many_pixels(width: int, height: int) -> str:
    size = f" ({width}×{height} px)" if width else ""
    return (
        f"The image has too many pixels{size}; the most we take is "
        f"{MAX_PIXELS // 1_000_000} megapixels."
    )


def crop_box(
    *, width: int, height: int, ratio: tuple[int, int], focal: tuple[float, float]
) -> tuple[int, int, int, int]:
    """The largest box of ``ratio`` inside the image, centred on the focal point as far as the
    edges allow: (left, top, right, bottom) in pixels."""
    across, down = ratio
    if width * down > height * across:  # wider than the ratio: keep the full height
        box_w, box_h = max(1, round(height * across / down)), height
    else:
        box_w, box_h = width, max(1, round(width * down / across))
    box_w, box_h = min(box_w, width), min(box_h, height)
    left = min(max(round(focal[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal[1] * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def _encode(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "webp":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True)
    return out.getvalue()


def _store(name: str, data: bytes) -> None:
    # Content-addressed: a name that exists already holds these bytes.
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a storage that renamed instead of writing: keep one copy only
            default_storage.delete(saved)


def _focal_key(focal: tuple[float, float]) -> str:
    return f"f{round(focal[0] * 1000):04d}-{round(focal[1] * 1000):04d}"


def _rgb(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: transparent parts go on white, as on the page."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _plan(*, width: int, height: int, focal: tuple[float, float]) -> dict[str, Any]:
    """The renditions an image of this size gets: names, boxes and sizes, nothing decoded."""
    box = crop_box(width=width, height=height, ratio=PICTURE_RATIO, focal=focal)
    box_w, box_h = box[2] - box[0], box[3] - box[1]
    widths = [w for w in PICTURE_WIDTHS if w <= box_w] or [box_w]
    picture = [{"width": w, "height": round(w * box_h / box_w), "box": box} for w in sorted(widths)]
    share = {}
    for label, ratio in SHARE_RATIOS.items():
        crop = crop_box(width=width, height=height, ratio=ratio, focal=focal)
        crop_w, crop_h = crop[2] - crop[0], crop[3] - crop[1]
        if crop_w > SHARE_WIDTH:
            crop_w, crop_h = SHARE_WIDTH, round(SHARE_WIDTH * ratio[1] / ratio[0])
        share[label] = {"width": crop_w, "height": crop_h, "box": crop}
    return {"picture": picture, "share": share}


def make_renditions(
    *, original: str, size: tuple[int, int], focal: tuple[float, float]
) -> dict[str, Any]:
    """Write whatever renditions of ``original`` (a storage name; ``size`` as displayed) are
    missing for this focal point, and describe them all. Running it again decodes nothing and
    writes nothing: the names exist and hold the same bytes."""
    folder = f"{original.rsplit('/', 1)[0]}/{_focal_key(focal)}-r{RECIPE}"
    plan = _plan(width=size[0], height=size[1], focal=focal)
    for entry in plan["picture"]:
        for kind in ("webp", "jpg"):
            entry[kind] = f"{folder}/picture-{entry['width']}.{kind}"
    for label, entry in plan["share"].items():
        entry["name"] = f"{folder}/share-{label}.jpg"
    names = [e[k] for e in plan["picture"] for k in ("webp", "jpg")]
    names += [e["name"] for e in plan["share"].values()]
    if not all(default_storage.exists(name) for name in names):
        _draw(original=original, plan=plan)
    for entry in plan["picture"]:
        entry["jpg_bytes"] = default_storage.size(entry["jpg"])
    for entry in [*plan["picture"], *plan["share"].values()]:
        del entry["box"]
    return {"recipe": RECIPE, "original": original, "focal": [focal[0], focal[1]], **plan}


def _draw(*, original: str, plan: dict[str, Any]) -> None:
    with default_storage.open(original, "rb") as handle, Image.open(handle) as opened:
        opened.load()
        image = _rgb(ImageOps.exif_transpose(opened))
    # Largest first, each made from the one before: sharper and faster than from the original.
    source = image.crop(plan["picture"][0]["box"])
    for entry in reversed(plan["picture"]):
        size = (entry["width"], entry["height"])
        source = (
            source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
            if source.size != size
            else source
        )
        for kind in ("webp", "jpg"):
            _store(entry[kind], _encode(source, kind))
    for entry in plan["share"].values():
        crop = image.crop(entry["box"])
        size = (entry["width"], entry["height"])
        if crop.size != size:
            crop = crop.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        _store(entry["name"], _encode(crop, "jpg"))


def _current(article: Article, original: str, focal: tuple[float, float]) -> bool:
    made = article.lead_image_renditions or {}
    return (
        made.get("recipe") == RECIPE
        and made.get("original") == original
        and made.get("focal") == [focal[0], focal[1]]
    )


def store_original(*, checked: CheckedImage) -> str:
    name = f"{PREFIX}/{checked.digest[:32]}/original.{FORMATS[checked.format]}"
    _store(name, checked.data)
    return name


def _check_focal(focal: tuple[float, float]) -> tuple[float, float]:
    x, y = float(focal[0]), float(focal[1])
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise ValidationError(
            "The focal point is two numbers between 0 and 1 (or 0 and 100 per cent): "
            "across from the left edge, down from the top."
        )
    return (round(x, 3), round(y, 3))


@transaction.atomic
def set_lead_image(
    *,
    article: Article,
    data: bytes | None = None,
    alt: str,
    caption: str = "",
    credit: str = "",
    focal: tuple[float, float] = (0.5, 0.5),
) -> Article:
    """Give the story a lead image (``data``: a new upload; None keeps the current original)
    with its words and focal point, and make its renditions. Refuses (ValidationError) a bad
    upload, a missing alt text, or a focal point outside the image."""
    focal = _check_focal(focal)
    alt = alt.strip()
    if data is None and not article.lead_image:
        raise ValidationError("Upload an image first.")
    if not alt:
        raise ValidationError(
            "Describe the image in its alt text: readers who cannot see it are told what it "
            "shows (for a chart, what it shows, not just 'chart')."
        )
    if data is not None:
        checked = check_upload(data=data)
        original, size = store_original(checked=checked), (checked.width, checked.height)
    else:
        original = article.lead_image
        size = (article.lead_image_width or 0, article.lead_image_height or 0)
    renditions = (
        article.lead_image_renditions
        if _current(article, original, focal)
        else make_renditions(original=original, size=size, focal=focal)
    )
    fields = {
        "lead_image": original,
        "lead_image_width": size[0],
        "lead_image_height": size[1],
        "lead_image_alt": alt,
        "lead_image_caption": caption.strip(),
        "lead_image_credit": credit.strip(),
        "lead_image_focal_x": focal[0],
        "lead_image_focal_y": focal[1],
        "lead_image_renditions": renditions,
    }
    if any(getattr(article, key) != value for key, value in fields.items()):
        for key, value in fields.items():
            setattr(article, key, value)
        article.save(update_fields=[*fields, "modified_at"])
        changes.story_changed(slug=article.slug)
    return article


@transaction.atomic
def remove_lead_image(*, article: Article) -> Article:
    """The story goes without an image. Files stay: other stories may share them (same
    content, same name), and pages cached a minute ago may still point at them."""
    article.lead_image = ""
    article.lead_image_width = article.lead_image_height = None
    article.lead_image_alt = article.lead_image_caption = article.lead_image_credit = ""
    article.lead_image_focal_x = article.lead_image_focal_y = 0.5
    article.lead_image_renditions = {}
    article.save()
    changes.story_changed(slug=article.slug)
    return article


# --- Reading: what a page prints ----------------------------------------------------------


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Picture:
    """A story's lead image as pages print it (URLs from the storage, maybe relative)."""

    alt: str
    caption: str
    credit: str
    src: str  # the middle JPEG, for browsers that read no srcset
    width: int
    height: int
    webp_srcset: str
    jpeg_srcset: str
    thumbnail_webp: str
    thumbnail_jpeg: str
    thumbnail_width: int
    thumbnail_height: int
    enclosure_url: str  # a JPEG for feeds, and its size in bytes
    enclosure_bytes: int
    share: tuple[ShareImage, ...]  # 16:9, 4:3, 1:1


def picture(article: Article) -> Picture | None:
    """The story's lead image for a page, or None when it has none (or none made yet)."""
    made: Mapping[str, Any] = article.lead_image_renditions or {}
    sizes = made.get("picture") or []
    if not article.lead_image or not sizes:
        return None
    url = default_storage.url
    middle = next((e for e in sizes if e["width"] >= 800), sizes[-1])
    smallest = sizes[0]
    return Picture(
        alt=article.lead_image_alt,
        caption=article.lead_image_caption,
        credit=article.lead_image_credit,
        src=url(middle["jpg"]),
        width=int(middle["width"]),
        height=int(middle["height"]),
        webp_srcset=", ".join(f"{url(e['webp'])} {e['width']}w" for e in sizes),
        jpeg_srcset=", ".join(f"{url(e['jpg'])} {e['width']}w" for e in sizes),
        thumbnail_webp=url(smallest["webp"]),
        thumbnail_jpeg=url(smallest["jpg"]),
        thumbnail_width=int(smallest["width"]),
        thumbnail_height=int(smallest["height"]),
        enclosure_url=url(middle["jpg"]),
        enclosure_bytes=int(middle["jpg_bytes"]),
        share=tuple(
            ShareImage(url=url(s["name"]), width=int(s["width"]), height=int(s["height"]))
            for label in SHARE_RATIOS
            if (s := made.get("share", {}).get(label))
        ),
    )

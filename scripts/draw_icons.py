"""Draw the demo publisher's favicon set and logo with Pillow (no stock art): the PNGs and ICO
beside static/favicon.svg. Run again after changing the mark; the outputs are committed.

    .venv/bin/python scripts/draw_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC = Path(__file__).resolve().parent.parent / "src" / "masthead" / "static"
RED = (140, 28, 19)
SERIF_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(SERIF_BOLD, size)
    except OSError:
        return ImageFont.load_default(size)


def mark(size: int, *, padding: float = 0.0) -> Image.Image:
    """The "M" on the masthead red, as favicon.svg draws it."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    inset = round(size * padding)
    radius = round(size * 4 / 32)
    draw.rounded_rectangle((inset, inset, size - 1 - inset, size - 1 - inset), radius, fill=RED)
    font = _font(round((size - 2 * inset) * 0.66))
    draw.text((size / 2, size / 2), "M", font=font, fill="white", anchor="mm")
    return image


def logo(name: str) -> Image.Image:
    """The publisher's logo for structured data: 600×60, the name beside the mark."""
    image = Image.new("RGB", (600, 60), "white")
    image.paste(mark(60), (0, 0), mark(60))
    draw = ImageDraw.Draw(image)
    draw.text((74, 30), name, font=_font(34), fill=(17, 17, 17), anchor="lm")
    return image


def main() -> None:
    mark(180, padding=0.0).convert("RGB").save(STATIC / "apple-touch-icon.png", optimize=True)
    mark(192).save(STATIC / "icon-192.png", optimize=True)
    mark(512).save(STATIC / "icon-512.png", optimize=True)
    mark(48).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    (STATIC / "brand").mkdir(exist_ok=True)
    logo("The Meridian Ledger").save(STATIC / "brand" / "logo.png", optimize=True)


if __name__ == "__main__":
    main()

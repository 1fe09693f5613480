"""The demo's lead images, drawn with Pillow when the demo loads: charts, maps, illustrations.

No stock photos, nothing downloaded. Every drawing is deterministic (fixed data, seeded
randomness, no text, so no font), so the same PNG bytes come out every time and loading the
demo again finds its images already stored (content-addressed names, ``newsroom.images``).
Figures are illustrative, like the charts in the stories' bodies.
"""

from __future__ import annotations

import functools
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from masthead.newsroom import images
from masthead.newsroom.models import Article

# 4:3, so the 1:1 share image is 1200 px too; what matters sits in the middle 16:9 band.
WIDTH, HEIGHT = 1600, 1200
PAPER = (253, 252, 248)
INK = (26, 26, 26)
RULE = (217, 212, 199)
ACCENT = (140, 28, 19)
SEA = (214, 228, 235)
LAND = (236, 229, 208)
TEAL = (31, 106, 122)
GOLD = (196, 148, 44)
# Charts keep their plot inside these margins, so the 4:3 and 1:1 crops still show the data.
LEFT, RIGHT, TOP, BOTTOM = 200, 1400, 260, 940


def _canvas(background: tuple[int, int, int] = PAPER) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    return image, ImageDraw.Draw(image)


def _grid(draw: ImageDraw.ImageDraw, lines: int = 5) -> None:
    for i in range(lines + 1):
        y = TOP + (BOTTOM - TOP) * i / lines
        draw.line([(LEFT, y), (RIGHT, y)], fill=RULE, width=3)
    draw.line([(LEFT, BOTTOM), (RIGHT, BOTTOM)], fill=INK, width=5)


def _scale(values: Sequence[float], low: float, high: float) -> list[float]:
    return [BOTTOM - (v - low) / (high - low) * (BOTTOM - TOP) for v in values]


def line_chart(values: Sequence[float], *, low: float, high: float) -> Image.Image:
    image, draw = _canvas()
    _grid(draw)
    ys = _scale(values, low, high)
    step = (RIGHT - LEFT) / (len(values) - 1)
    points = [(LEFT + i * step, y) for i, y in enumerate(ys)]
    draw.polygon([(LEFT, BOTTOM), *points, (RIGHT, BOTTOM)], fill=(240, 222, 218))
    draw.line(points, fill=ACCENT, width=9, joint="curve")
    x, y = points[-1]
    draw.ellipse([x - 16, y - 16, x + 16, y + 16], fill=ACCENT)
    return image


def step_chart(values: Sequence[float], *, low: float, high: float) -> Image.Image:
    image, draw = _canvas()
    _grid(draw)
    ys = _scale(values, low, high)
    step = (RIGHT - LEFT) / len(values)
    points: list[tuple[float, float]] = []
    for i, y in enumerate(ys):
        points += [(LEFT + i * step, y), (LEFT + (i + 1) * step, y)]
    draw.line(points, fill=TEAL, width=10)
    return image


def bar_chart(values: Sequence[float], *, high: float) -> Image.Image:
    image, draw = _canvas()
    _grid(draw)
    ys = _scale(values, 0, high)
    slot = (RIGHT - LEFT) / len(values)
    for i, y in enumerate(ys):
        colour = ACCENT if i == len(values) - 1 else TEAL
        draw.rectangle(
            [LEFT + i * slot + slot * 0.18, y, LEFT + (i + 1) * slot - slot * 0.18, BOTTOM],
            fill=colour,
        )
    return image


def map_of(
    coast: Sequence[tuple[float, float]],
    places: Sequence[tuple[float, float]],
    routes: Sequence[Sequence[tuple[float, float]]] = (),
) -> Image.Image:
    """A simple map: one land shape, routes between places, the places as dots. Coordinates
    are fractions of the width and height."""
    image, draw = _canvas(SEA)

    def at(p: tuple[float, float]) -> tuple[float, float]:
        return (p[0] * WIDTH, p[1] * HEIGHT)

    draw.polygon([at(p) for p in coast], fill=LAND, outline=(170, 160, 130), width=4)
    for route in routes:
        draw.line([at(p) for p in route], fill=ACCENT, width=7, joint="curve")
    for p in places:
        x, y = at(p)
        draw.ellipse([x - 18, y - 18, x + 18, y + 18], fill=INK)
        draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=GOLD)
    return image


def illustration(seed: int, palette: Sequence[tuple[int, int, int]]) -> Image.Image:
    """An abstract illustration for an opinion column: overlapping discs and bands."""
    rng = random.Random(seed)  # noqa: S311 -- a drawing, the same every time on purpose
    image, draw = _canvas(palette[0])
    for _ in range(9):
        x, y = rng.uniform(0.1, 0.9) * WIDTH, rng.uniform(0.1, 0.9) * HEIGHT
        r = rng.uniform(80, 320)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=rng.choice(palette[1:]))
    for i in range(6):
        y = HEIGHT * (0.15 + i * 0.14)
        draw.line([(0, y), (WIDTH, y + rng.uniform(-120, 120))], fill=palette[-1], width=6)
    return image


def process_diagram(stages: int) -> Image.Image:
    """Boxes joined by arrows, left to right (a process explained)."""
    image, draw = _canvas()
    gap = (RIGHT - LEFT) / stages
    for i in range(stages):
        x0 = LEFT + i * gap + 18
        x1 = x0 + gap - 90
        shade = 60 + i * (150 // stages)
        draw.rounded_rectangle([x0, 480, x1, 720], radius=24, fill=(shade, 110, 130))
        if i < stages - 1:
            ax = x1 + 12
            draw.line([(ax, 600), (ax + 50, 600)], fill=INK, width=8)
            draw.polygon([(ax + 50, 580), (ax + 72, 600), (ax + 50, 620)], fill=INK)
    return image


@dataclass(frozen=True)
class DemoImage:
    draw: Callable[[], Image.Image]
    alt: str
    caption: str
    focal: tuple[float, float] = (0.5, 0.5)
    credit: str = "Illustration: Ledger graphics desk"


INDIA = [
    (0.36, 0.06), (0.5, 0.04), (0.56, 0.2), (0.72, 0.28), (0.8, 0.22), (0.83, 0.34),
    (0.66, 0.45), (0.58, 0.62), (0.5, 0.9), (0.44, 0.74), (0.38, 0.52), (0.3, 0.45),
    (0.34, 0.3),
]  # fmt: skip

IMAGES: dict[str, DemoImage] = {
    # The five stories with a chart or diagram in the body.
    "nilachal-hydro-ipo-subscribed-38-times": DemoImage(
        lambda: bar_chart([52, 31, 44, 58, 71, 89], high=100),
        "Bar chart of money raised through main-board IPOs over six years, the last year the "
        "highest",
        "IPO fund-raising has risen for three straight years. Illustrative figures.",
        focal=(0.8, 0.5),
    ),
    "oil-climb-pressures-paint-makers-and-airlines": DemoImage(
        lambda: line_chart([78, 78.6, 79.1, 79, 80.2, 81.5, 82.1, 83.4, 84.2, 85], low=75, high=87),
        "Line chart of Brent crude rising over ten sessions from about 78 to 85 dollars a barrel",
        "Brent crude over the past ten sessions. Illustrative figures.",
        focal=(0.8, 0.5),
    ),
    "rbi-rate-setters-hold-fire-signal-patience-on-inflation": DemoImage(
        lambda: step_chart([6.5, 6.5, 6.5, 6.25, 6.0, 6.0, 6.0, 6.0], low=5.5, high=7),
        "Step chart of the policy repo rate: flat, two cuts, then flat for three meetings",
        "The repo rate over the last eight meetings. Illustrative figures.",
    ),
    "explainer-how-a-semiconductor-fab-turns-sand-into-chips": DemoImage(
        lambda: process_diagram(5),
        "Diagram of five boxes joined by arrows: the stages of making a chip, from wafer to "
        "packaging",
        "From wafer to packaged chip in five stages.",
    ),
    "electric-two-wheeler-makers-race-to-cut-battery-costs": DemoImage(
        lambda: line_chart([1.2, 1.9, 2.6, 3.8, 4.9, 5.6, 6.4], low=0, high=8),
        "Line chart of electric models' share of two-wheeler sales rising steadily to about "
        "6 per cent",
        "Electric models' share of two-wheeler sales. Illustrative figures.",
        focal=(0.8, 0.5),
    ),
    # More charts, maps and illustrations, so every list has pictures.
    "sensex-ends-at-record-as-banks-and-it-lead-rally": DemoImage(
        lambda: line_chart([71, 72.4, 71.8, 73.1, 74.6, 74.2, 75.9, 77.3], low=68, high=79),
        "Line chart of the Sensex climbing to a record close",
        "The Sensex over recent sessions. Illustrative figures.",
        focal=(0.8, 0.5),
    ),
    "mid-cap-funds-draw-record-inflows-as-valuations-stretch": DemoImage(
        lambda: bar_chart([8, 11, 9, 14, 17, 22], high=25),
        "Bar chart of monthly inflows into mid-cap funds, the latest month the largest",
        "Monthly inflows into mid-cap funds. Illustrative figures.",
        focal=(0.8, 0.5),
    ),
    "cabinet-approves-logistics-corridor-linking-four-eastern-ports": DemoImage(
        lambda: map_of(
            INDIA,
            [(0.7, 0.33), (0.64, 0.42), (0.6, 0.52), (0.56, 0.63)],
            [[(0.7, 0.33), (0.64, 0.42), (0.6, 0.52), (0.56, 0.63)]],
        ),
        "Map of India's east coast with four ports joined by a corridor",
        "The corridor links four ports on the east coast.",
        focal=(0.63, 0.48),
        credit="Map: Ledger graphics desk",
    ),
    "gulf-sovereign-funds-step-up-bets-on-indian-infrastructure": DemoImage(
        lambda: map_of(
            [(0.05, 0.3), (0.3, 0.25), (0.36, 0.55), (0.2, 0.7), (0.05, 0.6)],
            [(0.22, 0.45), (0.7, 0.5)],
            [[(0.22, 0.45), (0.45, 0.42), (0.7, 0.5)]],
        ),
        "Map of the Gulf and western India with a line from the Gulf to Mumbai",
        "Gulf money is heading to Indian roads, ports and power lines.",
        focal=(0.45, 0.45),
        credit="Map: Ledger graphics desk",
    ),
    "shipping-detours-keep-freight-rates-high-for-indian-exporters": DemoImage(
        lambda: map_of(
            [(0.0, 0.0), (0.35, 0.0), (0.42, 0.35), (0.3, 0.95), (0.0, 1.0)],
            [(0.62, 0.3), (0.4, 0.9)],
            [[(0.62, 0.3), (0.5, 0.55), (0.45, 0.95)]],
        ),
        "Map of a shipping route bending south around Africa instead of through the Red Sea",
        "Ships are taking the long way round.",
        focal=(0.5, 0.6),
        credit="Map: Ledger graphics desk",
    ),
    "our-cities-need-fewer-flyovers-and-more-buses": DemoImage(
        lambda: illustration(7, [PAPER, (214, 228, 235), (236, 229, 208), TEAL, ACCENT]),
        "Abstract illustration of overlapping circles and lines",
        "",
    ),
    "start-ups-should-chase-customers-not-valuations": DemoImage(
        lambda: illustration(11, [(246, 241, 230), (240, 222, 218), RULE, GOLD, INK]),
        "Abstract illustration of overlapping circles and lines",
        "",
    ),
}


@functools.cache
def drawn(slug: str) -> bytes:
    """The story's demo image as PNG bytes, drawn once per process (the browser tests load
    the demo again for every test)."""
    return png_bytes(IMAGES[slug].draw())


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)  # fast; the bytes only need to be the same
    return out.getvalue()


def attach(*, articles: dict[str, Article]) -> int:
    """Draw each demo image and give it to its story (idempotent: an image already stored is
    neither written nor rendered again). Returns how many stories have one."""
    done = 0
    for slug, spec in IMAGES.items():
        article = articles.get(slug)
        if article is None:
            continue
        images.set_lead_image(
            article=article,
            data=drawn(slug),
            alt=spec.alt,
            caption=spec.caption,
            credit=spec.credit,
            focal=spec.focal,
        )
        done += 1
    return done

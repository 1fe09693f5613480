"""Plots drawn on the server as SVG: no JavaScript, no CDN, crisp on a phone and a laptop.

Each function returns a self-contained ``<svg>`` (``viewBox`` with ``width: 100%``) whose labels
are escaped. The numbers always sit beside the plot in a table, so the plot is for the eye
and the table for the record (and for screen readers: the SVG has a title and ``role="img"``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f5f99", "#d9822b", "#2e8b57", "#b03a48", "#6b4c9a", "#7a7a7a")
POSITIVE, NEGATIVE, NEUTRAL = "#2e8b57", "#b03a48", "#1f5f99"
FONT = "font-family='system-ui,-apple-system,Segoe UI,Roboto,sans-serif'"


def _open(width: int, height: int, title: str, size: str) -> str:
    label = escape(title)
    return (
        f"<svg class='chart {size}' viewBox='0 0 {width} {height}' role='img' aria-label='{label}' "
        f"xmlns='http://www.w3.org/2000/svg' {FONT}><title>{label}</title>"
    )


def _nice_max(value: float, ticks: int = 4) -> float:
    """The smallest round top for an axis of ``ticks`` equal steps that holds ``value``
    (23,912 → 24,000 in steps of 6,000)."""
    if value <= 0:
        return float(ticks)
    rough = value / ticks
    magnitude = 10 ** (len(str(int(rough))) - 1) if rough >= 1 else 1
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude * ticks >= value:
            return float(step * magnitude * ticks)
    return float(10 * magnitude * ticks)


def _short(value: float) -> str:
    """Axis labels: 1.5k, 2.4L (lakh), 1.2Cr — the Indian newsroom's own shorthand."""
    v = abs(value)
    sign = "-" if value < 0 else ""
    if v >= 10_000_000:
        return f"{sign}{v / 10_000_000:.1f}Cr".replace(".0Cr", "Cr")
    if v >= 100_000:
        return f"{sign}{v / 100_000:.1f}L".replace(".0L", "L")
    if v >= 1_000:
        return f"{sign}{v / 1_000:.1f}k".replace(".0k", "k")
    if v == int(v):
        return f"{sign}{int(v)}"
    return f"{sign}{v:.2f}"


# Each plot is drawn twice: wide for a laptop, narrow (bigger type for its size) for a phone;
# the page's CSS shows one (``.chart.wide`` / ``.chart.narrow``).


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
) -> SafeString:
    """Lines (one per series) over shared x labels."""
    drawn = [
        _line(title=title, x_labels=x_labels, series=series, size=size, width=width)
        for size, width in (("wide", 720), ("narrow", 380))
    ]
    return mark_safe("".join(drawn))  # every label is escaped in _line


def _line(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    size: str,
    width: int,
) -> str:
    height = 260 if size == "wide" else 240
    left, right, top, bottom = 52, 14, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((max(v, default=0) for _, v in series), default=0))
    n = max(len(x_labels), 1)
    step_x = plot_w / max(n - 1, 1)
    parts = [_open(width, height, title, size)]
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(
            f"<line x1='{left}' x2='{width - right}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e3e6ea'/>"
        )
        parts.append(
            f"<text x='{left - 8}' y='{y + 4:.1f}' font-size='12' fill='#5b6570' "
            f"text-anchor='end'>{_short(peak * i / 4)}</text>"
        )
    every = max(1, n // (8 if size == "wide" else 4))
    for i, label in enumerate(x_labels):
        if i % every == 0 or (i == n - 1 and i % every > every // 2):
            x = left + step_x * i if n > 1 else left + plot_w / 2
            parts.append(
                f"<text x='{x:.1f}' y='{height - bottom + 18}' font-size='12' fill='#5b6570' "
                f"text-anchor='middle'>{escape(label)}</text>"
            )
    for s, (_, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = [
            (left + step_x * i if n > 1 else left + plot_w / 2, top + plot_h - plot_h * (v / peak))
            for i, v in enumerate(values)
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f"<polyline fill='none' stroke='{colour}' stroke-width='2.5' "
                f"stroke-linejoin='round' points='{path}'/>"
            )
        for x, y in points if len(points) <= 40 else points[-1:]:
            parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.5' fill='{colour}'/>")
    # The legend, left to right, each entry as wide as its name (about 7.5 units a letter).
    lx = left
    for s, (name, _) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        parts.append(f"<rect x='{lx}' y='6' width='12' height='12' rx='2' fill='{colour}'/>")
        parts.append(
            f"<text x='{lx + 18}' y='16' font-size='13' fill='#1d2329'>{escape(name)}</text>"
        )
        lx += 18 + int(len(name) * 7.5) + 16
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    *, title: str, rows: Sequence[tuple[str, float]], signed: bool = False, unit: str = ""
) -> SafeString:
    """Horizontal bars, one per row (largest first is the caller's choice). ``signed`` colours
    gains green and losses red around a zero line (MRR movements)."""
    drawn = [
        _bars(title=title, rows=rows, signed=signed, unit=unit, size=size, width=width)
        for size, width in (("wide", 560), ("narrow", 380))
    ]
    return mark_safe("".join(drawn))  # every label is escaped in _bars


def _bars(
    *,
    title: str,
    rows: Sequence[tuple[str, float]],
    signed: bool,
    unit: str,
    size: str,
    width: int,
) -> str:
    wide = size == "wide"
    label_w, right, bar_h, gap, top = (170, 70, 24, 10, 8) if wide else (132, 58, 24, 8, 6)
    height = top * 2 + max(len(rows), 1) * (bar_h + gap)
    peak = max((abs(v) for _, v in rows), default=0) or 1
    plot_w = width - label_w - right
    zero = label_w + (plot_w / 2 if signed and any(v < 0 for _, v in rows) else 0)
    scale = (width - right - zero) / peak
    parts = [_open(width, height, title, size)]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        length = abs(value) * scale
        x = zero - length if value < 0 else zero
        colour = (NEGATIVE if value < 0 else POSITIVE) if signed else NEUTRAL
        room = 20 if wide else 16
        shown = label if len(label) <= room else label[: room - 1] + "…"
        parts.append(
            f"<text x='{label_w - 10}' y='{y + bar_h / 2 + 5:.1f}' font-size='14' fill='#1d2329' "
            f"text-anchor='end'>{escape(shown)}</text>"
        )
        parts.append(
            f"<rect x='{x:.1f}' y='{y}' width='{max(length, 1):.1f}' height='{bar_h}' rx='3' "
            f"fill='{colour}'/>"
        )
        tx = (x + length + 6) if value >= 0 else (x - 6)
        anchor = "start" if value >= 0 else "end"
        parts.append(
            f"<text x='{tx:.1f}' y='{y + bar_h / 2 + 5:.1f}' font-size='14' fill='#5b6570' "
            f"text-anchor='{anchor}'>{escape(_short(value) + unit)}</text>"
        )
    if signed:
        parts.append(
            f"<line x1='{zero:.1f}' x2='{zero:.1f}' y1='0' y2='{height}' stroke='#8a949e'/>"
        )
    parts.append("</svg>")
    return "".join(parts)

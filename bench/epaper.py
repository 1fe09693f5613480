"""E-paper rendering: pages per second and peak memory for a 24-page edition.

Run by bench/run.py (``make bench``) as ``python -m bench.epaper --out e.json``, or on its own:
``.venv/bin/python -m bench.epaper --pages 24``.

1. Lay out a 24-page edition from the demo stories with reportlab (the demo's own layout:
   nameplate, five columns of text per page; a real edition with photographs renders slower).
2. In a fresh child process (so its peak memory is the renderer's alone): import, open, then
   render every page as the worker does — one PDFium bitmap at 1,600 px wide, scaled to 800 px
   and a 160 px thumbnail, three JPEGs written to a scratch folder, and the page's text — for
   ``--rounds`` rounds. Reports pages/s (median round), the peak resident set size
   (``ru_maxrss``) before and after rendering, and Python's own peak (tracemalloc; PDFium's C
   memory is not in it, it is in the RSS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def make_edition(path: Path, pages: int) -> int:
    from masthead.epaper.layout import PrintStory, lay_out_edition
    from masthead.newsroom.demo_stories import STORIES

    stories = [
        PrintStory(
            headline=story["headline"],
            section=story["section"].title(),
            standfirst=story["standfirst"],
            byline="By Staff Reporter",
            paragraphs=[p for p in story["body"] if not p.startswith(("#", ">", "!", "---"))],
        )
        for story in STORIES
    ]
    content = lay_out_edition(
        publisher="The Meridian Ledger",
        tagline="Business, markets and the world, daily",
        edition="Mumbai",
        date=dt.date(2026, 11, 25),
        stories=stories,
        pages=pages,
    )
    path.write_bytes(content)
    return len(content)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def render_once(pdf: Path, scratch: Path) -> int:
    from masthead.epaper import rendering

    written = 0
    for page in rendering.render_pages(pdf):
        for size in ("large", "medium", "thumb"):
            data = getattr(page, size)
            (scratch / f"{page.number:03d}-{size}.jpg").write_bytes(data)
            written += len(data)
        if page.number == 1:
            rendering.blurred_cover(page.medium)
    return written


def child(pdf: Path, rounds: int, out: Path) -> None:
    from masthead.epaper import rendering

    facts = rendering.inspect_pdf(pdf)
    before = peak_rss_mb()
    seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="epaper-bench-") as scratch:
        for _round in range(rounds):
            started = time.perf_counter()
            written = render_once(pdf, Path(scratch))
            seconds.append(time.perf_counter() - started)
        rss_peak = peak_rss_mb()
        # One more round, traced apart (tracemalloc slows every allocation it watches).
        tracemalloc.start()
        render_once(pdf, Path(scratch))
        _current, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    median = statistics.median(seconds)
    out.write_text(
        json.dumps(
            {
                "pages": facts.page_count,
                "pdf_bytes": facts.size_bytes,
                "rounds": [round(s, 2) for s in seconds],
                "seconds": round(median, 3),
                "pages_per_second": round(facts.page_count / median, 2),
                "rss_before_mb": round(before, 1),
                "rss_peak_mb": round(rss_peak, 1),
                "python_peak_mb": round(python_peak / 1_048_576, 1),
                "jpeg_mb_per_page": round(written / facts.page_count / 1_048_576, 2),
            }
        )
    )


def run(pages: int, rounds: int, out: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="epaper-bench-") as scratch:
        pdf = Path(scratch) / "edition.pdf"
        started = time.perf_counter()
        make_edition(pdf, pages)
        layout_seconds = time.perf_counter() - started
        result = subprocess.run(
            [sys.executable, "-m", "bench.epaper", "--child", str(pdf), "--rounds", str(rounds),
             "--out", str(out)],
            cwd=ROOT,
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(f"the rendering child failed (exit {result.returncode})")
    data: dict[str, Any] = json.loads(out.read_text())
    data["layout_seconds"] = round(layout_seconds, 3)
    data["summary"] = describe(data)
    out.write_text(json.dumps(data))
    return data


def describe(data: dict[str, Any]) -> list[str]:
    return [
        f"E-paper rendering, a {data['pages']}-page edition ({data['pdf_bytes'] / 1024:.0f} KB "
        "PDF laid out from the demo stories; 1600/800/160 px JPEGs + text per page, one process)",
        f"  pages/s {data['pages_per_second']:.1f}   ({data['seconds']:.2f} s an edition, "
        f"median of rounds {data['rounds']})",
        f"  peak memory: {data['rss_peak_mb']:.0f} MB resident (was {data['rss_before_mb']:.0f} MB "
        f"after imports); Python objects peak {data['python_peak_mb']:.1f} MB",
        f"  {data['jpeg_mb_per_page']:.2f} MB of JPEG a page; laying the edition out took "
        f"{data['layout_seconds']:.2f} s",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rounds, args.out)
        return 0
    out = args.out or Path(tempfile.mkdtemp(prefix="epaper-bench-")) / "epaper.json"
    data = run(args.pages, args.rounds, out)
    if not args.out:
        print("\n".join(describe(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

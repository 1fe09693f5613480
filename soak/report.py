"""The report: report.md, plot.svg (throughput and latency over time, faults marked) and
result.json, in test-artifacts/soak/."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any

from soak.load import Record


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def by_kind(records: list[Record], seconds: float) -> list[dict[str, Any]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        groups[r.kind].append(r)
    rows = []
    for kind, rs in sorted(groups.items()):
        ms = [r.latency * 1000 for r in rs]
        rows.append({
            "kind": kind, "requests": len(rs), "per_second": len(rs) / max(seconds, 1),
            "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "p99_ms": percentile(ms, 99),
            "errors": sum(1 for r in rs if r.status >= 500 or r.status == 0),
            "4xx": sum(1 for r in rs if 400 <= r.status < 500),
        })  # fmt: skip
    return rows


def errors_by_window(records: list[Record], faults: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for fault in faults:
        start, end = fault["at"], fault.get("until", fault["at"]) + 15
        inside = [r for r in records if start <= r.started <= end]
        bad = Counter(r.kind for r in inside if r.status >= 500 or r.status == 0)
        rows.append({
            "fault": fault["name"], "from": start, "to": end, "requests": len(inside),
            "errors": sum(bad.values()), "by_kind": dict(bad),
        })  # fmt: skip
    return rows


def plot(records: list[Record], faults: list[dict[str, Any]], path: Path) -> None:
    """Requests/s (bars) and p95 latency (line) per 5-second bucket; faults as shaded bands."""
    if not records:
        path.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
        return
    bucket = 5.0
    end = max(r.started for r in records) + bucket
    n = int(end // bucket) + 1
    counts, lat = [0] * n, [[] for _ in range(n)]  # type: list[int], list[list[float]]
    errors = [0] * n
    for r in records:
        i = int(r.started // bucket)
        counts[i] += 1
        lat[i].append(r.latency * 1000)
        errors[i] += r.status >= 500 or r.status == 0
    rps = [c / bucket for c in counts]
    p95 = [percentile(v, 95) for v in lat]
    w, h, left, top, bottom = 900, 360, 60, 30, 40
    plot_w, plot_h = w - left - 60, h - top - bottom
    top_rps, top_ms = max(rps) or 1, max(p95) or 1

    def x(t: float) -> float:
        return left + t / end * plot_w

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' font-family='sans-serif' font-size='11'>",
        f"<rect width='{w}' height='{h}' fill='white'/>",
        "<text x='60' y='18' font-size='13'>Requests/s (grey bars; errors red) and p95 latency (blue line) per 5 s; faults shaded</text>",
    ]
    labels: list[str] = []
    for k, fault in enumerate(faults):
        x0, x1 = x(fault["at"]), x(fault.get("until", fault["at"]) + 1)
        parts.append(
            f"<rect x='{x0:.1f}' y='{top}' width='{max(2.0, x1 - x0):.1f}' height='{plot_h}' fill='#f5c542' opacity='0.35'/>"
        )
        labels.append(  # drawn last, over the bars
            f"<text x='{x0 + 2:.1f}' y='{top + 12 + (k % 6) * 12}' fill='#7a5c00' stroke='white' "
            f"stroke-width='3' paint-order='stroke'>{escape(fault['name'])}</text>"
        )
    bar = plot_w / n
    for i, value in enumerate(rps):
        bh = value / top_rps * plot_h
        parts.append(
            f"<rect x='{left + i * bar:.1f}' y='{top + plot_h - bh:.1f}' width='{max(1.0, bar - 1):.1f}' height='{bh:.1f}' fill='#bbb'/>"
        )
        if errors[i]:
            eh = errors[i] / bucket / top_rps * plot_h
            parts.append(
                f"<rect x='{left + i * bar:.1f}' y='{top + plot_h - eh:.1f}' width='{max(1.0, bar - 1):.1f}' height='{eh:.1f}' fill='#d33'/>"
            )
    points = " ".join(
        f"{left + (i + 0.5) * bar:.1f},{top + plot_h - v / top_ms * plot_h:.1f}"
        for i, v in enumerate(p95)
    )
    parts.append(f"<polyline points='{points}' fill='none' stroke='#1f5fbf' stroke-width='1.5'/>")
    parts.append(
        f"<line x1='{left}' y1='{top + plot_h}' x2='{left + plot_w}' y2='{top + plot_h}' stroke='black'/>"
    )
    parts.append(f"<text x='5' y='{top + 10}'>{top_rps:.0f} req/s</text>")
    parts.append(
        f"<text x='{left + plot_w + 5}' y='{top + 10}' fill='#1f5fbf'>{top_ms:.0f} ms</text>"
    )
    for t in range(0, int(end) + 1, 30):
        parts.append(f"<text x='{x(t):.1f}' y='{h - 20}' text-anchor='middle'>{t}s</text>")
    parts.extend(labels)
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")


def write(out: Path, result: dict[str, Any], records: list[Record]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    hold = [r for r in records if r.started >= 0]
    plot(hold, result["faults"], out / "plot.svg")
    (out / "result.json").write_text(json.dumps(result, indent=1, default=str))
    lines = [
        f"# Soak report ({result['form']} form{', planted: ' + result['plant'] if result['plant'] else ''})",
        "",
        f"Run at {result['when']} on this machine ({result['cores']} cores, shared with other "
        f"work: load average {result['load_before']} before the run). Figures are low and noisy "
        "by design of the machine, not of Masthead.",
        "",
        *(
            [f"- Peak rule: {result['peak_rule']}", "- Peak search steps:",
             *(f"  {n}. {step}" for n, step in enumerate(result["peak_steps"], 1)),
             f"- Peak search background: {result['peak_background'] or 'none'}"]
            if result.get("peak_rule")
            else [f"- Peak search: {'; '.join(result['peak_steps'])}"]
        ),
        f"- Reader pools for the hold: {result.get('pools', '')}; actions that found no free "
        f"reader: {result.get('skipped') or 'none'}",
        f"- Peak {result['peak_rate']:.1f} actions/s; held {result['hold_rate']:.1f} actions/s "
        f"({'80 %' if result['form'] == 'full' else 'fixed'}) for {result['hold_seconds']:.0f} s: "
        f"{result['requests']:,} requests, "
        f"{result['requests_per_second']:.1f} req/s",
        f"- Link fault on web1: {result['link_fault_method']}",
        f"- Newsletter: {result['recipients']:,} recipients; renewals on test clocks: "
        f"{result['renewing']:,}",
        "",
        "## Verdicts",
        "",
        "| verdict | held | detail |",
        "|---|---|---|",
        *(f"| {v['name']} | {'yes' if v['ok'] else '**NO**'} | {v['detail']} |" for v in result["verdicts"]),
        "",
        "## Requests by kind (hold phase)",
        "",
        "| kind | requests | req/s | p50 ms | p95 ms | p99 ms | 5xx/no answer | 4xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {k['kind']} | {k['requests']} | {k['per_second']:.2f} | {k['p50_ms']:.0f} | "
            f"{k['p95_ms']:.0f} | {k['p99_ms']:.0f} | {k['errors']} | {k['4xx']} |"
            for k in result["kinds"]
        ),
        "",
        "## Faults (seconds from the start of the hold) and errors in each window (+15 s)",
        "",
        "| fault | at | until | requests | errors | by kind | note |",
        "|---|---:|---:|---:|---:|---|---|",
        *(
            f"| {f['name']} | {f['at']:.0f} | {f.get('until', f['at']):.0f} | {w['requests']} | "
            f"{w['errors']} | {w['by_kind'] or ''} | {f.get('note', '')} |"
            for f, w in zip(result["faults"], result["windows"], strict=True)
        ),
        "",
        "## Processes (CPU seconds and peak resident memory, from /proc)",
        "",
        "| process | CPU s | peak RSS MiB |",
        "|---|---:|---:|",
        *(f"| {p} | {v['cpu_seconds']:.1f} | {v['rss_mib']:.0f} |" for p, v in sorted(result["processes"].items())),
        "",
        "## Measured for docs/scale-out.md",
        "",
        "```",
        json.dumps(result.get("measured", {}), indent=1, default=str),
        "```",
        "",
        "![throughput and latency](plot.svg)",
        "",
    ]  # fmt: skip
    report = out / "report.md"
    report.write_text("\n".join(lines))
    return report

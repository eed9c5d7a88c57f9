"""Draw the benchmark's scaling curve as a plain SVG file: two panels against N on log axes.

The left panel shows milliseconds per document, the right one peak memory in MiB, for each
mode at each corpus size. The SVG uses presentation attributes only (no style attribute or
element), draws its own white background so it reads the same on light and dark pages, and
the same data always gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH, HEIGHT = 960, 470
PANEL_W, PANEL_H = 380, 280
TOP = 60
LEFTS = (80, 560)
MARKERS = ("circle", "square", "diamond", "triangle")
COLOURS = ("#1b6ca8", "#d1495b", "#2e8b57", "#8a5a00", "#6a3d9a", "#444444", "#e07b00")


@dataclass(frozen=True)
class Series:
    """One mode's line: its label and (N, value) points, N ascending."""

    label: str
    points: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class Panel:
    """One chart panel: a title, a y-axis label and its series."""

    title: str
    y_label: str
    series: tuple[Series, ...]


def _num(x: float) -> str:
    """Format a coordinate with one decimal, without a negative zero."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _count(n: float) -> str:
    return f"{n:,.0f}"


def _value(v: float) -> str:
    if v >= 10:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:g}"
    return f"{v:.2g}"


def log_ticks(low: float, high: float) -> list[float]:
    """Return 1-2-5 ticks spanning [low, high] (both > 0), a decade's 1 below and above."""
    start = math.floor(math.log10(low))
    stop = math.ceil(math.log10(high))
    ticks = [m * 10.0**e for e in range(start, stop + 1) for m in (1, 2, 5)]
    below = [t for t in ticks if t <= low]
    above = [t for t in ticks if t >= high]
    first = below[-1] if below else ticks[0]
    last = above[0] if above else ticks[-1]
    return [t for t in ticks if first <= t <= last]


class _Scale:
    """Map values on a log axis to pixels."""

    def __init__(self, low: float, high: float, start: float, length: float, invert: bool):
        self.low, self.high = math.log10(low), math.log10(high)
        if self.high == self.low:
            self.low, self.high = self.low - 0.5, self.high + 0.5
        self.start, self.length, self.invert = start, length, invert

    def __call__(self, value: float) -> float:
        share = (math.log10(value) - self.low) / (self.high - self.low)
        return self.start + self.length * (1 - share if self.invert else share)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    fill = f'fill="{colour}"'
    if kind == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" {fill}/>'
    if kind == "square":
        return f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" {fill}/>'
    if kind == "diamond":
        pts = [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
    else:
        pts = [(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)]
    return f'<polygon points="{" ".join(f"{_num(a)},{_num(b)}" for a, b in pts)}" {fill}/>'


def _panel(panel: Panel, left: float, ns: Sequence[int], style: dict[str, tuple[str, str]]):
    values = [v for s in panel.series for _, v in s.points if v > 0]
    yticks = log_ticks(min(values), max(values))
    x = _Scale(min(ns), max(ns), left + 20, PANEL_W - 40, invert=False)
    y = _Scale(yticks[0], yticks[-1], TOP, PANEL_H, invert=True)
    bottom = TOP + PANEL_H
    out = [
        '<g class="panel">',
        f'<text x="{_num(left + PANEL_W / 2)}" y="{TOP - 18}" text-anchor="middle" '
        f'font-size="15" font-weight="bold">{escape(panel.title)}</text>',
        f'<rect x="{left}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" '
        f'stroke="#888888"/>',
    ]
    for tick in yticks:
        ty = _num(y(tick))
        out.append(
            f'<line x1="{left}" y1="{ty}" x2="{left + PANEL_W}" y2="{ty}" stroke="#dddddd"/>'
        )
        out.append(
            f'<text class="y-tick" x="{left - 6}" y="{ty}" text-anchor="end" '
            f'dominant-baseline="middle" '
            f'font-size="11">{_value(tick)}</text>'
        )
    for n in ns:
        tx = _num(x(n))
        out.append(f'<line x1="{tx}" y1="{TOP}" x2="{tx}" y2="{bottom}" stroke="#eeeeee"/>')
        out.append(
            f'<text class="x-tick" x="{tx}" y="{bottom + 16}" text-anchor="middle" '
            f'font-size="11">'
            f"{_count(n)}</text>"
        )
    out.append(
        f'<text class="x-label" x="{_num(left + PANEL_W / 2)}" y="{bottom + 36}" '
        f'text-anchor="middle" '
        f'font-size="12">documents in the corpus (N, log scale)</text>'
    )
    mid = _num(TOP + PANEL_H / 2)
    out.append(
        f'<text class="y-label" x="{left - 52}" y="{mid}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 {left - 52} {mid})">{escape(panel.y_label)}</text>'
    )
    for series in panel.series:
        colour, marker = style[series.label]
        points = [(x(n), y(v)) for n, v in series.points if v > 0]
        coords = " ".join(f"{_num(a)},{_num(b)}" for a, b in points)
        out.append(
            f'<polyline class="series" data-mode={quoteattr(series.label)} points="{coords}" '
            f'fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        out.extend(_marker(marker, a, b, colour) for a, b in points)
    out.append("</g>")
    return out


def scaling_svg(title: str, panels: Sequence[Panel]) -> str:
    """Return the SVG text of `panels` side by side (at most two), with one shared legend."""
    labels: list[str] = []
    for panel in panels:
        labels.extend(s.label for s in panel.series if s.label not in labels)
    style = {
        label: (COLOURS[i % len(COLOURS)], MARKERS[i % len(MARKERS)])
        for i, label in enumerate(labels)
    }
    ns = sorted({n for p in panels for s in p.series for n, _ in s.points})
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" fill="#222222" '
        f'role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH // 2}" y="22" text-anchor="middle" font-size="17" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    for panel, left in zip(panels, LEFTS, strict=False):
        out.extend(_panel(panel, left, ns, style))
    columns = 2
    legend_top = TOP + PANEL_H + 58
    out.append('<g class="legend">')
    for i, label in enumerate(labels):
        colour, marker = style[label]
        lx = 80 + (i % columns) * 440
        ly = legend_top + (i // columns) * 20
        out.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 28}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2"/>'
        )
        out.append(_marker(marker, lx + 14, ly, colour))
        out.append(
            f'<text x="{lx + 36}" y="{ly}" dominant-baseline="middle" font-size="12">'
            f"{escape(label)}</text>"
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"

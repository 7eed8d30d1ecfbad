"""A labelled scatter chart as a self-contained SVG string (no script, no external resource).

Every text that comes from data (team ids, metric titles, the caption) is
XML-escaped.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from html import escape

WIDTH = 640
LEFT, RIGHT, TOP = 70, 30, 48
PLOT_HEIGHT = 280
CAPTION_WIDTH = 100


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low … high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _range(values: Sequence[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or max(abs(low) * 0.1, 1.0)
    return low - pad, high + pad


def _number(value: float) -> str:
    return f"{value:g}"


def scatter_svg(
    points: Sequence[tuple[str, float, float]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    caption: str,
    fit: tuple[float, float] | None = None,
) -> str:
    """``points`` are ``(label, x, y)``; ``fit`` an optional ``(slope, intercept)`` drawn as a dashed line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    caption_lines = textwrap.wrap(caption, CAPTION_WIDTH)
    height = TOP + plot_h + 64 + 15 * len(caption_lines)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(caption)}</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{WIDTH / 2:g}" y="24" text-anchor="middle" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    if points:
        x_ticks = _ticks(*_range([p[1] for p in points]))
        y_ticks = _ticks(*_range([p[2] for p in points]))
        x0, x1, y0, y1 = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]

        def sx(x: float) -> float:
            return LEFT + (x - x0) / (x1 - x0) * plot_w

        def sy(y: float) -> float:
            return TOP + plot_h - (y - y0) / (y1 - y0) * plot_h

        for tick in x_ticks:
            parts.append(
                f'<line x1="{sx(tick):.1f}" y1="{TOP}" x2="{sx(tick):.1f}" y2="{TOP + plot_h}" stroke="#e5e5e5"/>'
            )
            parts.append(
                f'<text x="{sx(tick):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{_number(tick)}</text>'
            )
        for tick in y_ticks:
            parts.append(
                f'<line x1="{LEFT}" y1="{sy(tick):.1f}" x2="{LEFT + plot_w}" y2="{sy(tick):.1f}" stroke="#e5e5e5"/>'
            )
            parts.append(f'<text x="{LEFT - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end">{_number(tick)}</text>')
        parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888888"/>')
        if fit is not None:
            slope, intercept = fit
            ends = [(x, slope * x + intercept) for x in (x0, x1)]
            # clip the line to the plot's vertical range
            (ax, ay), (bx, by) = ends
            parts.append(
                f'<line x1="{sx(ax):.1f}" y1="{sy(min(max(ay, y0), y1)):.1f}" x2="{sx(bx):.1f}" '
                f'y2="{sy(min(max(by, y0), y1)):.1f}" stroke="#1f77b4" stroke-dasharray="6 4"/>'
            )
        for label, x, y in points:
            parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="5" fill="#1f77b4" fill-opacity="0.8"/>')
            parts.append(f'<text x="{sx(x) + 7:.1f}" y="{sy(y) - 6:.1f}" font-size="11">{escape(label)}</text>')
    else:
        parts.append(
            f'<text x="{WIDTH / 2:g}" y="{TOP + plot_h / 2:g}" text-anchor="middle" fill="#666666">'
            "no team has both measures</text>"
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:g}" y="{TOP + plot_h + 36}" text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text x="18" y="{TOP + plot_h / 2:g}" text-anchor="middle" '
        f'transform="rotate(-90 18 {TOP + plot_h / 2:g})">{escape(y_label)}</text>'
    )
    for index, line in enumerate(caption_lines):
        parts.append(f'<text x="20" y="{TOP + plot_h + 62 + index * 15}" font-size="11">{escape(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)

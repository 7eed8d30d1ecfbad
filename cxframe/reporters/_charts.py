"""Charts of the HTML report as inline SVG, built here so the report needs no network and no JavaScript.

Each builder is a pure function: plain numbers and labels in, one ``<svg>``
string out. The core's own sections use them, and so do plugins' sections,
which hand over the numbers and labels (`cxframe.CurveChart`,
`cxframe.StepChart`, `cxframe.ScatterChart`) and never SVG. Every piece of
text that reaches the SVG (a step's label, a dot's label, a metric id, a
translated label) goes through `esc`, because these strings
are embedded in the report unescaped (``|safe``): this module is the one
place that decides they are safe, so it must never pass text through raw.
Numbers are formatted by this module, never copied from input as strings.

Each chart carries its own text alternative (``<title>`` and ``<desc>``,
referenced by ``aria-labelledby``); the report shows the numbers behind it
in a table as well. The drawing is sized by its ``viewBox`` and scales to
the width of the page, so font sizes here are chosen for a phone, where a
chart shrinks to about 60 % of its drawn size.
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from cxframe.contracts._sections import CurvePoint, ScatterPoint, StepBar

__all__ = [
    "MaturityBar",
    "TrendPoint",
    "curve_chart",
    "esc",
    "maturity_bars",
    "scatter_chart",
    "step_chart",
    "trend_chart",
]

#: drawing widths: the desktop/print chart, and the one a phone shows (its text stays readable)
WIDTH = 720
NARROW = 400
FONT = 15
SMALL = 13
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#d9e2ec"
BLUE = "#1f6feb"
BAND = "#9cc3ff"
RED = "#c62828"
GREEN = "#2e7d32"
AMBER = "#b26a00"


def esc(value: object) -> str:
    """``value`` as SVG/HTML text, safe in element content and in quoted attributes."""
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    """A coordinate: short, locale-free, never ``-0``."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _label(value: float, digits: int = 1) -> str:
    """A number shown to a reader, with a real minus sign."""
    text = f"{value:.{digits}f}"
    return text.replace("-", "−")


def text_width(text: str, size: float = FONT) -> float:
    """Rough rendered width of ``text``: CJK and other wide characters take a full em, the rest about half."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.56 for ch in text)


def fit(text: str, width: float, size: float = FONT, lines: int = 2) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width``, the last shortened with an ellipsis."""
    if " " in text.strip():
        words, joiner = text.split(), " "
    elif any(text_width(ch, 1) == 1 for ch in text):  # CJK: a line may break between any two characters
        words, joiner = list(text), ""
    else:  # one long Latin word: shortened, never broken mid-word
        words, joiner = [text], ""
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current}{joiner}{word}" if current else word
        if text_width(candidate, size) <= width or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    out.append(current)
    if len(out) > lines:
        out = [*out[: lines - 1], joiner.join(out[lines - 1 :])]
    last = out[-1]
    if text_width(last, size) > width:
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


def _tspans(lines: Sequence[str], x: float, size: float = FONT) -> str:
    return "".join(
        f'<tspan x="{_num(x)}" dy="{_num(0 if i == 0 else size * 1.15)}">{esc(line)}</tspan>'
        for i, line in enumerate(lines)
    )


def _svg(chart_id: str, height: float, title: str, desc: str, body: Iterable[str], width: float = WIDTH) -> str:
    ident = esc(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" class="chart" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" font-size="{FONT}" fill="{INK}">'
        f'<title id="{ident}-title">{esc(title)}</title><desc id="{ident}-desc">{esc(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``…``high`` (at least two)."""
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


# --- maturity by dimension -----------------------------------------------------------------------


@attrs.frozen
class MaturityBar:
    label: str
    level: int
    score: float


def maturity_bars(
    bars: Sequence[MaturityBar],
    *,
    chart_id: str,
    width: int = WIDTH,
    title: str,
    desc: str,
    axis: str,
    level_names: Sequence[str],
) -> str:
    """Horizontal bars on the 0–5 scale, one per dimension: solid to the level reached, lighter to the score.

    The dimension's name sits above its bar, so long names never squeeze the
    scale on a narrow screen; level numbers and names mark the scale.
    """
    left, right, top = 8, width - 52, 46
    row = 56
    scale = (right - left) / 5

    def x(value: float) -> float:
        return left + max(0.0, min(5.0, value)) * scale

    height = top + row * len(bars) + 12
    body = []
    # level ticks: the number on top, the level's name under it (shortened to the column's width)
    for level in range(6):
        body.append(
            f'<line x1="{_num(x(level))}" y1="{top - 6}" x2="{_num(x(level))}" y2="{_num(height - 8)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        anchor = "start" if level == 0 else "end" if level == 5 else "middle"
        body.append(f'<text x="{_num(x(level))}" y="{FONT}" text-anchor="{anchor}" font-weight="600">{level}</text>')
        if 1 <= level <= len(level_names):
            # a level's name labels the stretch that leads up to it, so neighbouring names never collide
            name = fit(level_names[level - 1], scale - 6, SMALL, lines=1)[0]
            body.append(
                f'<text x="{_num(x(level - 0.5))}" y="{FONT + SMALL + 4}" text-anchor="middle" '
                f'font-size="{SMALL}" fill="{MUTED}">{esc(name)}</text>'
            )
    for i, bar in enumerate(bars):
        y = top + i * row
        label = fit(bar.label, right - left, FONT, lines=1)[0]
        body.append(f'<text x="{left}" y="{_num(y + FONT)}">{esc(label)}</text>')
        bar_y = y + FONT + 6
        body.append(
            f'<rect x="{left}" y="{_num(bar_y)}" width="{_num(x(bar.score) - left)}" height="18" fill="{BAND}" rx="2"/>'
        )
        if bar.level > 0:
            body.append(
                f'<rect x="{left}" y="{_num(bar_y)}" width="{_num(x(bar.level) - left)}" height="18" '
                f'fill="{BLUE}" rx="2"/>'
            )
        body.append(
            f'<text x="{_num(x(bar.score) + 6)}" y="{_num(bar_y + 14)}" font-weight="600">'
            f"{esc(_label(bar.score, 2))}</text>"
        )
    body.append(
        f'<text x="{_num(right)}" y="{_num(height - 2)}" text-anchor="end" font-size="{SMALL}" '
        f'fill="{MUTED}">{esc(axis)}</text>'
    )
    return _svg(chart_id, height + 6, title, desc, body, width)


# --- metric trend with interval band -------------------------------------------------------------


@attrs.frozen
class TrendPoint:
    period: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    small: bool = False


def period_index(period: str) -> tuple[str, int] | None:
    """A period's kind and its position among periods of that kind (``2025-03`` → month 24303), ``None`` if unknown.

    Knows the periods the measurement engine makes: ``YYYY``, ``YYYY-Qn``,
    ``YYYY-MM``, ``YYYY-Www`` (ISO week) and ``YYYY-MM-DD``.
    """
    text = period.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return "year", int(text)
        if len(text) == 7 and text[4:6] == "-Q" and text[6] in "1234":
            return "quarter", int(text[:4]) * 4 + int(text[6]) - 1
        if len(text) == 8 and text[4:6] == "-W":
            return "week", date.fromisocalendar(int(text[:4]), int(text[6:]), 1).toordinal() // 7
        if len(text) == 7 and text[4] == "-" and 1 <= int(text[5:]) <= 12:
            return "month", int(text[:4]) * 12 + int(text[5:]) - 1
        if len(text) == 10:
            return "day", date.fromisoformat(text).toordinal()
    except ValueError:
        return None
    return None


def adjacent(before: str, after: str) -> bool:
    """Whether ``after`` is the period right after ``before``; labels of unknown form count as adjacent."""
    a, b = period_index(before), period_index(after)
    if a is None or b is None or a[0] != b[0]:
        return True
    return b[1] - a[1] == 1


def trend_chart(
    points: Sequence[TrendPoint],
    *,
    chart_id: str,
    width: int = WIDTH,
    title: str,
    desc: str,
    value_label: str,
    band_label: str,
    small_label: str,
) -> str:
    """A metric's value by period as a line over its shaded interval band; small samples drawn hollow.

    A period without a value breaks the line and the band rather than
    bridging it, so a gap in the data shows as a gap; so does a missing
    period (two survey waves months apart are two points, not a line).
    """
    left, right, top, bottom = 52, width - 30, 44, 210
    height = bottom + 44
    # The scale fits the values and every interval, so the band is never cut off and a run of small,
    # noisy samples (0 → 33 with intervals of ±40) is drawn against its uncertainty, not as a steep trend.
    values = [v for p in points for v in (p.value, p.ci_low, p.ci_high) if v is not None] or [0.0, 1.0]
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    step = (right - left) / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return left + i * step if len(points) > 1 else (left + right) / 2

    def y(value: float) -> float:
        return bottom - (min(high, max(low, value)) - low) / (high - low) * (bottom - top)

    body = []
    for tick in ticks:
        body.append(
            f'<line x1="{left}" y1="{_num(y(tick))}" x2="{right}" y2="{_num(y(tick))}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{_num(y(tick) + 5)}" text-anchor="end" font-size="{SMALL}" '
            f'fill="{MUTED}">{esc(_label(tick, 0 if float(tick).is_integer() else 1))}</text>'
        )
    # the band, one polygon per run of consecutive periods that have an interval
    runs: list[list[tuple[int, float, float]]] = [[]]
    for i, p in enumerate(points):
        if p.ci_low is not None and p.ci_high is not None:
            if runs[-1] and not adjacent(points[runs[-1][-1][0]].period, p.period):
                runs.append([])
            runs[-1].append((i, p.ci_low, p.ci_high))
        elif runs[-1]:
            runs.append([])
    for run in (r for r in runs if r):
        if len(run) == 1:  # a lone period: a whisker instead of a polygon
            i, lo, hi = run[0]
            body.append(
                f'<rect x="{_num(x(i) - 4)}" y="{_num(y(hi))}" width="8" height="{_num(y(lo) - y(hi))}" '
                f'fill="{BAND}" fill-opacity="0.6"/>'
            )
            continue
        upper = [f"{_num(x(i))},{_num(y(hi))}" for i, _, hi in run]
        lower = [f"{_num(x(i))},{_num(y(lo))}" for i, lo, _ in reversed(run)]
        body.append(f'<polygon points="{" ".join(upper + lower)}" fill="{BAND}" fill-opacity="0.55"/>')
    # the line, broken where a period has no value
    segment: list[str] = []
    for i, p in enumerate(points):
        if p.value is None:
            if len(segment) > 1:
                body.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
            segment = []
            continue
        if segment and not adjacent(points[i - 1].period, p.period):  # a period missing in between
            if len(segment) > 1:
                body.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
            segment = []
        segment.append(f"{_num(x(i))},{_num(y(p.value))}")
    if len(segment) > 1:
        body.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{BLUE}" stroke-width="2.5"/>')
    for i, p in enumerate(points):
        if p.value is None:
            continue
        tip = f"{p.period}: {_label(p.value)} (n={p.n})" + (f", {small_label}" if p.small else "")
        fill = "#ffffff" if p.small else BLUE
        dash = ' stroke-dasharray="2 2"' if p.small else ""
        body.append(
            f'<circle cx="{_num(x(i))}" cy="{_num(y(p.value))}" r="{5 if p.small else 4}" fill="{fill}" '
            f'stroke="{BLUE}" stroke-width="2"{dash}><title>{esc(tip)}</title></circle>'
        )
    # period labels: as many as fit without touching
    widest = max((text_width(p.period, SMALL) for p in points), default=0) + 10
    every = max(1, math.ceil(widest / step)) if len(points) > 1 else 1
    # every ``every``-th period counted back from the latest, so the latest period is always named;
    # the right margin leaves room for half a label
    last = len(points) - 1
    for i, p in enumerate(points):
        if (last - i) % every == 0:
            body.append(
                f'<text x="{_num(x(i))}" y="{bottom + 20}" text-anchor="middle" font-size="{SMALL}" '
                f'fill="{MUTED}">{esc(p.period)}</text>'
            )
    # legend
    legend_y = 18
    body.append(
        f'<line x1="{left}" y1="{legend_y - 5}" x2="{left + 22}" y2="{legend_y - 5}" stroke="{BLUE}" '
        f'stroke-width="2.5"/><text x="{left + 28}" y="{legend_y}" font-size="{SMALL}">{esc(value_label)}</text>'
    )
    band_x = left + 40 + text_width(value_label, SMALL)
    body.append(
        f'<rect x="{_num(band_x)}" y="{legend_y - 11}" width="22" height="12" fill="{BAND}" fill-opacity="0.55"/>'
        f'<text x="{_num(band_x + 28)}" y="{legend_y}" font-size="{SMALL}">{esc(band_label)}</text>'
    )
    if any(p.small for p in points):
        small_x = band_x + 40 + text_width(band_label, SMALL)
        body.append(
            f'<circle cx="{_num(small_x + 6)}" cy="{legend_y - 5}" r="5" fill="#ffffff" stroke="{BLUE}" '
            f'stroke-width="2" stroke-dasharray="2 2"/>'
            f'<text x="{_num(small_x + 16)}" y="{legend_y}" font-size="{SMALL}">{esc(small_label)}</text>'
        )
    return _svg(chart_id, height, title, desc, body, width)


# --- a curve on −2 … +2 ------------------------------------------------------------------------------


def curve_chart(
    points: Sequence[CurvePoint],
    *,
    chart_id: str,
    width: int = WIDTH,
    title: str,
    desc: str,
    scale_labels: Sequence[str],
    mark_label: str,
) -> str:
    """A line across named steps on −2 … +2, green above 0 and red below, with each step's marks counted under it.

    ``scale_labels`` names the ends and the middle of the scale (negative,
    neutral, positive). A step with no value breaks the curve. A red marker
    with a count stands under each step that has marks.
    """
    left, right, top, bottom = 40, width - 8, 36, 204
    count = max(len(points), 1)
    step = (right - left) / count
    # under the plot: the bottom scale label, then the marks, then the step names
    label_row, marks_row, names_row = bottom + SMALL + 10, bottom + 38, bottom + 66
    height = bottom + 100

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(value: float) -> float:
        return bottom - (max(-2.0, min(2.0, value)) + 2) / 4 * (bottom - top)

    body = [f'<rect x="{left}" y="{top}" width="{right - left}" height="{_num(y(0) - top)}" fill="#eef7ee"/>']
    body.append(
        f'<rect x="{left}" y="{_num(y(0))}" width="{right - left}" height="{_num(bottom - y(0))}" fill="#fdeeee"/>'
    )
    for level in range(-2, 3):
        stroke = 1.5 if level == 0 else 1
        colour = MUTED if level == 0 else GRID
        body.append(
            f'<line x1="{left}" y1="{_num(y(level))}" x2="{right}" y2="{_num(y(level))}" stroke="{colour}" '
            f'stroke-width="{stroke}"/>'
            f'<text x="{left - 8}" y="{_num(y(level) + 5)}" text-anchor="end" font-size="{SMALL}" '
            f'fill="{MUTED}">{"+" if level > 0 else ""}{_label(level, 0)}</text>'
        )
    if len(scale_labels) == 3:
        # the scale's names sit outside the plot, above its top and under its bottom edge, so they
        # never cover a point however many steps there are and wherever the last one lies
        body.append(
            f'<text x="{right - 4}" y="{_num(top - 12)}" text-anchor="end" font-size="{SMALL}" '
            f'fill="{GREEN}">{esc(scale_labels[2])}</text>'
            f'<text x="{right - 4}" y="{_num(label_row)}" text-anchor="end" font-size="{SMALL}" '
            f'fill="{RED}">{esc(scale_labels[0])}</text>'
        )
    segment: list[str] = []
    for i, point in enumerate(points):
        if point.value is None:
            if len(segment) > 1:
                body.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
            segment = []
            continue
        segment.append(f"{_num(x(i))},{_num(y(point.value))}")
    if len(segment) > 1:
        body.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    for i, point in enumerate(points):
        if point.value is not None:
            colour = GREEN if point.value > 0 else RED if point.value < 0 else MUTED
            tip = f"{point.label}: {'+' if point.value > 0 else ''}{_label(point.value)}"
            body.append(
                f'<circle cx="{_num(x(i))}" cy="{_num(y(point.value))}" r="6" fill="{colour}" stroke="#ffffff" '
                f'stroke-width="2"><title>{esc(tip)}</title></circle>'
            )
        if point.marks:
            # a warning triangle under the curve's column, with the step's count
            cx, cy = x(i), marks_row
            body.append(
                f"<g><title>{esc(f'{point.label}: {mark_label} {point.marks}')}</title>"
                f'<polygon points="{_num(cx - 8)},{_num(cy + 7)} {_num(cx + 8)},{_num(cy + 7)} {_num(cx)},{_num(cy - 8)}" '
                f'fill="{RED}"/>'
                f'<text x="{_num(cx + 11)}" y="{_num(cy + 6)}" font-size="{SMALL}" font-weight="700" '
                f'fill="{RED}">{point.marks}</text></g>'
            )
        name = fit(point.label, step - 6, SMALL, lines=2)
        body.append(
            f'<text y="{names_row}" text-anchor="middle" font-size="{SMALL}">'
            f"{_tspans(name, x(i), SMALL)}<title>{esc(point.label)}</title></text>"
        )
    return _svg(chart_id, height, title, desc, body, width)


# --- bars by step ----------------------------------------------------------------------------------------


def step_chart(
    steps: Sequence[StepBar],
    *,
    chart_id: str,
    width: int = WIDTH,
    title: str,
    desc: str,
    count_label: str,
    drop_label: str,
    rise_label: str = "",
) -> str:
    """One bar per step, its length the step's count against the largest, with the drop-off in red after it.

    Bars start at the left edge so lengths compare at a glance; the room after
    the longest bar is kept for the drop-off figure, which never sits on a bar.
    A step whose count is larger than the step before's has no drop-off: it
    shows the rise instead ("+18.8 % more", in green), taken from the counts,
    never a negative drop-off.
    """
    left, right, top, row = 4, width - 4, 8, 62
    reserve = 12 + max(text_width(f"−00.0 % {drop_label}", SMALL), text_width(f"+000.0 % {rise_label}", SMALL))
    longest = right - left - reserve
    height = top + row * len(steps) + 4
    most = max((s.count for s in steps), default=0) or 1
    body = []
    for i, step in enumerate(steps):
        y = top + i * row
        bar = max(3.0, longest * step.count / most)
        figure = f"{step.count:,} {count_label}"
        if step.conversion is not None:
            figure += f" · {_label(100 * step.conversion)} %"
        name_room = right - left - text_width(figure, SMALL) - 12
        label = fit(step.label, name_room, FONT, lines=1)[0]
        body.append(
            f'<text x="{left}" y="{_num(y + FONT)}" font-weight="600">{esc(label)}<title>{esc(step.label)}</title></text>'
            f'<text x="{right}" y="{_num(y + FONT)}" text-anchor="end" font-size="{SMALL}" fill="{MUTED}">'
            f"{esc(figure)}</text>"
        )
        bar_y = y + FONT + 7
        body.append(
            f'<rect x="{left}" y="{_num(bar_y)}" width="{_num(bar)}" height="20" fill="{BLUE}" '
            f'fill-opacity="{_num(0.95 - 0.45 * i / max(len(steps) - 1, 1))}" rx="3"/>'
        )
        before = steps[i - 1].count if i > 0 else 0
        rise = step.count / before - 1 if i > 0 and before > 0 and step.count > before else None
        if rise is None and i > 0 and step.drop_off is not None and step.drop_off < 0 and step.count >= before:
            rise = -step.drop_off  # no counts to compare: the drop-off's own sign says it rose
        if rise is not None:
            text = f"+{_label(100 * rise)} %" + (f" {rise_label}" if rise_label else "")
            body.append(
                f'<text x="{_num(left + bar + 8)}" y="{_num(bar_y + 15)}" font-size="{SMALL}" font-weight="700" '
                f'fill="{GREEN}">{esc(text)}</text>'
            )
        elif step.drop_off and step.drop_off > 0 and i > 0:
            body.append(
                f'<text x="{_num(left + bar + 8)}" y="{_num(bar_y + 15)}" font-size="{SMALL}" font-weight="700" '
                f'fill="{RED}">{esc(_label(-100 * step.drop_off))} % {esc(drop_label)}</text>'
            )
    return _svg(chart_id, height, title, desc, body, width)


# --- scatter with a fitted line ------------------------------------------------------------------------


def scatter_chart(
    points: Sequence[ScatterPoint],
    *,
    chart_id: str,
    width: int = WIDTH,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    guides: tuple[float, float] | None = None,
) -> str:
    """One dot per point, ``x`` across and ``y`` up, with the least-squares line (or the ``guides``' lines).

    Labels are written next to their dots while there are few enough to
    read; with more, each dot keeps its label in a tooltip (and the table next to the chart lists them).
    """
    left, right, top, bottom = 56, width - 16, 16, 250
    height = bottom + 52
    xs = [p.x for p in points] or [0.0, 1.0]
    ys = [p.y for p in points] or [0.0, 1.0]
    # the guides are inside the axes too
    spread_x, spread_y = [*xs, *guides[:1]] if guides else xs, [*ys, *guides[1:]] if guides else ys
    xticks, yticks = nice_ticks(min(spread_x), max(spread_x)), nice_ticks(min(spread_y), max(spread_y))

    def px(value: float) -> float:
        return left + (value - xticks[0]) / (xticks[-1] - xticks[0]) * (right - left)

    def py(value: float) -> float:
        return bottom - (value - yticks[0]) / (yticks[-1] - yticks[0]) * (bottom - top)

    body = []
    for tick in xticks:
        body.append(
            f'<line x1="{_num(px(tick))}" y1="{top}" x2="{_num(px(tick))}" y2="{bottom}" stroke="{GRID}"/>'
            f'<text x="{_num(px(tick))}" y="{bottom + 18}" text-anchor="middle" font-size="{SMALL}" '
            f'fill="{MUTED}">{esc(_label(tick, 0 if float(tick).is_integer() else 1))}</text>'
        )
    for tick in yticks:
        body.append(
            f'<line x1="{left}" y1="{_num(py(tick))}" x2="{right}" y2="{_num(py(tick))}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{_num(py(tick) + 5)}" text-anchor="end" font-size="{SMALL}" '
            f'fill="{MUTED}">{esc(_label(tick, 0 if float(tick).is_integer() else 1))}</text>'
        )
    body.append(
        f'<text x="{_num((left + right) / 2)}" y="{bottom + 42}" text-anchor="middle" font-size="{SMALL}">'
        f"{esc(x_label)}</text>"
        f'<text x="14" y="{_num((top + bottom) / 2)}" text-anchor="middle" font-size="{SMALL}" '
        f'transform="rotate(-90 14 {_num((top + bottom) / 2)})">{esc(y_label)}</text>'
    )
    if guides is not None:
        gx, gy = px(guides[0]), py(guides[1])
        body.append(
            f'<line x1="{_num(gx)}" y1="{top}" x2="{_num(gx)}" y2="{bottom}" stroke="{AMBER}" stroke-width="2" '
            f'stroke-dasharray="6 4"/><line x1="{left}" y1="{_num(gy)}" x2="{right}" y2="{_num(gy)}" '
            f'stroke="{AMBER}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    elif len(points) >= 2:
        mean_x = sum(xs) / len(xs)
        mean_y = sum(ys) / len(ys)
        sxx = sum((v - mean_x) ** 2 for v in xs)
        if sxx > 0:
            slope = sum((a - mean_x) * (b - mean_y) for a, b in zip(xs, ys, strict=True)) / sxx
            x0, x1 = min(xs), max(xs)
            y0, y1 = mean_y + slope * (x0 - mean_x), mean_y + slope * (x1 - mean_x)
            body.append(
                f'<line x1="{_num(px(x0))}" y1="{_num(py(y0))}" x2="{_num(px(x1))}" y2="{_num(py(y1))}" '
                f'stroke="{AMBER}" stroke-width="2" stroke-dasharray="6 4"/>'
            )
    labelled = len(points) <= 12
    for p in points:
        body.append(
            f'<circle cx="{_num(px(p.x))}" cy="{_num(py(p.y))}" r="6" fill="{BLUE}" fill-opacity="0.8">'
            f"<title>{esc(f'{p.label}: {_label(p.x)}, {_label(p.y)}')}</title></circle>"
        )
        if labelled:
            name = fit(p.label, 120, SMALL, lines=1)[0]
            anchor_right = px(p.x) > right - 130
            body.append(
                f'<text x="{_num(px(p.x) + (-9 if anchor_right else 9))}" y="{_num(py(p.y) - 7)}" '
                f'text-anchor="{"end" if anchor_right else "start"}" font-size="{SMALL}" fill="{MUTED}">'
                f"{esc(name)}</text>"
            )
    return _svg(chart_id, height, title, desc, body, width)

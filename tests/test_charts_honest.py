"""Charts that do not mislead (issue #22, item 4): checked on the SVG's geometry and text."""

from __future__ import annotations

import re

import pytest

from cxframe.contracts._sections import CurvePoint, StepBar
from cxframe.reporters import _charts as charts

TREND_LABELS = {
    "title": "t",
    "desc": "d",
    "value_label": "value",
    "band_label": "95 % interval",
    "small_label": "small",
}


def _polylines(svg: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(float(v) for v in pair.split(",")) for pair in found.split()]  # type: ignore[misc]
        for found in re.findall(r'<polyline points="([^"]+)"', svg)
    ]


def _circles(svg: str) -> list[tuple[float, float, float]]:
    return [
        (float(cx), float(cy), float(r))
        for cx, cy, r in re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)" r="([\d.]+)"', svg)
    ]


def _ticks(svg: str) -> list[float]:
    found = re.findall(r'text-anchor="end" font-size="13" fill="#52606d">([^<]+)</text>', svg)
    return [float(t.replace("−", "-")) for t in found]


# --- step chart: a rising count is a rise, never a negative drop-off ---------------------------------


def test_a_step_whose_count_rises_shows_the_rise_not_a_negative_drop_off() -> None:
    steps = [StepBar("Apply", 900), StepBar("Review", 607, 0.674, 0.326), StepBar("Decide", 721, 1.188, -0.188)]
    svg = charts.step_chart(steps, chart_id="c", title="t", desc="d", count_label="cases", drop_label="drop-off")
    assert "−32.6 % drop-off" in svg  # a loss reads as one
    assert "18.8 % drop-off" not in svg
    assert "+18.8 %" in svg
    assert svg.count("drop-off") == 1


def test_the_rise_is_worded_by_the_caller_and_generic_in_the_core() -> None:
    steps = [StepBar("A", 607), StepBar("B", 721, None, -0.188)]
    svg = charts.step_chart(
        steps, chart_id="c", title="t", desc="d", count_label="cases", drop_label="drop-off", rise_label="more"
    )
    assert "+18.8 % more" in svg and "drop-off" not in svg


def test_a_rise_with_no_count_before_takes_the_drop_offs_sign() -> None:
    steps = [StepBar("A", 0), StepBar("B", 5, None, -0.25)]
    svg = charts.step_chart(steps, chart_id="c", title="t", desc="d", count_label="", drop_label="drop-off")
    assert "+25 %" in svg or "+25.0 %" in svg
    assert "drop-off" not in svg


# --- trend: periods with no data between them are not joined ----------------------------------------


def test_two_waves_months_apart_are_not_joined_by_a_line() -> None:
    points = [
        charts.TrendPoint("2025-03", 12.0, 4.0, 20.0, 120),
        charts.TrendPoint("2025-09", 18.0, 10.0, 26.0, 130),
    ]
    svg = charts.trend_chart(points, chart_id="c", **TREND_LABELS)
    assert _polylines(svg) == []  # two points, no line between them
    assert "<polygon" not in svg  # nor a band bridging the months between
    assert len([c for c in _circles(svg) if c[2] >= 4]) == 2


def test_adjacent_periods_are_still_joined_and_a_gap_splits_the_line() -> None:
    points = [
        charts.TrendPoint("2025-01", 10.0, 5.0, 15.0, 100),
        charts.TrendPoint("2025-02", 11.0, 6.0, 16.0, 100),
        charts.TrendPoint("2025-06", 12.0, 7.0, 17.0, 100),
        charts.TrendPoint("2025-07", 13.0, 8.0, 18.0, 100),
    ]
    svg = charts.trend_chart(points, chart_id="c", **TREND_LABELS)
    assert [len(line) for line in _polylines(svg)] == [2, 2]
    assert svg.count("<polygon") == 2


@pytest.mark.parametrize(
    ("before", "after", "joined"),
    [
        ("2024-12", "2025-01", True),
        ("2025-01", "2025-03", False),
        ("2024-Q4", "2025-Q1", True),
        ("2025-Q1", "2025-Q3", False),
        ("2020-W53", "2021-W01", True),
        ("2025-W10", "2025-W12", False),
        ("2024", "2025", True),
        ("2023", "2025", False),
        ("2024-02-28", "2024-02-29", True),
        ("2024-02-28", "2024-03-01", False),
        ("wave 1", "wave 2", True),  # a label of unknown form: no claim about what lies between
    ],
)
def test_adjacent_periods(before: str, after: str, joined: bool) -> None:
    assert charts.adjacent(before, after) is joined


# --- y-axis: the scale spans the intervals -------------------------------------------------------------


def test_the_scale_includes_the_interval_bands_of_small_samples() -> None:
    points = [
        charts.TrendPoint("2025-01", 0.0, -40.0, 40.0, 9, small=True),
        charts.TrendPoint("2025-02", 33.0, -10.0, 70.0, 8, small=True),
        charts.TrendPoint("2025-03", 15.0, -25.0, 55.0, 10, small=True),
    ]
    svg = charts.trend_chart(points, chart_id="c", **TREND_LABELS)
    ticks = _ticks(svg)
    assert min(ticks) <= -40 and max(ticks) >= 70
    # the noisy 0 → 33 rises over less than a third of the plot's height, not from bottom to top
    circles = [c for c in _circles(svg) if c[2] == 5]
    rise = circles[0][1] - circles[1][1]
    assert 0 < rise < (210 - 44) / 3


def test_the_scale_includes_the_band_of_adequate_and_small_samples_alike() -> None:
    points = [
        charts.TrendPoint("2025-01", 50.0, 45.0, 55.0, 400),
        charts.TrendPoint("2025-02", 52.0, 20.0, 80.0, 12, small=True),
    ]
    ticks = _ticks(charts.trend_chart(points, chart_id="c", **TREND_LABELS))
    assert min(ticks) <= 20 and max(ticks) >= 80


# --- curve: no label covers a point ---------------------------------------------------------------------


def _text_boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """Each plain ``<text>``'s box (x0, y0, x1, y1), from the chart module's own width estimate."""
    boxes = []
    for attrs_text, content in re.findall(r"<text ([^>]*)>([^<]+)</text>", svg):
        found = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs_text))
        size = float(found.get("font-size", charts.FONT))
        x, y = float(found["x"]), float(found["y"])
        width = charts.text_width(content, size)
        anchor = found.get("text-anchor", "start")
        x0 = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        boxes.append((x0, y - size, x0 + width, y + size * 0.25, content))
    return boxes


def _overlaps(box: tuple[float, float, float, float, str], circle: tuple[float, float, float]) -> bool:
    x0, y0, x1, y1, _ = box
    cx, cy, r = circle
    r += 1  # the point's white outline
    nearest_x, nearest_y = min(max(cx, x0), x1), min(max(cy, y0), y1)
    return (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 < r * r


@pytest.mark.parametrize("steps", [3, 5, 8, 10, 14])
@pytest.mark.parametrize("edge", [-2.0, -1.8, -1.5, 1.5, 1.8, 2.0])
@pytest.mark.parametrize("width", [charts.WIDTH, charts.NARROW])
def test_no_label_of_the_curve_overlaps_its_points(steps: int, edge: float, width: int) -> None:
    values = [edge if i in {0, steps - 1} else (-edge if i % 2 else edge) for i in range(steps)]
    points = [CurvePoint(f"Stage {i}", v, marks=i % 3) for i, v in enumerate(values)]
    svg = charts.curve_chart(
        points,
        chart_id="c",
        width=width,
        title="t",
        desc="d",
        scale_labels=("very negative", "neutral", "very positive"),
        mark_label="pain points",
    )
    circles = _circles(svg)
    assert len(circles) == steps
    clashes = [box[4] for box in _text_boxes(svg) for circle in circles if _overlaps(box, circle)]
    assert clashes == []


def test_a_scatter_with_guides_draws_them_and_no_fitted_line() -> None:
    # an importance × performance chart splits at the averages: a least-squares line through it would mean nothing
    from cxframe import ScatterChart, ScatterPoint

    points = [ScatterPoint("a", 10, 1), ScatterPoint("b", 30, 3), ScatterPoint("c", 20, 5)]
    common = {"chart_id": "c", "title": "t", "desc": "d", "x_label": "x", "y_label": "y"}
    fitted = charts.scatter_chart(points, **common)
    guided = charts.scatter_chart(points, **common, guides=(20.0, 3.0))
    assert fitted.count('stroke-dasharray="6 4"') == 1
    assert guided.count('stroke-dasharray="6 4"') == 2
    # the guides sit at the given values: the vertical one where x = 20 is drawn, between the dots at 10 and 30
    vertical = re.search(r'<line x1="([\d.]+)" y1="\d+" x2="\1" y2="\d+" stroke="[^"]+" stroke-width="2"', guided)
    assert vertical
    with pytest.raises(ValueError, match="guides"):
        ScatterChart("c", "t", points, guides=(1.0, float("nan")))
    assert ScatterChart("c", "t", points, guides=[1, 2]).guides == (1.0, 2.0)

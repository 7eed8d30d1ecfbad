"""The journey-map picture: a self-contained SVG (or an HTML page holding it), no fonts or scripts fetched.

Stages run across; under each are its touchpoints (★ marks a moment of truth),
the emotion curve (−2 … +2, a gap where a stage has no emotion), its pain
points (red) and its opportunities (green). `journey_map_svg` is what the
HTML report embeds. All text from the programme is XML-escaped, and characters
XML 1.0 forbids are dropped, so a map can never break out of its markup.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence

from cxframe import Catalogue, Journey, Touchpoint

COLUMN = 210
LEFT = 130
LINE = 15
PAD = 10
FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
#: The picture's own words in every language of the reports (names from the programme file stay as written).
WORDS = Catalogue.by_key(
    {
        "title.persona": {"en": "{journey} — persona: {persona}", "zh-CN": "{journey} — 用户画像：{persona}"},
        "alt": {"en": "Journey map: {journey}", "zh-CN": "旅程地图：{journey}"},
        "stages": {"en": "Stages", "zh-CN": "阶段"},
        "touchpoints": {"en": "Touchpoints", "zh-CN": "触点"},
        "emotion": {"en": "Emotion", "zh-CN": "情绪"},
        "pain_points": {"en": "Pain points", "zh-CN": "痛点"},
        "opportunities": {"en": "Opportunities", "zh-CN": "机会"},
        "no_emotion": {"en": "no emotion mapped", "zh-CN": "未标注情绪"},
        "legend": {
            "en": "★ moment of truth · • touchpoint (channel) · emotion from −2 (very negative) to +2 (very positive)",
            "zh-CN": "★ 关键时刻 · • 触点（渠道） · 情绪从 −2（非常负面）到 +2（非常正面）",
        },
    }
)
#: characters XML 1.0 does not allow, even escaped
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return html.escape(_FORBIDDEN.sub("", str(value)), quote=True)


def _wrap(items: Sequence[str], width: int = 30, bullet: str = "") -> list[str]:
    lines: list[str] = []
    for item in items:
        wrapped = textwrap.wrap(item, width - len(bullet)) or [""]
        lines.append(bullet + wrapped[0])
        lines.extend(" " * len(bullet) + rest for rest in wrapped[1:])
    return lines


def _lines(x: float, y: float, lines: Sequence[str], *, fill: str = "#1f2933", weight: str = "normal") -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE}">{_text(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" fill="{fill}" font-weight="{weight}" xml:space="preserve">{spans}</text>'


def journey_map_svg(journey: Journey, touchpoints: Sequence[Touchpoint], lang: str = "en") -> str:
    """The journey map of ``journey`` as an SVG document (a string starting with ``<svg``).

    ``touchpoints`` is the inventory, for the touchpoints' names and channels;
    a touchpoint id not in it is shown as the id. The picture's own words are
    in ``lang`` (one of `cxframe.REPORT_LANGUAGES`; another falls back to English).
    """

    def say(key: str, **values: str) -> str:
        return WORDS.say(key, lang, **values)

    known = {t.id: t for t in touchpoints}
    stages = journey.stages
    columns = max(len(stages), 1)
    width = LEFT + columns * COLUMN + PAD

    def touchpoint_lines(stage_index: int) -> list[str]:
        stage = stages[stage_index]
        lines: list[str] = []
        for tp in stage.touchpoints:
            item = known.get(tp)
            label = item.name if item is not None else tp
            if item is not None and item.channel:
                label += f" ({item.channel})"
            mark = "★ " if tp in stage.moments_of_truth or (item is not None and item.moment_of_truth) else "• "
            lines.extend(_wrap([label], bullet=mark))
        return lines or ["—"]

    lanes: list[tuple[str, list[list[str]], str]] = [
        (say("touchpoints"), [touchpoint_lines(i) for i in range(len(stages))], "#1f2933"),
        (say("pain_points"), [_wrap(s.pain_points, bullet="✖ ") or ["—"] for s in stages], "#b42318"),
        (say("opportunities"), [_wrap(s.opportunities, bullet="+ ") or ["—"] for s in stages], "#067647"),
    ]
    parts: list[str] = []
    y = PAD
    title = say("title.persona", journey=journey.name, persona=journey.persona) if journey.persona else journey.name
    parts.append(_lines(PAD, y + 16, [title], weight="bold"))
    y += 30
    # the stage band: one chevron-like box per stage
    band = 34
    for index, stage in enumerate(stages):
        x = LEFT + index * COLUMN
        parts.append(f'<rect x="{x + 2}" y="{y}" width="{COLUMN - 4}" height="{band}" rx="4" fill="#1d4ed8" />')
        name = textwrap.shorten(stage.name, 28, placeholder="…")
        parts.append(_lines(x + PAD, y + 22, [f"{index + 1}. {name}"], fill="#ffffff", weight="bold"))
    parts.append(_lines(PAD, y + 22, [say("stages")], weight="bold"))
    y += band + PAD

    def lane(label: str, cells: list[list[str]], colour: str) -> None:
        nonlocal y
        height = max((len(cell) for cell in cells), default=1) * LINE + 2 * PAD
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{height}" fill="#f8fafc" />')
        parts.append(_lines(PAD, y + PAD + 11, [label], weight="bold"))
        for index, cell in enumerate(cells):
            parts.append(_lines(LEFT + index * COLUMN + PAD, y + PAD + 11, cell, fill=colour))
        y += height + 4

    lane(*lanes[0])
    # the emotion curve: +2 at the top of its lane, −2 at the bottom
    curve_height = 120
    top = y + PAD
    parts.append(f'<rect x="0" y="{y}" width="{width}" height="{curve_height + 2 * PAD + 18}" fill="#f8fafc" />')
    parts.append(_lines(PAD, top + 11, [say("emotion")], weight="bold"))
    for score, label in ((2, "+2"), (0, "0"), (-2, "−2")):
        level = top + (2 - score) / 4 * curve_height
        parts.append(
            f'<line x1="{LEFT}" y1="{level:.1f}" x2="{width - PAD}" y2="{level:.1f}" stroke="#cbd5e1" '
            f'stroke-dasharray="{"4 3" if score else "none"}" />'
        )
        parts.append(_lines(LEFT - 24, level + 4, [label], fill="#64748b"))
    marks: list[str] = []
    segment: list[tuple[float, float]] = []
    segments: list[list[tuple[float, float]]] = [segment]
    for index, stage in enumerate(stages):
        centre = LEFT + index * COLUMN + COLUMN / 2
        if stage.emotion is None:
            segment = []
            segments.append(segment)
            parts.append(
                f'<text x="{centre:.1f}" y="{top + curve_height / 2 - 6:.1f}" fill="#94a3b8" text-anchor="middle" '
                'font-size="11">' + _text(say("no_emotion")) + "</text>"
            )
            continue
        level = top + (2 - stage.emotion.score) / 4 * curve_height
        segment.append((centre, level))
        colour = "#067647" if stage.emotion.score > 0 else "#b42318" if stage.emotion.score < 0 else "#475467"
        marks.append(f'<circle cx="{centre:.1f}" cy="{level:.1f}" r="5" fill="{colour}" />')
        note = textwrap.shorten(stage.emotion.note, 34, placeholder="…") if stage.emotion.note else ""
        caption = f"{stage.emotion.score:+g}" + (f" {note}" if note else "")
        # below the point: the lane leaves room under −2, and above it the caption would cross the curve
        caption_y = level + 18
        marks.append(
            f'<text x="{centre:.1f}" y="{caption_y:.1f}" fill="{colour}" text-anchor="middle" font-size="11" '
            # a halo in the lane's colour keeps the caption legible where it crosses a grid line
            'stroke="#f8fafc" stroke-width="3" paint-order="stroke">'
            f"{_text(caption)}</text>"
        )
    for points in segments:
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="#1d4ed8" stroke-width="2.5" />')
    # points and captions over the curve, not under it
    parts.extend(marks)
    y += curve_height + 2 * PAD + 22
    lane(*lanes[1])
    lane(*lanes[2])
    legend = say("legend")
    parts.append(f'<text x="{PAD}" y="{y + 14}" fill="#64748b" font-size="11">{_text(legend)}</text>')
    y += 20
    height = y + PAD
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{_text(FONT)}" font-size="12" role="img">\n'
        f"<title>{_text(say('alt', journey=journey.name))}</title>\n"
        f'<rect width="{width}" height="{height}" fill="#ffffff" />\n{body}\n</svg>\n'
    )


def journey_map_html(journey: Journey, touchpoints: Sequence[Touchpoint], lang: str = "en") -> str:
    """An HTML page holding the map's SVG inline: opens offline in any browser."""
    return (
        f'<!DOCTYPE html>\n<html lang="{_text(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_text(WORDS.say('alt', lang, journey=journey.name))}</title>\n"
        "<style>body{margin:24px;font-family:system-ui,sans-serif;background:#fff}</style>\n"
        f"</head>\n<body>\n{journey_map_svg(journey, touchpoints, lang)}</body>\n</html>\n"
    )

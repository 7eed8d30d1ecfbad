"""What the journey plugin adds to ``cxframe assess`` (the ``assessment_evidence`` hook).

The keys and their fields are read by the HTML report's charts: keep them exactly.

* ``funnel``: ``[{journey, stage, stage_name, cases, conversion, drop_off,
  optional, final}]`` for every journey (see `cxframe_journey.overlay` for the definitions);
* ``painpoints``: ``[{touchpoint, name, volume, score, drop_off, repeat_share,
  rank_score, evidence, reason}]``, ranked;
* ``maps``: ``[{journey, name, persona, stages: [{id, name, touchpoints,
  emotion, emotion_note, pain_points, opportunities, moments_of_truth}], svg,
  svg_by_lang}]``: the map picture (`cxframe_journey.picture`) in English and
  in every language of the reports;
* ``inventory``: the touchpoint-inventory facts (`cxframe_journey.checks.inventory`);
* ``variants``: ``{cases, variants, top}`` with the five most frequent variants.

With an empty store the lists are empty and the counts 0; nothing raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxframe import REPORT_LANGUAGES, Journey, RunContext
from cxframe_journey import analytics, overlay
from cxframe_journey.checks import inventory, painpoint_list
from cxframe_journey.picture import journey_map_svg

FUNNEL_KEYS = ("journey", "stage", "stage_name", "cases", "conversion", "drop_off", "optional", "final")
PAINPOINT_KEYS = (
    "touchpoint", "name", "volume", "score", "drop_off", "repeat_share", "rank_score", "evidence", "reason",
)  # fmt: skip


def _pick(row: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: row[key] for key in keys}


def journey_map(journey: Journey) -> dict[str, Any]:
    """One journey map as plain data (the ``maps`` entry)."""
    return {
        "journey": journey.id,
        "name": journey.name,
        "persona": journey.persona,
        "stages": [
            {
                "id": stage.id,
                "name": stage.name,
                "touchpoints": list(stage.touchpoints),
                "emotion": float(stage.emotion.score) if stage.emotion is not None else None,
                "emotion_note": stage.emotion.note if stage.emotion is not None else "",
                "pain_points": list(stage.pain_points),
                "opportunities": list(stage.opportunities),
                "moments_of_truth": list(stage.moments_of_truth),
            }
            for stage in journey.stages
        ],
    }


def journey_evidence(run: RunContext) -> dict[str, Any]:
    """The facts for the assessment document's ``evidence.<plugin>``; see the module docstring."""
    programme = run.programme
    touchpoints = programme.document.touchpoints
    funnel = overlay.funnel(run.store, programme.journeys, touchpoints)
    found = analytics.variants(run.store)
    return {
        "funnel": [_pick(row, FUNNEL_KEYS) for row in funnel],
        "painpoints": [_pick(point, PAINPOINT_KEYS) for point in painpoint_list(run.store, programme, run.registry)],
        # the map picture travels as SVG text, in every language of the reports (``svg`` is the English); the
        # HTML report shows the reader's as an image (no script can run there)
        "maps": [
            {
                **journey_map(journey),
                "svg": journey_map_svg(journey, touchpoints),
                "svg_by_lang": {lang: journey_map_svg(journey, touchpoints, lang) for lang in REPORT_LANGUAGES},
            }
            for journey in programme.journeys
        ],
        "inventory": inventory(programme),
        "variants": {
            "cases": sum(v["count"] for v in found),
            "variants": len(found),
            "top": found[:5],
        },
    }

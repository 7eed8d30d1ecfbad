"""Funnel, time between stages, repeat contacts and the pain-point overlay on the worked programme."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from journey_maps_support import JOURNEY, host, populated, write_programme

import cxframe_journey
from cxframe import InvalidInput, load_programme, testing
from cxframe_journey import api, overlay
from cxframe_journey.settings import load_settings


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return populated(tmp_path_factory.mktemp("overlay") / "p")


def test_funnel_counts_cases_conversion_and_time_between_stages(root: Path) -> None:
    rows = cxframe_journey.funnel(root, host=host())
    assert [(r["stage"], r["cases"]) for r in rows] == [("discover", 5), ("decide", 3), ("buy", 2), ("support", 1)]
    # the journey has 6 cases (c5 enters at decide); then each stage's share of the previous stage's cases
    assert [r["conversion"] for r in rows] == pytest.approx([5 / 6, 2 / 5, 1 / 3, 1 / 2])
    assert [r["drop_off"] for r in rows] == pytest.approx([1 / 6, 3 / 5, 2 / 3, 1 / 2])
    decide = rows[1]
    # c1 took 1 h from discover to decide, c3 1 day
    assert decide["median_seconds"] == pytest.approx((3600 + 86400) / 2)
    assert decide["p90_seconds"] == pytest.approx(3600 + 0.9 * (86400 - 3600))
    assert rows[0]["median_seconds"] is None
    assert {r["journey"] for r in rows} == {"buy"} and rows[1]["stage_name"] == "Decide"


def test_funnel_by_segment(root: Path) -> None:
    rows = cxframe_journey.funnel(root, journey="buy", by="region", host=host())
    by_segment = {(r["segment"]["region"], r["stage"]): r["cases"] for r in rows}
    assert by_segment[("north", "discover")] == 2 and by_segment[("north", "support")] == 1
    assert by_segment[("south", "discover")] == 2 and by_segment[("south", "decide")] == 2
    # c6 has no region: its segment is None, listed last
    assert rows[-1]["segment"] == {"region": None} and by_segment[(None, "discover")] == 1


def test_funnel_rejects_unknown_journey_and_column(root: Path) -> None:
    with pytest.raises(InvalidInput, match=r"unknown journey 'nope' \(journeys: buy\)"):
        cxframe_journey.funnel(root, journey="nope", host=host())
    with pytest.raises(InvalidInput, match=r"--by 'colour'.*attributes: region"):
        cxframe_journey.funnel(root, by="colour", host=host())


def test_repeat_contacts_within_the_window(root: Path) -> None:
    rows = {r["touchpoint"]: r for r in cxframe_journey.repeats(root, host=host())}
    web = rows["web"]
    assert (web["events"], web["repeats"], web["cases"], web["cases_repeating"]) == (7, 2, 5, 1)
    assert rows["checkout"]["repeats"] == 0
    # with a window of one day, c4's third visit (two days later) is no longer a repeat
    narrow = {r["touchpoint"]: r for r in cxframe_journey.repeats(root, window_days=1, host=host())}
    assert narrow["web"]["repeats"] == 1


def test_painpoints_overlay_and_ranking(root: Path) -> None:
    ranked = cxframe_journey.painpoints(root, host=host())
    by_tp = {p["touchpoint"]: p for p in ranked}
    assert set(by_tp) == {"web", "shop-chat", "store-visit", "checkout", "hotline", "instagram"}
    # checkout: c1's 5 and c2's 2 on 1–5; c9 is not a case and c4 was never at checkout
    assert by_tp["checkout"]["score"] == pytest.approx((1.0 + 0.25) / 2) and by_tp["checkout"]["answers"] == 2
    # store-visit: csat 1 of 1–5 and effort 7 of 1–7 (lower is better), both the worst
    assert by_tp["store-visit"]["score"] == pytest.approx(0.0)
    assert by_tp["web"]["score"] is None
    # finished cases (all but c6): c4 of c1–c4 ended at web; c3 at store-visit; c2 of c1, c2 at checkout
    assert by_tp["web"]["drop_off"] == pytest.approx(1 / 4)
    assert by_tp["store-visit"]["drop_off"] == 1.0 and by_tp["checkout"]["drop_off"] == 0.5
    assert by_tp["shop-chat"]["drop_off"] == 0.0
    assert by_tp["hotline"]["drop_off"] is None  # last stage: ending there is completing
    # web: 2 of its 7 events are repeats, typical on the journey (median of its touchpoints) 0; its drop-off
    # 1/4 is below the typical 3/8 (median of 1/4, 0, 1, 1/2)
    assert by_tp["web"]["signals"]["repeats"] == {"value": pytest.approx(2 / 7), "n": 7, "typical": 0.0,
                                                  "excess": pytest.approx(2 / 7, abs=1e-6)}  # fmt: skip
    assert by_tp["web"]["signals"]["drop_off"]["typical"] == pytest.approx(3 / 8)
    assert by_tp["web"]["rank_score"] == pytest.approx(2 / 7, abs=1e-6)
    # store-visit: score 0 against the typical 0.3125 (median of 0.625 and 0), at 1 of the busiest's 7 events;
    # its drop-off of 1 of 1 case is above typical but within the noise of one case
    assert by_tp["store-visit"]["rank_score"] == pytest.approx(0.3125 / 7, abs=1e-6)
    assert by_tp["store-visit"]["signals"]["drop_off"]["excess"] == 0.0
    assert ranked[0]["touchpoint"] == "web"
    assert ranked[0]["reason"] == (
        "Ranks 1 of 6: 29% of its 7 contacts were repeat contacts within 7 days (typical on its journeys: 0%), "
        "weighted by its 7 events (pain score 0.286)"
    )
    assert by_tp["hotline"]["reason"].endswith(
        "cases that end here complete the journey, so ending here is no drop-off"
    )
    assert "within the noise of 1 finished case" in by_tp["instagram"]["reason"]
    assert [p["rank_score"] for p in ranked] == sorted((p["rank_score"] for p in ranked), reverse=True)
    assert any("2 of 7 events" in line for line in by_tp["web"]["evidence"])
    assert any("from 2 linked answers (csat, effort)" in line for line in by_tp["store-visit"]["evidence"])


def test_small_samples_do_not_rank(tmp_path: Path) -> None:
    folder = populated(tmp_path / "p")
    text = (folder / "cxframe.toml").read_text("utf-8").replace("min_sample = 1", "min_sample = 5")
    (folder / "cxframe.toml").write_text(text, "utf-8")
    store_visit = next(p for p in cxframe_journey.painpoints(folder, host=host()) if p["touchpoint"] == "store-visit")
    assert store_visit["score"] == pytest.approx(0.0)
    assert store_visit["rank_score"] == 0.0
    assert any("below the minimum sample of 5" in line for line in store_visit["evidence"])
    assert "too few answers (2 < 5) to judge its experience score" in store_visit["reason"]


def test_empty_store_gives_empty_results(tmp_path: Path) -> None:
    folder = write_programme(tmp_path / "p")
    assert cxframe_journey.painpoints(folder, host=host()) == []
    assert cxframe_journey.repeats(folder, host=host()) == []
    rows = cxframe_journey.funnel(folder, host=host())
    assert [r["cases"] for r in rows] == [0, 0, 0, 0] and rows[0]["conversion"] is None


def test_percentile_matches_linear_interpolation() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert overlay.percentile(values, 0.9) == pytest.approx(7.6)
    assert overlay.percentile([5.0], 0.9) == 5.0


# --- CLI ---------------------------------------------------------------------


def test_cli_funnel_painpoints_repeats_json(root: Path) -> None:
    result = testing.invoke(["-C", str(root), "journey", "funnel", "--json"], host=host())
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {
        "journey", "stage", "stage_name", "segment", "cases", "conversion", "drop_off",
        "median_seconds", "p90_seconds", "optional", "final",
    }  # fmt: skip
    result = testing.invoke(["-C", str(root), "journey", "painpoints", "--json", "--limit", "2"], host=host())
    assert result.exit_code == 0, result.output
    assert [p["touchpoint"] for p in json.loads(result.stdout)] == ["web", "store-visit"]
    result = testing.invoke(["-C", str(root), "journey", "repeats", "--window", "1"], host=host())
    assert result.exit_code == 0 and "Website" in result.stdout


def test_cli_tables_and_errors(root: Path) -> None:
    result = testing.invoke(["-C", str(root), "journey", "funnel", "--by", "region"], host=host())
    assert result.exit_code == 0 and "north" in result.stdout and "(none)" in result.stdout
    result = testing.invoke(["-C", str(root), "journey", "painpoints"], host=host())
    assert result.exit_code == 0 and "Store visit" in result.stdout
    # under the table, why each ranks where it does
    assert "Website: Ranks 1 of 6: 29% of its 7 contacts were repeat contacts" in result.stdout
    result = testing.invoke(["-C", str(root), "journey", "funnel", "--journey", "nope"], host=host())
    assert result.exit_code == 1 and "error: unknown journey 'nope'" in result.stderr
    result = testing.invoke(["-C", str(root), "journey", "funnel", "--by", "colour"], host=host())
    assert result.exit_code == 1 and "no event has a value in that column or attribute" in result.stderr


def test_settings_errors_name_file_and_key(tmp_path: Path) -> None:
    folder = write_programme(tmp_path / "p", plugins={"cxframe-journey": {"repeat_window_days": "a week", "x": 1}})
    with pytest.raises(InvalidInput) as raised:
        load_settings(load_programme(folder))
    text = str(raised.value)
    assert "cxframe.toml: plugins.cxframe-journey.repeat_window_days: expected a number ≥ 0" in text
    assert "plugins.cxframe-journey.x: unknown key" in text
    result = testing.invoke(["-C", str(folder), "validate"], host=host())
    assert result.exit_code == 1 and "repeat_window_days" in result.output


def test_results_do_not_depend_on_the_order_of_the_file(tmp_path: Path, root: Path) -> None:
    expected = (
        cxframe_journey.funnel(root, by="region", host=host()),
        cxframe_journey.painpoints(root, host=host()),
        cxframe_journey.repeats(root, host=host()),
    )
    for seed in range(3):
        folder = write_programme(tmp_path / f"p{seed}")
        lines = (folder / "visits.csv").read_text("utf-8").splitlines()
        body = lines[1:]
        random.Random(seed).shuffle(body)
        (folder / "visits.csv").write_text("\n".join([lines[0], *body]) + "\n", "utf-8")
        with api.open_log(folder, "visits", host=host()):
            pass
        found = (
            cxframe_journey.funnel(folder, by="region", host=host()),
            cxframe_journey.painpoints(folder, host=host()),
            cxframe_journey.repeats(folder, host=host()),
        )
        # the answers are not in these stores, so compare what does not depend on them
        assert found[0] == expected[0]
        assert found[2] == expected[2]
        assert _signals(found[1]) == _signals(expected[1])


def _signals(points: list[overlay.PainPoint]) -> dict[str, tuple[int, float | None, float]]:
    return {p["touchpoint"]: (p["volume"], p["drop_off"], p["repeat_share"]) for p in points}


def test_events_at_the_same_time_end_a_case_in_file_order(tmp_path: Path) -> None:
    folder = write_programme(tmp_path / "p")
    rows = [
        "case,step,at,touchpoint,region",
        "a,web,2025-03-01T09:00:00Z,,x",
        "a,ask,2025-03-01T09:00:00Z,shop-chat,x",  # same second as web, later in the file: the last event
        "b,web,2025-03-20T09:00:00Z,,x",
    ]
    (folder / "visits.csv").write_text("\n".join(rows) + "\n", "utf-8")
    with api.open_log(folder, "visits", host=host()):
        pass
    by_tp = {p["touchpoint"]: p for p in cxframe_journey.painpoints(folder, host=host())}
    assert by_tp["shop-chat"]["drop_off"] == 1.0 and by_tp["web"]["drop_off"] == 0.0


# --- optional and final stages (#21, item 3) ----------------------------------------------------------------------


def _flagged(tmp_path: Path) -> Path:
    """The worked programme with Decide optional and Buy final: Support, after it, is optional by implication."""
    stages = [dict(stage) for stage in JOURNEY["stages"]]
    stages[1]["optional"] = True
    stages[2]["final"] = True
    return populated(tmp_path / "flagged", journeys=[{**JOURNEY, "stages": stages}])


def test_funnel_does_not_count_passing_an_optional_stage_by_as_drop_off(tmp_path: Path) -> None:
    rows = cxframe_journey.funnel(_flagged(tmp_path), host=host())
    assert [(r["optional"], r["final"]) for r in rows] == [(False, False), (True, False), (False, True), (True, True)]
    # decide is optional: its drop-off is none, and buy is counted from discover (c1, c2 of its 5 cases)
    assert rows[1]["drop_off"] is None and rows[1]["conversion"] == pytest.approx(2 / 5)
    assert rows[2]["conversion"] == pytest.approx(2 / 5) and rows[2]["drop_off"] == pytest.approx(3 / 5)
    # c1 and c2 took 1 day and 1 hour from discover to buy
    assert rows[2]["median_seconds"] == pytest.approx((86400 + 3600) / 2)
    # support comes after the final stage: not reaching it is no drop-off
    assert rows[3]["drop_off"] is None and rows[3]["conversion"] == pytest.approx(1 / 2)


def test_ending_at_a_final_stage_is_completion_not_drop_off(tmp_path: Path) -> None:
    by_tp = {p["touchpoint"]: p for p in cxframe_journey.painpoints(_flagged(tmp_path), host=host())}
    # c2 ended at checkout, now a final stage: completed (without the flag it is a drop-off of 1 in 2)
    assert by_tp["checkout"]["drop_off"] is None and by_tp["hotline"]["drop_off"] is None
    assert any("final stage" in line for line in by_tp["checkout"]["evidence"])
    assert "complete the journey" in by_tp["checkout"]["reason"]
    # c4 never completed: still a drop-off at web
    assert by_tp["web"]["drop_off"] == pytest.approx(1 / 4)


def test_ending_at_an_optional_stage_after_completion_is_no_drop_off(tmp_path: Path) -> None:
    stages = [dict(stage) for stage in JOURNEY["stages"]]
    stages[1]["final"] = True  # deciding completes it; c3 then ended at store-visit, c1 went on to support
    stages[3]["optional"] = True
    stages[3]["final"] = False
    # the last stage is final unless it says otherwise
    stages.append({"id": "review", "name": "Review", "touchpoints": ["checkout"], "optional": True, "final": False})
    stages[2]["touchpoints"] = []
    folder = populated(tmp_path / "p", journeys=[{**JOURNEY, "stages": stages}])
    by_tp = {p["touchpoint"]: p for p in cxframe_journey.painpoints(folder, host=host())}
    # checkout is on an optional stage after the final one: c1 (shop-chat first) completed before ending there;
    # c2 went from web straight to checkout without completing: a drop-off of 1 in 2
    assert by_tp["checkout"]["drop_off"] == pytest.approx(1 / 2)
    assert by_tp["store-visit"]["drop_off"] is None

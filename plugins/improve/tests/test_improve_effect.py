"""The measured effect of a finished action: before/after and difference-in-differences, against hand counts."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest

import cxframe
import cxframe_improve
import cxframe_nps
from cxframe import InvalidInput, testing

TODAY = dt.date.today()
DONE = TODAY - dt.timedelta(days=120)
WINDOW = 90
HEADER = "response_id,submitted_at,touchpoint,region,satisfaction"
N = 200  # answers per touchpoint and window
Z = NormalDist().inv_cdf(0.975)

TOUCHPOINTS = [
    {"id": "web", "name": "Website", "channel": "web"},
    {"id": "store", "name": "Store", "channel": "in-person"},
    {"id": "app", "name": "App", "channel": "app"},
]


def pattern(share: float, n: int = N) -> list[int]:
    """``n`` CSAT answers (5 top-two-box, 2 not) with ``share`` of them top-two-box, evenly spread in time."""
    top = round(share * n)
    # Bresenham spread: each half of the window gets the same share
    return [5 if math.floor((i + 1) * top / n) > math.floor(i * top / n) else 2 for i in range(n)]


def window_rows(
    touchpoint: str, start: dt.datetime, answers: list[int], prefix: str, region: str = "North", days: int = WINDOW
) -> list[str]:
    step = dt.timedelta(days=days) / len(answers)
    rows = []
    for i, score in enumerate(answers):
        moment = start + step * (i + 0.5)
        rows.append(f"{prefix}{i},{moment.strftime('%Y-%m-%dT%H:%M:%SZ')},{touchpoint},{region},{score}")
    return rows


def survey(before: dict[str, list[int]], after: dict[str, list[int]]) -> list[str]:
    done = dt.datetime.combine(DONE, dt.time(), tzinfo=dt.UTC)
    rows = []
    for touchpoint, answers in before.items():
        rows += window_rows(touchpoint, done - dt.timedelta(days=WINDOW), answers, f"{touchpoint}-b")
    for touchpoint, answers in after.items():
        rows += window_rows(touchpoint, done, answers, f"{touchpoint}-a")
    return rows


ACTION = {
    "id": "fix-web-checkout",
    "title": "Fix the web checkout",
    "owner": "Head of Digital",
    "status": "done",
    "done": DONE.isoformat(),
    "metric": "csat",
    "touchpoint": "web",
}


def programme(tmp_path: Path, rows: list[str], actions: list[dict[str, Any]] | None = None) -> Path:
    root = testing.make_programme(
        tmp_path / "p",
        touchpoints=TOUCHPOINTS,
        actions=[ACTION] if actions is None else actions,
        sources=[
            {
                "id": "survey",
                "collector": "survey-csv",
                "path": "data/survey.csv",
                "columns": {
                    "response_id": "response_id",
                    "timestamp": "submitted_at",
                    "touchpoint": "touchpoint",
                    "segments": ["region"],
                    "questions": {"csat": "satisfaction"},
                },
            }
        ],
    )
    (root / "data").mkdir()
    (root / "data" / "survey.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return root


def host() -> Any:
    return testing.plugin_host(cxframe_nps, cxframe_improve)


def cli(root: Path, *args: str) -> Any:
    return testing.invoke(["-C", str(root), *args], host=host())


def collected(root: Path) -> Path:
    result = cli(root, "collect")
    assert result.exit_code == 0, result.output
    return root


def jump(
    tmp_path: Path,
    after_web: float = 0.8,
    before_web: list[int] | None = None,
    actions: list[dict[str, Any]] | None = None,
) -> Path:
    """CSAT at the web touchpoint 60 % before, ``after_web`` after; the store and app flat at 70 % and 50 %."""
    before = {"web": before_web or pattern(0.6), "store": pattern(0.7), "app": pattern(0.5)}
    after = {"web": pattern(after_web), "store": pattern(0.7), "app": pattern(0.5)}
    return collected(programme(tmp_path, survey(before, after), actions))


def wilson(p: float, n: int) -> tuple[float, float]:
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def test_a_jump_from_60_to_80_percent_with_a_flat_control_is_plus_20_both_ways(tmp_path: Path) -> None:
    root = jump(tmp_path)
    result = cli(root, "actions", "effect", "fix-web-checkout", "--json")
    assert result.exit_code == 0, result.output
    effect = json.loads(result.stdout)
    # DESIGN §11's keys, in order, then the two added ones
    assert list(effect) == [
        "action",
        "metric",
        "before",
        "after",
        "difference",
        "ci_low",
        "ci_high",
        "p_value",
        "did",
        "verdict",
        "provisional",
        "window_ends",
    ]
    assert effect["provisional"] is False
    assert effect["window_ends"] == (DONE + dt.timedelta(days=WINDOW - 1)).isoformat()
    assert "provisional" not in effect["verdict"]
    assert (effect["action"], effect["metric"]) == ("fix-web-checkout", "csat")
    assert list(effect["before"]) == ["value", "n", "ci_low", "ci_high"]
    assert effect["before"]["value"] == pytest.approx(60) and effect["before"]["n"] == N
    assert effect["after"]["value"] == pytest.approx(80) and effect["after"]["n"] == N
    low, high = wilson(0.6, N)
    assert (effect["before"]["ci_low"], effect["before"]["ci_high"]) == pytest.approx((100 * low, 100 * high))
    # before → after: the pooled two-proportion z-test and Newcombe's interval, by hand
    assert effect["difference"] == pytest.approx(20)
    pooled = 0.7
    z = 0.2 / math.sqrt(pooled * (1 - pooled) * 2 / N)
    assert effect["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    l1, u1 = wilson(0.8, N)
    l0, u0 = wilson(0.6, N)
    assert effect["ci_low"] == pytest.approx(100 * (0.2 - math.sqrt((0.8 - l1) ** 2 + (u0 - 0.6) ** 2)))
    assert effect["ci_high"] == pytest.approx(100 * (0.2 + math.sqrt((u1 - 0.8) ** 2 + (0.6 - l0) ** 2)))
    # against the flat control (store and app pooled): +20 too, se from the two changes' unpooled variances
    did = effect["did"]
    assert did["control"] == ["app", "store"]
    assert did["difference"] == pytest.approx(20)
    se = 100 * math.sqrt(0.8 * 0.2 / N + 0.6 * 0.4 / N + 2 * (0.6 * 0.4 / (2 * N)))
    assert (did["ci_low"], did["ci_high"]) == pytest.approx((20 - Z * se, 20 + Z * se))
    assert did["p_value"] == pytest.approx(math.erfc(20 / se / math.sqrt(2)))
    assert effect["verdict"].startswith("csat after vs before: rose by 20.0 points")
    assert "against the control (app, store): rose by 20.0 points" in effect["verdict"]
    assert "parallel trends look violated" not in effect["verdict"]


def test_the_same_maths_as_measure_compare(tmp_path: Path) -> None:
    """Windows that are calendar months give exactly `measure --compare period --period month`'s numbers."""
    april, may = dt.datetime(2026, 4, 1, tzinfo=dt.UTC), dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    rows = []
    for touchpoint, (first, second) in {"web": (0.55, 0.7), "store": (0.6, 0.62)}.items():
        # uneven sizes, and May's answers within its first 30 days (the after window)
        rows += window_rows(touchpoint, april, pattern(first, 90), f"{touchpoint}-b", days=30)
        rows += window_rows(touchpoint, may, pattern(second, 130), f"{touchpoint}-a", days=30)
    action = {**ACTION, "done": "2026-05-01"}
    root = collected(programme(tmp_path, rows, [action]))
    effect = cxframe_improve.action_effect(root, "fix-web-checkout", window_days=30, host=host())
    [monthly] = [
        c
        for c in cxframe.compare(root, "csat", period="month", by=["touchpoint"], host=host())
        if c.segment == {"touchpoint": "web"}
    ]
    assert monthly.period == "2026-05" and monthly.baseline == "2026-04"
    assert (effect.difference, effect.ci_low, effect.ci_high, effect.p_value) == (
        monthly.difference,
        monthly.ci_low,
        monthly.ci_high,
        monthly.p_value,
    )
    assert (effect.before.n, effect.after.n) == (monthly.baseline_n, monthly.n) == (90, 130)


def test_a_flat_pre_period_passes_the_trend_check_and_the_table_shows_it_all(tmp_path: Path) -> None:
    root = jump(tmp_path)
    effect = cxframe_improve.action_effect(root, "fix-web-checkout", host=host())
    assert effect.flags == ()
    assert effect.pre_trend is not None and effect.pre_trend.parallel is True
    assert effect.pre_trend.difference == pytest.approx(0, abs=1e-9)
    table = cli(root, "actions", "effect", "fix-web-checkout")
    assert table.exit_code == 0, table.output
    assert "difference-in-differences" in table.stdout and "control: app, store" in table.stdout


def test_no_effect_is_said_plainly_not_significant(tmp_path: Path) -> None:
    root = jump(tmp_path, after_web=0.6)
    effect = cxframe_improve.action_effect(root, "fix-web-checkout", host=host())
    assert effect.difference == pytest.approx(0, abs=1e-9)
    assert effect.p_value == pytest.approx(1.0)
    assert effect.verdict.startswith("csat after vs before: not significant, +0.0 points")
    assert "no evidence that the metric moved" in effect.verdict
    assert effect.did is not None and effect.did.p_value is not None and effect.did.p_value > 0.05


def test_a_fall_is_said_as_worse(tmp_path: Path) -> None:
    effect = cxframe_improve.action_effect(jump(tmp_path, after_web=0.4), "fix-web-checkout", host=host())
    assert effect.difference == pytest.approx(-20)
    assert effect.verdict.startswith("csat after vs before: fell by 20.0 points") and "worse" in effect.verdict


def test_a_treated_group_already_rising_before_the_action_is_flagged(tmp_path: Path) -> None:
    rising = pattern(0.3, N // 2) + pattern(0.9, N // 2)  # 60 % over the window, but 30 % then 90 %
    effect = cxframe_improve.action_effect(jump(tmp_path, before_web=rising), "fix-web-checkout", host=host())
    assert effect.before.value == pytest.approx(60)
    assert "pre_trend_violated" in effect.flags
    assert effect.pre_trend is not None and effect.pre_trend.parallel is False
    assert effect.pre_trend.treated_change == pytest.approx(60)
    assert effect.pre_trend.control_change == pytest.approx(0, abs=1e-9)
    assert "parallel trends look violated" in effect.verdict


def test_controls_can_be_chosen_and_an_unknown_one_is_an_error(tmp_path: Path) -> None:
    root = jump(tmp_path)
    only = cxframe_improve.action_effect(root, "fix-web-checkout", control=["store"], host=host())
    assert only.did is not None and only.did.control == ("store",)
    result = cli(root, "actions", "effect", "fix-web-checkout", "--control", "kiosk")
    assert result.exit_code == 1
    assert "--control 'kiosk': no touchpoint of that name has answers in both windows" in result.stderr


def test_a_segment_action_is_compared_with_the_other_values(tmp_path: Path) -> None:
    done = dt.datetime.combine(DONE, dt.time(), tzinfo=dt.UTC)
    start = done - dt.timedelta(days=WINDOW)
    rows = (
        window_rows("web", start, pattern(0.6), "n-b", "North")
        + window_rows("web", done, pattern(0.8), "n-a", "North")
        + window_rows("web", start, pattern(0.7), "s-b", "South")
        + window_rows("web", done, pattern(0.7), "s-a", "South")
    )
    action = {**ACTION, "touchpoint": None, "segment": {"region": "North"}}
    del action["touchpoint"]
    root = collected(programme(tmp_path, rows, [action]))
    effect = cxframe_improve.action_effect(root, "fix-web-checkout", host=host())
    assert effect.where == {"region": "North"}
    assert effect.difference == pytest.approx(20)
    assert effect.did is not None and effect.did.control == ("South",) and effect.did.difference == pytest.approx(20)


def test_an_action_on_all_answers_has_no_control(tmp_path: Path) -> None:
    action = {**ACTION}
    del action["touchpoint"]
    root = jump(tmp_path, actions=[action])
    effect = json.loads(cli(root, "actions", "effect", "fix-web-checkout", "--json").stdout)
    assert effect["did"] is None
    # web 60→80, store 70, app 50: all answers 60 → 66.7
    assert effect["before"]["value"] == pytest.approx(60) and effect["after"]["value"] == pytest.approx(200 / 3)
    assert "no control group" in effect["verdict"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"done": None, "status": "in_progress"}, "actions[0].done: 'fix-web-checkout' has no done date"),
        ({"metric": None}, "actions[0].metric: 'fix-web-checkout' names no metric"),
    ],
)
def test_an_action_that_cannot_have_an_effect_is_a_clear_error(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    action = {k: v for k, v in {**ACTION, **change}.items() if v is not None}
    root = programme(tmp_path, [], [action])
    result = cli(root, "actions", "effect", "fix-web-checkout")
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output


def test_too_little_data_and_unknown_ids_are_clear_errors(tmp_path: Path) -> None:
    root = collected(programme(tmp_path, []))
    result = cli(root, "actions", "effect", "fix-web-checkout")
    assert result.exit_code == 1
    assert "no answers for csat where touchpoint = 'web' in both the 90 days before" in result.stderr
    missing = cli(root, "actions", "effect", "nope")
    assert missing.exit_code == 1 and "action 'nope': no such action in [[actions]] (actions: fix-web-checkout)" in (
        missing.stderr
    )
    assert cli(root, "actions", "effect", "fix-web-checkout", "--window-days", "1").exit_code == 1


def test_a_window_past_the_calendar_is_an_error_not_a_trace(tmp_path: Path) -> None:
    root = collected(programme(tmp_path, []))
    result = cli(root, "actions", "effect", "fix-web-checkout", "--window-days", "1000000")
    assert result.exit_code == 1, result.output
    assert "--window-days: 1000000 days" in result.stderr and "Traceback" not in result.output


def test_a_done_date_in_the_future_is_an_error_naming_the_file_and_the_action(tmp_path: Path) -> None:
    later = (TODAY + dt.timedelta(days=3)).isoformat()
    root = programme(tmp_path, [], [{**ACTION, "done": later}])
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert f"cxframe.toml: actions[0].done: {later} is in the future" in result.output
    assert "(fix-web-checkout)" in result.output
    with pytest.raises(InvalidInput, match="is in the future"):
        cxframe_improve.action_effect(root, "fix-web-checkout", host=host())


def test_unknown_metric_and_touchpoint_of_an_action_are_errors(tmp_path: Path) -> None:
    root = programme(tmp_path, [], [{**ACTION, "metric": "cast", "touchpoint": "kiosk"}])
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert "actions[0].touchpoint: unknown touchpoint 'kiosk'" in result.output
    root = programme(tmp_path / "m", [], [{**ACTION, "metric": "cast"}])
    result = cli(root, "validate")
    assert result.exit_code == 1
    assert "actions[0].metric: unknown metric 'cast' (known: " in result.output


def test_the_assessment_records_and_credits_the_measured_effect(tmp_path: Path) -> None:
    import cxframe.assessment.models
    import cxframe.reporters

    root = jump(tmp_path)
    plugins = testing.plugin_host(cxframe_nps, cxframe_improve, cxframe.assessment.models, cxframe.reporters)
    result = testing.invoke(["-C", str(root), "assess", "--model", "iso-cx"], host=plugins)
    assert result.exit_code == 0, result.output
    stored = testing.read_table(root, "actions", "id = ?", ["fix-web-checkout"])
    assert len(stored) == 1
    row = stored[0]
    assert row["baseline"] == pytest.approx(60) and row["effect"] == pytest.approx(20)
    assert row["effect_p_value"] is not None and row["effect_ci_low"] < 20 < row["effect_ci_high"]
    assert row["done"] == DONE.isoformat()
    document = json.loads((root / "reports" / "assessment.json").read_text(encoding="utf-8"))
    [effects] = list(_found(document, "iso.improve.effects"))
    assert effects["status"] == "met", effects
    assert any("fix-web-checkout: csat 60.0 before, +20.0 after" in line for line in effects["evidence"])


def _found(node: Any, criterion: str) -> Any:
    """Every object in the document whose id is ``criterion``."""
    if isinstance(node, dict):
        if node.get("id") == criterion and "status" in node:
            yield node
        for value in node.values():
            yield from _found(value, criterion)
    elif isinstance(node, list):
        for value in node:
            yield from _found(value, criterion)


class StaffPlugin:
    """A metric of the employee population (as the employee plugin's eNPS is)."""

    @staticmethod
    @cxframe.hookimpl
    def register_metrics() -> list[cxframe.MetricDefinition]:
        return [
            cxframe.MetricDefinition(
                id="staff", title="Staff", question="staff", value_sql="value", population="employee"
            )
        ]


def test_an_employee_metric_has_no_effect_here_as_its_privacy_rules_would_not_apply(tmp_path: Path) -> None:
    root = programme(tmp_path, [], [{**ACTION, "metric": "staff"}])
    plugins = testing.plugin_host(cxframe_nps, cxframe_improve, StaffPlugin())
    with pytest.raises(
        InvalidInput, match="'staff' is an employee metric; effects are measured on customer metrics only"
    ):
        cxframe_improve.action_effect(root, "fix-web-checkout", host=plugins)


def test_a_control_for_an_action_on_all_answers_is_an_error(tmp_path: Path) -> None:
    action = {k: v for k, v in ACTION.items() if k != "touchpoint"}
    root = jump(tmp_path, actions=[action])
    with pytest.raises(InvalidInput, match="--control needs an action with a touchpoint or a segment"):
        cxframe_improve.action_effect(root, "fix-web-checkout", control=["store"], host=host())


def test_the_retail_bank_example_has_a_done_action_with_a_measurable_effect(tmp_path: Path) -> None:
    """The designed outcome docs/examples.md shows: the April app release lifted NPS at app-onboarding."""
    import cxframe_employee
    import cxframe_journey

    plugins = testing.plugin_host(cxframe_nps, cxframe_journey, cxframe_employee, cxframe_improve)
    root = tmp_path / "bank"
    cxframe.init_programme(root, example="retail-bank", host=plugins)
    cxframe.collect(root, host=plugins)
    effect = cxframe_improve.action_effect(root, "app-release-april", host=plugins)
    assert (effect.before.n, effect.after.n) == (93, 100)
    assert effect.before.value == pytest.approx(21.5, abs=0.01) and effect.after.value == pytest.approx(54.0)
    assert effect.difference == pytest.approx(32.49, abs=0.01) and effect.p_value is not None and effect.p_value < 0.01
    assert effect.did is not None and effect.did.difference == pytest.approx(26.31, abs=0.01)
    assert effect.did.p_value is not None and effect.did.p_value < 0.05
    assert "mobile-banking" in effect.did.control and effect.flags == ()
    assert effect.verdict.startswith("nps after vs before: rose by 32.5 points")


def test_a_small_sample_is_flagged_and_said(tmp_path: Path) -> None:
    before = {"web": pattern(0.6, 20), "store": pattern(0.7)}
    after = {"web": pattern(0.8, 20), "store": pattern(0.7)}
    root = collected(programme(tmp_path, survey(before, after)))
    effect = cxframe_improve.action_effect(root, "fix-web-checkout", host=host())
    assert (effect.before.n, effect.after.n) == (20, 20)
    assert "small_sample" in effect.flags
    assert "fewer answers than the minimum sample" in effect.verdict


# --- an after-window not over yet (new-user report, item 12) -----------------------------------------------------------


def running(tmp_path: Path, days_ago: int = 17) -> tuple[Path, dt.date]:
    """An action done ``days_ago`` days ago: the before-window full, the after-window's answers up to yesterday."""
    done = TODAY - dt.timedelta(days=days_ago)
    start = dt.datetime.combine(done, dt.time(), tzinfo=dt.UTC)
    rows = []
    for touchpoint, before, after in (("web", 0.6, 0.8), ("store", 0.7, 0.7), ("app", 0.5, 0.5)):
        rows += window_rows(touchpoint, start - dt.timedelta(days=WINDOW), pattern(before), f"{touchpoint}-b")
        rows += window_rows(touchpoint, start, pattern(after, 60), f"{touchpoint}-a", days=days_ago - 1)
    return collected(programme(tmp_path, rows, [{**ACTION, "done": done.isoformat()}])), done


def test_an_after_window_not_over_yet_is_said_to_be_provisional_in_text_and_json(tmp_path: Path) -> None:
    root, done = running(tmp_path)
    ends = done + dt.timedelta(days=WINDOW - 1)
    left = (ends - TODAY).days
    assert left == WINDOW - 1 - 17
    said = f"the after-window ends on {ends.isoformat()}, in {left} days: this effect is provisional"
    result = cli(root, "actions", "effect", "fix-web-checkout")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # rich wraps long lines
    assert f"after {done.isoformat()}…{ends.isoformat()} (not over yet: PROVISIONAL, see below)" in text
    assert said in text
    result = cli(root, "actions", "effect", "fix-web-checkout", "--json")
    effect = json.loads(result.stdout)
    design = ["action", "metric", "before", "after", "difference", "ci_low", "ci_high", "p_value", "did", "verdict"]
    assert list(effect)[:10] == design
    assert effect["provisional"] is True and effect["window_ends"] == ends.isoformat()
    assert said in effect["verdict"] and effect["after"]["n"] == 60
    found = cxframe_improve.action_effect(root, "fix-web-checkout", host=host())
    assert found.provisional and "provisional" in found.flags and found.measured is False
    # the day after the window's last one, the same effect is final
    later = ends + dt.timedelta(days=1)
    final = cxframe_improve.action_effect(root, "fix-web-checkout", host=host(), today=later)
    on_the_last_day = cxframe_improve.action_effect(root, "fix-web-checkout", host=host(), today=ends)
    assert not final.provisional and final.measured and "provisional" not in final.verdict
    assert on_the_last_day.provisional
    assert f"ends on {ends.isoformat()}, today: this effect is provisional" in on_the_last_day.verdict


def test_a_provisional_effect_is_not_counted_as_measured_and_the_report_says_so(tmp_path: Path) -> None:
    import cxframe.assessment.models
    import cxframe.reporters

    root, done = running(tmp_path)
    ends = done + dt.timedelta(days=WINDOW - 1)
    plugins = testing.plugin_host(cxframe_nps, cxframe_improve, cxframe.assessment.models, cxframe.reporters)
    result = testing.invoke(["-C", str(root), "assess", "--model", "iso-cx"], host=plugins)
    assert result.exit_code == 0, result.output
    [row] = testing.read_table(root, "actions", "id = ?", ["fix-web-checkout"])
    assert row["baseline"] is None and row["effect"] is None  # recorded once the window is over
    document = json.loads((root / "reports" / "assessment.json").read_text(encoding="utf-8"))
    [criterion] = list(_found(document, "iso.improve.effects"))
    assert criterion["status"] != "met", criterion
    assert any("0 of 1 done actions" in line for line in criterion["evidence"]), criterion
    [effect] = document["evidence"]["improve"]["effects"]
    assert effect["measured"] is False and effect["provisional"] is True
    markdown = (root / "reports" / "assessment.md").read_text(encoding="utf-8")
    assert f"Provisional: the after-window ends on {ends.isoformat()}" in markdown
    assert f"provisional, until {ends.isoformat()}" in markdown

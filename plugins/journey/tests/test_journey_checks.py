"""The ``journey.*`` checks, the assessment evidence, the stage templates and the map picture."""

from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import attrs
import pytest
from journey_maps_support import JOURNEY, TOUCHPOINTS, host, populated, write_programme

import cxframe_journey
from cxframe import CheckResult, CheckStatus, Severity, Stage, api, load_programme, testing
from cxframe_journey import templates

SVG = "{http://www.w3.org/2000/svg}"


def results(folder: Path) -> dict[str, list[CheckResult]]:
    found: dict[str, list[CheckResult]] = {}
    for result in api.check(folder, host=host()):
        if result.check.startswith("journey."):
            found.setdefault(result.check, []).append(result)
    return found


def one(found: dict[str, list[CheckResult]], check: str) -> CheckResult:
    [result] = found[check]
    return result


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[CheckResult]]:
    return results(populated(tmp_path_factory.mktemp("checks") / "p"))


def test_every_check_is_registered_at_its_stage(checked: dict[str, list[CheckResult]]) -> None:
    assert set(checked) == {
        "journey.stage-touchpoints", "journey.stage-measures", "journey.touchpoint-owners", "journey.environments",
        "journey.elements", "journey.event-coverage", "journey.handoffs", "journey.painpoints",
    }  # fmt: skip
    for check, found in checked.items():
        expected = Stage.IMPROVE if check == "journey.painpoints" else Stage.DESIGN
        assert all(r.stage is expected and r.plugin for r in found), check


def test_inventory_checks_on_the_worked_programme(checked: dict[str, list[CheckResult]]) -> None:
    assert one(checked, "journey.stage-touchpoints").status is CheckStatus.PASS
    measures = one(checked, "journey.stage-measures")
    assert measures.status is CheckStatus.WARN
    assert "1 of 4 stages names no measure" in measures.evidence and "buy: stage 'decide' (Decide)" in measures.evidence
    owners = one(checked, "journey.touchpoint-owners")
    assert owners.status is CheckStatus.WARN and "catalogue (Printed catalogue)" in owners.evidence[0]
    environments = one(checked, "journey.environments")
    assert environments.status is CheckStatus.WARN
    assert environments.evidence == (
        "covered: physical, remote, digital",
        "no touchpoint in: interpersonal, third-party",
        "touchpoints without an environment: catalogue",
    )
    assert one(checked, "journey.elements").status is CheckStatus.PASS
    assert environments.recommendation


def test_event_coverage_compares_data_with_maps(checked: dict[str, list[CheckResult]]) -> None:
    coverage = one(checked, "journey.event-coverage")
    assert coverage.status is CheckStatus.WARN
    assert "in the events but not in the touchpoint inventory: instagram (1 events)" in coverage.evidence
    # every mapped touchpoint has events; catalogue is in the inventory but neither mapped nor seen
    assert not any("never in the events" in line for line in coverage.evidence)


def test_handoffs_list_each_change_of_owner(checked: dict[str, list[CheckResult]]) -> None:
    handoffs = one(checked, "journey.handoffs")
    assert handoffs.status is CheckStatus.WARN
    assert handoffs.evidence == (
        "4 handoffs between departments",
        "buy (decide): web [Digital] → shop-chat [Sales]",
        "buy (decide): shop-chat [Sales] → store-visit [Retail]",
        "buy (buy): store-visit [Retail] → checkout [Digital]",
        "buy (support): checkout [Digital] → hotline [Service]",
    )


def test_painpoints_become_warnings_with_titles(checked: dict[str, list[CheckResult]]) -> None:
    found = checked["journey.painpoints"]
    # the default threshold 0.1: only web (0.286) reaches it
    assert [r.title for r in found] == ["Pain point at Website"]
    assert found[0].status is CheckStatus.WARN and found[0].severity is Severity.HIGH
    # why it ranks first, and what to do about its main signal with the figures (the proposed action's title)
    assert found[0].evidence[0].startswith("Ranks 1 of 6: 29% of its 7 contacts were repeat contacts")
    assert found[0].recommendation.startswith(
        "Repeat contacts at Website (29% of 7 contacts were repeat contacts, typical 0%): walk a sample"
    )


def test_painpoint_threshold_is_a_setting(tmp_path: Path) -> None:
    folder = populated(tmp_path / "p", plugins={"cxframe-journey": {"painpoint_threshold": 0.01}})
    titles = [r.title for r in results(folder)["journey.painpoints"]]
    # the others are nowhere worse than typical beyond their noise (pain score 0): never a pain point
    assert titles == ["Pain point at Website", "Pain point at Store visit"]
    folder = populated(tmp_path / "q", plugins={"cxframe-journey": {"painpoint_threshold": 0.9}})
    [passed] = results(folder)["journey.painpoints"]
    assert passed.status is CheckStatus.PASS and "the highest is Website at 0.286" in passed.evidence[0]


def test_checks_warn_on_an_empty_design(tmp_path: Path) -> None:
    found = results(testing.make_programme(tmp_path / "empty"))
    for check in ("journey.stage-touchpoints", "journey.stage-measures", "journey.handoffs"):
        assert one(found, check).status is CheckStatus.WARN, check
        assert "maps no journey" in one(found, check).evidence[0]
    for check in ("journey.touchpoint-owners", "journey.environments", "journey.elements"):
        assert one(found, check).status is CheckStatus.WARN, check
    # no events: said at severity info, which makes no finding
    for check in ("journey.event-coverage", "journey.painpoints"):
        result = one(found, check)
        assert result.status is CheckStatus.WARN and result.severity is Severity.INFO


def test_checks_fail_when_a_described_design_lacks_the_property_throughout(tmp_path: Path) -> None:
    touchpoints = [{"id": "web", "name": "Web"}, {"id": "shop", "name": "Shop"}]
    journey = {"id": "j", "name": "J", "stages": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]}
    found = results(write_programme(tmp_path / "p", touchpoints=touchpoints, journeys=[journey]))
    for check in (
        "journey.stage-touchpoints", "journey.stage-measures", "journey.touchpoint-owners", "journey.environments",
        "journey.elements",
    ):  # fmt: skip
        assert one(found, check).status is CheckStatus.FAIL, check
    assert "journey j has no touchpoint in any stage" in one(found, "journey.stage-touchpoints").evidence


def test_unmapped_and_unseen_touchpoints(tmp_path: Path) -> None:
    journey = {
        **JOURNEY,
        "stages": [*JOURNEY["stages"][:2], {"id": "after", "name": "After", "touchpoints": ["catalogue"]}],
    }
    folder = populated(tmp_path / "p", journeys=[journey])
    coverage = one(results(folder), "journey.event-coverage")
    assert "in the events but on no journey map: checkout (2 events), hotline (1 events)" in coverage.evidence
    assert "on a journey map but never in the events: catalogue" in coverage.evidence
    handoffs = one(results(folder), "journey.handoffs")
    assert "owner unknown, so handoffs there cannot be seen: catalogue" in handoffs.evidence


def test_handoffs_pass_when_one_owner_runs_the_journey(tmp_path: Path) -> None:
    touchpoints = [{**t, "owner": "CX team"} for t in TOUCHPOINTS]
    folder = write_programme(tmp_path / "p", touchpoints=touchpoints)
    assert one(results(folder), "journey.handoffs").status is CheckStatus.PASS
    assert one(results(folder), "journey.touchpoint-owners").status is CheckStatus.PASS


# --- assessment evidence --------------------------------------------------------


def evidence(folder: Path) -> dict[str, Any]:
    test_host = host()
    with api.open_programme(folder, test_host) as opened, api.running("assess", opened) as run:
        answers = [value for plugin, value in test_host.call("assessment_evidence", run=run) if value is not None]
    [found] = answers
    assert json.loads(json.dumps(found)) == found  # JSON-able as it is
    return found


def test_assessment_evidence_has_the_report_keys(tmp_path: Path) -> None:
    found = evidence(populated(tmp_path / "p"))
    assert set(found) == {"funnel", "painpoints", "maps", "inventory", "variants"}
    assert found["funnel"][1] == {
        "journey": "buy", "stage": "decide", "stage_name": "Decide", "cases": 3, "conversion": 0.4,
        "drop_off": pytest.approx(0.6), "optional": False, "final": False,
    }  # fmt: skip
    assert set(found["painpoints"][0]) == {
        "touchpoint", "name", "volume", "score", "drop_off", "repeat_share", "rank_score", "evidence", "reason",
    }  # fmt: skip
    [buy] = found["maps"]
    assert (buy["journey"], buy["name"], buy["persona"]) == ("buy", "Buy a bike", "commuter")
    assert buy["stages"][1] == {
        "id": "decide", "name": "Decide", "touchpoints": ["shop-chat", "store-visit"], "emotion": -1.5,
        "emotion_note": 'unsure <which> & "why"', "pain_points": ["no stock <script>alert(1)</script>"],
        "opportunities": ["reserve online"], "moments_of_truth": ["store-visit"],
    }  # fmt: skip
    assert buy["stages"][2]["emotion"] is None
    assert found["inventory"] == {
        "environments_covered": ["physical", "remote", "digital"],
        "environments_missing": ["interpersonal", "third-party"],
        "elements_covered": ["product-service", "service-process", "platform-apps", "brand"],
        "elements_missing": [],
        "stages_total": 4, "stages_with_touchpoint": 4, "stages_with_measure": 3,
        "touchpoints_total": 6, "touchpoints_with_owner": 5, "handoffs": 4,
    }  # fmt: skip
    assert found["variants"]["cases"] == 6 and len(found["variants"]["top"]) == 5


def test_assessment_evidence_on_an_empty_store(tmp_path: Path) -> None:
    found = evidence(testing.make_programme(tmp_path / "empty"))
    assert found["funnel"] == [] and found["painpoints"] == [] and found["maps"] == []
    assert found["variants"] == {"cases": 0, "variants": 0, "top": []}
    assert found["inventory"]["stages_total"] == 0 and found["inventory"]["environments_covered"] == []


# --- stage templates --------------------------------------------------------------


@pytest.mark.parametrize("as_file", [False, True])
@pytest.mark.parametrize("name", ["lifecycle", "sale"])
def test_template_toml_is_a_valid_journey(tmp_path: Path, name: str, as_file: bool) -> None:
    text = templates.template_toml(name, journey_id="my-journey", title='The "main" one', file=as_file)
    tomllib.loads(text)
    if as_file:
        (tmp_path / "journeys").mkdir()
        (tmp_path / "journeys" / "j.toml").write_text(text, "utf-8")
        testing.make_programme(tmp_path, journey_files=["journeys/*.toml"])
    else:
        testing.make_programme(tmp_path, text='name = "T"\n' + text)
    [journey] = load_programme(tmp_path).journeys
    assert journey.id == "my-journey" and journey.name == 'The "main" one'
    assert [s.id for s in journey.stages] == [s.id for s in templates.TEMPLATES[name].stages]
    # lifecycle: a customer who stays has completed it (Retention final), Advocacy is optional; sale: its last stage
    finals = [journey.is_final(i) for i in range(len(journey.stages))]
    assert finals == ([False, False, False, True, True] if name == "lifecycle" else [False, False, True])
    assert [s.optional for s in journey.stages][-1] is (name == "lifecycle")


def test_templates_hold_the_common_stage_sets() -> None:
    assert [s.name for s in cxframe_journey.template("lifecycle").stages] == [
        "Awareness", "Consideration", "Decision", "Retention", "Advocacy",
    ]  # fmt: skip
    assert [s.name for s in cxframe_journey.template("sale").stages] == ["Pre-sale", "In-sale", "Post-sale"]


def test_cli_template(tmp_path: Path) -> None:
    result = testing.invoke(["journey", "template"], host=host())
    assert result.exit_code == 0 and result.stdout.startswith("lifecycle: ")
    result = testing.invoke(["journey", "template", "sale", "--id", "purchase"], host=host())
    assert result.exit_code == 0 and 'id = "purchase"' in result.stdout and "[[journeys.stages]]" in result.stdout
    result = testing.invoke(["journey", "template", "funnel"], host=host())
    assert result.exit_code == 1 and "unknown stage template 'funnel' (templates: lifecycle, sale)" in result.stderr


# --- map picture ----------------------------------------------------------------------


def test_map_svg_is_well_formed_and_escapes_text(tmp_path: Path) -> None:
    ET.fromstring(cxframe_journey.journey_map_svg(cxframe_journey.template("sale"), []))
    programme = load_programme(write_programme(tmp_path / "p"))
    journey = programme.journeys[0]
    # a control character cannot come through TOML, but may come from other callers (the HTML report)
    first = attrs.evolve(journey.stages[0], opportunities=("control \x01 char & <b>bold</b>",))
    journey = attrs.evolve(journey, stages=(first, *journey.stages[1:]))
    svg = cxframe_journey.journey_map_svg(journey, programme.document.touchpoints)
    tree = ET.fromstring(svg)
    texts = "".join(tree.itertext())
    assert "<script>alert(1)</script>" in texts and "<b>bold</b>" in texts  # shown as text …
    assert "<script" not in svg and "<b>" not in svg  # … never as markup
    assert "\x01" not in svg
    assert len(tree.findall(f".//{SVG}circle")) == 3  # three stages have an emotion
    assert len(tree.findall(f".//{SVG}polyline")) == 1  # discover → decide; buy has none, so support stands alone
    assert "★ Store visit (store)" in texts


def test_cli_map_writes_svg_and_html(tmp_path: Path) -> None:
    folder = write_programme(tmp_path / "p")
    result = testing.invoke(["-C", str(folder), "journey", "map", "buy", "--out", str(tmp_path / "m.svg")], host=host())
    assert result.exit_code == 0, result.output
    ET.parse(tmp_path / "m.svg")
    result = testing.invoke(
        ["-C", str(folder), "journey", "map", "buy", "--out", str(tmp_path / "m.html")], host=host()
    )
    assert result.exit_code == 0
    page = (tmp_path / "m.html").read_text("utf-8")
    assert (
        page.startswith("<!DOCTYPE html>")
        and "<svg" in page
        and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    )
    result = testing.invoke(
        ["-C", str(folder), "journey", "map", "nope", "--out", str(tmp_path / "x.svg")], host=host()
    )
    assert result.exit_code == 1 and "unknown journey 'nope' (journeys: buy)" in result.stderr
    result = testing.invoke(["-C", str(folder), "journey", "map", "buy", "--out", str(tmp_path / "x.png")], host=host())
    assert result.exit_code == 1 and "expected .svg or .html" in result.stderr


def test_cli_map_draws_the_pictures_words_in_the_language_asked(tmp_path: Path) -> None:
    """#22: the map in a zh-CN report said "Pain points", "Opportunities" in English."""
    folder = write_programme(tmp_path / "p")
    out = tmp_path / "m.html"
    result = testing.invoke(
        ["-C", str(folder), "journey", "map", "buy", "--out", str(out), "--lang", "zh-CN"], host=host()
    )
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert '<html lang="zh-CN">' in page and "痛点" in page and "机会" in page and "旅程地图" in page
    assert "Pain points" not in page and "Opportunities" not in page
    result = testing.invoke(
        ["-C", str(folder), "journey", "map", "buy", "--out", str(out), "--lang", "fr"], host=host()
    )
    assert result.exit_code == 2 and "fr" in result.stderr


def test_template_toml_escapes_any_name() -> None:
    title = 'Quote " backslash \\ newline \n tab \t control \x01 star ★'
    parsed = tomllib.loads(templates.template_toml("sale", journey_id="j", title=title))
    assert parsed["journeys"][0]["name"] == title

"""The follow-up criteria (``iso.improve.inner-loop``, ``cx2030.speed.follow-up``) read the improve loop first.

The improve plugin's evidence gives, per followed metric, the share of loop
cases closed within their SLA (``loop.within_sla_by_metric``) with the SLA
the cases were given; the nps plugin's gives the follow-up events
(``closed_loop``). These tests feed the criteria each shape directly; the
improve plugin's own tests (``test_improve_maturity.py``) run a programme
with loop rules end to end.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cxframe.assessment.models import cx2030, iso_cx
from cxframe.contracts._maturity import Facts, Verdict

MIN_SAMPLE = 30
CASES_SOURCE = "decided from the improve plugin's closed-loop cases (loop_within_sla, per followed metric)"
EVENTS_SOURCE = "decided from the event log's follow-up activities ([plugins.cxframe-nps.closed_loop])"


def sla_row(
    followed: str = "nps", value: float | None = 85.0, n: int = 200, sla_hours: float = 48.0, **more: Any
) -> dict[str, Any]:
    """One row of ``loop.within_sla_by_metric`` as the improve plugin writes it."""
    return {
        "metric": "loop_within_sla",
        "segment": {"case_metric": followed},
        "value": value,
        "n": n,
        "ci_low": None if value is None else max(value - 5.0, 0.0),
        "ci_high": None if value is None else min(value + 4.5, 100.0),
        "confidence": 0.95,
        "flags": [],
        "followed": followed,
        "sla_hours": sla_hours,
        **more,
    }


#: The nps plugin's follow-up events: 40 detractors, 36 contacted within 24 h and 48 h (90%).
EVENTS = {
    "closed_loop": {
        "activities": ["callback"],
        "detractors": 40,
        "contacted": 38,
        "within_24h": 36,
        "within_48h": 36,
        "median_hours": 3.0,
    }
}


def facts(rows: Any = None, *, nps: dict[str, Any] | None = None, min_sample: int = MIN_SAMPLE) -> Facts:
    evidence: dict[str, Any] = {}
    if rows is not None:
        evidence["cxframe-improve"] = {"loop": {"cases": 10, "within_sla_by_metric": rows}}
    if nps is not None:
        evidence["cxframe-nps"] = nps
    run = SimpleNamespace(min_sample=min_sample, confidence=0.95)
    return Facts(run, evidence)  # type: ignore[arg-type]


def decided(found: Verdict | None) -> Verdict:
    assert found is not None
    return found


def test_the_loop_meets_the_criterion_when_80_percent_close_within_a_48_hour_sla() -> None:
    verdict = decided(iso_cx.inner_loop(facts([sla_row(value=85.0, n=200)])))
    assert verdict.met
    assert verdict.evidence == (
        "85.0% of 200 nps loop cases were closed within their 48 h SLA (95% interval 80.0 … 89.5); "
        "the bar is 80% within 48 h",
        CASES_SOURCE,
    )
    # the cx-2030 model's inner loop is the same criterion
    (reused,) = [c for c in cx2030.MODEL.criteria if c.id == "cx2030.adaptability.inner-loop"]
    assert reused.evidence is iso_cx.inner_loop


def test_the_loop_fails_the_criterion_below_80_percent_and_the_loop_decides_over_the_events() -> None:
    verdict = decided(iso_cx.inner_loop(facts([sla_row(value=0.0, n=447)], nps=EVENTS)))
    assert not verdict.met
    assert verdict.evidence[0].startswith("0.0% of 447 nps loop cases were closed within their 48 h SLA")
    assert verdict.evidence[-1] == CASES_SOURCE  # the events (90% within 48 h) are not read
    assert not any("detractors" in line for line in verdict.evidence)


def test_an_sla_longer_than_48_hours_cannot_meet_a_48_hour_criterion() -> None:
    verdict = decided(iso_cx.inner_loop(facts([sla_row(value=100.0, n=200, sla_hours=72.0)])))
    assert not verdict.met
    assert verdict.evidence[0] == (
        "nps loop cases have an SLA of 72 h, longer than the 48 h asked: closing within it cannot show a "
        "follow-up within 48 h (100.0% of 200 closed within the SLA)"
    )
    # however few the cases: no share within a 72-hour SLA can show 48 hours
    none_yet = decided(iso_cx.inner_loop(facts([sla_row(value=None, n=0, sla_hours=72.0)])))
    assert not none_yet.met and none_yet.evidence[0].endswith("within 48 h (none closed or past due yet)")


def test_the_24_hour_criterion_needs_an_sla_of_at_most_24_hours() -> None:
    assert decided(cx2030.fast_loop(facts([sla_row(value=90.0, sla_hours=24.0)]))).met
    at_48 = decided(cx2030.fast_loop(facts([sla_row(value=90.0, sla_hours=48.0)])))
    assert not at_48.met and "longer than the 24 h asked" in at_48.evidence[0]
    # a 24-hour SLA is within 48 hours too
    assert decided(iso_cx.inner_loop(facts([sla_row(value=90.0, sla_hours=24.0)]))).met


def test_a_small_loop_is_not_judged_and_the_events_or_the_questionnaire_decide() -> None:
    small = [sla_row(value=100.0, n=12)]
    assert iso_cx.inner_loop(facts(small)) is None  # the questionnaire decides
    verdict = decided(iso_cx.inner_loop(facts(small, nps=EVENTS)))
    assert verdict.met
    assert verdict.evidence[0].startswith("36 of 40 detractors (90%) were contacted within 48 h")
    assert verdict.evidence[1] == (
        "nps loop cases: 12 closed or past due, fewer than the minimum sample of 30, too few to judge "
        "(100.0% within their 48 h SLA)"
    )
    assert verdict.evidence[-1] == EVENTS_SOURCE
    # the minimum sample is the programme's
    assert decided(iso_cx.inner_loop(facts(small, min_sample=10))).met


def test_without_loop_figures_the_events_decide_as_before_else_nothing_does() -> None:
    verdict = decided(iso_cx.inner_loop(facts(nps=EVENTS)))
    assert verdict.met and verdict.evidence[-1] == EVENTS_SOURCE
    assert iso_cx.inner_loop(facts()) is None
    assert iso_cx.inner_loop(facts([])) is None  # a loop with no case closed or due has no row
    none_yet = [sla_row(value=None, n=0)]
    assert iso_cx.inner_loop(facts(none_yet)) is None
    assert decided(iso_cx.inner_loop(facts(none_yet, nps=EVENTS))).evidence[1] == (
        "nps loop cases: none closed or past due yet"
    )


def test_every_followed_metric_must_meet_the_bar_unless_too_small_to_judge() -> None:
    both = [sla_row("nps", value=90.0), sla_row("csat", value=60.0, n=80, sla_hours=24.0)]
    verdict = decided(iso_cx.inner_loop(facts(both)))
    assert not verdict.met and len(verdict.evidence) == 3
    assert verdict.evidence[1].startswith("60.0% of 80 csat loop cases were closed within their 24 h SLA")
    small_csat = [sla_row("nps", value=90.0), sla_row("csat", value=10.0, n=5)]
    verdict = decided(iso_cx.inner_loop(facts(small_csat)))
    assert verdict.met and "csat loop cases: 5 closed or past due" in verdict.evidence[1]


def test_loop_figures_of_any_shape_are_read_without_error() -> None:
    for rows in ("x", [1, None, {"followed": "nps"}], [{"sla_hours": "48", "value": 90, "n": 100}]):
        assert iso_cx.inner_loop(facts(rows)) is None
    odd = [{"sla_hours": 48, "value": 90, "n": True, "followed": "nps"}, sla_row(value=float("nan"))]
    assert iso_cx.inner_loop(facts(odd)) is None
    assert iso_cx.inner_loop(Facts(SimpleNamespace(min_sample=30), {"improve": {"loop": "x"}})) is None  # type: ignore[arg-type]


@given(
    value=st.floats(min_value=0.0, max_value=100.0),
    n=st.integers(min_value=0, max_value=5000),
    sla=st.floats(min_value=1.0, max_value=240.0),
)
def test_met_exactly_when_the_share_reaches_80_percent_within_48_hours_on_enough_cases(
    value: float, n: int, sla: float
) -> None:
    verdict = iso_cx.inner_loop(facts([sla_row(value=value, n=n, sla_hours=sla)]))
    if sla > 48:
        assert verdict is not None and not verdict.met
    elif n < MIN_SAMPLE:
        assert verdict is None
    else:
        assert verdict is not None and verdict.met is (value >= 80.0)

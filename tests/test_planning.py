"""Planning a survey: sample sizes and minimum detectable differences.

The references are computed here from the textbook formulas with
``scipy.stats.norm``, never by calling the code under test twice; the
properties check the sample sizes against the project's own intervals.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import cxframe
import cxframe_nps
from cxframe import IntervalMethod, InvalidInput, MetricDefinition, testing
from cxframe.host._manager import PluginHost
from cxframe.measurement._intervals import nps_interval, wilson_interval
from cxframe.measurement._planning import detectable_difference, parse_expected, sample_size

NPS = MetricDefinition(
    id="nps", title="NPS", question="nps", value_sql="v", interval=IntervalMethod.NPS, multiplier=100
)
SHARE = MetricDefinition(
    id="csat", title="CSAT", question="csat", value_sql="v", interval=IntervalMethod.PROPORTION, multiplier=100
)
MEAN = MetricDefinition(
    id="ces", title="CES", question="ces", value_sql="v", interval=IntervalMethod.MEAN, scale_min=1, scale_max=7
)
MEAN_NO_SCALE = MetricDefinition(id="spend", title="Spend", question="spend", value_sql="v")


def reference_n(sigma: float, margin: float, confidence: float) -> float:
    return (norm.ppf(1 - (1 - confidence) / 2) * sigma / margin) ** 2


# --- against independent computation ------------------------------------------


def test_nps_worst_case_and_expected_shares() -> None:
    worst = sample_size(NPS, 5)
    assert worst.n == math.ceil(reference_n(100, 5, 0.95)) == 1537
    assert "worst case" in worst.assumptions["expected"]
    assert worst.assumptions["interval_method"] == "nps"
    planned = sample_size(NPS, 5, expected={"promoters": 0.45, "detractors": 0.2})
    sigma = 100 * math.sqrt(0.45 + 0.2 - (0.45 - 0.2) ** 2)
    assert planned.n == math.ceil(reference_n(sigma, 5, 0.95)) == 903
    assert planned.assumptions["expected"] == {"promoters": 0.45, "detractors": 0.2}


def test_shares_and_means() -> None:
    # the textbook 385 for ±5 points at 95% and p = 0.5 (1.96² · 0.25 / 0.05² = 384.1)
    assert sample_size(SHARE, 5).n == 385
    assert sample_size(SHARE, 3, expected={"share": 0.8}, confidence=0.9).n == math.ceil(
        reference_n(100 * math.sqrt(0.16), 3, 0.9)
    )
    assert sample_size(MEAN, 0.1, sd=1.5).n == math.ceil(reference_n(1.5, 0.1, 0.95))
    default = sample_size(MEAN, 0.1)
    assert default.n == math.ceil(reference_n(3, 0.1, 0.95))
    assert "(max − min) / 2" in default.assumptions["sd"]


def test_finite_population_correction() -> None:
    n0 = reference_n(100, 5, 0.95)
    planned = sample_size(NPS, 5, population=2000)
    assert planned.n == math.ceil(n0 / (1 + (n0 - 1) / 2000))
    assert planned.assumptions["population"] == 2000
    assert planned.assumptions["n_without_population"] == 1537
    assert sample_size(NPS, 5, population=100).n <= 100


def test_mdd_against_the_formula() -> None:
    planned = detectable_difference(NPS, 400)
    expected = (norm.ppf(0.975) + norm.ppf(0.8)) * math.sqrt(2 * 100**2 / 400)
    assert planned.mdd == pytest.approx(expected, rel=1e-12)
    assert round(planned.mdd, 1) == 19.8
    assert (planned.n, planned.power, planned.confidence) == (400, 0.8, 0.95)
    share = detectable_difference(SHARE, 1000, power=0.9, confidence=0.9, expected={"share": 0.7})
    sigma = 100 * math.sqrt(0.7 * 0.3)
    assert share.mdd == pytest.approx((norm.ppf(0.95) + norm.ppf(0.9)) * sigma * math.sqrt(2 / 1000))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: sample_size(NPS, 0), "--margin: expected a positive number"),
        (lambda: sample_size(NPS, -1), "--margin"),
        (lambda: sample_size(NPS, 5, confidence=1.0), "--confidence"),
        (lambda: sample_size(NPS, 5, population=0), "--population"),
        (lambda: sample_size(NPS, 5, expected={"promoters": 0.5}), "detractors: expected both"),
        (lambda: sample_size(NPS, 5, expected={"promoters": 0.7, "detractors": 0.5}), "at most 1"),
        (lambda: sample_size(NPS, 5, expected={"promoters": 1.5, "detractors": 0}), "promoters: expected a share"),
        (lambda: sample_size(NPS, 5, expected={"share": 0.5}), "share: not a share metric 'nps' takes"),
        (lambda: sample_size(NPS, 5, sd=10), "--sd: 'nps' is a nps metric"),
        (lambda: sample_size(MEAN, 0.1, expected={"share": 0.5}), "give --sd for a mean"),
        (lambda: sample_size(MEAN_NO_SCALE, 1), "--sd: 'spend' is a mean without a known scale"),
        (lambda: sample_size(NPS, 5, expected={"promoters": 1, "detractors": 0}), "no spread"),
        (lambda: detectable_difference(SHARE, 100, expected={"share": 0.0}), "no spread"),
        (lambda: detectable_difference(NPS, 0), "--n"),
        (lambda: detectable_difference(NPS, 100, power=1), "--power"),
    ],
)
def test_bad_input_is_named(call: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()  # type: ignore[operator]


def test_parse_expected() -> None:
    assert parse_expected("promoters=0.45, detractors=0.2") == {"promoters": 0.45, "detractors": 0.2}
    with pytest.raises(InvalidInput, match="promoters: expected a share between 0 and 1, got 'lots'"):
        parse_expected("promoters=lots")
    with pytest.raises(InvalidInput, match="'promoters': expected KEY=SHARE"):
        parse_expected("promoters")


# --- properties ---------------------------------------------------------------

margins = st.floats(min_value=0.5, max_value=30)
levels = st.floats(min_value=0.5, max_value=0.999)
shares = st.floats(min_value=0, max_value=1)


@settings(max_examples=200, deadline=None)
@given(margins, levels, shares, shares)
def test_sample_size_gives_a_normal_half_width_within_the_margin(
    margin: float, confidence: float, p: float, d: float
) -> None:
    """At n, the normal (Wald) half-width z·σ/√n at the assumed p, d is at most the margin; at n − 1 it is not."""
    assume(p + d <= 1)
    sigma = 100 * math.sqrt(max(p + d - (p - d) ** 2, 0))
    assume(sigma > 1e-3)
    planned = sample_size(NPS, margin, confidence=confidence, expected={"promoters": p, "detractors": d})
    z = norm.ppf(0.5 + confidence / 2)
    assert z * sigma / math.sqrt(planned.n) <= margin * (1 + 1e-6)
    if planned.n > 1:
        assert z * sigma / math.sqrt(planned.n - 1) > margin * (1 - 1e-6)


@settings(max_examples=200, deadline=None)
@given(margins, levels)
def test_worst_case_sample_size_holds_for_the_reported_intervals(margin: float, confidence: float) -> None:
    """The project's own intervals (adjusted Wald for NPS, Wilson for shares) at the worst case are within the margin."""
    n = sample_size(NPS, margin, confidence=confidence).n
    low, high, _ = nps_interval(0.5, 0.5, n, confidence) or (0, 0, 0)
    assert 100 * (high - low) / 2 <= margin * (1 + 1e-9)
    n = sample_size(SHARE, margin, confidence=confidence).n
    low, high, _ = wilson_interval(0.5, n, confidence) or (0, 0, 0)
    assert 100 * (high - low) / 2 <= margin * (1 + 1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=100_000), st.integers(min_value=1, max_value=1000), levels)
def test_mdd_decreases_as_n_grows(n: int, more: int, confidence: float) -> None:
    smaller = detectable_difference(NPS, n + more, confidence=confidence)
    assert smaller.mdd < detectable_difference(NPS, n, confidence=confidence).mdd


@settings(max_examples=200, deadline=None)
@given(margins, levels, st.integers(min_value=1, max_value=10**7))
def test_finite_population_never_needs_more(margin: float, confidence: float, population: int) -> None:
    infinite = sample_size(NPS, margin, confidence=confidence).n
    finite = sample_size(NPS, margin, confidence=confidence, population=population).n
    assert 1 <= finite <= infinite
    assert finite <= population


@settings(max_examples=100, deadline=None)
@given(margins, levels)
def test_finite_population_tends_to_the_infinite_one(margin: float, confidence: float) -> None:
    infinite = sample_size(NPS, margin, confidence=confidence).n
    # n₀ / (1 + (n₀ − 1)/N) → n₀: within the rounding up of n₀ at a large N, and rising with N
    assert infinite - 1 <= sample_size(NPS, margin, confidence=confidence, population=10**12).n <= infinite
    sizes = [sample_size(NPS, margin, confidence=confidence, population=10**k).n for k in range(1, 13)]
    assert sizes == sorted(sizes)


# --- API and CLI --------------------------------------------------------------


@pytest.fixture
def nps_host() -> PluginHost:
    return testing.plugin_host(cxframe_nps)


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    return testing.make_programme(
        tmp_path / "p",
        settings={"confidence": 0.9},
        plugins={
            "cxframe-nps": {
                "metrics": [
                    {"id": "fcr", "title": "FCR", "question": "resolved", "kind": "share", "values": [1]},
                    {"id": "access", "title": "Access", "question": "a", "kind": "mean", "scale": [1, 5]},
                ]
            }
        },
    )


def test_api_reads_the_metric_and_the_programme_confidence(planned: Path, nps_host: PluginHost) -> None:
    plan = cxframe.plan_sample_size(planned, "nps", 5, host=nps_host)
    assert plan.assumptions["confidence"] == 0.9
    assert plan.n == math.ceil(reference_n(100, 5, 0.9))
    assert cxframe.plan_sample_size(planned, "fcr", 5, expected="share=0.9", confidence=0.95, host=nps_host).n == (
        math.ceil(reference_n(30, 5, 0.95))
    )
    access = cxframe.plan_sample_size(planned, "access", 0.2, host=nps_host)
    assert access.n == math.ceil(reference_n(2, 0.2, 0.9))
    mdd = cxframe.plan_mdd(planned, "csat", 200, host=nps_host)
    assert mdd.confidence == 0.9
    assert mdd.assumptions["interval_method"] == "proportion"


def test_cli_sample_size_json_and_table(planned: Path, nps_host: PluginHost) -> None:
    args = ["-C", str(planned), "plan", "sample-size", "--metric", "nps", "--margin", "5", "--confidence", "0.95"]
    result = testing.invoke([*args, "--expected", "promoters=0.45,detractors=0.2", "--json"], host=nps_host)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert set(shown) == {"n", "margin", "assumptions"}
    assert (shown["n"], shown["margin"]) == (903, 5)
    assert shown["assumptions"]["expected"] == {"promoters": 0.45, "detractors": 0.2}
    result = testing.invoke([*args, "--population", "2000"], host=nps_host)
    assert result.exit_code == 0, result.output
    assert "answers needed (n)" in result.output and "worst case" in result.output


def test_cli_mdd_json_and_table(planned: Path, nps_host: PluginHost) -> None:
    args = ["-C", str(planned), "plan", "mdd", "--metric", "nps", "--n", "400", "--confidence", "0.95"]
    result = testing.invoke([*args, "--json"], host=nps_host)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert set(shown) == {"mdd", "n", "power", "confidence", "assumptions"}
    assert round(shown["mdd"], 1) == 19.8
    result = testing.invoke(args, host=nps_host)
    assert result.exit_code == 0 and "minimum detectable difference" in result.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["sample-size", "--metric", "nps", "--margin", "0"], 1, "--margin: expected a positive number"),
        (
            ["sample-size", "--metric", "nps", "--margin", "5", "--expected", "promoters=half,detractors=0.1"],
            1,
            "promoters: expected a share between 0 and 1",
        ),
        (["sample-size", "--metric", "nope", "--margin", "5"], 1, "nope"),
        (["sample-size", "--metric", "nps"], 2, "--margin"),
        (["sample-size", "--metric", "nps", "--margin", "5", "--population", "0"], 2, "--population"),
        (["mdd", "--metric", "nps", "--n", "0"], 2, "--n"),
        (["mdd", "--metric", "nps", "--n", "10", "--power", "1.5"], 2, "--power"),
    ],
)
def test_cli_bad_input(planned: Path, nps_host: PluginHost, args: list[str], code: int, message: str) -> None:
    result = testing.invoke(["-C", str(planned), "plan", *args], host=nps_host)
    assert result.exit_code == code, result.output
    assert message in result.output


def test_docs_worked_example_shows_the_real_output(planned: Path, nps_host: PluginHost) -> None:
    text = (Path(__file__).parent.parent / "docs" / "surveys.md").read_text(encoding="utf-8")
    command = "$ cxframe plan mdd --metric nps --n 400 --json\n"
    shown = text[text.index(command) + len(command) :]
    shown = shown[: shown.index("```")]
    result = testing.invoke(["-C", str(planned), *command[2:].split()[1:], "--confidence", "0.95"], host=nps_host)
    assert result.exit_code == 0, result.output
    assert json.loads(shown) == json.loads(result.output)

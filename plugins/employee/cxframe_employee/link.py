"""The EX ↔ CX link: do teams with a better employee experience have happier customers?

Each team's employee metric (eNPS by default, or ``empowerment``) is paired
with its customers' metric (NPS by default, or CSAT …), read from customer
observations that carry the team (``link.team_column``) or an agent id mapped
to teams (``link.agent_column`` + ``link.agents_file``). Customer results of
agents are combined into their team's from the engine's sufficient
statistics, so the team value is exactly what the team's observations give.

The statistic is **Pearson's r over the team-level pairs**, one point per
team, unweighted, with a **Fisher-z** interval (``tanh(atanh r ± z/√(k−3))``)
and a two-sided t-test p-value. Pearson rather than Spearman because the
team values are means of many answers (close to normal and on an interval
scale), and because its interval is standard; with few teams either would be
fragile, hence the minimum (``thresholds.min_link_teams``, default 5): with
fewer teams no number is reported, only a sentence saying so. A team whose
customer value rests on fewer answers than ``thresholds.min_link_customers``
(default 10) is left out and named, with the flag ``small_customer_samples``.

Employee team values go through the anonymity rule (`cxframe_employee.privacy`)
like every other employee output: a suppressed team is left out of the link
and its chart. The wording always says *association*, never cause.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

import attrs

from cxframe import Engine, InvalidInput, MetricDefinition, SQLiteEngine, Store, compute_metric
from cxframe_employee.chart import scatter_svg
from cxframe_employee.results import EMPLOYEE, employee_results
from cxframe_employee.settings import PATH, EmployeeContext
from cxframe_employee.texts import say, sentences

TEAM = "team"
METHOD = "pearson"
TOO_FEW_TEAMS = "too_few_teams"
NO_VARIANCE = "no_variance"
NO_TEAM_DATA = "no_team_data"
UNMAPPED_AGENTS = "unmapped_agents"
SMALL_CUSTOMER_SAMPLES = "small_customer_samples"

ASSOCIATION_NOT_CAUSE = say("link.caveat")


@attrs.frozen
class TeamPair:
    """One team's employee and customer results (only teams shown under the anonymity rule)."""

    team: str
    employee_value: float
    employee_n: int
    customer_value: float
    customer_n: int


@attrs.frozen
class Link:
    """The correlation between teams' employee and customer results, or why there is none."""

    employee_metric: str
    customer_metric: str
    teams: tuple[TeamPair, ...]
    r: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    confidence: float
    min_teams: int
    statement: str
    #: the statement without the caveat that an association is not a cause (the assessment's evidence line)
    summary: str = ""
    flags: tuple[str, ...] = ()
    #: teams with employee responses whose results the anonymity rule suppressed
    teams_suppressed: int = 0
    chart_svg: str = ""
    method: str = METHOD

    @property
    def n_teams(self) -> int:
        return len(self.teams)

    def to_json(self, chart: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "employee_metric": self.employee_metric,
            "customer_metric": self.customer_metric,
            "method": self.method,
            "n_teams": self.n_teams,
            "min_teams": self.min_teams,
            "r": self.r,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "confidence": self.confidence,
            "statement": self.statement,
            "flags": list(self.flags),
            "teams_suppressed": self.teams_suppressed,
            "teams": [attrs.asdict(pair) for pair in self.teams],
        }
        if chart:
            data["chart_svg"] = self.chart_svg
        return data


@attrs.frozen
class Correlation:
    r: float
    ci_low: float
    ci_high: float
    p_value: float
    slope: float
    intercept: float


def pearson(xs: Sequence[float], ys: Sequence[float], confidence: float = 0.95) -> Correlation | None:
    """Pearson's r with a Fisher-z interval and a two-sided t-test; None without variance or below 4 pairs."""
    k = len(xs)
    if k < 4 or len(ys) != k:
        return None
    mx, my = math.fsum(xs) / k, math.fsum(ys) / k
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    syy = math.fsum((y - my) ** 2 for y in ys)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    if sxx <= 1e-12 * max(1.0, mx * mx) * k or syy <= 1e-12 * max(1.0, my * my) * k:
        return None
    r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    z = math.atanh(max(-0.999999999, min(0.999999999, r)))
    half = NormalDist().inv_cdf(0.5 + confidence / 2) / math.sqrt(k - 3)
    if abs(r) >= 1.0:
        p_value = 0.0
    else:
        from scipy import stats  # imported late: scipy is slow to import and most commands never need it

        t = r * math.sqrt((k - 2) / (1 - r * r))
        p_value = float(2 * stats.t.sf(abs(t), k - 2))
    slope = sxy / sxx
    # at |r| = 1 the interval collapses onto r (atanh is clipped above, so keep r inside it)
    low, high = min(math.tanh(z - half), r), max(math.tanh(z + half), r)
    return Correlation(r, low, high, p_value, slope, my - slope * mx)


def _strength(r: float) -> str:
    """How strong a correlation reads (``weak``, ``moderate``, ``strong``); ``none`` below 0.1."""
    size = abs(r)
    if size < 0.1:
        return "none"
    if size < 0.3:
        return "weak"
    if size < 0.5:
        return "moderate"
    return "strong"


def _customer_by_team(
    engine: Engine, metric: MetricDefinition, context: EmployeeContext, confidence: float, min_sample: int | None
) -> tuple[dict[str, tuple[float, int]], list[str], str | None]:
    """Team → (customer value, n), flags, and why there is nothing (or None)."""
    link = context.settings.link
    columns = engine.segment_columns()
    if link.agent_column is not None:
        if link.agent_column not in columns:
            return {}, [NO_TEAM_DATA], f"customer observations carry no agent column {link.agent_column!r}"
        sums: dict[str, list[float]] = {}
        unmapped = 0
        for aggregate in engine.aggregate(metric, by=[link.agent_column]):
            agent = aggregate.segment.get(link.agent_column)
            team = context.agents.get(str(agent)) if agent is not None else None
            if team is None:
                unmapped += aggregate.n
                continue
            total = sums.setdefault(team, [0.0, 0.0, 0.0])
            total[0] += aggregate.n
            total[1] += aggregate.sum_w
            total[2] += aggregate.sum_wx
        teams = {
            team: (metric.multiplier * sum_wx / sum_w, int(n)) for team, (n, sum_w, sum_wx) in sums.items() if sum_w > 0
        }
        return teams, [UNMAPPED_AGENTS] if unmapped else [], None
    if link.team_column not in columns:
        return (
            {},
            [NO_TEAM_DATA],
            f"customer observations carry no team column {link.team_column!r} (nor an agent id: set "
            f"{PATH}.link.agent_column and agents_file)",
        )
    results = compute_metric(engine, metric, by=[link.team_column], confidence=confidence, min_sample=min_sample)
    teams = {}
    for result in results:
        team = result.segment.get(link.team_column)
        if team is not None and result.value is not None and result.n is not None:
            teams[team] = (result.value, result.n)
    return teams, [], None


def compute_link(
    store: Store,
    employee_metric: MetricDefinition,
    customer_metric: MetricDefinition,
    context: EmployeeContext,
    *,
    confidence: float = 0.95,
    min_sample: int | None = None,
    engine: Engine | None = None,
) -> Link:
    """The EX ↔ CX link for the data in ``store`` (computed by ``engine``, by default a plain one on it)."""
    engine = engine or SQLiteEngine(store)
    if customer_metric.population == EMPLOYEE:
        raise InvalidInput(
            [f"{PATH}.link.customer_metric: {customer_metric.id!r} is an employee metric; name a customer metric"]
        )
    threshold = context.anonymity_threshold
    min_teams = context.thresholds.min_link_teams
    employee: dict[str, tuple[float, int]] = {}
    suppressed = 0
    if TEAM in SQLiteEngine(store).segment_columns():
        for result in employee_results(
            store,
            employee_metric,
            threshold=threshold,
            objectives=context.objectives,
            by=[TEAM],
            confidence=confidence,
            min_sample=min_sample,
            engine=engine,
        ):
            team = result.segment.get(TEAM)
            if team is None:
                continue
            if result.suppressed or result.value is None or result.n is None:
                suppressed += 1
            else:
                employee[team] = (result.value, result.n)
    customers, flags, missing = _customer_by_team(engine, customer_metric, context, confidence, min_sample)
    if missing is None and not customers:
        link = context.settings.link
        column = (
            say("link.agent_column", column=link.agent_column)
            if link.agent_column
            else say("link.team_column", column=link.team_column)
        )
        flags, missing = [*flags, NO_TEAM_DATA], say("link.no_column", metric=customer_metric.id, column=column)
    # a team's customer value from a handful of answers is noise, yet would count as a full point
    customer_minimum = context.thresholds.min_link_customers
    thin = sorted(team for team in employee if team in customers and customers[team][1] < customer_minimum)
    pairs = tuple(
        TeamPair(team, employee[team][0], employee[team][1], customers[team][0], customers[team][1])
        for team in sorted(employee)
        if team in customers and team not in thin
    )
    if thin:
        flags = [*flags, SMALL_CUSTOMER_SAMPLES]
    e_name, c_name = employee_metric.id, customer_metric.id
    correlation = None
    said: list[str] = []  # the statement's sentences (cxframe.Text), said in each report's language
    if missing is not None:
        said.append(say("link.cannot", reason=missing))
        if not employee and not suppressed:  # both sides are missing: say so, not just the first
            said.append(say("link.no_employees", metric=e_name))
    elif not employee:
        flags = [*flags, NO_TEAM_DATA]
        said.append(say("link.no_team", metric=e_name, threshold=threshold))
    elif len(pairs) < min_teams:
        flags = [*flags, TOO_FEW_TEAMS]
        said.append(
            say(
                "link.too_few",
                count=len(pairs),
                employee=e_name,
                threshold=threshold,
                customer=c_name,
                minimum=min_teams,
            )
        )
    else:
        correlation = pearson(
            [pair.employee_value for pair in pairs], [pair.customer_value for pair in pairs], confidence
        )
        if correlation is None:
            flags = [*flags, NO_VARIANCE]
            said.append(say("link.no_variance", teams=len(pairs), employee=e_name, customer=c_name))
        else:
            r = correlation.r
            figures = {
                "teams": len(pairs),
                "employee": e_name,
                "customer": c_name,
                "r": r,
                "confidence": confidence,
                "low": correlation.ci_low,
                "high": correlation.ci_high,
                "p": correlation.p_value,
            }
            strength = _strength(r)
            said.append(
                say("link.none", **figures)
                if strength == "none"
                else say(
                    "link.correlation",
                    strength=say(f"strength.{strength}"),
                    direction=say("direction.positive" if r > 0 else "direction.negative"),
                    **figures,
                )
            )
            if correlation.ci_low <= 0 <= correlation.ci_high:
                said.append(say("link.includes_zero"))
    if thin:
        said.append(say("link.thin", count=len(thin), minimum=customer_minimum, metric=customer_metric.id, teams=thin))
    summary = sentences(said)
    # the caveat is about a number; with none computed, the statement says only what is missing
    statement = sentences([*said, ASSOCIATION_NOT_CAUSE]) if correlation is not None else summary
    chart = scatter_svg(
        [(pair.team, pair.employee_value, pair.customer_value) for pair in pairs],
        title=f"Team {e_name} and customer {c_name}",
        x_label=f"team {employee_metric.title} ({e_name})",
        y_label=f"customer {customer_metric.title} ({c_name})",
        caption=statement,
        fit=(correlation.slope, correlation.intercept) if correlation is not None else None,
    )
    return Link(
        employee_metric=e_name,
        customer_metric=c_name,
        teams=pairs,
        r=correlation.r if correlation else None,
        ci_low=correlation.ci_low if correlation else None,
        ci_high=correlation.ci_high if correlation else None,
        p_value=correlation.p_value if correlation else None,
        confidence=confidence,
        min_teams=min_teams,
        statement=statement,
        summary=summary,
        flags=tuple(flags),
        teams_suppressed=suppressed,
        chart_svg=chart,
    )

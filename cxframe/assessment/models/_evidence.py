"""Evidence the built-in models share: readers over the run, the store and plugins' facts.

Every function here reads a `cxframe.Facts` and either returns plain facts or
a `cxframe.contracts._maturity.Verdict` whose lines name what was counted. None raises on
an empty store: a missing table or column reads as no rows.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from cxframe.assessment.models._texts import listing, say
from cxframe.contracts._maturity import Facts, Verdict
from cxframe.contracts._records import ActionStatus, CheckStatus, Environment

#: Action statuses that mean someone took the action on (proposed ones are suggestions).
ACCEPTED = frozenset({ActionStatus.PLANNED.value, ActionStatus.IN_PROGRESS.value, ActionStatus.DONE.value})


def plugin(facts: Facts, name: str) -> Mapping[str, Any] | None:
    """What plugin ``name`` (``nps``, ``employee``, ``journey``) contributed, or None when it did not.

    Plugins are known by their entry-point name, their distribution name
    (``cxframe-nps``) or, registered as a module in tests, their module name.
    """
    for key in (name, f"cxframe-{name}", f"cxframe_{name}"):
        if facts.has_plugin(key):
            return facts.evidence(key)
    return None


def rows(facts: Facts, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Rows of a query over the store; none when a table or column it reads does not exist yet."""
    try:
        return list(facts.store.db.execute(sql, list(params)).fetchall())
    except sqlite3.OperationalError:
        return []


def scalar(facts: Facts, sql: str, params: Sequence[Any] = ()) -> Any:
    found = rows(facts, sql, params)
    return found[0][0] if found else None


def latest_actions(facts: Facts) -> list[dict[str, Any]]:
    """Each action of the organisation's register as it stands in the latest run that wrote it.

    Actions are re-written per run. The ones cxframe itself proposes (ids
    ``action:…``) are suggestions, not recorded work, and are left out:
    otherwise a second assessment would score the first one's suggestions.
    """
    columns = ["id", "title", "owner", "due", "status", "finding", "metric", "baseline", "effect"]
    columns += ["effect_ci_low", "effect_ci_high", "effect_p_value"]
    found = rows(
        facts,
        f"""
        SELECT {", ".join("a." + c for c in columns)} FROM actions AS a
        JOIN (SELECT id, MAX(run_id) AS run_id FROM actions GROUP BY id) AS latest
          ON a.id = latest.id AND a.run_id = latest.run_id
        WHERE a.id NOT LIKE 'action:%'
        ORDER BY a.id
        """,
    )
    return [dict(zip(columns, row, strict=True)) for row in found]


def solicited(facts: Facts) -> tuple[str, list[Any]]:
    """A condition on ``observations`` (``AND …``, its parameters) keeping the customers' solicited answers.

    A review or social post (a source whose collector is not ``solicited``, `cxframe.Facts.unsolicited_sources`)
    is feedback nobody asked for, stored as an answer ``mention`` so that every post is kept: it is neither
    a survey answer nor a respondent, and an author's keyed hash is a customer no event log can know.
    """
    unsolicited = facts.unsolicited_sources()
    condition = "population = 'customer'"
    if unsolicited:
        condition += f" AND source NOT IN ({', '.join('?' * len(unsolicited))})"
    return condition, list(unsolicited)


def survey_answers(facts: Facts) -> int:
    """Customers' answers to the programme's surveys (reviews and social posts are not: `solicited`)."""
    condition, params = solicited(facts)
    return int(scalar(facts, f"SELECT COUNT(*) FROM observations WHERE {condition}", params) or 0)


def survey_respondents(facts: Facts) -> int:
    """Customers who answered a survey, by id (reviews' authors are not: `solicited`)."""
    condition, params = solicited(facts)
    return int(scalar(facts, f"SELECT COUNT(DISTINCT respondent_id) FROM observations WHERE {condition}", params) or 0)


def event_count(facts: Facts) -> int:
    return int(scalar(facts, "SELECT COUNT(*) FROM events") or 0)


def comment_count(facts: Facts) -> int:
    return int(
        scalar(
            facts,
            # a response's comment is repeated on each of its answers: count each response's once
            "SELECT COUNT(DISTINCT COALESCE(response_id, respondent_id, key) || char(31) || comment) "
            "FROM observations WHERE population = 'customer' AND TRIM(COALESCE(comment, '')) != ''",
        )
        or 0
    )


def respondents_joined(facts: Facts) -> tuple[int, int]:
    """``(customer respondents with an id, how many of them are also a case in the event log)``.

    Survey respondents only (`solicited`): a review's author is a keyed hash no event log can hold, and
    counting one would lower the share joined however well the surveys carry the customer id.
    """
    condition, params = solicited(facts)
    found = rows(
        facts,
        f"""
        SELECT COUNT(*), COALESCE(SUM(EXISTS (SELECT 1 FROM events AS e WHERE e.case_id = r.respondent_id)), 0)
        FROM (SELECT DISTINCT respondent_id FROM observations
              WHERE {condition} AND respondent_id IS NOT NULL) AS r
        """,
        params,
    )
    return (int(found[0][0]), int(found[0][1])) if found else (0, 0)


def check_verdict(facts: Facts, checks: Sequence[str], employee_fallback: bool = True) -> Verdict | None:
    """Met when every check in ``checks`` passed in this run; None when none of them ran.

    When the run has no result for a check, the employee plugin's evidence
    (which runs its checks itself) stands in.
    """
    by_status: dict[str, str] = {}
    employee = plugin(facts, "employee") if employee_fallback else None
    reported = (employee or {}).get("checks_by_status", {})
    for check in checks:
        status = facts.check_status(check)
        if status is not None:
            by_status[check] = status.value
            continue
        for value, ids in reported.items():
            if check in ids and value != CheckStatus.ERROR.value:
                by_status[check] = value
    if not by_status:
        return None
    lines: list[str] = [
        say(
            "check.status",
            check=check,
            status=say("check." + by_status[check] if check in by_status else "check.did_not_run"),
        )
        for check in checks
    ]
    for check in checks:
        for result in facts.checks(check):
            lines.extend(result.evidence[:3])
    passed = all(by_status.get(check) == CheckStatus.PASS.value for check in checks)
    return Verdict(passed, tuple(lines))


def digital_touchpoints(facts: Facts) -> list[str]:
    return [t.id for t in facts.programme.document.touchpoints if t.environment is Environment.DIGITAL]


def follow_up_verdict(facts: Facts, hours: int, share: float) -> Verdict | None:
    """Are at least ``share`` of detractors followed up within ``hours``? From the best source there is.

    The improve plugin's closed-loop cases decide when they can (`loop_sla_verdict`), else the nps plugin's
    follow-up events (`closed_loop_verdict`); None, for the questionnaire, when neither can. The lines say which
    source decided, and why the loop's cases could not when the events did.
    """
    loop = loop_sla_verdict(facts, hours, share)
    if isinstance(loop, Verdict):
        return Verdict(loop.met, (*loop.evidence, say("loop.source.cases")))
    events = closed_loop_verdict(facts, hours, share)
    if events is None:
        return None
    return Verdict(events.met, (*events.evidence, *loop, say("loop.source.events")))


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def loop_sla_verdict(facts: Facts, hours: int, share: float) -> Verdict | tuple[str, ...]:
    """Judged from the improve plugin's loop cases; the lines saying why not when they cannot tell.

    Met when, for every metric the loop follows, at least ``share`` of its cases were closed within an SLA
    of at most ``hours``. Reads ``loop.within_sla_by_metric`` of the improve plugin's evidence (the share in %, its interval and
    ``n``, and ``sla_hours``, the longest SLA the metric's cases were given). A metric whose SLA is longer
    than ``hours`` fails: closing within a 72-hour SLA cannot show a follow-up within 48 hours. A metric with
    fewer cases closed or past due than the minimum sample is not judged (a handful of cases cannot show a
    practice, as with the follow-up events), nor one with none yet. When no metric can be judged, the lines
    saying why are returned instead of a verdict (none without the loop's figures).
    """
    loop = (plugin(facts, "improve") or {}).get("loop")
    rows = loop.get("within_sla_by_metric") if isinstance(loop, Mapping) else None
    if not isinstance(rows, list):
        return ()
    judged: list[bool] = []
    lines: list[str] = []
    min_sample = facts.run.min_sample
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        metric = str(row.get("followed") or row.get("metric") or "?")
        sla, value, n = _finite(row.get("sla_hours")), _finite(row.get("value")), row.get("n")
        n = n if isinstance(n, int) and not isinstance(n, bool) else 0
        if sla is None:
            continue
        if sla > hours:
            if value is None or n == 0:
                lines.append(say("loop.sla.too_long.none", metric=metric, sla=sla, hours=hours))
            else:
                lines.append(say("loop.sla.too_long", metric=metric, sla=sla, hours=hours, share=f"{value:.1f}%", n=n))
            judged.append(False)
        elif value is None or n == 0:
            lines.append(say("loop.sla.none", metric=metric))
        elif n < min_sample:
            lines.append(say("loop.sla.small", metric=metric, n=n, min_sample=min_sample, share=value, sla=sla))
        else:
            low, high = _finite(row.get("ci_low")), _finite(row.get("ci_high"))
            interval = "—" if low is None or high is None else f"{low:.1f} … {high:.1f}"
            confidence = _finite(row.get("confidence")) or facts.run.confidence
            lines.append(
                say(
                    "loop.sla.within",
                    share=value,
                    n=n,
                    metric=metric,
                    sla=sla,
                    confidence=confidence,
                    interval=interval,
                    bar=share,
                    hours=hours,
                )
            )
            judged.append(value / 100.0 >= share)
    if not judged:
        return tuple(lines)
    return Verdict(all(judged), tuple(lines))


def closed_loop_verdict(facts: Facts, hours: int, share: float) -> Verdict | None:
    """Met when at least ``share`` of detractors were contacted within ``hours``; None without follow-up data.

    Read from the nps plugin's ``closed_loop`` evidence: the event log's follow-up activities.
    """
    nps = plugin(facts, "nps")
    loop = (nps or {}).get("closed_loop")
    if not loop or not loop.get("detractors"):
        return None
    detractors = loop["detractors"]
    if detractors < facts.run.min_sample:
        # a handful of follow-ups cannot show a practice: the questionnaire decides
        return None
    within = loop["within_24h"] if hours <= 24 else loop["within_48h"]
    line = say(
        "loop.contacted",
        within=within,
        detractors=detractors,
        share=within / detractors,
        hours=hours,
        activities=listing(loop["activities"]),
        median=loop["median_hours"],
        never=detractors - loop["contacted"],
        bar=share,
    )
    return Verdict(within / detractors >= share, (line,))


def objective_gaps(facts: Facts) -> list[tuple[str, list[str]]]:
    """For each objective, what it lacks of metric, target, deadline and owner."""
    registered = facts.run.registry.metrics
    gaps = []
    for objective in facts.programme.document.objectives:
        missing: list[str] = []
        if objective.metric not in registered:
            missing.append(say("objective.metric_unknown", metric=objective.metric))
        if objective.deadline is None:
            missing.append(say("objective.no_deadline"))
        if not objective.owner:
            missing.append(say("objective.no_owner"))
        gaps.append((objective.id, missing))
    return gaps


def all_environments() -> list[str]:
    return [e.value for e in Environment]

"""The measured effect of a finished action: its metric after the done date against before, and against a control.

* **before** is the ``window`` days up to the day before ``done``, **after** the
  ``window`` days from the done date (both in UTC days);
* the change after − before is computed by `cxframe.compare_windows`, which is
  ``measure --compare period`` over those two windows (same interval and test);
* where the action names a touchpoint (or one segment column), the answers
  are those of that touchpoint (or value), and the **control** is every other
  touchpoint (or value of the column) with answers in both windows, pooled:
  the difference-in-differences is the treated change less the control's
  change (`cxframe.difference_in_differences`);
* the **pre-trend check** is the same difference-in-differences between the
  two halves of the before window: a significant one says the treated group
  was already moving apart from the control before the action, so parallel
  trends look violated (flag ``pre_trend_violated``, said in the verdict).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from cxframe import (
    SMALL_SAMPLE,
    Action,
    ComparisonResult,
    CxframeError,
    Engine,
    InvalidInput,
    MetricDefinition,
    MetricResult,
    Programme,
    RegisteredMetrics,
    RunContext,
    compare_windows,
    difference_in_differences,
)

DEFAULT_WINDOW_DAYS = 90
#: the flags an effect may carry (the Python object and the table show them; the JSON says them in the verdict)
PRE_TREND_VIOLATED = "pre_trend_violated"
PRE_TREND_UNTESTED = "pre_trend_untested"
NO_TEST = "no_test"
#: the after-window is not over yet (it ends after today): the effect may still change, and counts as not measured
PROVISIONAL = "provisional"


@attrs.frozen
class WindowValue:
    """The metric in one window: value, answers and interval, as ``measure`` gives them."""

    value: float | None
    n: int | None
    ci_low: float | None
    ci_high: float | None

    @classmethod
    def of(cls, result: MetricResult) -> WindowValue:
        return cls(result.value, result.n, result.ci_low, result.ci_high)

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "n": self.n, "ci_low": self.ci_low, "ci_high": self.ci_high}


@attrs.frozen
class DidEffect:
    """The treated change less the pooled control's change, with interval and test."""

    control: tuple[str, ...]
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "control": list(self.control),
            "difference": self.difference,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
        }


@attrs.frozen
class PreTrend:
    """Treated and control change between the halves of the before window, and their difference-in-differences."""

    treated_change: float | None
    control_change: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    #: True: no sign of diverging trends; False: they diverged (significant); None: too little data to test
    parallel: bool | None


@attrs.frozen
class ActionEffect:
    """What a finished action did to its metric (``to_json`` is the ``actions effect --json`` shape)."""

    action: str
    metric: str
    before: WindowValue
    after: WindowValue
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    did: DidEffect | None
    verdict: str
    done: dt.date
    window_days: int
    confidence: float
    #: where the effect is measured: ``{"touchpoint": "web"}``, ``{"region": "North"}`` (empty: all answers)
    where: dict[str, str] = attrs.field(factory=dict)
    pre_trend: PreTrend | None = None
    flags: tuple[str, ...] = ()
    #: the day the effect was measured on: an after-window that ends on it or later is not over yet
    today: dt.date | None = None

    @property
    def window_ends(self) -> dt.date:
        """The after-window's last day (UTC): the done date + ``window_days`` − 1."""
        return self.done + dt.timedelta(days=self.window_days - 1)

    @property
    def provisional(self) -> bool:
        """Whether the after-window is not over yet, so later answers may still change the effect."""
        return PROVISIONAL in self.flags

    @property
    def measured(self) -> bool:
        """Whether the change has an interval and a test over a finished after-window (what the assessment credits)."""
        return self.p_value is not None and not self.provisional

    def to_json(self) -> dict[str, Any]:
        """The public shape of ``cxframe actions effect --json`` (DESIGN §11)."""
        return {
            "action": self.action,
            "metric": self.metric,
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "difference": self.difference,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "did": None if self.did is None else self.did.to_json(),
            "verdict": self.verdict,
            # added after DESIGN §11's keys: whether the after-window is still running, and its last day
            "provisional": self.provisional,
            "window_ends": self.window_ends.isoformat(),
        }


def windows(done: dt.date, days: int) -> tuple[tuple[dt.datetime, dt.datetime], tuple[dt.datetime, dt.datetime]]:
    """``(before, after)``: the ``days`` days up to the day before ``done``, and the ``days`` days from it (UTC)."""
    start = dt.datetime.combine(done, dt.time(), tzinfo=dt.UTC)
    span = dt.timedelta(days=days)
    return (start - span, start), (start, start + span)


def find_action(programme: Programme, action: str) -> tuple[int, Action]:
    """The register's action with id ``action`` and its index; `InvalidInput` naming the known ids."""
    for index, found in enumerate(programme.document.actions):
        if found.id == action:
            return index, found
    known = ", ".join(a.id for a in programme.document.actions) or "none"
    raise InvalidInput(
        [f"action {action!r}: no such action in [[actions]] (actions: {known})"], where=str(programme.file)
    )


def _check_window(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 2:
        raise InvalidInput([f"--window-days: expected a whole number of days, 2 or more, got {days!r}"])


def measure_effect(
    programme: Programme,
    engine: Engine,
    metrics: RegisteredMetrics,
    action_id: str,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    control: Sequence[str] | None = None,
    confidence: float = 0.95,
    min_sample: int | None = None,
    today: dt.date | None = None,
) -> ActionEffect:
    """The effect of the register's action ``action_id``; `InvalidInput` when it cannot be measured, saying why.

    ``control`` names the control touchpoints (or segment values); by default
    every other one with answers in both windows. ``today`` (default: the
    date today) decides whether the done date is in the future and whether
    the after-window is over (flag ``provisional`` when it is not).
    """
    today = dt.date.today() if today is None else today
    _check_window(window_days)
    index, action = find_action(programme, action_id)
    at = f"actions[{index}]"
    where = str(programme.file)
    problems = []
    if action.done is None:
        problems.append(f"{at}.done: {action.id!r} has no done date; set done = YYYY-MM-DD when it was finished")
    elif action.done > today:
        problems.append(f"{at}.done: {action.done.isoformat()} is in the future ({action.id})")
    if action.metric is None:
        problems.append(f"{at}.metric: {action.id!r} names no metric; set metric = the metric it should move")
    elif action.metric not in metrics.ids():
        problems.append(f"{at}.metric: unknown metric {action.metric!r} (known: {', '.join(metrics.ids())})")
    if problems:
        raise InvalidInput(problems, where=where)
    assert action.done is not None and action.metric is not None
    definition = metrics.get(action.metric)
    if definition.population != "customer":
        # privacy rules (anonymity thresholds) act on `measure`'s groups; windows would show groups unprotected
        raise InvalidInput(
            [
                f"{at}.metric: {definition.id!r} is an {definition.population} metric; effects are measured on "
                "customer metrics only, as its privacy rules are not applied to before/after windows"
            ],
            where=where,
        )
    column, treated, filters = _grouping(action)
    try:
        before, after = windows(action.done, window_days)
    except OverflowError:
        raise InvalidInput(
            [
                f"--window-days: {window_days} days before and after {action.done.isoformat()} run off the calendar "
                "(years 1 to 9999); give fewer days"
            ]
        ) from None
    settings: dict[str, Any] = {"confidence": confidence, "min_sample": min_sample}
    groups = compare_windows(
        engine, definition, before, after, by=[column] if column else [], where=filters, **settings
    )
    mine = [g for g in groups if column is None or g.segment.get(column) == treated]
    if not mine:
        raise InvalidInput(
            [
                f"{at}: no answers for {definition.id} {_place(column, treated, filters)}in both the {window_days} days "
                f"before {action.done.isoformat()} and the {window_days} days from it; nothing to compare "
                "(a shorter or longer --window-days, or more data, may help)"
            ],
            where=where,
        )
    own = mine[0]
    change = own.comparison
    flags = [flag for flag in (SMALL_SAMPLE, NO_TEST) if flag in change.flags]
    did = None
    pre_trend = None
    if column is None and control:
        raise InvalidInput([f"{at}: --control needs an action with a touchpoint or a segment to compare against"])
    if column is not None:
        others = sorted(str(g.segment[column]) for g in groups if g.segment.get(column) not in (None, treated))
        chosen = _controls(column, treated, control, others, at)
        if chosen:
            pooled = compare_windows(
                engine, definition, before, after, where=filters, where_in={column: chosen}, **settings
            )
            found = difference_in_differences(change, pooled[0].comparison, confidence)
            did = DidEffect(tuple(chosen), found.difference, found.ci_low, found.ci_high, found.p_value)
            pre_trend = _pre_trend(engine, definition, before, column, treated, chosen, filters, confidence, min_sample)
            if pre_trend is None or pre_trend.parallel is None:
                flags.append(PRE_TREND_UNTESTED)
            elif not pre_trend.parallel:
                flags.append(PRE_TREND_VIOLATED)
    if action.done + dt.timedelta(days=window_days) > today:
        flags.append(PROVISIONAL)
    shown = {**filters, **({column: treated} if column is not None and treated is not None else {})}
    effect = ActionEffect(
        action=action.id,
        metric=definition.id,
        before=WindowValue.of(own.before),
        after=WindowValue.of(own.after),
        difference=change.difference,
        ci_low=change.ci_low,
        ci_high=change.ci_high,
        p_value=change.p_value,
        did=did,
        verdict="",
        done=action.done,
        window_days=window_days,
        confidence=confidence,
        where=shown,
        pre_trend=pre_trend,
        flags=tuple(flags),
        today=today,
    )
    return attrs.evolve(effect, verdict=verdict(effect, definition))


def _grouping(action: Action) -> tuple[str | None, str | None, dict[str, str]]:
    """``(column compared against its other values, the action's value of it, filters on every answer)``."""
    if action.touchpoint is not None:
        return "touchpoint", action.touchpoint, dict(action.segment)
    if action.segment:
        [(column, value)] = action.segment.items()  # one column: the programme file's check sees to it
        return column, value, {}
    return None, None, {}


def _place(column: str | None, treated: str | None, filters: dict[str, str]) -> str:
    parts = [f"{k} = {v!r}" for k, v in filters.items()]
    if column is not None:
        parts.insert(0, f"{column} = {treated!r}")
    return f"where {' and '.join(parts)} " if parts else ""


def _controls(column: str, treated: str | None, wanted: Sequence[str] | None, others: list[str], at: str) -> list[str]:
    if wanted is None:
        return others
    problems = [f"--control {name!r}: it is the action's own {column}" for name in wanted if name == treated]
    problems += [
        f"--control {name!r}: no {column} of that name has answers in both windows (those that have: "
        f"{', '.join(others) or 'none'})"
        for name in wanted
        if name != treated and name not in others
    ]
    if problems:
        raise InvalidInput([f"{at}: {p}" for p in problems])
    return sorted(set(wanted))


def _pre_trend(
    engine: Engine,
    definition: MetricDefinition,
    before: tuple[dt.datetime, dt.datetime],
    column: str,
    treated: str | None,
    control: list[str],
    filters: dict[str, str],
    confidence: float,
    min_sample: int | None,
) -> PreTrend | None:
    """The difference-in-differences between the two halves of the before window (a placebo: it should be 0)."""
    start, end = before
    middle = start + (end - start) / 2
    middle = dt.datetime.combine(middle.date(), dt.time(), tzinfo=dt.UTC)  # whole UTC days
    if not start < middle < end:
        return None
    halves = (start, middle), (middle, end)
    settings: dict[str, Any] = {"confidence": confidence, "min_sample": min_sample}
    own = compare_windows(engine, definition, *halves, where={**filters, column: str(treated)}, **settings)
    pooled = compare_windows(engine, definition, *halves, where=filters, where_in={column: control}, **settings)
    if not own or not pooled:
        return PreTrend(None, None, None, None, None, None, None)
    treated_change: ComparisonResult = own[0].comparison
    control_change: ComparisonResult = pooled[0].comparison
    found = difference_in_differences(treated_change, control_change, confidence)
    parallel = None if found.p_value is None else found.p_value >= 1 - confidence
    return PreTrend(
        treated_change.difference,
        control_change.difference,
        found.difference,
        found.ci_low,
        found.ci_high,
        found.p_value,
        parallel,
    )


def significant(p_value: float | None, confidence: float) -> bool | None:
    """Whether a test's p-value is significant at ``confidence`` (``None``: no test); the verdict's and report's rule."""
    return None if p_value is None else p_value < 1 - confidence


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _signed(value: float, unit: str) -> str:
    return f"{value:+.1f}{unit}"


def _interval(low: float | None, high: float | None, confidence: float, unit: str) -> str:
    if low is None or high is None:
        return ""
    return f"{confidence:.0%} CI {low:+.1f} to {high:+.1f}{unit}, "


def _sentence(
    name: str,
    difference: float | None,
    low: float | None,
    high: float | None,
    p: float | None,
    confidence: float,
    unit: str,
    definition: MetricDefinition,
) -> str:
    if difference is None:
        return f"{name}: no change could be computed"
    if p is None:
        return f"{name}: {_signed(difference, unit)}, too little data to test it (no interval or p-value)"
    evidence = f"({_interval(low, high, confidence, unit)}{_p(p)})"
    if not significant(p, confidence):
        return f"{name}: not significant, {_signed(difference, unit)} {evidence}; no evidence that the metric moved"
    rose = difference > 0
    better = rose == definition.higher_is_better
    direction = "rose" if rose else "fell"
    return f"{name}: {direction} by {abs(difference):.1f}{unit} {evidence}, {'better' if better else 'worse'}"


def provisional_note(effect: ActionEffect) -> str:
    """``the after-window ends on 2027-02-17, in 73 days: this effect is provisional``."""
    today = effect.today or dt.date.today()
    left = (effect.window_ends - today).days
    when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
    return (
        f"the after-window ends on {effect.window_ends.isoformat()}, {when}: this effect is provisional "
        "(answers still to come may change it, and the assessment does not count it as measured yet)"
    )


def verdict(effect: ActionEffect, definition: MetricDefinition) -> str:
    """The plain-language verdict: the change before → after, against the control, and the pre-trend warning."""
    # a change of a share is in percentage points; a score's change needs no unit
    unit = " points" if definition.unit in ("%", "points") else ""
    lines = [
        _sentence(
            f"{definition.id} after vs before",
            effect.difference,
            effect.ci_low,
            effect.ci_high,
            effect.p_value,
            effect.confidence,
            unit,
            definition,
        )
    ]
    if effect.did is not None:
        lines.append(
            _sentence(
                f"against the control ({', '.join(effect.did.control)})",
                effect.did.difference,
                effect.did.ci_low,
                effect.did.ci_high,
                effect.did.p_value,
                effect.confidence,
                unit,
                definition,
            )
        )
    else:
        lines.append("no control group (the action names no touchpoint or segment, or none other has data)")
    if PRE_TREND_VIOLATED in effect.flags and effect.pre_trend is not None and effect.pre_trend.p_value is not None:
        lines.append(
            "parallel trends look violated: before the action the treated group was already moving apart from the "
            f"control ({_p(effect.pre_trend.p_value)}), so the difference-in-differences may be biased"
        )
    elif PRE_TREND_UNTESTED in effect.flags:
        lines.append("the pre-period trends could not be checked (too little data in the before window)")
    if SMALL_SAMPLE in effect.flags:
        lines.append("a window has fewer answers than the minimum sample, so read the figures with care")
    if effect.provisional:
        lines.append(provisional_note(effect))
    return "; ".join(lines) + "."


#: The effects measured in the last run, ``(programme file, run id) → [(action, effect or why not)]``: the design
#: stage records them with the register and the assessment's evidence shows them, measured once.
_LAST_RUN: dict[tuple[str, int], list[tuple[Action, ActionEffect | str]]] = {}


def run_effects(run: RunContext) -> list[tuple[Action, ActionEffect | str]]:
    """Each done action of the register with a metric, and its effect or the reason it cannot be measured.

    Measured once per run (the design stage's hook and the assessment's
    evidence share it).
    """
    key = (str(run.programme.file), run.id)
    if key not in _LAST_RUN:
        found: list[tuple[Action, ActionEffect | str]] = []
        for action in run.programme.document.actions:
            if action.done is None or action.metric is None:
                continue
            try:
                effect: ActionEffect | str = measure_effect(
                    run.programme,
                    run.engine,
                    run.registry.metrics,
                    action.id,
                    confidence=run.confidence,
                    min_sample=run.min_sample,
                )
            except CxframeError as exc:  # `cxframe actions effect` says the same; the report shows why
                # without the programme file's path: a report travels further than the machine it was made on
                messages = getattr(exc, "messages", None) or [str(exc)]
                effect = "; ".join(str(m).removeprefix(f"{run.programme.file}: ") for m in messages)
            found.append((action, effect))
        _LAST_RUN.clear()
        _LAST_RUN[key] = found
    return _LAST_RUN[key]


def record_effects(run: RunContext) -> list[Action]:
    """Store each done action's measured effect with the run's register; return the actions measured.

    An action whose file already records an ``effect`` keeps it; one that
    cannot be measured (no metric, no answers in both windows) stays without.
    The effect is the before/after change (``baseline`` the before value),
    with its interval and p-value.
    """
    measured = []
    for action, effect in run_effects(run):
        if action.effect is not None or isinstance(effect, str) or effect.provisional:
            continue  # a provisional effect is recorded once its after-window is over
        if effect.before.value is None or effect.difference is None:
            continue
        measured.append(
            attrs.evolve(
                action,
                baseline=effect.before.value,
                effect=effect.difference,
                effect_ci_low=effect.ci_low,
                effect_ci_high=effect.ci_high,
                effect_p_value=effect.p_value,
            )
        )
    if measured:
        run.store.write_actions(run.id, measured)
    return measured

"""cxframe-improve: the improve stage's closed loop.

* loop rules in ``[[plugins.cxframe-improve.loop]]`` (metric, at_or_below,
  sla_hours, since, owners), see `cxframe_improve.settings`;
* after every ``cxframe collect``, one case per qualifying answer, due at the
  answer's time + the SLA, routed to its owner, in the plugin's own store
  tables (`cxframe_improve.cases`);
* ``cxframe loop list`` and ``cxframe loop update`` (and ``loop history``),
  and the same from Python: `loop_cases`, `update_case`, `case_history`,
  `open_loop_cases`;
* ``cxframe loop notify``: each owner's new and overdue cases by e-mail
  (SMTP) or webhook, never the same alert twice (`cxframe_improve.notify`,
  the notifiers in `cxframe_improve.notifiers`, ``[plugins.cxframe-improve.notify]``);
  from Python `notify_owners`, `alert_log`;
* the action register: ``cxframe actions list|add|update|adopt`` (the programme
  file's ``[[actions]]`` edited with its comments kept) and ``cxframe actions
  effect`` (a finished action's measured effect, before/after and
  difference-in-differences), and the same from Python: `action_register`,
  `add_action`, `update_action`, `adopt_action` (a proposal of the last
  assessment into the register), `action_effect`; each run records the
  measured effects with the register (`cxframe_improve.effect`);
* ``cxframe forget SOURCE``: the source's cases deleted with their history
  and alert records (`cxframe_improve.forget`).

Registered through the ``cxframe`` entry-point group like any third-party plugin.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from cxframe import (
    Check,
    IngestSummary,
    InvalidInput,
    MetricCatalogue,
    MetricDefinition,
    Notifier,
    PluginNotice,
    Programme,
    ReportSection,
    RunContext,
    Stage,
    StageOutcome,
    Store,
    hookimpl,
)
from cxframe_improve import cases

# the action register and its effects
from cxframe_improve.actions import (
    RegisterEntry,
    action_effect,
    action_register,
    add_action,
    adopt_action,
    update_action,
)
from cxframe_improve.api import (
    alert_log,
    case_history,
    close_loop_cases,
    loop_cases,
    notify_owners,
    open_loop_cases,
    update_case,
)
from cxframe_improve.cases import CaseUpdate, LoopCase
from cxframe_improve.effect import ActionEffect, DidEffect, PreTrend, WindowValue
from cxframe_improve.exchange import ImportResult, export_cases, import_cases
from cxframe_improve.metrics import loop_metrics, loop_recovery
from cxframe_improve.notifiers import (
    Destination,
    NotifySettings,
    configured_notifiers,
    load_notify_settings,
    unknown_notifiers,
)
from cxframe_improve.notify import AlertOutcome, AlertsNotDelivered, NotifyResult
from cxframe_improve.settings import (
    OPEN_STATUSES,
    SETTINGS,
    UPDATE_STATUSES,
    LoopRule,
    OwnerRoute,
    load_rules,
)

if TYPE_CHECKING:
    import click

__all__ = [
    "OPEN_STATUSES",
    "SETTINGS",
    "UPDATE_STATUSES",
    "AlertOutcome",
    "AlertsNotDelivered",
    "CaseUpdate",
    "Destination",
    "ImportResult",
    "LoopCase",
    "LoopRule",
    "NotifyResult",
    "NotifySettings",
    "OwnerRoute",
    "alert_log",
    "case_history",
    "close_loop_cases",
    "export_cases",
    "import_cases",
    "load_notify_settings",
    "load_rules",
    "loop_cases",
    "loop_metrics",
    "loop_recovery",
    "notify_owners",
    "open_loop_cases",
    "update_case",
]
# the action register and its effects
__all__ += [
    "ActionEffect",
    "DidEffect",
    "PreTrend",
    "RegisterEntry",
    "WindowValue",
    "action_effect",
    "action_register",
    "add_action",
    "adopt_action",
    "update_action",
]


@hookimpl
def register_checks(programme: Programme | None) -> list[Check]:
    # raising here is how `cxframe validate` learns about bad loop rules (and bad notify settings, listed together)
    problems: list[str] = []
    for load in (load_rules, load_notify_settings):
        try:
            load(programme)
        except InvalidInput as exc:
            problems += exc.messages
    if problems:
        raise InvalidInput(problems)
    from cxframe_improve.checks import closing_checks

    return closing_checks(load_rules(programme))


@hookimpl
def register_metrics(programme: Programme | None) -> list[MetricDefinition]:
    """The loop metrics (#24): closure, SLA, hours to close, and a recovery metric per followed metric."""
    try:
        rules = load_rules(programme)
    except InvalidInput:  # bad rules are reported by validate (register_checks); the fixed metrics still count
        rules = []
    return loop_metrics(rules)


@hookimpl
def assessment_evidence(run: RunContext) -> dict[str, Any] | None:
    """The loop's figures for the report (#24): built from `cxframe_improve.report.EVIDENCE_PARTS`."""
    from cxframe_improve import report

    return report.evidence(run)


@hookimpl
def register_report_sections() -> list[ReportSection]:
    """The report's ``improve`` section (#24): built from `cxframe_improve.report.SECTION_PARTS`."""
    from cxframe_improve import report

    return list(report.SECTIONS)


@hookimpl
def collect_finished(
    programme: Programme, store: Store, catalogue: MetricCatalogue, summaries: list[IngestSummary]
) -> None:
    """Open the cases the loop rules call for, counting ``since`` back from now; close those the event logs resolve."""
    del summaries  # every qualifying answer in the store counts, not only this collect's: re-collects catch up
    rules = load_rules(programme)
    if rules:
        metrics = cases.metric_questions(programme, rules, catalogue.metrics)
        before = cases.last_case(store)
        opened = cases.open_cases(store, rules, metrics, dt.datetime.now(dt.UTC))
        closed = cases.close_from_events(store, rules)
        # the loop works out of sight: one line says what it did (the CLI prints it on stderr)
        warnings.warn(PluginNotice(cases.collect_line(store, before, opened, closed)), stacklevel=2)


@hookimpl
def source_forgotten(store: Store) -> str | None:
    """``cxframe forget``: delete the forgotten source's cases, with their history and alert records."""
    from cxframe_improve.forget import forget_cases, forgotten_line

    return forgotten_line(forget_cases(store))


@hookimpl
def register_commands(cli: click.Group) -> None:
    from cxframe_improve.cli import loop  # click and the CLI helpers only when commands are wanted

    cli.add_command(loop)
    # the CRM round trip (#24): loop export / loop import
    from cxframe_improve.cli_exchange import export_command, import_command

    loop.add_command(export_command)
    loop.add_command(import_command)

    from cxframe_improve.actions_cli import actions

    cli.add_command(actions)


@hookimpl
def stage_finished(stage: Stage, run: RunContext, outcome: StageOutcome) -> None:
    """After the design stage stored the register, record each done action's measured effect with it."""
    del outcome
    if stage is Stage.DESIGN and not run.store.read_only:
        from cxframe_improve.effect import record_effects

        record_effects(run)


@hookimpl(wrapper=True, specname="register_notifiers")
def check_recipients(programme: Programme | None) -> Generator[None, list[list[Notifier]], list[list[Notifier]]]:
    """Around every plugin's notifiers: a recipient route naming a notifier none registers is bad input.

    So ``cxframe validate`` (and any command) names the file and the key
    (``plugins.cxframe-improve.notify.recipients.default``), instead of
    ``loop notify`` finding out when it has alerts to send.
    """
    contributed = yield
    if programme is not None:
        try:
            settings = load_notify_settings(programme)
        except InvalidInput:  # bad settings are reported by register_checks, each with its key
            return contributed
        known = [n.id for found in contributed if isinstance(found, list) for n in found if isinstance(n, Notifier)]
        problems = unknown_notifiers(settings, known)
        if problems:
            raise InvalidInput(problems, where=str(programme.file))
    return contributed


@hookimpl
def register_notifiers(programme: Programme | None) -> list[Notifier]:
    """The built-in ``email`` and ``webhook`` notifiers, each when its table in ``[plugins.cxframe-improve.notify]`` is there."""
    return configured_notifiers(programme)

"""The hooks a cxframe plugin can implement: the public API plugins are written against.

Every ``register_*`` hook returns a list of what it contributes (possibly
empty). Every hook receives only the arguments it names, so a plugin can leave
out ``programme`` when it does not need it. A hook that raises is reported with
the plugin's name and the run goes on without that plugin's contribution
(``--strict`` turns this into a failure).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from cxframe.contracts._alerts import Notifier
    from cxframe.contracts._context import MetricCatalogue, RunContext
    from cxframe.contracts._maturity import Assessment
    from cxframe.contracts._plugins import Check, Collector, Reporter
    from cxframe.contracts._records import MetricDefinition, MetricResult, Period
    from cxframe.contracts._sections import ReportSection
    from cxframe.contracts._stages import Stage, StageOutcome
    from cxframe.ingestion._collect import IngestSummary
    from cxframe.programme._file import Programme
    from cxframe.store._sqlite import Store

hookspec = pluggy.HookspecMarker("cxframe")
hookimpl = pluggy.HookimplMarker("cxframe")


@hookspec
def register_collectors(programme: Programme | None) -> list[Collector]:
    """Contribute collectors that ingest a kind of source into the store.

    Called once per command, when the host builds its registry.

    :param programme: the open programme, or ``None`` when no programme folder is in use.
    :return: a list of `cxframe.Collector`; ids must be unique across plugins.
    """


@hookspec
def register_metrics(programme: Programme | None) -> list[MetricDefinition]:
    """Contribute metric definitions: what a metric means and how the engine computes it.

    Called once per command, when the host builds its registry. Read
    ``programme`` to offer metrics declared in the programme file or scales set there.
    A metric reads the answers in ``observations`` by default; one whose rows live in the
    plugin's own tables sets ``table`` (a table or view with the columns the engine reads) and
    ``segments`` (its own columns to group by), and is computed like any other. A skewed
    value (hours, minutes) may be a median: ``interval = IntervalMethod.MEDIAN``.

    :param programme: the open programme, or ``None``.
    :return: a list of `cxframe.MetricDefinition`; ids must be unique across plugins.
    """


@hookspec
def register_assessments(programme: Programme | None) -> list[Assessment]:
    """Contribute maturity assessments (models with dimensions and levels).

    Called once per command, when the host builds its registry.

    :param programme: the open programme, or ``None``.
    :return: a list of `cxframe.Assessment`; ids must be unique across plugins.
    """


@hookspec
def register_checks(programme: Programme | None) -> list[Check]:
    """Contribute checks: rules over the programme and its data that pass, warn or fail.

    Called once per command, when the host builds its registry; the checks
    themselves run in the improve stage and in ``cxframe check``.

    :param programme: the open programme, or ``None``.
    :return: a list of `cxframe.Check`; ids must be unique across plugins.
    """


@hookspec
def register_reporters(programme: Programme | None) -> list[Reporter]:
    """Contribute output formats for the assessment report.

    Called once per command, when the host builds its registry.

    :param programme: the open programme, or ``None``.
    :return: a list of `cxframe.Reporter`; ids must be unique across plugins.
    """


@hookspec
def register_report_sections(programme: Programme | None) -> list[ReportSection]:
    """Contribute sections of the plugin's own to the assessment report, each for the roles it names.

    Called once per command, when the host builds its registry. Each section's
    ``build(report)`` is called later, whenever a report is rendered for a role
    and a language (by ``cxframe assess``, and by ``cxframe report`` from the
    stored assessment document, without re-running anything): it reads the
    document — its own plugin's evidence above all, ``report.evidence()`` — and
    returns a `cxframe.SectionContent`, which the core shows in the HTML and
    Markdown reports and keeps in the document's ``sections``.

    :param programme: the open programme, or ``None``.
    :return: a list of `cxframe.ReportSection`; ids must be unique across plugins and differ from the
        core's sections (``summary``, ``metrics``, ``objectives`` …).
    """


@hookspec
def register_notifiers(programme: Programme | None) -> list[Notifier]:
    """Contribute notifiers: ways to reach people with alerts (e-mail over SMTP, a chat webhook …).

    Called once per command, when the host builds its registry; a notifier's
    ``send`` is called later, only by commands that send alerts (the improve
    plugin's ``cxframe loop notify``), with the `cxframe.AlertMessage` objects
    routed to it. Read your connection settings from ``programme`` and return
    a notifier only when it is configured; raise `cxframe.InvalidInput`
    naming the key when the settings are wrong. Never read a secret (a
    password, a token) from the programme file: take it from an environment
    variable the settings name, when ``send`` runs.

    :param programme: the open programme, or ``None``.
    :return: a list of `cxframe.Notifier`; ids must be unique across plugins (programme files route
        alerts to a notifier by its id, e.g. ``"email:cx@example.com"``).
    """


@hookspec
def assessment_evidence(run: RunContext) -> dict[str, Any] | None:
    """Contribute what this plugin knows to the assessment: facts for maturity criteria and reports.

    Called once per ``cxframe assess``, after the lifecycle has run (metrics
    computed, checks run: see ``run.metric_results`` and ``run.check_results``)
    and before the maturity models score. Maturity criteria read the facts
    through ``Facts.evidence(plugin)``; the assessment document keeps them under
    ``evidence.<name>`` (the distribution name without ``cxframe-``, e.g.
    ``nps``), where reporters chart the keys documented in "Assessment" and
    list the rest.

    Return only what may be shown to every reader of the report: apply privacy
    rules (such as employee anonymity thresholds) before returning.

    :param run: the current `cxframe.RunContext`.
    :return: a JSON-serialisable dict, or ``None`` when the plugin has nothing to add.
    """


@hookspec
def customer_profile(programme: Programme, store: Store, customer: str) -> dict[str, Any] | None:
    """Contribute this plugin's part of one customer's profile: what it knows about that customer.

    Called once per profile by the plugin that shows profiles (cxframe-insight's
    ``cxframe customer ID`` and ``cxframe_insight.customer_profile``), after it
    has checked that the store knows ``customer`` (a survey respondent id or an
    event case id). It lets a plugin add to the page without the plugins
    importing each other: the text plugin adds the customer's comments with
    their themes and sentiment this way.

    Read from ``store`` only; apply your privacy rules first (mask personal
    data in free text, never list anonymous respondents). The profile merges
    the parts in the order the plugins answer: a key the profile already has
    (``customer``, ``observations``, ``events``, ``journey_stage``,
    ``metrics``, ``risk``, ``cases``, ``actions``) or that an earlier plugin
    contributed is left out, with a warning. In the text output, each part
    whose value is a list of flat records is shown as a table titled by its
    key, anything else as ``key: value``.

    :param programme: the open `cxframe.Programme` (read your settings with ``programme.plugin_settings``).
    :param store: the programme's open `cxframe.Store` (possibly read-only).
    :param customer: the customer's id, exactly as stored.
    :return: a JSON-serialisable dict of new top-level keys for the profile (e.g. ``{"comments": [...]}``),
        or ``None`` when the plugin has nothing to add.
    """


@hookspec
def protect_metric_results(
    metric: MetricDefinition, results: list[MetricResult], by: list[str], period: Period | None, run: RunContext
) -> list[MetricResult] | None:
    """Hide what must not be shown: apply a privacy rule to metric results before anyone sees them.

    Called whenever the core computes results for people to read — ``cxframe
    measure``, objectives in the measure stage, the assessment's metrics and
    trend, and the groups of ``cxframe measure --compare`` — with the grouping
    they were computed with. The employee plugin uses it for its anonymity
    threshold, so ``cxframe measure --metric enps --by team`` obeys the same
    rule as ``cxframe employee enps``.

    :param metric: the metric definition.
    :param results: the results, one per group of ``by`` (× ``period``).
    :param by: the segment columns the results are grouped by.
    :param period: the period grouping, or ``None``.
    :param run: the current `cxframe.RunContext` (store, programme).
    :return: the results to show instead — a suppressed group keeps its segment and period, with
        ``value``, ``n`` and the interval set to ``None`` and the flag ``suppressed`` — or ``None``
        to leave them as they are.
    """


@hookspec
def collect_finished(
    programme: Programme, store: Store, catalogue: MetricCatalogue, summaries: list[IngestSummary]
) -> None:
    """Hear that ``cxframe collect`` (or `cxframe.collect`) has stored its sources, to act on what is now stored.

    Called once per collect, after every source has been stored (each in its
    own, committed transaction) — also when nothing new was stored, so work
    that depends on the time of the collect (such as opening cases for recent
    answers) runs each time. Write to ``store`` inside ``store.writing()``;
    a plugin's own tables are created with `cxframe.Store.apply_plugin_migrations`.
    Raising `cxframe.InvalidInput` stops the command with exit code 1 (what was
    collected stays stored).

    :param programme: the open `cxframe.Programme`.
    :param store: the programme's open, writable `cxframe.Store`.
    :param catalogue: the registered metrics (``catalogue.metrics.get("nps")``), a `cxframe.MetricCatalogue`.
    :param summaries: one `cxframe.IngestSummary` per source collected, in order.
    :return: nothing.
    """


@hookspec
def source_forgotten(programme: Programme, store: Store, source: str) -> str | None:
    """Forget what this plugin derived from a source the user forgets: its rows in the plugin's own tables.

    Called once per ``cxframe forget SOURCE`` (`cxframe.forget`), inside the
    forget's write transaction, after the core has deleted the source's
    responses, answers, events, ingests and rejects: ``store`` no longer
    holds them, so find your rows by what you kept with them (the source's
    id, say, as the improve plugin's cases keep it). A plugin that copies
    anything from a source's records into its own tables — a comment, a
    respondent id, a score, a result computed from them — must implement it:
    after a forget, no personal data of that source may stay in the store.
    Write through ``store.db`` (or ``store.writing()``, which opens a
    savepoint inside the forget's transaction); do not commit.

    Unlike other hooks, a failure is not isolated: when any plugin's
    implementation raises, the whole forget is rolled back — the core's rows
    and every plugin's stay as they were — and `cxframe.ForgetFailed` names
    the plugin and its error, so a source is never half forgotten.

    :param programme: the open `cxframe.Programme`.
    :param store: the programme's open, writable `cxframe.Store`, inside the forget's transaction.
    :param source: the forgotten source's id, as stored (``ingests.source``, the records' ``source``).
    :return: one line saying what the plugin removed (``"deleted 3 loop cases"``), shown after the core's
        counts by ``cxframe forget`` and kept in `cxframe.Forgotten`'s ``plugins``; ``None`` when it
        had nothing of that source.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands (or groups) to the ``cxframe`` command line.

    Called once, when the CLI first needs to list or find a command. Add
    commands with ``cli.add_command(...)`` or the ``@cli.command()`` decorator.

    :param cli: a click group whose commands become ``cxframe`` sub-commands.
    :return: nothing.
    """


@hookspec
def stage_started(stage: Stage, run: RunContext) -> None:
    """Hear that a lifecycle stage is about to run.

    Called once per stage, in lifecycle order, before the core's work for it.

    :param stage: the `cxframe.Stage` starting.
    :param run: the current `cxframe.RunContext` (programme, store, registry, run id).
    :return: nothing.
    """


@hookspec
def stage_finished(stage: Stage, run: RunContext, outcome: StageOutcome) -> None:
    """Hear that a lifecycle stage has finished, with what it produced.

    Called once per stage, in lifecycle order, after the core's work for it.

    :param stage: the `cxframe.Stage` that finished.
    :param run: the current `cxframe.RunContext`.
    :param outcome: a `cxframe.StageOutcome` with the stage's counts and messages.
    :return: nothing.
    """

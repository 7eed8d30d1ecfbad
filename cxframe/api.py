"""The Python API: one function per task, each taking the programme folder.

>>> import cxframe
>>> cxframe.init_programme("my-programme")           # doctest: +SKIP
>>> cxframe.collect("my-programme")                  # doctest: +SKIP
>>> cxframe.measure("my-programme", metrics=["nps"], by=["region"], period="month")  # doctest: +SKIP

Every function loads the installed plugins unless given a ``host`` (see
`cxframe.host._manager.load_plugins` and `cxframe.testing`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._plugins import Detection
from cxframe.contracts._records import CheckResult, MetricDefinition, MetricResult, Period
from cxframe.contracts._shapes import InstalledPlugin
from cxframe.contracts._stages import Stage, StageOutcome
from cxframe.host._manager import PluginFailure, PluginHost, load_plugins
from cxframe.host._registry import Registry, build_registry
from cxframe.ingestion._collect import IngestSummary, Progress, ingest
from cxframe.ingestion._detect import detect_file
from cxframe.ingestion._forget import Forgotten, forget_source
from cxframe.ingestion._readers import adhoc_source_id, readers_to_collect, source_reader
from cxframe.lifecycle._checks import run_checks
from cxframe.lifecycle._protection import protect
from cxframe.lifecycle._run import Run, finish_run, start_run
from cxframe.lifecycle._walk import walk
from cxframe.measurement._comparisons import (
    ComparisonResult,
    adjust_comparisons,
    check_adjustment,
    compare_periods,
    compare_segments,
)
from cxframe.measurement._engine import SQLiteEngine, compute_metric
from cxframe.measurement._planning import (
    DetectablePlan,
    SampleSizePlan,
    detectable_difference,
    parse_expected,
    sample_size,
)
from cxframe.programme._file import PROGRAMME_FILE, Programme, load_programme
from cxframe.programme._scaffold import example_programme
from cxframe.programme._scaffold import init_programme as _init_programme
from cxframe.store._sqlite import Store

ProgrammeLike = str | Path | Programme


@attrs.define
class Opened:
    """A programme opened with its plugins, registry and store."""

    programme: Programme
    host: PluginHost
    registry: Registry
    store: Store


@contextlib.contextmanager
def open_programme(programme: ProgrammeLike = ".", host: PluginHost | None = None) -> Iterator[Opened]:
    """Open a programme folder with its plugins and store; closes the store afterwards."""
    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    host = host if host is not None else load_plugins()
    registry = build_registry(host, loaded)
    registry.raise_conflicts()
    store = Store(loaded.store_path)
    try:
        yield Opened(loaded, host, registry, store)
    finally:
        store.close()


@attrs.frozen
class PluginListing:
    """What `plugins` found: the loaded plugins, the ids two of them registered, and a programme file left out."""

    plugins: list[InstalledPlugin]
    #: one line per id that two plugins registered (the first registration is kept)
    conflicts: list[str] = attrs.field(factory=list)
    #: the problems of a programme file that could not be read, and was left out
    programme_problems: list[str] = attrs.field(factory=list)


def plugins(programme: ProgrammeLike | None = ".", *, host: PluginHost | None = None) -> PluginListing:
    """Every loaded plugin with its version, the hooks it implements and the ids it registered, by kind.

    The ``register_*`` hooks see the programme file in ``programme`` when
    there is one (a plugin may register by its settings). A programme file
    that cannot be read is left out, its problems in ``programme_problems``,
    so that plugins can be listed while it is broken. Ids that two plugins
    registered are listed in ``conflicts`` rather than raised as
    `PluginConflict`, as the other functions do. ``cxframe plugins --json``
    prints the plugins as `cxframe.contracts._shapes.plugin_json` shapes them.

    >>> [plugin.name for plugin in cxframe.plugins().plugins]  # doctest: +SKIP
    """
    loaded: Programme | None = None
    problems: list[str] = []
    if isinstance(programme, Programme):
        loaded = programme
    elif programme is not None and (Path(programme) / PROGRAMME_FILE).exists():
        try:
            loaded = load_programme(programme)
        except InvalidInput as exc:
            problems = list(exc.messages)
    host = host if host is not None else load_plugins()
    registry = build_registry(host, loaded)
    listed = [_installed(registry, info.name, info.version, info.hooks) for info in host.plugin_infos()]
    return PluginListing(listed, list(registry.conflicts), problems)


def _installed(registry: Registry, name: str, version: str | None, hooks: Iterable[str]) -> InstalledPlugin:
    def ids(kind: str) -> tuple[str, ...]:
        return tuple(registry.kind(kind).by_plugin(name))

    return InstalledPlugin(
        name=name,
        version=version,
        hooks=tuple(hooks),
        collectors=ids("collectors"),
        metrics=ids("metrics"),
        assessments=ids("assessments"),
        checks=ids("checks"),
        reporters=ids("reporters"),
    )


@contextlib.contextmanager
def running(command: str, opened: Opened) -> Iterator[Run]:
    """A recorded run around some work; marked failed if the work raises."""
    run = start_run(command, opened.programme, opened.store, opened.host, opened.registry)
    try:
        yield run
    except BaseException:
        finish_run(run, "failed")
        raise
    finish_run(run)


def validate(programme: str | Path = ".", host: PluginHost | None = None) -> list[str]:
    """Every problem with a programme folder, or an empty list.

    Checks the file's keys and types, cross-references, that each source's
    collector is registered and its file exists, and that each objective's
    metric is registered.
    """
    try:
        loaded = load_programme(programme)
    except InvalidInput as exc:
        return exc.messages
    host = host if host is not None else load_plugins()
    before = len(host.failures)
    try:
        registry = build_registry(host, loaded)
    except InvalidInput as exc:  # a plugin that cannot make sense of its settings in the programme file
        return exc.messages
    problems = list(registry.conflicts)
    # a plugin that cannot make sense of its settings in the programme file says so by raising
    problems.extend(str(failure) for failure in host.failures[before:])
    where = str(loaded.file)
    for index, source in enumerate(loaded.document.sources):
        if source.collector not in registry.collectors:
            known = ", ".join(registry.collectors.ids()) or "none installed"
            problems.append(
                f"{where}: sources[{index}].collector: unknown collector {source.collector!r} (known: {known})"
            )
        else:
            collector = registry.collectors.get(source.collector)
            reader = source_reader(loaded, source.id)
            if collector.check_options is not None:
                problems.extend(f"{where}: sources[{index}]: {p}" for p in collector.check_options(reader))
        path = loaded.resolve(source.path)
        if path.is_dir():
            problems.append(f"{where}: sources[{index}].path: {source.path!r} is a folder, expected a file")
        elif not path.is_file():
            problems.append(f"{where}: sources[{index}].path: file {source.path!r} not found")
    for index, objective in enumerate(loaded.document.objectives):
        if objective.metric not in registry.metrics:
            known = ", ".join(registry.metrics.ids()) or "none installed"
            problems.append(
                f"{where}: objectives[{index}].metric: unknown metric {objective.metric!r} (known: {known})"
            )
    return problems


def collect(
    programme: ProgrammeLike = ".",
    sources: Sequence[str] = (),
    *,
    collector: str | None = None,
    encoding: str | None = None,
    columns: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    host: PluginHost | None = None,
    progress: Progress | None = None,
    on_detected: Callable[[str, Detection], object] | None = None,
) -> list[IngestSummary]:
    """Collect sources into the store and return one summary per source.

    ``sources`` are source ids from the programme file or file paths; empty
    means every source in the programme file. For a path that is not a source
    of the programme, ``collector``, ``columns`` and ``options`` are what a
    ``[[sources]]`` entry would say (only for such files: a declared source
    takes them from the programme file); given none of them, the file's
    layout is recognised (`detect_source`) and ``on_detected(file, detection)``
    told what was taken, or an `InvalidInput` asks for the mapping. ``encoding`` applies to every
    source collected. An ad-hoc file is named by its path relative to the
    programme folder when it lies inside it, else by its absolute path, so
    two files of the same name stay apart and a re-collected file keeps its
    name. Sources are collected one by one, each in its own transaction.

    >>> cxframe.collect("my-programme", ["exports/survey.csv"], collector="survey-csv",
    ...                 columns={"timestamp": "Date", "questions": {"nps": "Q1"}})  # doctest: +SKIP
    """
    with open_programme(programme, host) as opened:
        readers = readers_to_collect(
            opened.programme,
            sources,
            collector,
            encoding,
            columns,
            options,
            collectors=opened.registry.collectors,
            on_detected=on_detected,
        )
        summaries = []
        for reader in readers:
            chosen = opened.registry.collectors.get(reader.collector)
            summaries.append(ingest(opened.store, reader, chosen, progress=progress))
        return summaries


def detect_source(
    path: str | Path,
    programme: ProgrammeLike | None = None,
    *,
    encoding: str | None = None,
    host: PluginHost | None = None,
) -> Detection:
    """Recognise an export: its collector and the columns and options its ``[[sources]]`` entry would need.

    Every installed collector that can recognise files is asked; the single
    sure answer is returned (``describe(file)`` says what it took and left
    out, ``command(file)`` the explicit ``cxframe collect``). When no
    collector is sure, or two are, `InvalidInput` says so and shows the
    mapping to give. Nothing is stored.

    >>> cxframe.detect_source("exports/qualtrics.csv").columns  # doctest: +SKIP
    """
    loaded = load_programme(programme) if isinstance(programme, str | Path) else programme
    registry = build_registry(host if host is not None else load_plugins(), loaded)
    file = Path(path)
    name = adhoc_source_id(loaded, file) if loaded is not None else file.resolve().as_posix()
    return detect_file(
        file.resolve(), registry.collectors, source_id=name, encoding=encoding, programme=loaded, shown=str(path)
    )


def init_programme(
    directory: str | Path,
    *,
    example: str | None = None,
    force: bool = False,
    from_files: Sequence[str | Path] = (),
    host: PluginHost | None = None,
    on_detected: Callable[[str, Detection], object] | None = None,
) -> Path:
    """Write a new programme folder (or a worked ``example``) and return the path of its programme file.

    ``from_files`` are exports to start from: each is recognised
    (`detect_source`) and gets a ``[[sources]]`` entry, ready to edit; a file
    that is not recognised surely is an `InvalidInput` naming it, and nothing
    is written; ``on_detected(file, detection)`` is told what was taken. Refuses
    to overwrite an existing ``cxframe.toml`` unless ``force``.
    """
    root = Path(directory)
    detected = {}
    if from_files:
        collectors = build_registry(host if host is not None else load_plugins(), None).collectors
        for file in from_files:
            path = Path(file).resolve()
            try:  # as the programme file will name it: inside the folder relative to it, else absolute
                named = path.relative_to(root.resolve()).as_posix()
            except ValueError:
                named = path.as_posix()
            if named in detected:  # two entries for one file would store its responses twice
                raise InvalidInput([f"{file}: given twice to --from"])
            detected[named] = detect_file(path, collectors, source_id=named, shown=str(file))
            if on_detected is not None:
                on_detected(str(file), detected[named])
    return _init_programme(root, example=example, force=force, detected=detected)


def _definitions(registry: Registry, metrics: str | Iterable[str] | None) -> list[MetricDefinition]:
    """The definitions of ``metrics`` (one id or several), or of every registered metric when none is named."""
    wanted = [metrics] if isinstance(metrics, str) else list(metrics or ())
    return [registry.metrics.get(metric) for metric in wanted or registry.metrics.ids()]


def measure(
    programme: ProgrammeLike = ".",
    metrics: str | Iterable[str] | None = None,
    *,
    by: Sequence[str] = (),
    period: str | Period | None = None,
    confidence: float | None = None,
    host: PluginHost | None = None,
) -> list[MetricResult]:
    """Compute metrics (one id, several, or all registered by default) by segment and period; store and return them."""
    with open_programme(programme, host) as opened:
        definitions = _definitions(opened.registry, metrics)
        chosen_period = Period.parse(period)
        with running("measure", opened) as run:
            level = confidence if confidence is not None else run.confidence
            results: list[MetricResult] = []
            for definition in definitions:
                computed = compute_metric(
                    run.engine,
                    definition,
                    by=by,
                    period=chosen_period,
                    confidence=level,
                    min_sample=run.min_sample,
                )
                results.extend(protect(run, definition, computed, by, chosen_period))
            opened.store.write_metric_results(run.id, results)
        return results


def why_no_results(
    programme: ProgrammeLike,
    metrics: str | Iterable[str],
    results: Iterable[MetricResult] = (),
    *,
    host: PluginHost | None = None,
) -> list[str]:
    """For each of ``metrics`` without a result in ``results``: what it reads, and what is stored instead.

    One line per such metric, naming the question and population it reads
    and how many answers to that question the store holds from other
    populations (or that it holds none). ``cxframe measure --metric …``
    prints these when a metric it was asked for has no result.

    >>> results = cxframe.measure("my-programme", ["enps"])            # doctest: +SKIP
    >>> cxframe.why_no_results("my-programme", ["enps"], results)     # doctest: +SKIP
    ["enps: no answers to question 'enps' from population 'employee' (40 from population 'customer': ...)"]
    """
    measured = {result.metric for result in results}
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    missing = [metric for metric in wanted if metric not in measured]
    if not missing:
        return []
    hints = []
    with open_programme(programme, host) as opened:
        for metric in missing:
            definition = opened.registry.metrics.get(metric)
            stored = opened.store.answers_by_population(definition.question)
            hint = f"{metric}: no answers to question {definition.question!r} from population {definition.population!r}"
            if stored:
                found = ", ".join(f"{count} from population {population!r}" for population, count in stored)
                hint += f" ({found}: set options.population of the source that collects them)"
            else:
                hint += " (map a source's column to that question and run `cxframe collect`)"
            hints.append(hint)
    return hints


def compare(
    programme: ProgrammeLike = ".",
    metrics: str | Iterable[str] | None = None,
    *,
    against: str = "period",
    period: str | Period | None = None,
    by: Sequence[str] = (),
    confidence: float | None = None,
    adjust: str = "holm",
    host: PluginHost | None = None,
) -> list[ComparisonResult]:
    """Differences of metrics between periods or between segments, each with its interval and test.

    ``metrics`` is one metric id, several, or none (every registered metric);
    the results come metric by metric, in that order. ``against="period"``
    compares each ``period`` (required) with the previous period that has
    data, within each ``by`` segment; ``against=COLUMN`` compares each value
    of that segment column with all other observations pooled ("rest"), per
    ``period`` if given. p-values are adjusted over every comparison
    returned, all metrics, periods and segments together, by ``adjust``:
    ``"holm"`` (Holm–Bonferroni, the default) or ``"bh"`` (Benjamini–Hochberg,
    the false discovery rate; each result is then flagged ``fdr_bh``). A group
    that a privacy rule hides is not compared (nor counted in the adjustment). Nothing is stored. See `cxframe.measurement._comparisons` for
    the statistics; ``cxframe measure --compare … --json`` prints these
    results as `cxframe.contracts._shapes.comparison_json` shapes them.

    >>> cxframe.compare("my-programme", "nps", period="month", by=["region"])  # doctest: +SKIP
    >>> cxframe.compare("my-programme", ["nps", "csat"], against="region")   # doctest: +SKIP
    >>> cxframe.compare("my-programme", "nps", period="week", adjust="bh")   # doctest: +SKIP
    """
    check_adjustment(adjust)
    chosen_period = Period.parse(period)
    with open_programme(programme, host) as opened:
        definitions = _definitions(opened.registry, metrics)
        settings = opened.programme.settings
        level = confidence if confidence is not None else settings.confidence
        engine = SQLiteEngine(opened.store)
        compared = [
            (definition, _comparisons(engine, definition, against, chosen_period, by, level, settings.min_sample))
            for definition in definitions
        ]
        if not compared:
            return []
        groups = list(by) if against == "period" else list(dict.fromkeys([against, *by]))
        results: list[ComparisonResult] = []
        with running("compare", opened) as run:
            for definition, found in compared:
                hidden = _suppressed_groups(run, definition, groups, chosen_period)
                # a group a privacy rule hides is not compared either: its difference would give it away
                results.extend(result for result in found if _shown(result, hidden, against))
        # one family: everything the caller asked for
        return adjust_comparisons(results, adjust)


def _comparisons(
    engine: SQLiteEngine,
    definition: MetricDefinition,
    against: str,
    period: Period | None,
    by: Sequence[str],
    confidence: float,
    min_sample: int,
) -> list[ComparisonResult]:
    if against != "period":
        return compare_segments(
            engine, definition, against, by=by, period=period, confidence=confidence, min_sample=min_sample
        )
    if period is None:
        known = ", ".join(p.value for p in Period)
        raise InvalidInput([f"comparing periods needs a period to group by ({known})"])
    return compare_periods(engine, definition, period, by=by, confidence=confidence, min_sample=min_sample)


_Hidden = set[tuple[tuple[tuple[str, str | None], ...], str | None]]


def _shown(result: ComparisonResult, hidden: _Hidden, against: str) -> bool:
    """Whether neither side of ``result`` is a group that is ``hidden``."""
    segment = tuple(sorted(result.segment.items()))
    baseline_period = result.baseline if against == "period" else result.period
    return (segment, result.period) not in hidden and (segment, baseline_period) not in hidden


def _suppressed_groups(run: Run, definition: MetricDefinition, by: Sequence[str], period: Period | None) -> _Hidden:
    computed = compute_metric(run.engine, definition, by=by, period=period, confidence=run.confidence)
    protected = protect(run, definition, computed, by, period)
    return {(tuple(sorted(r.segment.items())), r.period) for r in protected if "suppressed" in r.flags}


def _planned_metric(
    programme: ProgrammeLike, metric: str, confidence: float | None, host: PluginHost | None
) -> tuple[MetricDefinition, float]:
    """The metric's definition from the programme's registry, and the confidence level (default: the programme's)."""
    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    host = host if host is not None else load_plugins()
    registry = build_registry(host, loaded)
    registry.raise_conflicts()
    level = confidence if confidence is not None else loaded.settings.confidence
    return registry.metrics.get(metric), level


def _expected(expected: str | Mapping[str, float] | None) -> Mapping[str, float] | None:
    return parse_expected(expected) if isinstance(expected, str) else expected


def plan_sample_size(
    programme: ProgrammeLike = ".",
    metric: str = "nps",
    margin: float = 5,
    *,
    expected: str | Mapping[str, float] | None = None,
    confidence: float | None = None,
    population: int | None = None,
    sd: float | None = None,
    host: PluginHost | None = None,
) -> SampleSizePlan:
    """The answers a survey needs for ``metric`` to have an interval of half-width ``margin``.

    ``margin`` is on the metric's reported scale (NPS points, % for shares,
    the scale's units for means). ``expected`` are the shares the sample is
    expected to show (``{"promoters": 0.45, "detractors": 0.2}`` for NPS,
    ``{"share": 0.8}`` for a share, or the same as ``"key=value,…"``); without
    them, the worst case. A mean takes ``sd``, the expected standard
    deviation of one answer (default: the worst case on its scale,
    (max − min) / 2). ``population`` applies the finite-population
    correction. ``confidence`` defaults to the programme's setting. Nothing
    is read from the store. See `cxframe.measurement._planning` for the formulas.

    >>> cxframe.plan_sample_size("my-programme", "nps", 5).n  # doctest: +SKIP
    1537
    """
    definition, level = _planned_metric(programme, metric, confidence, host)
    return sample_size(definition, margin, confidence=level, expected=_expected(expected), population=population, sd=sd)


def plan_mdd(
    programme: ProgrammeLike = ".",
    metric: str = "nps",
    n: int = 400,
    *,
    power: float = 0.8,
    expected: str | Mapping[str, float] | None = None,
    confidence: float | None = None,
    sd: float | None = None,
    host: PluginHost | None = None,
) -> DetectablePlan:
    """The minimum detectable difference of ``metric`` between two periods or segments of ``n`` answers each.

    A two-sided test at level 1 − ``confidence`` (default: the programme's
    setting) detects a true difference of at least ``mdd`` (on the metric's
    reported scale) with probability ``power``. ``expected`` and ``sd`` are
    as for `plan_sample_size`.

    >>> round(cxframe.plan_mdd("my-programme", "nps", 400).mdd, 1)  # doctest: +SKIP
    19.8
    """
    definition, level = _planned_metric(programme, metric, confidence, host)
    return detectable_difference(definition, n, confidence=level, power=power, expected=_expected(expected), sd=sd)


def check(programme: ProgrammeLike = ".", *, host: PluginHost | None = None) -> list[CheckResult]:
    """Run every registered check; store and return the results."""
    with open_programme(programme, host) as opened, running("check", opened) as run:
        results = run_checks(run)
        opened.store.write_check_results(run.id, results)
        return results


def run_lifecycle(
    programme: ProgrammeLike = ".", stages: Iterable[Stage | str] | None = None, *, host: PluginHost | None = None
) -> list[StageOutcome]:
    """Walk the lifecycle stages (all by default) and return what each produced."""
    chosen = [Stage(s) for s in stages] if stages is not None else None
    with open_programme(programme, host) as opened, running("run", opened) as run:
        return walk(run, chosen)


def assess(
    programme: ProgrammeLike = ".",
    *,
    model: str | None = None,
    answers: str | Path | None = None,
    host: PluginHost | None = None,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    ask: Callable[[str, str], tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Assess a programme: walk the lifecycle, score the maturity model, derive findings and actions.

    Returns the assessment document (also kept in the store for ``report``).
    ``answers`` is a questionnaire file (default: ``answers.toml`` in the
    programme folder); ``ask`` interviews for what neither evidence nor answers decide.
    """
    from cxframe.assess._assessment import run_assessment

    with open_programme(programme, host) as opened, running("assess", opened) as run:
        answers_file = Path(answers) if answers is not None else None
        return run_assessment(run, model=model, answers_file=answers_file, today=today, progress=progress, ask=ask)


def _for_reader(opened: Opened, document: Mapping[str, Any], role: str, lang: str) -> dict[str, Any]:
    """``document`` for ``role`` and ``lang``: the view set, the plugins' sections built for it."""
    from cxframe.reporters._sections import build_sections

    view: dict[str, Any] = {**document, "view": {"role": role, "lang": lang}}
    failures = opened.host.failures
    before = len(failures)
    view["sections"] = build_sections(view, opened.registry.report_sections.registered(), failures)
    if len(failures) > before:  # the report says what failed while it was rendered, as provenance
        run = dict(view.get("run") or {})
        listed = list(run.get("plugin_failures") or [])
        run["plugin_failures"] = listed + [str(f) for f in failures[before:] if str(f) not in listed]
        view["run"] = run
    return view


def report_document(
    programme: ProgrammeLike,
    document: Mapping[str, Any],
    *,
    role: str = "cx-lead",
    lang: str = "en",
    host: PluginHost | None = None,
) -> dict[str, Any]:
    """The assessment document as the reporters get it for ``role`` and ``lang`` (what ``assessment.json`` holds).

    Its ``view`` names the reader, and its ``sections`` are the plugins' report
    sections built for them by the installed plugins.
    """
    problems = _choice_problems(None, role=role, lang=lang)
    if problems:
        raise InvalidInput(problems)
    with open_programme(programme, host) as opened:
        return _for_reader(opened, document, role, lang)


def report(
    programme: ProgrammeLike = ".",
    *,
    run_id: int | None = None,
    formats: Sequence[str] | None = None,
    role: str = "cx-lead",
    lang: str = "en",
    out: str | Path | None = None,
    document: dict[str, Any] | None = None,
    host: PluginHost | None = None,
) -> list[Path]:
    """Render an assessment with the reporters (all by default) into ``out`` (default ``reports/``).

    The files are named ``assessment<suffix>`` for the default reader (``cx-lead``
    in ``en``) and ``assessment.<role>.<lang><suffix>`` for any other, so another
    reader's render never overwrites the complete reports; with ``out`` given, the
    folder is the caller's choice and the files in it are ``assessment<suffix>``.

    Without ``document``, the stored assessment of ``run_id`` (default: the latest)
    is rendered again, without recomputing anything: the plugins' report sections
    are built again from it, for ``role`` and ``lang``. A reporter or a section
    that fails is reported like any plugin failure and the others still write.
    """
    from cxframe.assess._assessment import DOCUMENT_VERSION, report_stem, write_reports

    problems = _choice_problems(None, role=role, lang=lang)
    if problems:
        raise InvalidInput(problems)
    with open_programme(programme, host) as opened:
        if document is None:
            document = opened.store.assessment_document(run_id)
            if document is None:
                which = f"run {run_id}" if run_id is not None else "this programme"
                raise InvalidInput([f"no stored assessment for {which}: run `cxframe assess` first"])
            if document.get("version") != DOCUMENT_VERSION:
                raise InvalidInput(
                    [
                        f"the stored assessment of run {document.get('run', {}).get('id')} is version "
                        f"{document.get('version')!r}; this cxframe renders version {DOCUMENT_VERSION}: "
                        "run `cxframe assess` again"
                    ]
                )
        reporters = opened.registry.reporters
        chosen = list(formats) if formats else reporters.ids()
        problems = _choice_problems(opened.registry, formats=chosen)
        if problems:
            raise InvalidInput(problems)
        view = _for_reader(opened, document, role, lang)
        folder = Path(out) if out is not None else opened.programme.root / "reports"
        stem = "assessment" if out is not None else report_stem(role, lang)
        written: list[Path] = []
        for reporter_id in chosen:
            reporter = reporters.get(reporter_id)
            try:
                written += write_reports(view, [reporter], folder, stem)
            except Exception as exc:  # a reporter's bug must not lose the other reports
                opened.host.failures.append(
                    PluginFailure(
                        reporters.plugin_of(reporter_id), f"reporter {reporter_id}", f"{type(exc).__name__}: {exc}"
                    )
                )
        return written


def validate_choices(
    programme: ProgrammeLike = ".",
    *,
    model: str | None = None,
    formats: Iterable[str] = (),
    role: str | None = None,
    lang: str | None = None,
    host: PluginHost | None = None,
) -> list[str]:
    """Every problem with the choices for `assess` and `report`, or an empty list.

    An unknown maturity ``model``, reporter id in ``formats``, ``role`` or
    ``lang``, each worded as `assess` and `report` raise it. Those find them
    only once they are under way (`assess` after its run has started); ask
    here first to stop before any work, as ``cxframe assess`` does.
    """
    with open_programme(programme, host) as opened:
        return _choice_problems(opened.registry, model=model, formats=formats, role=role, lang=lang)


def _choice_problems(
    registry: Registry | None,
    *,
    model: str | None = None,
    formats: Iterable[str] = (),
    role: str | None = None,
    lang: str | None = None,
) -> list[str]:
    """The problems with these choices; ``model`` and ``formats`` are looked up only with a ``registry``."""
    from cxframe.contracts._sections import ROLES
    from cxframe.reporters._i18n import LANGUAGES

    problems = []
    if role is not None and role not in ROLES:
        problems.append(f"--role: expected one of {', '.join(ROLES)}, got {role!r}")
    if lang is not None and lang not in LANGUAGES:
        problems.append(f"--lang: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    if registry is None:
        return problems
    models, reporters = registry.assessments, registry.reporters
    if model is not None and model not in models:
        known = ", ".join(models.ids()) or "none (install a plugin that registers one)"
        problems.append(f"--model: no maturity model {model!r} (models: {known})")
    unknown = [f for f in formats if f not in reporters]
    if unknown:
        problems.append(
            f"--format: no reporter {', '.join(map(repr, unknown))} (reporters: {', '.join(reporters.ids())})"
        )
    return problems


def on_store_wait(notice: Callable[[str], object] | None) -> None:
    """Have ``notice(path)`` called when a write to a store must wait for another command writing to it.

    The CLI prints "waiting for another cxframe command …"; a program may log it. ``None`` says nothing.
    """
    from cxframe.store import _locking

    _locking.on_wait = notice


def forget(programme: ProgrammeLike = ".", source: str = "", *, host: PluginHost | None = None) -> Forgotten:
    """Remove everything stored from ``source`` — its records, ingests and rejects — in one transaction.

    The programme file is not changed: a source still declared there is
    collected again by the next `collect`. Raises `InvalidInput` naming the
    stored sources when ``source`` is not one of them.
    """
    with open_programme(programme, host) as opened:
        return forget_source(opened.store, source)


def is_example(directory: str | Path, example: str) -> bool:
    """Whether the programme in ``directory`` is the worked ``example`` (its name; edits since do not matter)."""
    written = Path(directory) / PROGRAMME_FILE
    try:
        name = tomllib.loads(written.read_text(encoding="utf-8")).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return bool(name == tomllib.loads(example_programme(example)).get("name"))

"""Checks, the lifecycle walk, the assessment and its reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cxframe.api._opening import Opened, ProgrammeLike, open_programme, running
from cxframe.contracts._errors import InvalidInput, ReadOnlyError
from cxframe.contracts._records import CheckResult
from cxframe.contracts._stages import Stage, StageOutcome
from cxframe.host._manager import PluginFailure, PluginHost
from cxframe.host._registry import Registry
from cxframe.lifecycle._checks import run_checks
from cxframe.lifecycle._walk import walk


def check(programme: ProgrammeLike = ".", *, host: PluginHost | None = None) -> list[CheckResult]:
    """Run every registered check; store and return the results (only return them on a read-only store)."""
    with open_programme(programme, host) as opened, running("check", opened) as run:
        results = run_checks(run)
        if not opened.store.read_only:
            opened.store.write_check_results(run.id, results)
        return results


def run_lifecycle(
    programme: ProgrammeLike = ".", stages: Iterable[Stage | str] | None = None, *, host: PluginHost | None = None
) -> list[StageOutcome]:
    """Walk the lifecycle stages (all by default) and return what each produced."""
    chosen = [Stage(s) for s in stages] if stages is not None else None
    with open_programme(programme, host) as opened:
        opened.store.require_writable("run")
        with running("run", opened) as run:
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
    from cxframe.assessment._assessment import run_assessment

    with open_programme(programme, host) as opened:
        opened.store.require_writable("assess")
        with running("assess", opened) as run:
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
    """The assessment document for ``role`` and ``lang``, as the JSON reporter writes it (``assessment.json``).

    Its ``view`` names the reader, and its ``sections`` are the plugins' report
    sections built for them by the installed plugins. The CX lead's is complete;
    another reader's holds what their reports show (`reader_document`: no raw
    evidence, lists cut as their reports cut them, ``view.left_out`` counting
    what was left out).
    """
    from cxframe.reporters._views import reader_document

    problems = _choice_problems(None, role=role, lang=lang)
    if problems:
        raise InvalidInput(problems)
    with open_programme(programme, host) as opened:
        return dict(reader_document(_for_reader(opened, document, role, lang)))


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
    from cxframe.assessment._assessment import DOCUMENT_VERSION, report_stem, write_reports

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
            except ReadOnlyError:
                raise  # no reporter can write there: say so once, as an error
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

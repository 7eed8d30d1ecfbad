"""The programme folder: ``cxframe.toml`` beside the store ``cxframe.db``.

The programme file is TOML, edited by people, so every problem is reported
with the file, the key path and what was expected, all at once.
See ``docs/programme.md`` for the reference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from cxframe.contracts._convert import structure
from cxframe.contracts._errors import InvalidInput
from cxframe.contracts._records import Action, ActionStatus, Journey, Objective, Persona, Touchpoint, WeightedVariance

PROGRAMME_FILE = "cxframe.toml"


@attrs.frozen
class Stakeholder:
    name: str
    needs: tuple[str, ...] = ()
    role: str = ""


@attrs.frozen
class Context:
    """The context stage: who the programme is for and what shapes it."""

    organisation: str = ""
    scope: str = ""
    sponsor: str | None = None
    strategy: str = ""
    internal_factors: tuple[str, ...] = ()
    external_factors: tuple[str, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()


@attrs.frozen
class Source:
    """A data source named in the programme file, read by one collector.

    ``columns`` maps what the collector needs to the source's column names;
    ``options`` holds anything else the collector understands.
    """

    id: str
    collector: str
    path: str
    encoding: str | None = None
    columns: dict[str, Any] = attrs.field(factory=dict)
    options: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Settings:
    confidence: float = attrs.field(default=0.95, validator=[attrs.validators.gt(0), attrs.validators.lt(1)])
    min_sample: int = attrs.field(default=30, validator=attrs.validators.ge(1))
    store: str = "cxframe.db"
    #: how weighted (or respondent-clustered) results get their variance (see `cxframe.WeightedVariance`)
    weighted_variance: WeightedVariance = WeightedVariance.LINEARISED
    #: answers with the same respondent id are one cluster (not independent) in every interval
    respondent_clusters: bool = True
    #: the Spark master URL ``--engine spark`` runs on when no ``--master`` is given (default ``local[*]``)
    spark_master: str | None = None


@attrs.frozen
class ProgrammeFile:
    """The document in ``cxframe.toml``."""

    name: str
    context: Context = Context()
    objectives: tuple[Objective, ...] = ()
    personas: tuple[Persona, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    journeys: tuple[Journey, ...] = ()
    journey_files: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    #: the organisation's own improvement actions (the improve stage's register)
    actions: tuple[Action, ...] = ()
    settings: Settings = Settings()
    plugins: dict[str, dict[str, Any]] = attrs.field(factory=dict)


@attrs.frozen
class Programme:
    """An open programme folder: where it is, and what its file says.

    Journeys from ``journey_files`` are merged into `journeys`.
    """

    root: Path
    document: ProgrammeFile
    journeys: tuple[Journey, ...]
    content_hash: str
    #: where each of `journeys` was written: ``(file, key path of the journey in it)``
    journey_origins: tuple[tuple[str, str], ...] = ()

    @property
    def file(self) -> Path:
        return self.root / PROGRAMME_FILE

    @property
    def name(self) -> str:
        return self.document.name

    @property
    def settings(self) -> Settings:
        return self.document.settings

    @property
    def store_path(self) -> Path:
        return self.root / self.document.settings.store

    def source(self, id: str) -> Source:
        for source in self.document.sources:
            if source.id == id:
                return source
        known = ", ".join(s.id for s in self.document.sources) or "none"
        raise InvalidInput([f"no source with id {id!r} (sources: {known})"], where=str(self.file))

    def resolve(self, path: str) -> Path:
        """A path from the programme file, relative to the programme folder."""
        candidate = Path(path)
        return candidate if candidate.is_absolute() else self.root / candidate

    def plugin_settings(self, plugin: str) -> dict[str, Any]:
        """The ``[plugins.NAME]`` table, empty when absent.

        Names compare as package names do (`package_name`): ``[plugins.cxframe_nps]``
        is ``cxframe-nps``'s table (`load_programme` refuses two tables of one name).
        """
        wanted = package_name(plugin)
        for name, table in self.document.plugins.items():
            if package_name(name) == wanted:
                return table
        return {}


def package_name(name: str) -> str:
    """``name`` as package indexes compare names (PEP 503): lower case, runs of ``-_.`` one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _nearest_programme(folder: Path) -> Path | None:
    """The closest folder above ``folder`` with a programme file, if any."""
    return next((parent for parent in folder.resolve().parents if (parent / PROGRAMME_FILE).is_file()), None)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        hint = f"run `cxframe init {path.parent}` to create one"
        nearest = _nearest_programme(path.parent)
        if nearest is not None:
            # a command run in a programme's subfolder (its data/, its reports/): say where the programme is
            hint = f"the nearest programme is in {nearest}: run the command there or with `-C {nearest}`; or {hint}"
        raise InvalidInput([f"no programme file here; {hint}"], where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InvalidInput([f"not UTF-8 text ({exc.reason} at byte {exc.start})"], where=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput([f"not valid TOML: {exc}"], where=str(path)) from None


def load_programme(root: str | Path = ".") -> Programme:
    """Read and check the programme in folder ``root``.

    Raises `InvalidInput` listing every problem found, each naming the
    file and the key.
    """
    root = Path(root)
    file = root / PROGRAMME_FILE
    if root.is_file() and root.name.endswith(".toml"):
        root, file = root.parent, root
    if not root.is_dir():
        raise InvalidInput([f"programme folder {root} does not exist"])
    raw = _read_toml(file)
    document = structure(raw, ProgrammeFile, where=str(file))
    journeys = list(document.journeys)
    origins = [(str(file), f"journeys[{index}]") for index in range(len(journeys))]
    problems: list[str] = []
    hasher = hashlib.sha256(file.read_bytes())
    for index, pattern in enumerate(document.journey_files):
        matches = sorted(root.glob(pattern))
        if not matches:
            problems.append(f"{file}: journey_files[{index}]: no file matches {pattern!r}")
        for journey_file in matches:
            hasher.update(journey_file.read_bytes())
            try:
                journeys.append(structure(_read_toml(journey_file), Journey, where=str(journey_file)))
                origins.append((str(journey_file), ""))
            except InvalidInput as exc:
                problems.extend(exc.messages)
    if problems:
        raise InvalidInput(problems)
    programme = Programme(
        root=root,
        document=document,
        journeys=tuple(journeys),
        content_hash=hasher.hexdigest(),
        journey_origins=tuple(origins),
    )
    problems = list(cross_reference_problems(programme))
    if problems:
        raise InvalidInput(problems)
    return programme


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    duplicated = []
    for id in ids:
        if id in seen and id not in duplicated:
            duplicated.append(id)
        seen.add(id)
    return duplicated


def cross_reference_problems(programme: Programme) -> Iterable[str]:
    """Problems no single key shows: duplicate ids, references to ids that do not exist.

    Each message starts with the file it is in (a journey file for journeys read from one).
    """
    doc = programme.document
    file = str(programme.file)
    for section, items in (
        ("touchpoints", doc.touchpoints),
        ("personas", doc.personas),
        ("objectives", doc.objectives),
        ("journeys", programme.journeys),
        ("sources", doc.sources),
        ("actions", doc.actions),
    ):
        for dup in _duplicates(item.id for item in items):
            yield f"{file}: {section}: id {dup!r} is used more than once"
    yield from _plugin_table_problems(file, doc.plugins)
    touchpoint_ids = {t.id for t in doc.touchpoints}
    persona_ids = {p.id for p in doc.personas}
    origins = programme.journey_origins or tuple((file, f"journeys[{j}]") for j in range(len(programme.journeys)))
    for journey, (origin, prefix) in zip(programme.journeys, origins, strict=True):
        at = f"{origin}: {prefix}." if prefix else f"{origin}: "
        if journey.persona is not None and journey.persona not in persona_ids:
            known = ", ".join(sorted(persona_ids)) or "none"
            yield f"{at}persona: unknown persona {journey.persona!r} (personas: {known})"
        for dup in _duplicates(stage.id for stage in journey.stages):
            yield f"{at}stages: stage id {dup!r} is used more than once"
        if journey.stages and not any(journey.is_final(s) for s in range(len(journey.stages))):
            # with no final stage every case would end in a drop-off: nobody could complete the journey
            yield (
                f"{at}stages[{len(journey.stages) - 1}].final: the journey has no final stage; remove "
                "final = false here or set final = true on the stage where customers complete it"
            )
        for s, stage in enumerate(journey.stages):
            for t, touchpoint in enumerate(stage.touchpoints):
                if touchpoint not in touchpoint_ids:
                    yield f"{at}stages[{s}].touchpoints[{t}]: unknown touchpoint {touchpoint!r}"
            for t, touchpoint in enumerate(stage.moments_of_truth):
                if touchpoint not in stage.touchpoints:
                    yield f"{at}stages[{s}].moments_of_truth[{t}]: {touchpoint!r} is not a touchpoint of this stage"
    for a, action in enumerate(doc.actions):
        if action.touchpoint is not None and action.touchpoint not in touchpoint_ids:
            yield f"{file}: actions[{a}].touchpoint: unknown touchpoint {action.touchpoint!r}"
        if action.id.startswith("action:"):
            yield f"{file}: actions[{a}].id: ids starting with 'action:' are kept for the actions cxframe proposes"
        yield from _action_done_problems(f"{file}: actions[{a}]", action)


def _plugin_table_problems(file: str, tables: dict[str, Any]) -> Iterable[str]:
    """``[plugins.NAME]`` tables that name one plugin twice (``cxframe_nps`` and ``cxframe-nps``): only one would be read."""
    first: dict[str, str] = {}
    for name in tables:
        earlier = first.setdefault(package_name(name), name)
        if earlier != name:
            yield (
                f"{file}: plugins.{name}: the same plugin's settings as plugins.{earlier} (names compare as package "
                "names do: case, '-', '_' and '.' are alike), so only one table would be read; merge them into one"
            )


#: Statuses an action with a ``done`` date cannot have: it was not finished then.
_NOT_FINISHED = (ActionStatus.PROPOSED, ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


def _action_done_problems(at: str, action: Action) -> Iterable[str]:
    """A done date that has not come yet or on an unfinished action; an empty segment entry; a segment it cannot compare."""
    if action.done is not None:
        today = dt.date.today()
        if action.done > today:
            yield f"{at}.done: {action.done.isoformat()} is in the future (today is {today.isoformat()}) ({action.id})"
        if action.status in _NOT_FINISHED:
            yield (
                f"{at}.done: set, but status is {action.status.value!r} ({action.id}); "
                'set status = "done", or remove done'
            )
    for column, value in action.segment.items():
        if not column.strip() or not str(value).strip():
            yield f'{at}.segment: expected COLUMN = "VALUE" pairs such as {{region = "North"}}, got {action.segment!r}'
    if action.segment and action.touchpoint is None and len(action.segment) > 1:
        yield (
            f'{at}.segment: name one column (e.g. {{region = "North"}}), or set touchpoint and let segment '
            f"narrow it ({action.id}): the effect compares that column's other values"
        )


def file_hashes(path: Path, prefix: int | None = None) -> tuple[str, str | None]:
    """SHA-256 of a file's bytes, and of its first ``prefix`` bytes (None when it is shorter or not asked).

    Both in one read: whether a file only grew since it was last read is
    whether its first (old size) bytes still hash to the old hash.
    """
    hasher = hashlib.sha256()
    start: str | None = None
    done = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            if prefix is not None and start is None and done + len(chunk) >= prefix:
                cut = prefix - done
                hasher.update(chunk[:cut])
                start = hasher.hexdigest()  # hexdigest leaves the hasher as it was
                hasher.update(chunk[cut:])
            else:
                hasher.update(chunk)
            done += len(chunk)
    if prefix == 0 and start is None:  # an empty file
        start = hasher.hexdigest()
    return hasher.hexdigest(), start

"""The action register: listed with the last assessment's proposals, edited in the programme file, and its effects.

The register stays where the organisation declares it, in ``[[actions]]`` of
``cxframe.toml``: it is reviewed like the rest of the programme, in version
control, and every run stores it with its status (so its history can be
followed in the store). ``cxframe actions add`` and ``update`` edit that file
with tomlkit, which keeps its comments, order and layout; the edited text is
validated as a programme (with the installed plugins' metrics) before it
replaces the file, through a temporary file in the same folder and an atomic
rename, so a bad edit leaves the file as it was.

>>> import cxframe_improve
>>> cxframe_improve.action_register("my-programme", overdue=True)           # doctest: +SKIP
>>> cxframe_improve.update_action("my-programme", "fix-ivr", status="done", done="2026-03-01")  # doctest: +SKIP
>>> cxframe_improve.action_effect("my-programme", "fix-ivr", window_days=90).to_json()  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from cxframe import (
    ActionStatus,
    InvalidInput,
    PluginHost,
    Programme,
    SQLiteEngine,
    load_programme,
    open_programme,
)
from cxframe_improve.effect import DEFAULT_WINDOW_DAYS, ActionEffect, find_action, measure_effect

ProgrammeLike = str | Path | Programme
#: statuses of an action nobody has to act on any more (never overdue)
FINISHED = (ActionStatus.DONE.value, ActionStatus.DROPPED.value)
STATUSES = tuple(status.value for status in ActionStatus)
#: the keys `add_action` and `update_action` write, in the order a new action is written
FIELDS = ("title", "owner", "due", "status", "done", "metric", "touchpoint", "segment", "finding")


@attrs.frozen
class RegisterEntry:
    """One row of ``cxframe actions list``: an action of the register or a proposal of the last assessment."""

    id: str
    title: str
    #: ``register`` (the programme file's ``[[actions]]``) or ``proposed`` (the last assessment's proposals)
    kind: str
    status: str
    owner: str | None
    due: str | None
    done: str | None
    metric: str | None
    touchpoint: str | None
    segment: dict[str, str]
    finding: str | None
    priority: float | None
    overdue: bool

    def to_json(self) -> dict[str, Any]:
        """The ``actions list --json`` shape."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "status": self.status,
            "owner": self.owner,
            "due": self.due,
            "overdue": self.overdue,
            "done": self.done,
            "metric": self.metric,
            "touchpoint": self.touchpoint,
            "segment": dict(self.segment),
            "finding": self.finding,
            "priority": self.priority,
        }


def _overdue(status: str, due: str | None, today: dt.date) -> bool:
    return due is not None and status not in FINISHED and dt.date.fromisoformat(due) < today


def _entries(programme: Programme, proposals: Sequence[Mapping[str, Any]], today: dt.date) -> list[RegisterEntry]:
    found = []
    for action in programme.document.actions:
        due = None if action.due is None else action.due.isoformat()
        found.append(
            RegisterEntry(
                id=action.id,
                title=action.title,
                kind="register",
                status=action.status.value,
                owner=action.owner,
                due=due,
                done=None if action.done is None else action.done.isoformat(),
                metric=action.metric,
                touchpoint=action.touchpoint,
                segment=dict(action.segment),
                finding=action.finding,
                priority=action.priority,
                overdue=_overdue(action.status.value, due, today),
            )
        )
    for proposal in proposals:
        status = str(proposal.get("status") or ActionStatus.PROPOSED.value)
        due = proposal.get("due")
        found.append(
            RegisterEntry(
                id=str(proposal["id"]),
                title=str(proposal.get("title") or ""),
                kind="proposed",
                status=status,
                owner=proposal.get("owner"),
                due=due,
                done=proposal.get("done"),
                metric=proposal.get("metric"),
                touchpoint=proposal.get("touchpoint"),
                segment=dict(proposal.get("segment") or {}),
                finding=proposal.get("finding"),
                priority=proposal.get("priority"),
                overdue=_overdue(status, due, today),
            )
        )
    return found


def action_register(
    programme: ProgrammeLike = ".",
    *,
    overdue: bool = False,
    today: dt.date | None = None,
    host: PluginHost | None = None,
) -> list[RegisterEntry]:
    """The register's actions (in file order), then the last assessment's proposals (by priority).

    ``overdue``: only actions past their due date (at ``today``) and not done or dropped.
    """
    with open_programme(programme, host) as opened:
        proposals = _open_proposals(opened.programme, _proposals(opened.store.assessment_document()))
        found = _entries(opened.programme, proposals, today or dt.date.today())
    return [entry for entry in found if entry.overdue] if overdue else found


#: the prefix of the ids cxframe gives the actions it proposes (the programme file may not use it)
PROPOSED_PREFIX = "action:"


def _proposals(document: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The last assessment's proposed actions (ids ``action:…``), by priority."""
    return [a for a in (document or {}).get("actions", []) if str(a.get("id", "")).startswith(PROPOSED_PREFIX)]


def adopted_id(proposal: str) -> str:
    """The register id a proposal gets when it is adopted: its id without ``action:`` (the finding it answers)."""
    return proposal.removeprefix(PROPOSED_PREFIX)


def _open_proposals(programme: Programme, proposals: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The proposals not adopted yet: none whose id, or finding, a register action (not dropped) already has."""
    ids = {action.id for action in programme.document.actions}
    answered = {
        action.finding
        for action in programme.document.actions
        if action.finding and action.status is not ActionStatus.DROPPED
    }
    return [
        p
        for p in proposals
        if adopted_id(str(p["id"])) not in ids and (p.get("finding") is None or p.get("finding") not in answered)
    ]


def action_effect(
    programme: ProgrammeLike,
    action: str,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    control: Sequence[str] | None = None,
    host: PluginHost | None = None,
    today: dt.date | None = None,
) -> ActionEffect:
    """The measured effect of the register's action ``action`` (``to_json()`` is ``actions effect --json``).

    Its metric in the ``window_days`` days from its done date against the
    ``window_days`` days before, restricted to its touchpoint or segment, with a
    difference-in-differences against ``control`` (default: every other
    touchpoint or segment value with answers in both windows). An action
    without a done date or metric, or without answers in both windows, raises
    `cxframe.InvalidInput` saying so. An after-window that is not over on
    ``today`` (default: the date today) gives a provisional effect.
    """
    with open_programme(programme, host) as opened:
        settings = opened.programme.settings
        engine = SQLiteEngine(
            opened.store, variance=settings.weighted_variance, respondent_clusters=settings.respondent_clusters
        )
        return measure_effect(
            opened.programme,
            engine,
            opened.registry.metrics,
            action,
            window_days=window_days,
            control=control,
            confidence=settings.confidence,
            min_sample=settings.min_sample,
            today=today,
        )


# --- editing the programme file --------------------------------------------------------------------


def _date(value: str | dt.date | None, key: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput([f"{key}: expected a date YYYY-MM-DD, got {value!r}"]) from None


def _segment(value: Mapping[str, str] | Sequence[str] | None) -> dict[str, str] | None:
    """A segment from ``{column: value}`` or ``["COLUMN=VALUE", …]`` (the command line's form)."""
    if value is None or isinstance(value, Mapping):
        return None if value is None else dict(value)
    found: dict[str, str] = {}
    for pair in value:
        column, equals, wanted = pair.partition("=")
        if not equals or not column.strip() or not wanted.strip():
            raise InvalidInput([f"--segment {pair!r}: expected COLUMN=VALUE, e.g. region=North"])
        found[column.strip()] = wanted.strip()
    return found


def _changes(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The keys to write, checked and in TOML's types (dates as dates, a segment as an inline table)."""
    import tomlkit

    problems = [f"{key}: unknown field (known: {', '.join(FIELDS)})" for key in fields if key not in FIELDS]
    if problems:
        raise InvalidInput(problems)
    written: dict[str, Any] = {}
    for key in FIELDS:
        if key not in fields or fields[key] is None:
            continue
        value = fields[key]
        if key in ("due", "done"):
            value = _date(value, f"--{key}")
        elif key == "segment":
            table = tomlkit.inline_table()
            table.update(_segment(value) or {})
            value = table
        elif key == "status":
            value = value.value if isinstance(value, ActionStatus) else str(value)
            if value not in STATUSES:
                raise InvalidInput([f"--status {value!r}: expected one of {', '.join(STATUSES)}"])
        else:
            value = str(value)
        written[key] = value
    return written


def _actions_of(document: Any, file: Path) -> Any:
    actions = document.get("actions")
    if actions is None:
        import tomlkit

        actions = tomlkit.aot()
        document.append("actions", actions)
    if not isinstance(actions, list):
        raise InvalidInput([f"actions: expected [[actions]] tables, got {type(actions).__name__}"], where=str(file))
    return actions


def _edit(programme: ProgrammeLike, host: PluginHost | None, change: Any) -> Programme:
    """Apply ``change(document, file)`` to the programme file's TOML, check the result, then replace the file.

    The new text is written to a temporary file beside the programme file and
    loaded as a programme (with the plugins' metrics checked); only then does
    it replace the file (an atomic rename). Any problem leaves the file as it was.
    """
    import tomlkit

    from cxframe import load_plugins, validate

    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    host = host if host is not None else load_plugins()
    # absolute, as the temporary file beside it is: both are then named alike in the problems compared below
    file = loaded.file.resolve()
    original = file.read_bytes()
    # problems the file had already (a source's file not there yet) are not the edit's
    known = set(validate(file, host=host))
    document = tomlkit.parse(original.decode("utf-8-sig"))
    change(document, file)
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=".cxframe-edit-", suffix=".toml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(tomlkit.dumps(document))
        with contextlib.suppress(OSError):
            os.chmod(temporary, file.stat().st_mode & 0o777)
        problems = [
            p for p in (p.replace(temporary, str(file)) for p in validate(temporary, host=host)) if p not in known
        ]
        if problems:
            raise InvalidInput(problems)
        if file.read_bytes() != original:
            raise InvalidInput([f"{file} changed while it was being edited; nothing written, try again"])
        os.replace(temporary, file)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return load_programme(loaded.root)


def add_action(programme: ProgrammeLike, action: str, *, host: PluginHost | None = None, **fields: Any) -> Programme:
    """Add ``[[actions]]`` entry ``action`` to the programme file (``title`` required); return the programme.

    ``fields``: title, owner, due, status (default proposed), done, metric,
    touchpoint, segment (``{column: value}`` or ``["column=value"]``),
    finding. An id already in the register, or a result that is not a valid
    programme (a done date in the future, an unknown touchpoint or metric),
    raises `cxframe.InvalidInput` and leaves the file as it was.
    """
    written = _changes(fields)
    if "title" not in written:
        raise InvalidInput([f"action {action!r}: --title is required for a new action"])
    if not action.strip() or action != action.strip():
        raise InvalidInput([f"action {action!r}: expected an id without surrounding spaces, e.g. fix-ivr"])
    if "done" in written and "status" not in written:
        written["status"] = ActionStatus.DONE.value

    def change(document: Any, file: Path) -> None:
        import tomlkit

        actions = _actions_of(document, file)
        if any(entry.get("id") == action for entry in actions):
            raise InvalidInput([f"action {action!r}: already in the register; use cxframe actions update"])
        entry = tomlkit.table() if isinstance(actions, tomlkit.items.AoT) else tomlkit.inline_table()
        entry["id"] = action
        for key, value in written.items():
            entry[key] = value
        if isinstance(entry, tomlkit.items.Table):
            entry.add(tomlkit.nl())  # a blank line before whatever follows, as between the other tables
        actions.append(entry)

    return _edit(programme, host, change)


def adopt_action(
    programme: ProgrammeLike, proposal: str, *, host: PluginHost | None = None, **fields: Any
) -> Programme:
    """Take the last assessment's proposed action ``proposal`` (``action:…``) into the register; return the programme.

    The proposal is written to ``[[actions]]`` of the programme file (its
    comments and layout kept, as `add_action` does) under the id
    `adopted_id` gives — ``action:check:journey.touchpoint-owners`` becomes
    ``check:journey.touchpoint-owners`` — with its title, owner, due date,
    finding, metric and touchpoint, and ``fields`` (as in `add_action`) over
    them. Its status is ``planned`` unless ``fields`` say otherwise: adopting
    a proposal is deciding to do it. Its ``finding`` keeps later assessments
    from proposing it again. A proposal the last assessment did not make, or
    one already adopted, raises `cxframe.InvalidInput`.
    """
    loaded = programme if isinstance(programme, Programme) else load_programme(programme)
    with open_programme(loaded, host) as opened:
        proposals = _proposals(opened.store.assessment_document())
    found = [p for p in proposals if p["id"] == proposal]
    new_id = adopted_id(proposal)
    if not found:
        known = ", ".join(str(p["id"]) for p in proposals) or "none: run cxframe assess"
        raise InvalidInput(
            [f"action {proposal!r}: not proposed by the last assessment (proposals: {known})"], where=str(loaded.file)
        )
    if any(action.id == new_id for action in loaded.document.actions):
        raise InvalidInput(
            [f"action {proposal!r}: already adopted as {new_id!r}; change it with cxframe actions update {new_id}"],
            where=str(loaded.file),
        )
    [chosen] = found
    taken: dict[str, Any] = {
        key: chosen.get(key) for key in ("title", "owner", "due", "finding", "metric", "touchpoint", "segment")
    }
    taken["status"] = ActionStatus.PLANNED.value
    taken.update({key: value for key, value in fields.items() if value is not None})
    if "done" in fields and fields["done"] is not None and "status" not in fields:
        taken["status"] = ActionStatus.DONE.value
    if not taken.get("segment"):
        taken.pop("segment", None)
    return add_action(loaded, new_id, host=host, **taken)


def update_action(programme: ProgrammeLike, action: str, *, host: PluginHost | None = None, **fields: Any) -> Programme:
    """Change fields of the register's action ``action`` in the programme file, keeping its comments and layout.

    ``fields`` as in `add_action`; ``done`` without ``status`` also sets the
    status to done. An id of the last assessment's proposals (``action:…``)
    adopts it into the register (`adopt_action`). An unknown id, or a result
    that is not a valid programme, raises `cxframe.InvalidInput` and leaves
    the file as it was.
    """
    if action.startswith(PROPOSED_PREFIX):  # a proposal: adopted, with or without fields, as `actions adopt` does
        return adopt_action(programme, action, host=host, **fields)
    written = _changes(fields)
    if not written:
        raise InvalidInput([f"action {action!r}: nothing to update (give --status, --done, --owner, …)"])
    if "done" in written and "status" not in written:
        written["status"] = ActionStatus.DONE.value

    def change(document: Any, file: Path) -> None:
        actions = _actions_of(document, file)
        for entry in actions:
            if entry.get("id") == action:
                for key, value in written.items():
                    entry[key] = value
                return
        known = ", ".join(str(entry.get("id")) for entry in actions) or "none"
        raise InvalidInput([f"action {action!r}: no such action in [[actions]] (actions: {known})"], where=str(file))

    return _edit(programme, host, change)


__all__ = [
    "FIELDS",
    "RegisterEntry",
    "action_effect",
    "action_register",
    "add_action",
    "adopt_action",
    "adopted_id",
    "find_action",
    "update_action",
]

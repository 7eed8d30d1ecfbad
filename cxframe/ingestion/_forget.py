"""Forgetting a source: its records, ingests and rejects, the assessments that may quote it, and what plugins
derived from them, in one transaction.

What a user needs after collecting a file twice under two names, or a file
that should never have been collected, or when a source's people must be
forgotten: ``cxframe forget SOURCE``. The programme file is not touched; a
source still declared there comes back at the next ``cxframe collect``.

Plugins keep tables of their own derived from the records (the improve
plugin's loop cases copy an answer's comment and respondent id): the
``source_forgotten`` hook has them forget theirs inside the same
transaction. A plugin whose hook fails rolls the whole forget back
(`ForgetFailed`): a forget that left one plugin's copy of the data in the
store would look done and not be.
"""

from __future__ import annotations

from typing import Any

import attrs

from cxframe.contracts._errors import ForgetFailed, InvalidInput
from cxframe.host._manager import PluginHost
from cxframe.ingestion._collect import delete_source_records
from cxframe.programme._file import Programme
from cxframe.store._sqlite import Store

HOOK = "source_forgotten"


@attrs.frozen
class Forgotten:
    """What forgetting a source removed: the core's counts, and each plugin's line (``plugins``: name → line)."""

    source: str
    records: int
    ingests: int
    rejects: int
    plugins: dict[str, str] = attrs.field(factory=dict, hash=False)
    #: stored assessment documents of runs since the source was first collected (they may quote it)
    assessments: int = 0

    def describe(self) -> str:
        lines = [
            f"{self.source}: forgot {self.records} records, {self.ingests} ingests and {self.rejects} rejects "
            "(the programme file is unchanged: a source declared there is collected again by `cxframe collect`)"
        ]
        if self.assessments:
            lines.append(
                f"{self.source}: also removed the stored documents of {self.assessments} assessment runs since it was "
                "first collected (they may quote it); reports written from them are still in reports/: run "
                "`cxframe assess` again"
            )
        lines += [f"{plugin}: {line}" for plugin, line in self.plugins.items()]
        return "\n".join(lines)


def forget_source(
    store: Store, source: str, *, host: PluginHost | None = None, programme: Programme | None = None
) -> Forgotten:
    """Delete everything stored from ``source``; `InvalidInput` naming the stored sources when there is none.

    With ``host`` (and ``programme``), each plugin's ``source_forgotten``
    hook forgets what it derived from the source in the same transaction; a
    plugin that fails rolls everything back and `ForgetFailed` names it.
    """
    with store.writing():
        known = [row[0] for row in store.db.execute("SELECT DISTINCT source FROM ingests ORDER BY source")]
        if source not in known:
            stored = ", ".join(known) or "none yet"
            raise InvalidInput([f"no source {source!r} is stored (stored sources: {stored})"])
        conn = store.db.conn
        records = delete_source_records(store, source)
        # an assessment document quotes what it read (verbatims, customers at risk): those of the runs not over
        # before the source was first collected go too (times are to the second: a run ending in the same second
        # counts); what the runs measured (aggregates) stays in their results
        before = conn.total_changes
        conn.execute(
            "DELETE FROM assessments WHERE run_id IN (SELECT id FROM runs WHERE finished_at IS NULL OR finished_at >= "
            "(SELECT min(started_at) FROM ingests WHERE source = ?))",
            [source],
        )
        assessments = conn.total_changes - before
        before = conn.total_changes
        conn.execute("DELETE FROM rejects WHERE ingest_id IN (SELECT id FROM ingests WHERE source = ?)", [source])
        rejects = conn.total_changes - before
        before = conn.total_changes
        conn.execute("DELETE FROM ingests WHERE source = ?", [source])
        ingests = conn.total_changes - before
        plugins = {} if host is None else _plugins_forget(host, programme, store, source)
    return Forgotten(source, records, ingests, rejects, plugins, assessments)


def _plugins_forget(host: PluginHost, programme: Programme | None, store: Store, source: str) -> dict[str, str]:
    """Call ``source_forgotten`` (inside the caller's transaction); raise `ForgetFailed` if any plugin failed.

    The host isolates each plugin as for every hook (the others still
    answer, and each failure is recorded with its traceback); the failures
    of this call are then taken out of the host's record and raised as one
    error, so the caller's transaction is rolled back and the CLI reports
    them once. `InvalidInput` from a plugin is raised by the call itself.
    """
    mark = len(host.failures)
    answers: list[tuple[str, Any]] = host.call(HOOK, programme=programme, store=store, source=source)
    failed = [failure for failure in host.failures[mark:] if failure.hook == HOOK]
    if failed:
        host.failures[mark:] = [failure for failure in host.failures[mark:] if failure.hook != HOOK]
        detail = "\n".join(failure.detail for failure in failed)
        raise ForgetFailed(source, [(failure.plugin, failure.error) for failure in failed], detail=detail)
    # a line is asked for; anything else the plugin said is shown as text rather than undoing a forget that worked
    return {plugin: answer if isinstance(answer, str) else str(answer) for plugin, answer in answers}

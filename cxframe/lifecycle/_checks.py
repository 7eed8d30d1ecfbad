"""Running the registered checks, each isolated from the others.

A check that raises does not stop the rest: it becomes a result with status
``error`` that names the check, its plugin and the exception.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from cxframe.contracts._plugins import Check
from cxframe.contracts._records import CheckResult, CheckStatus, Severity
from cxframe.lifecycle._run import Run


def _results(check: Check, plugin: str, produced: CheckResult | Iterable[CheckResult]) -> list[CheckResult]:
    items = [produced] if isinstance(produced, CheckResult) else list(produced)
    results = []
    for item in items:
        if not isinstance(item, CheckResult):
            raise TypeError(f"returned {item!r}, expected CheckResult")
        results.append(
            attrs.evolve(
                item,
                check=item.check or check.id,
                plugin=plugin,
                severity=item.severity or check.severity,
                # a warning or failure reads as the problem it is (it becomes a finding)
                title=item.title or check.title_for(item.status),
                stage=item.stage or check.stage,
            )
        )
    return results


def run_checks(run: Run, only: Iterable[str] | None = None) -> list[CheckResult]:
    """Run every registered check (or those in ``only``) against ``run``."""
    wanted = set(only) if only is not None else None
    results: list[CheckResult] = []
    for check_id in run.registry.checks.ids():
        if wanted is not None and check_id not in wanted:
            continue
        check = run.registry.checks.get(check_id)
        plugin = run.registry.checks.plugin_of(check_id)
        try:
            results.extend(_results(check, plugin, check.run(run)))
        except Exception as exc:
            # a check is a plain callable, not a hook: isolated here, recorded (with its traceback) like a hook
            message = run.host.record(plugin, f"check {check_id}", exc).error
            results.append(
                CheckResult(
                    check=check_id,
                    plugin=plugin,
                    status=CheckStatus.ERROR,
                    severity=check.severity,
                    title=check.title,
                    evidence=(f"the check raised {message}",),
                    recommendation=f"report this to the maintainers of {plugin}",
                    stage=check.stage,
                )
            )
    return results


def is_problem(result: CheckResult) -> bool:
    return result.status in (CheckStatus.WARN, CheckStatus.FAIL) and result.severity is not Severity.INFO

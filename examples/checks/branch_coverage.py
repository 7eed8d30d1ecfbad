"""A check that reads the store: every branch has enough answers to compare (docs/writing-a-plugin.md).

A client's survey export carries a ``branch`` column, collected as a segment;
its satisfaction question is ``acme_sat``. In the docs, comments starting with
``# --8<--`` mark the part the page shows.
"""

from __future__ import annotations

from cxframe import Check, CheckResult, CheckStatus, RunContext, Severity, Stage, hookimpl

# --8<-- [start:check]
QUESTION = "acme_sat"
#: a segment column: the store has it only once a collect has stored answers with it
SEGMENT = "branch"
MIN_PER_BRANCH = 5


def branch_coverage(run: RunContext) -> CheckResult:
    # Before the first collect, or while no source has the column, a query naming it fails with
    # "no such column", and the check would end as an error: say what is missing instead.
    if SEGMENT not in run.store.segment_columns():
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(f"no answer has a {SEGMENT} yet",),
            recommendation=f"Collect the survey export with its {SEGMENT} column (`cxframe collect`).",
        )
    # values go in as parameters; a column's name cannot, so it is the plugin's own constant, quoted
    counts = run.store.db.execute(
        f"SELECT [{SEGMENT}], COUNT(*) FROM observations"
        f" WHERE question = ? AND [{SEGMENT}] IS NOT NULL GROUP BY 1 ORDER BY 1",
        [QUESTION],
    ).fetchall()
    if not counts:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(f"no answer to {QUESTION} has a {SEGMENT}",),
            recommendation=f"Map the export's {SEGMENT} column in the source's segments.",
        )
    thin = [f"{branch} ({count})" for branch, count in counts if count < MIN_PER_BRANCH]
    evidence = f"{len(counts) - len(thin)} of {len(counts)} branches with at least {MIN_PER_BRANCH} answers"
    if thin:
        return CheckResult(
            status=CheckStatus.WARN,
            evidence=(evidence, "too few answers: " + ", ".join(thin)),
            recommendation=f"Collect at least {MIN_PER_BRANCH} answers in each branch before comparing branches.",
        )
    return CheckResult(status=CheckStatus.PASS, evidence=(evidence,))


@hookimpl
def register_checks() -> list[Check]:
    return [
        Check(
            id="acme.branch-coverage",
            title="Every branch has enough answers to compare",
            problem="Some branches have too few answers to compare",
            run=branch_coverage,
            severity=Severity.LOW,
            stage=Stage.MEASURE,
        )
    ]


# --8<-- [end:check]

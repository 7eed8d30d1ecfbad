"""Evidence functions of the small consultancy-style models the assessment and report tests build."""

from __future__ import annotations

from cxframe import Facts, Verdict


def sponsor(facts: Facts) -> Verdict:
    named = facts.programme.document.context.sponsor
    return Verdict.yes(f"sponsor: {named}") if named else Verdict.no("context.sponsor is empty")


def deadlines(facts: Facts) -> Verdict | None:
    objectives = facts.programme.document.objectives
    if not objectives:
        return None
    missing = [o.id for o in objectives if o.deadline is None]
    if missing:
        return Verdict.no(f"no deadline: {', '.join(missing)}")
    return Verdict.yes(f"{len(objectives)} of {len(objectives)} objectives have a deadline")


def has_data(facts: Facts) -> Verdict:
    status = facts.check_status("toy.has-data")
    return Verdict(status is not None and status.value == "pass", (f"toy.has-data: {status}",))

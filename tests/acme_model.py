"""cxframe_acme: a consultancy's maturity model as a plugin (included in docs/maturity.md)."""

from __future__ import annotations

from cxframe import Assessment, Stage, hookimpl
from cxframe.contracts._maturity import Criterion, Dimension, Facts, MaturityModel, Verdict


def complaints_logged(facts: Facts) -> Verdict:
    # read the store: any customer observation about complaints counts as a complaint log
    rows = facts.store.db.execute("SELECT COUNT(*) FROM observations WHERE question = 'complaint'").fetchone()
    if rows[0] == 0:
        return Verdict.no("no complaint is recorded in the store")
    return Verdict.yes(f"{rows[0]} complaints recorded")


def complaints_answered(facts: Facts) -> Verdict | None:
    # a plugin's facts, when it is installed; None lets the questionnaire answer decide
    loop = facts.evidence("cxframe-nps").get("closed_loop")
    if not loop or not loop["detractors"]:
        return None
    return Verdict(
        loop["within_48h"] == loop["detractors"], (f"{loop['within_48h']} of {loop['detractors']} answered",)
    )


MODEL = MaturityModel(
    id="acme-complaints",
    title="Acme complaint-handling maturity",
    dimensions=(Dimension("complaints", "Complaint handling", Stage.IMPROVE),),
    criteria=(
        Criterion(
            "acme.complaints.logged",
            "complaints",
            1,
            "Complaints are logged",
            evidence=complaints_logged,
            recommendation="Log every complaint with the customer id and the touchpoint.",
        ),
        Criterion(
            "acme.complaints.answered",
            "complaints",
            2,
            "Every complaint is answered within 48 hours",
            evidence=complaints_answered,
            question="Is every complaint answered within 48 hours?",
            recommendation="Answer complaints within 48 hours and record the answer as an event.",
        ),
        Criterion(
            "acme.complaints.root-cause",
            "complaints",
            3,
            "Root causes of complaints are fixed across functions",
            question="Does a cross-functional owner fix the root causes of recurring complaints?",
            recommendation="Name a cross-functional owner for each recurring complaint cause.",
        ),
    ),
    translations={"zh-CN": {"title": "Acme 投诉处理成熟度", "acme.complaints.logged": "投诉有记录"}},
)


@hookimpl
def register_assessments() -> list[Assessment]:
    return [MODEL.assessment()]

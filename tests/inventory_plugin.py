"""cxframe-inventory: the touchpoint inventory as a section of the report (the example in "Writing a plugin").

For the CX lead and the frontline manager, the report shows the programme's
touchpoints by contact environment, each with its owner, and says how many
have none. The plugin puts what the section needs into the assessment
document (``assessment_evidence``) and builds the section from there, so
``cxframe report`` shows it again for another role or language without
running anything. ``tests/test_report_sections.py`` tests it through the real
command line, and docs/writing-a-plugin.md includes it from here.
"""

from __future__ import annotations

from typing import Any

from cxframe import Cell, Column, ReportContext, ReportSection, RunContext, SectionContent, hookimpl


# --8<-- [start:evidence]
@hookimpl
def assessment_evidence(run: RunContext) -> dict[str, Any]:
    """Kept in the assessment document: every touchpoint with its contact environment and owner."""
    return {
        "touchpoints": [
            {
                "name": touchpoint.name,
                "environment": touchpoint.environment.value if touchpoint.environment else "",
                "owner": touchpoint.owner or "",
            }
            for touchpoint in run.programme.document.touchpoints
        ]
    }


# --8<-- [end:evidence]


# --8<-- [start:build]
def build(report: ReportContext) -> SectionContent | None:
    """One part per contact environment: its touchpoints and their owners."""
    touchpoints = [t for t in report.evidence().get("touchpoints", []) if isinstance(t, dict)]
    if not touchpoints:
        return None  # nothing to show: the section is left out
    by_environment: dict[str, list[dict[str, Any]]] = {}
    for touchpoint in touchpoints:
        by_environment.setdefault(str(touchpoint.get("environment") or "unknown"), []).append(touchpoint)
    parts = []
    for environment, group in sorted(by_environment.items()):
        shown, more = report.limit(group)  # as many rows as the reader's role sees
        parts.append(
            SectionContent(
                heading=report.text(f"environment.{environment}", environment),
                columns=[Column(report.text("touchpoint", "Touchpoint"), strong=True), report.text("owner", "Owner")],
                rows=[
                    (
                        str(t.get("name", "")),
                        str(t.get("owner") or "") or Cell(report.text("nobody", "nobody"), tone="bad"),
                    )
                    for t in shown
                ],
                more=more,
            )
        )
    unowned = sum(not t.get("owner") for t in touchpoints)
    summary = report.text(
        "summary", "{unowned} of {total} touchpoints have no owner.", unowned=unowned, total=len(touchpoints)
    )
    return SectionContent(text=summary, parts=parts)


# --8<-- [end:build]


# --8<-- [start:register]
@hookimpl
def register_report_sections() -> list[ReportSection]:
    return [
        ReportSection(
            id="inventory",
            title="Touchpoint inventory",
            roles=("cx-lead", "frontline-manager"),
            build=build,
            after="metrics",
            limits={"frontline-manager": 5},
            translations={
                "zh-CN": {
                    "inventory": "触点清单",
                    "touchpoint": "触点",
                    "owner": "负责人",
                    "nobody": "无人负责",
                    "summary": "{total} 个触点中有 {unowned} 个没有负责人。",
                    "environment.interpersonal": "人际接触",
                    "environment.physical": "实体环境",
                    "environment.remote": "远程",
                    "environment.digital": "数字渠道",
                    "environment.third-party": "第三方",
                    "environment.unknown": "未分类",
                }
            },
        )
    ]


# --8<-- [end:register]

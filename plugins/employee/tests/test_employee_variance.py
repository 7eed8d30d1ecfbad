"""eNPS follows the programme's ``weighted_variance`` and ``respondent_clusters`` settings (#23).

Before, the plugin built a plain engine and gave weighted, repeat-respondent eNPS
the linearised, clustered interval whatever the programme said.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from employee_helpers import EMPLOYEE_SOURCE, host

import cxframe
import cxframe_employee
from cxframe import testing


def surveyed(folder: Path, **settings: Any) -> Path:
    source = {
        **EMPLOYEE_SOURCE,
        "columns": {**EMPLOYEE_SOURCE["columns"], "respondent_id": "person", "weight": "weight"},
    }
    sections: dict[str, Any] = {"sources": [source]}
    if settings:
        sections["settings"] = settings
    root = testing.make_programme(folder, **sections)
    lines = ["id,person,weight,when,team,role,site,enps,empowerment"]
    # 40 people answering twice: heavy weights on the polarised answers, so the methods differ
    for wave, when in enumerate(["2026-01-10", "2026-02-10"]):
        for person in range(40):
            score = [10, 0, 8, 9][(person + wave) % 4]
            weight = 3.0 if score in (0, 10) else 1.0
            lines.append(f"w{wave}-{person},p{person},{weight},{when},t{person % 2},agent,north,{score},4")
    (root / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cxframe.collect(root, host=host())
    return root


def test_enps_takes_the_variance_and_clusters_from_the_programme(tmp_path: Path) -> None:
    def overall(**settings: Any) -> cxframe_employee.EmployeeResult:
        (result,) = cxframe_employee.enps(
            surveyed(tmp_path / str(len(list(tmp_path.iterdir()))), **settings), host=host()
        )
        return result

    linearised = overall()
    assert {"linearised_variance", "repeat_respondents"} <= set(linearised.flags)
    kish = overall(weighted_variance="kish")
    assert "kish_effective_n" in kish.flags and kish.ci_low != pytest.approx(linearised.ci_low)
    apart = overall(respondent_clusters=False)
    assert "repeat_respondents" not in apart.flags and apart.ci_low != pytest.approx(linearised.ci_low)
    # the same as the core's measure with the same settings
    root = surveyed(tmp_path / "core", weighted_variance="kish")
    (measured,) = cxframe.measure(root, "enps", host=host())
    assert kish.ci_low == pytest.approx(measured.ci_low) and kish.flags == measured.flags

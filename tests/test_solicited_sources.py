"""Feedback nobody asked for (reviews, social posts) is no survey answer in the maturity tallies.

A collector says so with ``solicited=False``; `cxframe.Facts.unsolicited_sources` names the programme's
sources it reads, and the models' counts of survey answers and respondents leave them out.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from cxframe import Collector, Facts
from cxframe.programme._file import ProgrammeFile, Source


def _collector(id: str, **kwargs: Any) -> Collector:
    return Collector(id, "test", read=lambda source: iter(()), **kwargs)


class _Collectors:
    def __init__(self, *collectors: Collector) -> None:
        self.by_id = {collector.id: collector for collector in collectors}

    def ids(self) -> list[str]:
        return list(self.by_id)

    def get(self, id: str) -> Collector:
        return self.by_id[id]


def test_collectors_are_solicited_unless_they_say_otherwise() -> None:
    assert _collector("survey-csv").solicited is True
    assert _collector("reviews", solicited=False).solicited is False


def test_facts_name_the_sources_of_unsolicited_collectors() -> None:
    sources = (
        Source("survey", "survey-csv", "s.csv"),
        Source("app-reviews", "reviews", "r.csv"),
        Source("weibo", "reviews", "w.csv"),
        Source("gone", "not-installed", "x.csv"),  # a collector nobody registers: not known to be unsolicited
    )
    programme = SimpleNamespace(document=ProgrammeFile("p", sources=sources))
    registry = SimpleNamespace(collectors=_Collectors(_collector("survey-csv"), _collector("reviews", solicited=False)))
    facts = Facts(SimpleNamespace(programme=programme, registry=registry))  # type: ignore[arg-type]
    assert facts.unsolicited_sources() == ["app-reviews", "weibo"]
    # a stand-in run without a registry of collectors (a model's unit test) has none
    assert Facts(SimpleNamespace(programme=programme)).unsolicited_sources() == []  # type: ignore[arg-type]
    bare = SimpleNamespace(programme=programme, registry=SimpleNamespace(metrics=None))
    assert Facts(bare).unsolicited_sources() == []  # type: ignore[arg-type]

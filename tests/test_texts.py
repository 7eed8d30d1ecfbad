"""One translation mechanism for the core and plugins: `cxframe.Catalogue` and `cxframe.Text` (#22, item 2)."""

from __future__ import annotations

import copy
import json
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cxframe
from cxframe import Catalogue, Check, Text
from cxframe.contracts._texts import texts_of

CATALOGUE = Catalogue.by_key(
    {
        "stakeholders": {"en": "{n} of {total} stakeholders", "zh-CN": "{total} 个利益相关方中的 {n} 个"},
        "stakeholders.one": {"en": "{n} of {total} stakeholder", "zh-CN": "{total} 个利益相关方中的 {n} 个"},
        "missing": {"en": "missing: {items}", "zh-CN": "缺少：{items}"},
        "share": {"en": "{share:.0%} trained", "zh-CN": "{share:.0%} 已培训"},
        "plain": {"en": "no {braces} here", "zh-CN": "这里没有 {braces}"},
    }
)


def test_a_text_is_its_english_and_can_be_said_in_every_language():
    said = CATALOGUE("stakeholders", n=3, total=4)
    assert isinstance(said, str) and said == "3 of 4 stakeholders"
    assert said.said("zh-CN") == "4 个利益相关方中的 3 个"
    assert said.said("fr") == "3 of 4 stakeholders"  # a language the catalogue lacks: English
    assert json.dumps([said]) == '["3 of 4 stakeholders"]'


def test_the_singular_is_chosen_by_n():
    assert CATALOGUE("stakeholders", n=1, total=4) == "1 of 4 stakeholder"
    assert CATALOGUE("stakeholders", n=2, total=4) == "2 of 4 stakeholders"


def test_the_singular_is_chosen_by_count_too():
    from cxframe_journey.texts import say

    assert say("stages.no_measure", count=1, total=4) == "1 of 4 stages names no measure"
    assert say("stages.no_measure", count=2, total=4) == "2 of 4 stages name no measure"
    assert say("handoffs.count", count=1) == "1 handoff between departments"
    assert say("handoffs.count", count=1).said("zh-CN") == "部门之间有 1 次交接"


def test_lists_are_joined_and_nested_texts_said_in_the_same_language():
    nested = CATALOGUE("missing", items=[CATALOGUE("share", share=0.5), "atm"])
    assert nested == "missing: 50% trained, atm"
    assert nested.said("zh-CN") == "缺少：50% 已培训、atm"


def test_a_text_survives_copying_and_pickling():
    said = CATALOGUE("missing", items=["a", "b"])
    for again in (copy.deepcopy(said), copy.copy(said), pickle.loads(pickle.dumps(said))):
        assert again == said and isinstance(again, Text) and again.said("zh-CN") == "缺少：a、b"


def test_texts_of_finds_every_text_in_records_and_json():
    finding = cxframe.Finding(
        id="x",
        source="s",
        stage=cxframe.Stage.DESIGN,
        severity=cxframe.Severity.LOW,
        title=CATALOGUE("share", share=1.0),
        evidence=("a name", CATALOGUE("missing", items=[CATALOGUE("stakeholders", n=2, total=3)])),
    )
    found = texts_of([finding, {"deep": [CATALOGUE("plain")]}])
    assert found == {
        "zh-CN": {
            "100% trained": "100% 已培训",
            "missing: 2 of 3 stakeholders": "缺少：3 个利益相关方中的 2 个",
            "2 of 3 stakeholders": "3 个利益相关方中的 2 个",
            "no {braces} here": "这里没有 {braces}",
        }
    }


@pytest.mark.parametrize(
    ("templates", "message"),
    [
        ({"zh-CN": {"a": "甲"}}, "needs its English"),
        ({"en": {"a": "A"}, "zh-CN": {"b": "乙"}}, re.escape("catalogue['zh-CN']['b']: no English text")),
        ({"en": {"a": "{count} things"}, "zh-CN": {"a": "{n} 个"}}, r"placeholders \['n'\] differ"),
        ({"en": {"a": "{count"}}, "catalogue\\['en'\\]\\['a'\\]"),
        ({"en": {"a": 3}}, "expected a text key and a text"),
    ],
)
def test_a_wrong_catalogue_is_refused_naming_the_key(templates, message):
    with pytest.raises(ValueError, match=message):
        Catalogue(templates)


def test_an_unknown_key_is_a_key_error():
    with pytest.raises(KeyError, match="no text 'nope'"):
        CATALOGUE("nope")


def test_a_catalogue_serves_as_a_report_sections_translations():
    section = cxframe.ReportSection("mine", "Mine", ("cx-lead",), lambda report: None, translations=CATALOGUE)
    assert section.translations["zh-CN"]["missing"] == "缺少：{items}"


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_numbers_are_values_never_text_glued_on(count, total):
    said = CATALOGUE("stakeholders", n=count, total=total)
    assert said.said("zh-CN") == f"{total} 个利益相关方中的 {count} 个"
    assert said.startswith(f"{count} of {total} stakeholder")


# --- the built-in catalogues ---------------------------------------------------------------------------------


def _builtin_catalogues() -> dict[str, Catalogue]:
    import cxframe_employee.report
    import cxframe_employee.texts
    import cxframe_journey.report
    import cxframe_journey.texts
    import cxframe_nps.texts
    from cxframe.assessment.models._texts import say as models
    from cxframe.contracts._maturity import _SAY as criteria
    from cxframe.lifecycle._walk import _SAY as improve
    from cxframe.reporters._i18n import CATALOG

    return {
        "reports": Catalogue.by_key(CATALOG),
        "maturity models": models,
        "criteria": criteria,
        "improve stage": improve,
        "cxframe-nps": cxframe_nps.texts.say,
        "cxframe-journey": cxframe_journey.texts.say,
        "cxframe-employee": cxframe_employee.texts.say,
        "cxframe-journey's report sections": cxframe_journey.report.TRANSLATIONS,
        "cxframe-employee's report section": cxframe_employee.report.TRANSLATIONS,
        "cxframe-journey's map picture": cxframe_journey.picture.WORDS,
    }


@pytest.mark.parametrize("name", list(_builtin_catalogues()))
def test_every_builtin_catalogue_has_every_key_in_both_languages(name):
    catalogue = _builtin_catalogues()[name]
    assert catalogue.missing() == [], f"{name}: keys without a translation"
    assert catalogue.keys_in("zh-CN") == catalogue.keys_in("en")


@pytest.mark.parametrize("name", list(_builtin_catalogues()))
def test_no_chinese_text_is_english_left_untranslated(name):
    """A zh-CN template holds Chinese (a placeholder- or code-only one may not: ``{names}``, ``{check}：{status}``)."""
    catalogue = _builtin_catalogues()[name]
    english = catalogue["en"]
    lazy = [
        key
        for key, template in catalogue["zh-CN"].items()
        if template == english[key] and re.search(r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}|\[[^]]*\]|`[^`]*`", "", template))
    ]
    assert lazy == []


def test_every_builtin_check_title_is_a_translated_text():
    from cxframe_employee.checks import CHECKS as EMPLOYEE
    from cxframe_journey.checks import CHECKS as JOURNEY
    from cxframe_nps.evidence import CHECKS as NPS

    checks: list[Check] = [*NPS, *JOURNEY, *EMPLOYEE]
    untranslated = [check.id for check in checks if not isinstance(check.title, Text)]
    assert untranslated == [], "add <check id>.title to the plugin's texts.say, in the check's own English"
    assert all(check.title.said("zh-CN") != str(check.title) for check in checks)


def test_the_builtin_survey_metrics_titles_are_translated():
    from cxframe_nps.metrics import survey_metrics

    titles = [metric.title for metric in survey_metrics({})]
    assert all(isinstance(title, Text) and title.said("zh-CN") != title for title in titles)


def test_chinese_pain_point_sentences_have_no_space_inside_a_phrase() -> None:
    # a count or a window said in Chinese is a phrase ("877 次联系", "7 天"): no space may split it from its sentence
    from cxframe_journey.texts import say

    sentence = say(
        "reason.repeats", value=0.19, typical=0.0, count=say("count.repeats", n=877), window=say("days", days=7)
    ).said("zh-CN")
    assert "其877 次联系中有" in sentence
    assert "是7 天内的重复联系" in sentence

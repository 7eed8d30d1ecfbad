"""The assessment: maturity judged on evidence, the questionnaire, and the assessment document.

* `_assessment`: `cxframe assess` — evidence from plugins, maturity scores, the versioned document;
* `_questionnaire`: the answers a CX team gives where the store has no evidence;
* `_schema`: the JSON Schema of the assessment document;
* `models`: the built-in maturity models (ISO CX, CX-2030).

Judging criteria and scoring dimensions are `cxframe.contracts._maturity`, which plugins' models share.
"""

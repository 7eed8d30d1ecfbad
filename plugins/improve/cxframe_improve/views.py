"""The views the loop metrics read: the cases as rows the metric engine can group, with their answer's segments.

A loop metric is an ordinary `cxframe.MetricDefinition` whose ``table`` is
one of these views (the core reads a metric's rows from any table or view
with the observations' columns), so ``cxframe measure`` gives it with its
interval, by segment and period, compares and trends it like NPS:

* ``improve_loop_cases`` — one row per case. ``question`` is ``loop_case``;
  ``timestamp`` is when the customer answered (the case's ``opened``, so a
  period is the cases opened in it); ``response`` the case number; no
  weight (a case counts once, whatever the survey weight of its answer);
  ``case_metric``, ``owner``, ``case_status``, ``due``, ``closed``;
  ``within_sla`` (1 closed by its due time, 0 closed later or still open
  past it, NULL open and not yet due); ``hours_to_close`` (NULL while open);
  then every column of the answer's response (segments such as ``region``,
  ``channel``). The case's own columns come first, so they win over a
  segment of the same name.
* ``improve_loop_recovery`` — one row per case whose customer answered the
  same question again later: after the case was closed, or after the
  answer if it is still open. ``question`` is the case's metric id,
  ``value`` that next answer (on its scale), ``outcome`` ``resolved`` or
  ``not_resolved`` (open, contacted or no_response); other columns as above.

The answer a case follows up is found through its key, the response's key
and ``|question``: the response key is the text before the last ``|``
(question ids have none).
"""

from __future__ import annotations

LOOP_CASES = "improve_loop_cases"
LOOP_RECOVERY = "improve_loop_recovery"
#: The question of every row of `LOOP_CASES`.
LOOP_QUESTION = "loop_case"

# the text before the last '|' of the case's answer key (rtrim drops every character but '|' from the end)
_HEAD = "rtrim(c.answer_key, replace(c.answer_key, '|', ''))"
_RESPONSE_KEY = f"substr({_HEAD}, 1, length({_HEAD}) - 1)"
_QUESTION = f"substr(c.answer_key, length({_HEAD}) + 1)"
# stored times are UTC text with six fraction digits: the same form for now, so text order is time order
_NOW = "strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000Z'"
_CLOSED = "c.status IN ('resolved', 'no_response')"

_CASE_COLUMNS = (
    "c.id AS response",
    "NULL AS weight",
    "c.opened AS timestamp",
    "c.source AS source",
    "c.respondent_id AS respondent_id",
    "c.touchpoint AS touchpoint",
    "COALESCE(r.population, 'customer') AS population",
    "c.metric AS case_metric",
    "c.owner AS owner",
    "c.status AS case_status",
    "c.due AS due",
    "c.closed AS closed",
)

CASES_VIEW = (
    f"CREATE VIEW {LOOP_CASES} AS SELECT '{LOOP_QUESTION}' AS question, NULL AS value, "
    + ", ".join(_CASE_COLUMNS)
    + f", CASE WHEN {_CLOSED} THEN (c.closed <= c.due) * 1.0 WHEN c.due < {_NOW} THEN 0.0 END AS within_sla"
    + f", CASE WHEN {_CLOSED} THEN (julianday(c.closed) - julianday(c.opened)) * 24.0 END AS hours_to_close"
    + f", r.* FROM improve_cases AS c LEFT JOIN responses AS r ON r.key = {_RESPONSE_KEY}"
)

_AFTER = f"CASE WHEN {_CLOSED} THEN c.closed ELSE c.opened END"
# Each case's customer's later answers to the same question (same population), ranked by time: set-based, so
# SQLite joins them through an automatic index on the respondent (a correlated subquery per case scanned
# every response for each case: minutes at 60,000 cases; this is about a second).
_LATER = (
    "WITH k AS (SELECT c.id AS case_id, r.id AS case_response, "
    f"{_QUESTION} AS question, c.respondent_id AS respondent_id, r.population AS population, {_AFTER} AS after "
    f"FROM improve_cases AS c JOIN responses AS r ON r.key = {_RESPONSE_KEY} WHERE c.respondent_id IS NOT NULL), "
    "later AS (SELECT k.case_id, k.case_response, k.question, nr.id AS next_response, "
    "ROW_NUMBER() OVER (PARTITION BY k.case_id ORDER BY nr.timestamp, nr.id) AS place FROM k "
    "JOIN responses AS nr ON nr.respondent_id = k.respondent_id AND nr.population = k.population "
    "AND nr.timestamp > k.after JOIN answers AS na ON na.response = nr.id AND na.question = k.question) "
)

RECOVERY_VIEW = (
    f"CREATE VIEW {LOOP_RECOVERY} AS {_LATER}SELECT c.metric AS question, na.value AS value, "
    "na.scale_min AS scale_min, na.scale_max AS scale_max, "
    + ", ".join(_CASE_COLUMNS)
    + ", CASE WHEN c.status = 'resolved' THEN 'resolved' ELSE 'not_resolved' END AS outcome"
    + ", nr.timestamp AS next_answered, r.* FROM later "
    "JOIN improve_cases AS c ON c.id = later.case_id JOIN responses AS r ON r.id = later.case_response "
    "JOIN responses AS nr ON nr.id = later.next_response "
    "JOIN answers AS na ON na.response = nr.id AND na.question = later.question WHERE later.place = 1"
)

#: The schema step that creates the views (a view holds no data: the step only adds SQL to the store).
STEP: tuple[str, tuple[str, ...]] = ("0003_loop_metric_views", (CASES_VIEW, RECOVERY_VIEW))

"""The contracts: what the core and plugins exchange, and nothing that runs them.

Start here to learn what cxframe talks about. Import these names from ``cxframe``.

* `_records`: touchpoints, journeys, observations, events, metrics, findings, actions and the other records;
* `_plugins`: what plugins register — `Collector`, `Check`, `Reporter` — and the batches a collector hands the core;
* `_sections`: a plugin's own report section — `ReportSection`, what its build receives (`ReportContext`)
  and returns (`SectionContent`, with its tables and charts);
* `_alerts`: alerts that reach people — a `Notifier` (``register_notifiers``), the `AlertMessage` it sends
  and the `Delivery` it answers;
* `_maturity`: maturity models (`MaturityModel`, `Dimension`, `Criterion`, `Facts`, `Verdict`) and `Assessment`;
* `_context`: `RunContext`, the protocol hooks, checks and assessments receive instead of the runtime;
* `_stages`: the lifecycle `Stage` and a stage's `StageOutcome`;
* `_errors`: the errors every command reports to the user (and the store-permission warning);
* `_convert`, `_shapes`, `_jsonschema`: (un)structuring with cattrs, the JSON shapes of the CLI, their JSON Schema.

Nothing here imports the runtime (host, store, lifecycle): the contracts stay readable on their own.
"""

"""The Python API: one function per task, each taking the programme folder.

>>> import cxframe
>>> cxframe.init_programme("my-programme")           # doctest: +SKIP
>>> cxframe.collect("my-programme")                  # doctest: +SKIP
>>> cxframe.measure("my-programme", metrics=["nps"], by=["region"], period="month")  # doctest: +SKIP

Every function loads the installed plugins unless given a ``host`` (see
`cxframe.host._manager.load_plugins` and `cxframe.testing`). The modules, by task:

- `_opening`: open a programme folder (`open_programme`, `running`), list plugins, validate
- `_collecting`: recognise an export, start a programme from exports, collect sources into the store, forget one
- `_measuring`: measure metrics, their trends, compare periods or segments
- `_planning`: plan a survey's sample size or detectable difference
- `_scaling`: export the store as Parquet, and the Spark engine that reads it (`export`, `spark_engine`)
- `_assessing`: checks, the lifecycle walk, the assessment and its reports
"""

from cxframe.api._assessing import (
    assess,
    check,
    report,
    report_document,
    run_lifecycle,
    validate_choices,
)
from cxframe.api._collecting import collect, detect_source, forget, init_programme
from cxframe.api._measuring import compare, measure, trend, why_no_results
from cxframe.api._opening import (
    Opened,
    PluginListing,
    ProgrammeLike,
    is_example,
    on_store_wait,
    open_programme,
    plugins,
    running,
    validate,
)
from cxframe.api._planning import plan_mdd, plan_sample_size
from cxframe.api._scaling import ENGINES, export, on_spark_start, spark_engine, spark_master

__all__ = [
    "ENGINES",
    "Opened",
    "PluginListing",
    "ProgrammeLike",
    "assess",
    "check",
    "collect",
    "compare",
    "detect_source",
    "export",
    "forget",
    "init_programme",
    "is_example",
    "measure",
    "on_spark_start",
    "on_store_wait",
    "open_programme",
    "plan_mdd",
    "plan_sample_size",
    "plugins",
    "report",
    "report_document",
    "run_lifecycle",
    "running",
    "spark_engine",
    "spark_master",
    "trend",
    "validate",
    "validate_choices",
    "why_no_results",
]

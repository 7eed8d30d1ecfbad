"""cxframe: run a customer-experience programme along its lifecycle.

The public API: the contracts plugins exchange, the hook marker, the classes
plugins register, and one function per task.
"""

from cxframe._version import __version__
from cxframe.api import check, collect, compare, measure, open_programme, run_lifecycle, validate
from cxframe.comparisons import ComparisonResult
from cxframe.contracts import (
    Action,
    ActionStatus,
    CheckResult,
    CheckStatus,
    Comparison,
    CriterionResult,
    CriterionStatus,
    Emotion,
    Environment,
    Event,
    ExperienceElement,
    Finding,
    IntervalMethod,
    Journey,
    JourneyStage,
    MaturityResult,
    MetricDefinition,
    MetricResult,
    Objective,
    Observation,
    Persona,
    Severity,
    TargetStatus,
    Touchpoint,
)
from cxframe.convert import structure, unstructure
from cxframe.delimited import batches_from_rows, delimiter_of, raw_text, read_delimited, read_header
from cxframe.engine import Engine, Period, SQLiteEngine, compute_metric
from cxframe.errors import CxframeError, InvalidInput, PluginConflict, StoreError, UnknownId
from cxframe.extensions import (
    Assessment,
    Batch,
    Check,
    Collector,
    Drop,
    EventBatches,
    Reject,
    Reporter,
    Require,
    SurveyBatches,
    SurveyQuestion,
    TimestampRule,
)
from cxframe.hookspecs import hookimpl
from cxframe.ingest import IngestSummary
from cxframe.lifecycle import Stage
from cxframe.maturity import Criterion, Dimension, Facts, MaturityModel, Verdict
from cxframe.plugins import PluginHost, load_plugins
from cxframe.programme import Programme, load_programme
from cxframe.questionnaire import Answer, Answers, load_answers
from cxframe.run import Run, StageOutcome
from cxframe.scaffold import init_programme
from cxframe.sources import SourceReader
from cxframe.store import Store, open_store

__all__ = [
    "Action",
    "ActionStatus",
    "Answer",
    "Answers",
    "Assessment",
    "Batch",
    "Check",
    "CheckResult",
    "CheckStatus",
    "Collector",
    "Comparison",
    "ComparisonResult",
    "Criterion",
    "CriterionResult",
    "CriterionStatus",
    "CxframeError",
    "Dimension",
    "Drop",
    "Emotion",
    "Engine",
    "Environment",
    "Event",
    "EventBatches",
    "ExperienceElement",
    "Facts",
    "Finding",
    "IngestSummary",
    "IntervalMethod",
    "InvalidInput",
    "Journey",
    "JourneyStage",
    "MaturityModel",
    "MaturityResult",
    "MetricDefinition",
    "MetricResult",
    "Objective",
    "Observation",
    "Period",
    "Persona",
    "PluginConflict",
    "PluginHost",
    "Programme",
    "Reject",
    "Reporter",
    "Require",
    "Run",
    "SQLiteEngine",
    "Severity",
    "SourceReader",
    "Stage",
    "StageOutcome",
    "Store",
    "StoreError",
    "SurveyBatches",
    "SurveyQuestion",
    "TargetStatus",
    "TimestampRule",
    "Touchpoint",
    "UnknownId",
    "Verdict",
    "__version__",
    "batches_from_rows",
    "check",
    "collect",
    "compare",
    "compute_metric",
    "delimiter_of",
    "hookimpl",
    "init_programme",
    "load_answers",
    "load_plugins",
    "load_programme",
    "measure",
    "open_programme",
    "open_store",
    "raw_text",
    "read_delimited",
    "read_header",
    "run_lifecycle",
    "structure",
    "unstructure",
    "validate",
]

"""cxframe: run a customer-experience programme along its lifecycle.

The public API: the contracts plugins exchange, the hook marker, the classes
plugins register, and one function per task.
"""

from cxframe._version import __version__
from cxframe.api import Opened, check, collect, compare, measure, open_programme, run_lifecycle, validate
from cxframe.assess._questionnaire import Answer, Answers, load_answers
from cxframe.cli._common import common_options, emit_json, handle_errors, json_option, state
from cxframe.contracts._batches import (
    Batch,
    CollectedRow,
    Drop,
    EventBatches,
    Reject,
    Require,
    SurveyBatches,
    SurveyQuestion,
    TimestampRule,
)
from cxframe.contracts._context import MetricCatalogue, RunContext
from cxframe.contracts._convert import structure, unstructure
from cxframe.contracts._errors import (
    CxframeError,
    InvalidInput,
    PluginConflict,
    StoreError,
    StorePermissionWarning,
    UnknownId,
)
from cxframe.contracts._maturity import Assessment, Criterion, Dimension, Facts, MaturityModel, Verdict
from cxframe.contracts._plugins import Check, Collector, Reporter
from cxframe.contracts._records import (
    Action,
    ActionStatus,
    Attributes,
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
    Period,
    Persona,
    Severity,
    TargetStatus,
    Touchpoint,
)
from cxframe.contracts._stages import Stage, StageOutcome
from cxframe.host._hookspecs import hookimpl
from cxframe.host._manager import PluginHost, load_plugins
from cxframe.ingestion._cleaning import EventCleaner
from cxframe.ingestion._collect import IngestSummary, Progress, ingest
from cxframe.ingestion._delimited import batches_from_rows, delimiter_of, raw_text, read_delimited, read_header
from cxframe.ingestion._sources import SAMPLE_SIZE, SourceReader, detect_encoding
from cxframe.lifecycle._run import Run
from cxframe.measurement._comparisons import ComparisonResult, compare_periods
from cxframe.measurement._engine import Engine, SQLiteEngine, compute_metric
from cxframe.programme._file import PROGRAMME_FILE, Programme, load_programme
from cxframe.programme._scaffold import init_programme
from cxframe.store._files import open_private
from cxframe.store._sqlite import NAIVE_UTC, Store, check_segment_name, open_store

__all__ = [
    "NAIVE_UTC",
    "PROGRAMME_FILE",
    "SAMPLE_SIZE",
    "Action",
    "ActionStatus",
    "Answer",
    "Answers",
    "Assessment",
    "Attributes",
    "Batch",
    "Check",
    "CheckResult",
    "CheckStatus",
    "CollectedRow",
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
    "EventCleaner",
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
    "MetricCatalogue",
    "MetricDefinition",
    "MetricResult",
    "Objective",
    "Observation",
    "Opened",
    "Period",
    "Persona",
    "PluginConflict",
    "PluginHost",
    "Programme",
    "Progress",
    "Reject",
    "Reporter",
    "Require",
    "Run",
    "RunContext",
    "SQLiteEngine",
    "Severity",
    "SourceReader",
    "Stage",
    "StageOutcome",
    "Store",
    "StoreError",
    "StorePermissionWarning",
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
    "check_segment_name",
    "collect",
    "common_options",
    "compare",
    "compare_periods",
    "compute_metric",
    "delimiter_of",
    "detect_encoding",
    "emit_json",
    "handle_errors",
    "hookimpl",
    "ingest",
    "init_programme",
    "json_option",
    "load_answers",
    "load_plugins",
    "load_programme",
    "measure",
    "open_private",
    "open_programme",
    "open_store",
    "raw_text",
    "read_delimited",
    "read_header",
    "run_lifecycle",
    "state",
    "structure",
    "unstructure",
    "validate",
]

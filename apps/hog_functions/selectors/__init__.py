"""Reads of the project's hog functions: the functions themselves (`functions`), how well they run (`health`), and
their logs and test runs (`logs`)."""

from apps.hog_functions.selectors.functions import (
    HogFunction,
    InputSpec,
    function_from,
    hog_function_get,
    hog_function_list,
)
from apps.hog_functions.selectors.health import (
    RANGES,
    MetricSeries,
    Totals,
    hog_function_health,
    hog_function_health_kept,
    hog_function_metrics,
    hog_function_totals,
    hog_function_totals_of,
    hog_functions_measured,
)
from apps.hog_functions.selectors.logs import (
    LEVELS,
    LogEntry,
    TestRun,
    entry_from,
    hog_function_log_page,
    test_run_from,
)

__all__ = [
    "LEVELS",
    "RANGES",
    "HogFunction",
    "InputSpec",
    "LogEntry",
    "MetricSeries",
    "TestRun",
    "Totals",
    "entry_from",
    "function_from",
    "hog_function_get",
    "hog_function_health",
    "hog_function_health_kept",
    "hog_function_totals_of",
    "hog_functions_measured",
    "hog_function_list",
    "hog_function_log_page",
    "hog_function_metrics",
    "hog_function_totals",
    "test_run_from",
]

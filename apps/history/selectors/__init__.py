"""Reads of the stored history, as plain keyword-only functions shared by the pages and the benchmark script:

- `status`: the polling tasks' schedules and runs, the pollers' budget, what is stored;
- `delivery`: delivery-rate snapshots for the charts and the overview, and the annotations a chart marks;
- `logs`: the stored plugin logs for the explorer, its CSV export and the config list's last errors;
- `projects`: the projects every page can be filtered to.

The names below are those callers outside the app use (bench/queries.py); the app imports the modules.
"""

from apps.history.selectors.delivery import delivery_overview, delivery_series
from apps.history.selectors.logs import log_explorer_entries, log_explorer_page

__all__ = ["delivery_overview", "delivery_series", "log_explorer_entries", "log_explorer_page"]

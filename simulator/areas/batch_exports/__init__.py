"""Batch exports: scheduled exports of a project's events, persons or sessions to S3, BigQuery, Snowflake, Postgres…,
run per interval by PostHog's Temporal workers, with backfills of past ranges.

Follows products/batch_exports/backend/api/batch_export.py (BatchExportViewSet, BatchExportRunViewSet,
BatchExportBackfillViewSet, create_backfill, validate_date_input), products/batch_exports/backend/models/
batch_export.py and posthog/api/log_entries.py; 2024's posthog/batch_exports/http.py for the older profile.
Scope object `batch_export`; `logs` (of an export and of a run) declare no scope: the scope wall refuses them to
scoped personal API keys.

Per profile (`profile.batch_exports`, simulator/profiles.py): both have batch exports (they exist since 2023).
Today's PostHog backfills through `backfills/` (a viewset: list, create, retrieve, cancel), cancels runs, reads
backfill dates by the export's interval and answers 201; 2024's backfills through the export's `backfill` action,
has no run cancel, takes datetimes only and answers 200.

Modules: `state` (documents, answers, `State`), `routing` (both URL prefixes), `routes` (exports, runs), `backfills`,
`logs`, `paging` (DRF's cursor pages), `validation`, `living` (`live_tick`), `seed` with data/exports.json.
"""

from simulator.areas.batch_exports import backfills, logs, routes  # noqa: F401
from simulator.areas.batch_exports.living import live_tick
from simulator.areas.batch_exports.seed import seed

__all__ = ["live_tick", "seed"]

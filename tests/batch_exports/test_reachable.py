"""Every batch exports endpoint the portal uses is reachable from its pages (the writes: test_pages.py).

The batch exports endpoints are not rows of endpoints.tsv (the reference pages predate them), so the map of each to
the portal view that calls it is written here, from openapi.yaml's paths.
"""

import pytest
from django.urls import reverse

from tests.reachability import crawl, unlinked_views, unread_rows

pytestmark = pytest.mark.django_db
EXPORTS = "/api/projects/:project_id/batch_exports/"
PORTAL_VIEW_OF_ENDPOINT = {
    ("GET", EXPORTS): "batch_exports:list",
    ("GET", EXPORTS + ":id/"): "batch_exports:detail",
    ("GET", EXPORTS + ":id/runs/"): "batch_exports:runs",
    ("GET", EXPORTS + ":id/runs/:run_id/"): "batch_exports:run_logs",
    ("GET", EXPORTS + ":id/runs/:run_id/logs/"): "batch_exports:run_logs",
    ("GET", EXPORTS + ":id/backfills/"): "batch_exports:detail",
    ("POST", EXPORTS + ":id/pause/"): "batch_exports:pause",
    ("POST", EXPORTS + ":id/unpause/"): "batch_exports:unpause",
    ("POST", EXPORTS + ":id/backfills/"): "batch_exports:backfill",
    ("POST", EXPORTS + ":id/backfill/"): "batch_exports:backfill",
    ("POST", EXPORTS + ":id/runs/:run_id/retry/"): "batch_exports:run_retry",
    ("POST", EXPORTS + ":id/runs/:run_id/cancel/"): "batch_exports:run_cancel",
}


def test_a_crawl_from_the_overview_reaches_every_view_and_read(client_as, admin_user, demo_connection, simulator):
    found = crawl(client_as(admin_user), namespaces=("batch_exports",), start=reverse("home"), per_view=6)
    assert not unlinked_views(found, PORTAL_VIEW_OF_ENDPOINT), "not linked from any page"
    # Asked, whatever this PostHog answers: the backfills list is today's, and today's scope wall refuses logs.
    assert not unread_rows(simulator, PORTAL_VIEW_OF_ENDPOINT), "never read"
    assert "batch_exports:backfill" in found  # the form's preview (GET) and its submission (POST)

"""Pages whose PostHog reads do not depend on each other ask them together (apps.core.parallel.together): each
page shows every part it showed when they were asked one after another, from the same requests, and a failing
secondary read leaves the rest of the page in place with its message.

The tests run outside a test transaction (a worker thread's own database connection could not see inside one, and
attempt_all then reads one at a time), so the reads really do run side by side here.
"""

import re

import pytest
from django.urls import reverse

from apps.groups.links import group_url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.profiles("current", reason="the reads' order, not PostHog's versions, is under test"),
]

NOT_FOUND = {"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": None}


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


def _export(simulator, name: str = "BigQuery warehouse") -> dict:
    return simulator.state.batch_exports.by_name(name)


def _pages(simulator) -> dict[str, tuple[str, tuple[str, ...]]]:
    """{what: (url, words the page shows from each of its reads)}."""
    bigquery = _export(simulator)
    run = simulator.state.batch_exports.runs(bigquery["id"])[0]
    billing = simulator.state.hog_functions.by_name("Billing service webhook")
    acme = {"type_index": 0, "key": "acme-robotics"}
    return {
        "group": (group_url("groups:detail", **acme), ("Acme", "Company")),
        "group property, no JS": (group_url("groups:property_edit", **acme, property="plan"), ("Acme", "Company")),
        "cohort": (
            reverse("cohorts:detail", args=[3]),
            ("212</strong> persons", "In the file system: Customer Success"),
        ),
        "secret keys": (
            reverse("secret_keys:list"),
            ("Edge flag evaluation (prod)", "of the environment <strong>Production</strong>"),
        ),
        "project": (reverse("project_actions:index"), ("Hedgehog Web", "Demo data")),
        "sharing": (reverse("sharing:detail", args=["insights", 5]), ("Public link", "Checkout&lt;/b&gt; conversion")),
        "hog function logs": (reverse("hog_functions:logs", args=[billing["id"]]), (billing["name"],)),
        "batch export": (reverse("batch_exports:detail", args=[bigquery["id"]]), ("BigQuery warehouse", "Retry")),
        "run logs": (reverse("batch_exports:run_logs", args=[bigquery["id"], run["id"]]), ("BigQuery warehouse",)),
    }


def _visible(html: str) -> str:
    """The page's text without what changes from one answer to the next (CSRF tokens, nonces)."""
    html = re.sub(r"[A-Za-z0-9_+/=-]{22,}", "", html)
    return re.sub(r"\s+", " ", html)


def _asked(simulator) -> list[tuple[str, str, str]]:
    return sorted((entry["method"], entry["path"], str(entry["query"])) for entry in simulator.requests())


def test_each_page_shows_what_it_showed_from_the_same_requests_as_one_after_another(admin, simulator, sim, settings):
    for what, (url, words) in _pages(simulator).items():
        admin.get(url)  # what the pages learn once (capabilities, the switcher's lists) is learned before comparing
        settings.POSTHOG_PARALLEL_READS = 1
        sim.call("DELETE", "/_simulator/requests")
        alone = admin.get(url)
        asked_alone = _asked(simulator)
        settings.POSTHOG_PARALLEL_READS = 6
        sim.call("DELETE", "/_simulator/requests")
        together = admin.get(url)
        assert together.status_code == alone.status_code == 200, what
        assert _asked(simulator) == asked_alone, what
        page = together.content.decode()
        assert [word for word in words if word not in page] == [], what
        assert _visible(page) == _visible(alone.content.decode()), what


def test_a_failing_secondary_read_leaves_the_rest_of_the_batch_export_page(admin, simulator):
    bigquery = _export(simulator)
    simulator.script(
        "GET",
        rf"/api/projects/1/batch_exports/{bigquery['id']}/backfills/",
        status=500,
        body={"detail": "boom"},
        times=5,
    )
    page = admin.get(reverse("batch_exports:detail", args=[bigquery["id"]]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "BigQuery warehouse" in text and "Permission bigquery.tables.updateData denied" in text  # export, runs
    assert "The backfills could not be read." in text


def test_a_failing_primary_read_fails_the_page_as_before(admin, simulator):
    bigquery = _export(simulator)
    simulator.script("GET", rf"/api/projects/1/batch_exports/{bigquery['id']}/", status=404, body=NOT_FOUND)
    assert admin.get(reverse("batch_exports:detail", args=[bigquery["id"]])).status_code == 404
    simulator.script("GET", r"/api/projects/1/insights/9/sharing/", status=404, body=NOT_FOUND)
    assert admin.get(reverse("sharing:detail", args=["insights", 9])).status_code == 404


@pytest.mark.profiles("legacy", reason="the legacy demo key predates scopes: PostHog serves it run logs and demo data")
def test_failing_logs_or_demo_data_state_leave_the_rest_of_their_pages(admin, simulator):
    bigquery = _export(simulator)
    run = simulator.state.batch_exports.runs(bigquery["id"])[0]
    simulator.script("GET", r".*/runs/[^/]+/logs/", status=500, body={"detail": "boom"}, times=5)
    page = admin.get(reverse("batch_exports:run_logs", args=[bigquery["id"], run["id"]]))
    assert page.status_code == 200
    assert "BigQuery warehouse" in page.content.decode() and "The logs could not be read." in page.content.decode()

    simulator.script("GET", r".*/is_generating_demo_data/", status=500, body={"detail": "boom"}, times=5)
    page = admin.get(reverse("project_actions:index"))
    assert page.status_code == 200
    assert "Hedgehog Web" in page.content.decode() and "Unknown: " in page.content.decode()

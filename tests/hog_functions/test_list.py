"""The hog functions list against the simulator: by type, health from a bounded number of metric reads, switches,
the transformations' order, delete with Undo, and what an older PostHog or a failing read shows."""

import re

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.hog_functions.helpers import (
    FUNCTIONS,
    HTMX,
    MISSING_WRITE_SCOPE,
    function,
    script_refusal,
    served,
    text,
    toasts,
    url,
    words,
)

pytestmark = pytest.mark.django_db
CURRENT = pytest.mark.profiles("current", reason="only today's PostHog has hog functions")


@CURRENT
def test_the_list_shows_at_once_and_reads_its_figures_after_itself(operator_client, simulator):
    response = operator_client.get(url("list"))
    page = words(response)
    # One round trip: the list alone; the day's figures (a request per function) come from the part it loads.
    assert [entry["path"] for entry in served(simulator, "GET", FUNCTIONS)] == [FUNCTIONS]
    assert "7 functions · 6 enabled · 1 needs attention" in page
    assert "being read from PostHog's app metrics" in page
    crm_row = page.split("CRM sync webhook", 1)[1].split("Logs", 1)[0]
    assert "Reading…" in crm_row and "%" not in crm_row and "Not measured" not in crm_row
    # The part names the functions to measure, so it reads their figures beside the list: one round trip too.
    found = re.search(r'hx-get="(/pipeline/functions/figures/[^"]*)" hx-trigger="load"', text(response))
    part = found.group(1).replace("&amp;", "&")
    assert part.startswith(url("figures")) and part.count("measure=") == 6
    simulator.requests_clear()
    figures = words(operator_client.get(part, **HTMX))
    assert len(served(simulator, "GET", FUNCTIONS)) == 1 + 6
    assert "Reading…" not in figures and "%" in figures.split("CRM sync webhook", 1)[1].split("Logs", 1)[0]
    simulator.requests_clear()
    again = words(operator_client.get(url("list")))  # the figures are kept now: shown at once, nothing loads after
    assert "Reading…" not in again and "being read" not in again
    assert [entry["path"] for entry in served(simulator, "GET", FUNCTIONS)] == [FUNCTIONS]


@CURRENT
def test_the_list_groups_by_type_with_status_filters_and_24_hour_health(operator_client, simulator):
    page = words(operator_client.get(url("figures")))
    assert "7 functions · 6 enabled · 1 needs attention" in page
    destinations = page.split("Destinations", 1)[1].split("Transformations", 1)[0]
    # Worst first: the degraded webhook with most runs failing, the healthy one, the disabled one last.
    assert destinations.index("CRM sync webhook") < destinations.index("Slack #growth") < destinations.index("Billing")
    assert "Degraded" in destinations and "Events: signed_up, $identify" in destinations
    assert "Event: signed_up · Test accounts left out" in destinations
    transformations = page.split("Transformations", 1)[1].split("Site apps", 1)[0]
    assert transformations.index("GeoIP") < transformations.index("Hash emails") < transformations.index("Mask tokens")
    assert "Every event" in transformations
    site_apps = page.split("Site apps", 1)[1]
    assert "Launch week banner" in site_apps and "PostHog counts no runs of functions that run in browsers" in site_apps
    crm = function(simulator, "CRM sync webhook")
    totals = simulator.state.hog_functions.metrics(crm["id"])
    assert totals  # a week of runs: the figures come from PostHog's metrics, as a rate and a count
    assert "%" in destinations.split("CRM sync webhook", 1)[1].split("Slack", 1)[0]
    # One list request, and one totals request per function PostHog runs: metrics/totals is per function.
    assert len(served(simulator, "GET", FUNCTIONS)) == 1 + 6
    assert all("/metrics/totals/" in entry["path"] for entry in served(simulator, "GET", FUNCTIONS)[1:])


@CURRENT
def test_a_second_view_of_the_list_asks_only_for_the_list(operator_client, simulator):
    operator_client.get(url("list"))
    figures = words(operator_client.get(url("figures"), **HTMX))
    simulator.requests_clear()
    second = words(operator_client.get(url("list")))
    assert figures in second  # the day's figures are kept briefly: the same list, figures and all
    assert [entry["path"] for entry in served(simulator, "GET", FUNCTIONS)] == [FUNCTIONS]


@CURRENT
def test_past_the_budget_functions_are_not_measured_rather_than_given_a_figure(operator_client, simulator, monkeypatch):
    monkeypatch.setattr("apps.hog_functions.views.functions.MAX_MEASURED", 2)
    assert words(operator_client.get(url("list"))).count("Reading…") == 2  # the other 4 are never read: said so
    page = words(operator_client.get(url("figures")))
    assert page.count("Not measured: PostHog reports metrics one function at a time, and this page asks about 2") == 4
    assert "this page asks about 2 (enabled and troubled ones first) and 4 are not measured here" in page
    assert len([e for e in served(simulator, "GET", FUNCTIONS) if "/metrics/totals/" in e["path"]]) == 2
    crm_row = page.split("CRM sync webhook", 1)[1].split("Logs", 1)[0]
    assert "Not measured" not in crm_row  # the degraded one is asked about first


@CURRENT
def test_a_failing_metrics_read_leaves_the_list_standing(operator_client, simulator):
    crm = function(simulator, "CRM sync webhook")
    script_refusal(simulator, "GET", crm, "metrics/totals/", status=500, body={"detail": "boom"})  # stays down
    response = operator_client.get(url("figures"))
    assert response.status_code == 200
    row = words(response).split("CRM sync webhook", 1)[1].split("Logs", 1)[0]
    assert "Metrics could not be read" in row and "%" not in row
    assert "PostHog had an internal error" in text(response)  # the reason, on hover


@pytest.mark.profiles("legacy", reason="an older PostHog has no hog functions")
def test_an_older_posthog_says_it_has_no_hog_functions(operator_client, simulator):
    response = operator_client.get(url("list"))
    assert response.status_code == 200
    assert "Hog functions are not available." in words(response)
    assert "This PostHog does not offer this" in words(response) or "no longer offers this" in words(response)


@CURRENT
def test_a_viewer_reads_but_changes_nothing(client_as, viewer, demo_connection, simulator):
    client = client_as(viewer)
    page = text(client.get(url("list"))).split('id="functions"', 1)[1]
    assert "hx-post" not in page and "Delete" not in page and "drag-handle" not in page
    assert "Slack #growth" in page
    geoip = function(simulator, "GeoIP")
    assert client.post(url("enabled", geoip), {"enabled": "false"}, **HTMX).status_code == 403
    assert client.post(url("delete", geoip), **HTMX).status_code == 403


@CURRENT
def test_switching_a_function_off_and_on_in_place(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    response = operator_client.post(url("enabled", slack), {"enabled": "false"}, **HTMX)
    assert simulator.state.hog_functions.get(slack["id"])["enabled"] is False
    assert toasts(response)[0]["message"] == "Slack #growth: new signups disabled."
    row = words(response).split("Slack #growth", 1)[1].split("Logs", 1)[0]
    assert "Disabled" in row and "<html" not in text(response)
    [patch] = served(simulator, "PATCH", FUNCTIONS)
    assert patch["body"] == {"enabled": False}
    simulator.state.hog_functions.update(slack["id"], status={"state": 3, "tokens": 0})
    again = operator_client.post(url("enabled", slack), {"enabled": "true"}, **HTMX)
    assert "PostHog marks it “Degraded”" in toasts(again)[0]["message"]


@CURRENT
def test_transformations_are_reordered_by_drag_and_by_a_step(operator_client, simulator):
    geoip, pii, masking = (
        function(simulator, n) for n in ("GeoIP", "Hash emails and phone numbers", "Mask tokens in URLs")
    )
    dragged = operator_client.post(url("rearrange"), {"order": [masking["id"], geoip["id"], pii["id"]]}, **HTMX)
    assert toasts(dragged)[0]["message"] == "Transformation order saved: PostHog runs them in this order now."
    [patch] = served(simulator, "PATCH", FUNCTIONS + "rearrange/")
    assert patch["body"] == {"orders": {masking["id"]: 1, geoip["id"]: 2, pii["id"]: 3}}
    names = [f["name"] for f in simulator.state.hog_functions.all(1) if f["type"] == "transformation"]
    assert names == ["Mask tokens in URLs", "GeoIP", "Hash emails and phone numbers"]
    operator_client.post(url("rearrange"), {"move": pii["id"], "direction": "up"}, **HTMX)
    names = [f["name"] for f in simulator.state.hog_functions.all(1) if f["type"] == "transformation"]
    assert names == ["Mask tokens in URLs", "Hash emails and phone numbers", "GeoIP"]
    stale = operator_client.post(url("rearrange"), {"order": [geoip["id"]]}, **HTMX)  # not the whole line: ignored
    assert stale.status_code == 200 and len(served(simulator, "PATCH", FUNCTIONS + "rearrange/")) == 2


@CURRENT
def test_a_refused_reorder_says_so_and_the_order_stays(operator_client, simulator):
    geoip, pii = function(simulator, "GeoIP"), function(simulator, "Hash emails and phone numbers")
    simulator.script("PATCH", rf"{FUNCTIONS}rearrange/", status=403, body=MISSING_WRITE_SCOPE)
    response = operator_client.post(url("rearrange"), {"move": pii["id"], "direction": "up"}, **HTMX)
    assert "lacks the scope “hog_function:write”" in toasts(response)[0]["message"]
    assert simulator.state.hog_functions.get(geoip["id"])["execution_order"] == 1
    page = words(operator_client.get(url("list")))
    assert "Reordering is not available." in page and "lacks the scope “hog_function:write”" in page


@CURRENT
def test_delete_in_place_offers_an_undo_that_brings_it_back(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    response = operator_client.post(url("delete", slack), **HTMX)
    [toast] = toasts(response)
    assert toast["message"] == "Deleted “Slack #growth: new signups”."
    assert toast["action"]["label"] == "Undo" and toast["action"]["url"].startswith(url("list") + "undo/")
    assert simulator.state.hog_functions.get(slack["id"])["deleted"] is True
    assert "Slack #growth" not in words(response)
    assert [entry["body"] for entry in served(simulator, "PATCH", FUNCTIONS)] == [{"deleted": True}]
    assert not served(simulator, "DELETE", FUNCTIONS)  # PostHog answers DELETE with 405
    undone = operator_client.post(toast["action"]["url"], **HTMX)
    assert undone.status_code == 204 and undone["HX-Refresh"] == "true"
    assert simulator.state.hog_functions.get(slack["id"])["deleted"] is False
    assert "Undone: “Slack #growth: new signups” is back." in words(operator_client.get(url("list")))
    assert AuditEvent.objects.filter(area="hog_functions", object_id=slack["id"], method="PATCH").count() == 2


def test_the_navigation_leads_to_the_hog_functions(operator_client, simulator):
    assert f'href="{reverse("hog_functions:list")}"' in text(operator_client.get(reverse("plugins:configs")))


@CURRENT
def test_the_figures_part_reads_only_function_ids_it_is_given(operator_client, simulator):
    crm = function(simulator, "CRM sync webhook")
    asked = f"{url('figures')}?measure={crm['id'].upper()}&measure=../../secret&measure={crm['id']}"
    page = words(operator_client.get(asked, **HTMX))
    totals = [e["path"] for e in served(simulator, "GET", FUNCTIONS) if "/metrics/totals/" in e["path"]]
    assert all("secret" not in path for path in totals)  # what is not an id never reaches a PostHog path
    assert sum(crm["id"] in path for path in totals) == 1  # once, however it was written
    assert "%" in page.split("CRM sync webhook", 1)[1].split("Logs", 1)[0]

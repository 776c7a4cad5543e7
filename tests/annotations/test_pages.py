"""The project's annotations pages over the Django test client, against the PostHog simulator."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.urls import reverse
from django.utils.html import escape

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
ANNOTATIONS = "/api/projects/1/annotations/"
LIVE_IN_PROJECT_ONE = 23  # 25 seeded, 2 of them deleted (simulator/areas/annotations.py)


def text(response) -> str:
    return response.content.decode()


def sim_annotation(sim, annotation_id: int) -> requests.Response:
    return sim.call("GET", f"{ANNOTATIONS}{annotation_id}/")


def sim_find(sim, words: str) -> dict:
    return sim.call("GET", ANNOTATIONS, params={"search": words}).json()["results"][0]


def sim_create(sim, content: str, *, at: datetime | None = None, scope: str = "project") -> dict:
    at = at or datetime.now(UTC)
    body = {"content": content, "date_marker": at.isoformat(), "scope": scope}
    return sim.call("POST", ANNOTATIONS, json=body).json()


def served(simulator, method: str, path_start: str) -> list[dict]:
    return [
        entry for entry in simulator.requests() if entry["method"] == method and entry["path"].startswith(path_start)
    ]


def triggers(response) -> dict:
    return json.loads(response["HX-Trigger"])


def other_environment_insight(simulator) -> dict:
    """An insight that project 1's insight list shows but that lives in another of its environments."""
    return next(insight for insight in simulator.state.sharing.insights(1) if insight["team_id"] != 1)


# List ------------------------------------------------------------------------------------------------------


def test_the_list_shows_the_projects_annotations_newest_first(operator_client):
    page = text(operator_client.get(reverse("annotations:list")))
    assert f"1–{LIVE_IN_PROJECT_ONE} of {LIVE_IN_PROJECT_ONE} annotations" in page
    assert page.index("Pricing page A/B test started") < page.index("Data retention policy changed")
    assert (
        "Deployed v4.13.2 – hotfix for checkout &lt;button&gt; double submit" in page and "<button> double" not in page
    )
    assert ">deploy</span>" in page  # created by a deploy integration
    assert "Typo annotation" not in page  # deleted in PostHog
    assert "José Núñez" in page and ">Organization</span>" in page and ">Insight</span>" in page
    assert "New annotation" in page and ">Edit</a>" in page and ">Delete</button>" in page


def test_a_viewer_reads_but_sees_no_button_and_cannot_write(client_as, viewer, demo_connection, sim):
    client = client_as(viewer)
    page = text(client.get(reverse("annotations:list")))
    assert "Pricing page A/B test started" in page
    assert "New annotation" not in page and ">Edit</a>" not in page and ">Delete</button>" not in page
    annotation = sim_find(sim, "Pricing page")
    assert "Pricing page A/B test started" in text(client.get(reverse("annotations:detail", args=[annotation["id"]])))
    assert client.get(reverse("annotations:create")).status_code == 403
    assert client.post(reverse("annotations:create"), {"content": "x"}).status_code == 403
    assert client.post(reverse("annotations:edit", args=[annotation["id"]]), {"content": "x"}).status_code == 403
    assert client.post(reverse("annotations:delete", args=[annotation["id"]])).status_code == 403
    assert client.post(reverse("annotations:restore", args=[annotation["id"]])).status_code == 403
    assert sim_annotation(sim, annotation["id"]).json()["content"] == annotation["content"]
    assert not AuditEvent.objects.filter(area="annotations").exists()


def test_search_is_posthogs_and_answers_htmx_with_the_results_alone(operator_client, simulator):
    fragment = text(operator_client.get(reverse("annotations:list"), {"search": "newsletter SUBSCRIBERS"}, **HTMX))
    assert "<html" not in fragment and 'id="annotation-results"' in fragment
    assert "Newsletter sent to 48k subscribers" in fragment and "1–1 of 1 annotation matching" in fragment
    assert "Pricing page" not in fragment
    assert served(simulator, "GET", ANNOTATIONS)[-1]["query"]["search"] == "newsletter SUBSCRIBERS"

    nothing = text(operator_client.get(reverse("annotations:list"), {"search": "hedgehog moon landing"}))
    assert "No annotation matches these filters" in nothing and "Show every annotation" in nothing


def test_scope_and_date_filters_go_to_posthog(operator_client, simulator, sim):
    page = text(operator_client.get(reverse("annotations:list"), {"scope": "organization"}))
    assert "1–8 of 8 annotations matching" in page and "Product Hunt launch" in page and "Newsletter" not in page

    today = datetime.now(UTC).date()
    start, end = today - timedelta(days=12), today - timedelta(days=5)
    page = text(operator_client.get(reverse("annotations:list"), {"date_from": start, "date_to": end}))
    query = served(simulator, "GET", ANNOTATIONS)[-1]["query"]
    assert query["date_from"] == f"{start}T00:00:00Z" and query["date_to"] == f"{end}T23:59:59.999999Z"
    expected = sim.call("GET", ANNOTATIONS, params={"date_from": query["date_from"], "date_to": query["date_to"]})
    contents = [item["content"] for item in expected.json()["results"]]
    assert contents and all(escape(content) in page for content in contents)
    assert "Pricing page A/B test" not in page


def test_a_backwards_date_range_is_an_error_on_its_field_with_the_dates_kept(operator_client, simulator):
    before = len(served(simulator, "GET", ANNOTATIONS))
    page = text(operator_client.get(reverse("annotations:list"), {"date_from": "2025-03-10", "date_to": "2025-03-01"}))
    assert "To (UTC): “To” must be on or after “From”." in page and 'class="field-invalid"' in page
    assert 'value="2025-03-10"' in page and 'value="2025-03-01"' in page
    assert "Fix the filters above" in page
    assert len(served(simulator, "GET", ANNOTATIONS)) == before  # nothing asked of PostHog

    fragment = text(operator_client.get(reverse("annotations:list"), {"date_to": "2025-02-30"}, **HTMX))
    assert (
        'id="annotation-filter-errors" role="alert" hx-swap-oob="true"' in fragment and "Enter a valid date" in fragment
    )


def test_pages_follow_posthogs_next(operator_client, sim):
    for n in range(5):
        sim_create(sim, f"Canary step {n}", at=datetime.now(UTC) - timedelta(days=200 + n))
    first = text(operator_client.get(reverse("annotations:list")))
    assert "1–25 of 28 annotations" in first and "Older →" in first and "← Newer" not in first
    assert "/annotations/?&amp;offset=25" in first

    second = text(operator_client.get(reverse("annotations:list"), {"offset": 25}))
    assert "26–28 of 28 annotations" in second and "← Newer" in second and "Older →" not in second
    assert "Canary step 4" in second and "Pricing page A/B test" not in second


def test_an_empty_project_explains_annotations(operator_client, sim):
    for annotation in sim.call("GET", ANNOTATIONS, params={"limit": 100}).json()["results"]:
        sim.call("PATCH", f"{ANNOTATIONS}{annotation['id']}/", json={"deleted": True})
    page = text(operator_client.get(reverse("annotations:list")))
    assert "No annotations in this project yet" in page and "Create the first annotation" in page


def test_a_failing_posthog_is_a_polite_page(operator_client, simulator):
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}, timeout=5)
    response = operator_client.get(reverse("annotations:list"))
    assert response.status_code == 502 and "PostHog could not answer" in text(response)


# Detail ----------------------------------------------------------------------------------------------------


def test_the_detail_shows_the_whole_text_and_where_it_is_shown(operator_client, sim):
    incident = sim_find(sim, "INC-2291")
    page = text(operator_client.get(reverse("annotations:detail", args=[incident["id"]])))
    assert "runbook update, &amp; a load test before the next partition rebalance." in page
    assert "the charts of every project of the organization" in page and "by Zoë Müller" in page

    insight_scoped = sim.call("GET", ANNOTATIONS, params={"scope": "dashboard_item"}).json()["results"][0]
    page = text(operator_client.get(reverse("annotations:detail", args=[insight_scoped["id"]])))
    assert f"<code>{insight_scoped['insight_short_id']}</code>" in page


def test_a_deleted_annotation_is_not_found(operator_client, sim):
    annotation = sim_find(sim, "Pricing page")
    sim.call("PATCH", f"{ANNOTATIONS}{annotation['id']}/", json={"deleted": True})
    response = operator_client.get(reverse("annotations:detail", args=[annotation["id"]]))
    assert response.status_code == 404 and "Not found in PostHog" in text(response)


# Create ----------------------------------------------------------------------------------------------------


def test_an_operator_creates_a_project_annotation_and_it_is_audited(operator_client, operator, sim):
    response = operator_client.post(
        reverse("annotations:create"),
        {"content": "Deployed v5.0 <canary>", "date_marker": "2025-04-01T09:30", "scope": "project"},
    )
    created = sim_find(sim, "v5.0")
    assert response.status_code == 302 and response["Location"] == reverse("annotations:detail", args=[created["id"]])
    assert created["date_marker"] == "2025-04-01T09:30:00Z" and created["scope"] == "project"
    page = text(operator_client.get(response["Location"]))
    assert "Created “Deployed v5.0 &lt;canary&gt;”." in page and "Annotation of 2025-04-01 09:30 UTC" in page
    event = AuditEvent.objects.get(area="annotations", method="POST")
    assert event.actor == operator and event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.request_body == {
        "content": "Deployed v5.0 <canary>",
        "date_marker": "2025-04-01T09:30:00Z",
        "scope": "project",
    }
    assert event.after["id"] == created["id"]


def test_an_insight_annotation_takes_the_insights_short_id_or_link(operator_client, sim):
    insight = sim.call("GET", "/api/projects/1/insights/", params={"limit": 100}).json()["results"]
    insight = next(item for item in insight if item["name"] == "Weekly active users")
    link = f"https://eu.posthog.com/project/1/insights/{insight['short_id']}?from=dashboard"
    operator_client.post(
        reverse("annotations:create"),
        {"content": "Tracking fix", "date_marker": "2025-04-02T10:00", "scope": "dashboard_item", "insight": link},
    )
    created = sim_find(sim, "Tracking fix")
    assert created["scope"] == "dashboard_item" and created["dashboard_item"] == insight["id"]
    page = text(operator_client.get(reverse("annotations:list"), {"search": "tracking fix"}))
    assert "Weekly active users" in page


def test_a_dashboard_annotation_takes_the_dashboards_number_or_link(operator_client, sim):
    operator_client.post(
        reverse("annotations:create"),
        {
            "content": "Quarterly offsite",
            "date_marker": "2025-04-03T08:00",
            "scope": "dashboard",
            "dashboard": "https://us.posthog.com/project/1/dashboard/12",
            "insight": "not an insight annotation, so not checked",
        },
    )
    created = sim_find(sim, "Quarterly offsite")
    assert created["scope"] == "dashboard" and created["dashboard_id"] == 12 and created["dashboard_item"] is None


def test_invalid_forms_show_errors_on_their_fields_with_the_input_kept(operator_client, sim):
    url = reverse("annotations:create")
    page = text(operator_client.post(url, {"content": "", "date_marker": "next tuesday", "scope": "project"}, **HTMX))
    assert "<html" not in page and 'id="annotation-form"' in page
    assert "This field is required." in page and "Enter a valid date/time." in page
    assert 'value="next tuesday"' in page

    page = text(
        operator_client.post(url, {"content": "x" * 401, "date_marker": "2025-04-01T09:30", "scope": "project"})
    )
    assert "at most 400 characters (it has 401)" in page

    page = text(
        operator_client.post(
            url, {"content": "Kept text", "date_marker": "2025-04-01T09:30", "scope": "dashboard_item"}
        )
    )
    assert "Which insight? Give its short ID or its link." in page and "Kept text" in page

    page = text(
        operator_client.post(
            url, {"content": "Kept", "date_marker": "2025-04-01T09:30", "scope": "dashboard", "dashboard": "twelve"}
        )
    )
    assert "Give the dashboard&#x27;s number or its link." in page and 'value="twelve"' in page
    assert not AuditEvent.objects.filter(area="annotations").exists()


def test_an_unknown_insight_is_an_error_on_its_field(operator_client):
    page = text(
        operator_client.post(
            reverse("annotations:create"),
            {"content": "Typed", "date_marker": "2025-04-01T09:30", "scope": "dashboard_item", "insight": "NoSuch12"},
        )
    )
    assert "No insight of this project has the short ID “NoSuch12”." in page and 'value="NoSuch12"' in page
    assert not AuditEvent.objects.filter(area="annotations").exists()


def test_posthogs_own_field_error_lands_on_the_form_field(operator_client, simulator):
    insight = other_environment_insight(simulator)
    page = text(
        operator_client.post(
            reverse("annotations:create"),
            {
                "content": "Typed",
                "date_marker": "2025-04-01T09:30",
                "scope": "dashboard_item",
                "insight": insight["short_id"],
            },
        )
    )
    # PostHog names `dashboard_item`; the form calls it "insight"
    assert f"Invalid pk &quot;{insight['id']}&quot; - object does not exist." in page
    assert page.index("Invalid pk") > page.index('name="insight"') and "Typed" in page
    failed = AuditEvent.objects.get(area="annotations", method="POST")
    assert failed.outcome == AuditEvent.Outcome.FAILURE and failed.status_code == 400


# Edit ------------------------------------------------------------------------------------------------------


def test_an_edit_sends_only_what_changed_and_is_audited(operator_client, operator, sim):
    annotation = sim_find(sim, "Newsletter sent")
    url = reverse("annotations:edit", args=[annotation["id"]])
    form = text(operator_client.get(url))
    assert "Newsletter sent to 48k subscribers 📬" in form and 'value="project" class=' not in form
    marker = datetime.fromisoformat(annotation["date_marker"])
    # The field shows seconds only when there are some; the seeded date is relative to now, so either happens.
    shown = marker.strftime("%Y-%m-%dT%H:%M:%S" if marker.second else "%Y-%m-%dT%H:%M")
    assert f'value="{shown}"' in form

    response = operator_client.post(
        url, {"content": "Newsletter sent to 52k subscribers", "date_marker": shown, "scope": "project"}
    )

    assert response["Location"] == reverse("annotations:detail", args=[annotation["id"]])
    after = sim_annotation(sim, annotation["id"]).json()
    assert (
        after["content"] == "Newsletter sent to 52k subscribers" and after["date_marker"] == annotation["date_marker"]
    )
    event = AuditEvent.objects.get(area="annotations", method="PATCH")
    assert event.actor == operator and event.request_body == {"content": "Newsletter sent to 52k subscribers"}
    assert (
        event.before["content"] == "Newsletter sent to 48k subscribers 📬"
        and event.after["content"] == after["content"]
    )


def test_an_edit_that_changes_nothing_sends_nothing(operator_client, sim):
    annotation = sim_find(sim, "Newsletter sent")
    shown = datetime.fromisoformat(annotation["date_marker"]).strftime("%Y-%m-%dT%H:%M:%S")
    response = operator_client.post(
        reverse("annotations:edit", args=[annotation["id"]]),
        {"content": annotation["content"], "date_marker": shown, "scope": "project"},
        follow=True,
    )
    assert "No changes to save." in text(response)
    assert not AuditEvent.objects.filter(area="annotations").exists()


def test_moving_an_annotation_to_an_insight_sends_the_scope_and_the_insight(operator_client, sim):
    annotation = sim_find(sim, "Newsletter sent")
    insight = sim.call("GET", "/api/projects/1/insights/", params={"limit": 100}).json()["results"]
    insight = next(item for item in insight if item["name"] == "Weekly active users")
    shown = datetime.fromisoformat(annotation["date_marker"]).strftime("%Y-%m-%dT%H:%M:%S")
    operator_client.post(
        reverse("annotations:edit", args=[annotation["id"]]),
        {
            "content": annotation["content"],
            "date_marker": shown,
            "scope": "dashboard_item",
            "insight": insight["short_id"],
        },
    )
    event = AuditEvent.objects.get(area="annotations", method="PATCH")
    assert event.request_body == {"dashboard_item": insight["id"], "scope": "dashboard_item"}
    assert sim_annotation(sim, annotation["id"]).json()["insight_name"] == "Weekly active users"


# Delete and restore ------------------------------------------------------------------------------------------


def test_delete_from_the_list_is_a_soft_delete_with_undo_in_its_toast(operator_client, operator, sim, simulator):
    annotation = sim_find(sim, "Newsletter sent")
    response = operator_client.post(reverse("annotations:delete", args=[annotation["id"]]), **HTMX)

    assert response.status_code == 204
    sent = triggers(response)
    assert "annotations-changed" in sent  # the list refreshes itself
    [toast] = sent["toasts"]
    restore_url = toast["action"]["url"]  # an undo token (apps/core/undo.py): tests/test_undo.py covers it
    assert toast["level"] == "success" and toast["message"] == "Deleted “Newsletter sent to 48k subscribers 📬”."
    assert toast["action"]["label"] == "Undo" and restore_url.startswith("/annotations/undo/")
    assert sim_annotation(sim, annotation["id"]).status_code == 404  # PostHog hides it
    assert not served(simulator, "DELETE", ANNOTATIONS)  # PostHog answers DELETE with 405: never sent
    event = AuditEvent.objects.get(area="annotations", method="PATCH")
    assert event.actor == operator and event.request_body == {"deleted": True}
    assert event.before["deleted"] is False and event.after["deleted"] is True
    assert event.object_id == str(annotation["id"]) and event.outcome == AuditEvent.Outcome.SUCCESS

    undone = operator_client.post(restore_url, **HTMX)

    assert undone.status_code == 204 and "annotations-changed" in triggers(undone)
    assert triggers(undone)["toasts"] == [
        {"level": "success", "message": "Undone: “Newsletter sent to 48k subscribers 📬” restored."}
    ]
    assert sim_annotation(sim, annotation["id"]).json()["deleted"] is False
    restore = AuditEvent.objects.filter(area="annotations", method="PATCH").first()
    assert restore.request_body == {"deleted": False} and restore.after["deleted"] is False


def test_without_javascript_a_delete_leads_to_the_deleted_list_where_restore_works(operator_client, operator, sim):
    annotation = sim_find(sim, "Bot traffic")
    response = operator_client.post(
        reverse("annotations:delete", args=[annotation["id"]]), {"next": "/annotations/?search=bot&deleted=on"}
    )
    assert response.status_code == 302 and response["Location"] == "/annotations/?search=bot&deleted=on"

    page = text(operator_client.get(response["Location"]))
    assert "Deleted “Bot traffic from 185.220.x.x filtered from this date”. It is listed under “Deleted” below" in page
    deleted = page[page.index('id="deleted-heading"') :]
    assert "Bot traffic from 185.220.x.x" in deleted and "otto-operator" in deleted
    assert reverse("annotations:restore", args=[annotation["id"]]) in deleted and ">Restore</button>" in deleted
    assert "No annotation matches these filters" in page  # gone from PostHog's list

    response = operator_client.post(
        reverse("annotations:restore", args=[annotation["id"]]), {"next": "/annotations/?search=bot&deleted=on"}
    )
    assert response["Location"] == "/annotations/?search=bot&deleted=on"
    page = text(operator_client.get(response["Location"]))
    assert "Restored “Bot traffic" in page and "1–1 of 1 annotation matching" in page
    assert "None matching the filters." in page


def test_a_delete_from_the_detail_page_opens_the_list_with_the_deleted_shown(operator_client, sim):
    annotation = sim_find(sim, "Bot traffic")
    response = operator_client.post(reverse("annotations:delete", args=[annotation["id"]]))
    assert response["Location"] == "/annotations/?deleted=on"


def test_the_deleted_list_holds_only_what_the_portal_deleted_and_follows_the_filters(operator_client, sim):
    for words in ("Bot traffic", "Product Hunt"):
        operator_client.post(reverse("annotations:delete", args=[sim_find(sim, words)["id"]]), **HTMX)
    page = text(operator_client.get(reverse("annotations:list"), {"deleted": "on"}))
    deleted = page[page.index('id="deleted-heading"') :]
    assert 'Deleted <span class="muted small">2</span>' in deleted
    assert deleted.index("Product Hunt") < deleted.index("Bot traffic")  # newest deletion first
    assert "Typo annotation" not in deleted  # deleted in PostHog, not through the portal

    page = text(operator_client.get(reverse("annotations:list"), {"deleted": "on", "scope": "organization"}))
    deleted = page[page.index('id="deleted-heading"') :]
    assert "Product Hunt" in deleted and "Bot traffic" not in deleted

    page = text(operator_client.get(reverse("annotations:list")))
    assert 'id="deleted-heading"' not in page  # only when asked for


def test_a_failing_delete_says_so_in_the_banner_and_changes_nothing(operator_client, sim, simulator):
    annotation = sim_find(sim, "Bot traffic")
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}, timeout=5)
    response = operator_client.post(reverse("annotations:delete", args=[annotation["id"]]), **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#upstream-banner"
    assert "PostHog could not answer." in text(response)
    assert triggers(response)["toasts"][0]["level"] == "error"
    requests.delete(f"{simulator.url}/_simulator/faults", timeout=5)
    assert sim_annotation(sim, annotation["id"]).json()["deleted"] is False
    failed = AuditEvent.objects.get(area="annotations", method="PATCH")
    assert failed.outcome == AuditEvent.Outcome.FAILURE and failed.status_code == 500


def test_editing_the_text_of_an_insight_annotation_leaves_its_insight_alone(operator_client, sim):
    orphan = sim_create(sim, "Insight since deleted", scope="dashboard_item")  # PostHog keeps it without one
    shown = datetime.fromisoformat(orphan["date_marker"]).strftime("%Y-%m-%dT%H:%M:%S")
    response = operator_client.post(
        reverse("annotations:edit", args=[orphan["id"]]),
        {"content": "Insight since deleted (checked)", "date_marker": shown, "scope": "dashboard_item", "insight": ""},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(area="annotations", method="PATCH")
    assert event.request_body == {"content": "Insight since deleted (checked)"}

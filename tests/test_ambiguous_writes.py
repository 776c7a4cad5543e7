"""Writes whose answer is lost, end to end against the simulator: PostHog holds the change once, the page tells the
truth and keeps the form, and the audit records what reading back found (issue 18, "ambiguous writes settled")."""

import time

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record_write
from apps.posthog.client import WriteRecord
from apps.posthog.errors import CONNECTION_DROPPED, OutcomeUnknown
from apps.posthog.settle import UNKNOWN

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
ANNOTATIONS = "/api/projects/1/annotations/"
KEYS = "/api/environments/1/project_secret_api_keys/"
TYPED = {"content": "Deploy 42 went out", "date_marker": "2026-04-01T09:30", "scope": "project"}


def _text(response) -> str:
    return response.content.decode()


def _held(sim, words: str) -> list[dict]:
    return sim.call("GET", ANNOTATIONS, params={"search": words}).json()["results"]


def _event(method: str, area: str = "annotations") -> AuditEvent:
    return AuditEvent.objects.get(area=area, method=method)


APPLIED_FAULTS = {
    "malformed answer": {"malformed_rate": 1.0},
    "dropped after applying": {"drop_after_rate": 1.0},
    "hung after applying": {"hang_after_rate": 1.0, "hang_seconds": 2.0},
}


@pytest.mark.parametrize("faults", APPLIED_FAULTS.values(), ids=APPLIED_FAULTS.keys())
def test_a_create_applied_whose_answer_is_lost_is_told_as_made_once(operator_client, simulator, sim, settings, faults):
    settings.POSTHOG_READ_TIMEOUT = 1.0  # the hang outlasts it: the answer times out after PostHog made the change
    simulator.faults_set(fault_methods="POST", **faults)

    response = operator_client.post(reverse("annotations:create"), TYPED)

    (held,) = _held(sim, "Deploy 42")
    assert response.status_code == 302 and response["Location"] == reverse("annotations:detail", args=[held["id"]])
    time.sleep(faults.get("hang_seconds", 0))  # a hung answer is logged once the simulator sends it
    assert len(simulator.requests(method="POST", path=ANNOTATIONS)) == 1  # never sent twice
    simulator.faults_clear()
    assert "Created “Deploy 42 went out”." in _text(operator_client.get(response["Location"]))
    event = _event("POST")
    assert (event.outcome, event.settled, event.object_id) == ("success", "applied", str(held["id"]))
    trail = _text(operator_client.get(reverse("trail:detail", args=["portal", event.pk])))
    assert "applied (PostHog's answer was lost; read back)" in trail


@pytest.mark.parametrize("htmx", [False, True], ids=["without JavaScript", "with htmx"])
def test_a_create_dropped_before_applying_keeps_the_form_and_says_it_did_not_make_it(
    operator_client, simulator, sim, htmx
):
    simulator.faults_set(fault_methods="POST", drop_rate=1.0)

    response = operator_client.post(reverse("annotations:create"), TYPED, **(HTMX if htmx else {}))

    page = _text(response)
    assert response.status_code == 200
    assert "PostHog did not make it, so nothing was changed" in page
    assert "Deploy 42 went out</textarea>" in page or 'value="Deploy 42 went out"' in page  # what was typed is kept
    assert ("<html" in page) is not htmx  # htmx swaps the form in place; without it the whole page comes back
    assert _held(sim, "Deploy 42") == []
    event = _event("POST")
    assert (event.outcome, event.settled) == ("failure", "not applied")
    trail = _text(operator_client.get(reverse("trail:list")))
    assert "tried to create" in trail and "not applied (read back)" in trail


def test_an_edit_whose_connection_dropped_after_applying_is_read_back_as_saved(operator_client, simulator, sim):
    created = sim.call("POST", ANNOTATIONS, json={"content": "Old words", "date_marker": "2026-03-01T00:00:00Z"})
    annotation = created.json()
    simulator.faults_set(fault_methods="PATCH", drop_after_rate=1.0)

    response = operator_client.post(
        reverse("annotations:edit", args=[annotation["id"]]), {**TYPED, "content": "New words"}
    )

    assert response.status_code == 302
    assert len(simulator.requests(method="PATCH")) == 1
    simulator.faults_clear()
    assert sim.call("GET", f"{ANNOTATIONS}{annotation['id']}/").json()["content"] == "New words"
    event = _event("PATCH")
    assert (event.outcome, event.settled, event.before["content"]) == ("success", "applied", "Old words")


def test_a_delete_whose_connection_dropped_after_applying_is_read_back_as_deleted(
    client_as, admin_user, demo_connection, simulator, sim
):
    key = sim.call("GET", KEYS).json()["results"][0]
    simulator.faults_set(fault_methods="DELETE", drop_after_rate=1.0)

    response = client_as(admin_user).post(reverse("secret_keys:delete", args=[key["id"]]))

    assert response.status_code == 302
    assert len(simulator.requests(method="DELETE")) == 1
    simulator.faults_clear()
    assert key["id"] not in [held["id"] for held in sim.call("GET", KEYS).json()["results"]]
    event = _event("DELETE", area="project_secret_api_keys")
    assert (event.outcome, event.settled) == ("success", "applied")


def test_a_secret_key_made_but_whose_answer_was_lost_says_to_roll_it(
    client_as, admin_user, demo_connection, simulator, sim
):
    simulator.faults_set(fault_methods="POST", drop_after_rate=1.0)

    response = client_as(admin_user).post(
        reverse("secret_keys:create"), {"label": "Edge worker", "scopes": ["feature_flag:read"]}
    )

    page = _text(response)
    assert "PostHog never shows a secret again. Roll the key to get a new secret" in page
    simulator.faults_clear()
    assert [held["label"] for held in sim.call("GET", KEYS).json()["results"]].count("Edge worker") == 1


def test_an_unknown_outcome_reads_as_may_have_with_a_link_to_check(client_as, admin_user, demo_connection):
    lost = OutcomeUnknown(reason=CONNECTION_DROPPED)
    record = WriteRecord(
        method="POST",
        path="/api/projects/1/annotations/",
        body={"content": "Deploy 43"},
        status=None,
        error=lost,
        duration_ms=5,
        settled=UNKNOWN,
    )
    event = audit_record_write(actor=admin_user, connection=demo_connection, record=record)

    assert (event.outcome, event.check_url) == ("unknown", demo_connection.host)
    admin = client_as(admin_user)
    trail = _text(admin.get(reverse("trail:list")))
    assert "may have created" in trail and "unknown — check PostHog" in trail
    detail = _text(admin.get(reverse("trail:detail", args=["portal", event.pk])))
    assert f'href="{demo_connection.host}"' in detail and "Check in PostHog" in detail


# Two small items of the issue: a switch PostHog made, a refused repository entry without JavaScript ----------------

CONFIGS = "/api/projects/1/plugin_configs/"


def test_a_switch_posthog_made_shows_its_row_and_no_error_when_the_reread_fails(operator_client, simulator, sim):
    config = next(c for c in sim.call("GET", CONFIGS).json()["results"] if c["enabled"])
    simulator.script("GET", CONFIGS, status=404, body={"detail": "Not found."}, times=20)

    page = operator_client.post(reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX)

    simulator.scripts_clear()
    assert page.status_code == 200
    trigger = page.headers["HX-Trigger"]
    assert "disabled." in trigger and '"error"' not in trigger
    assert page.headers["HX-Retarget"] == f"#config-{config['id']}" and page.headers["HX-Reswap"] == "outerHTML"
    row = page.content.decode()
    assert f'id="config-{config["id"]}"' in row and 'id="enabled-config-' in row and "checked" not in row
    assert AuditEvent.objects.get(method="PATCH").outcome == "success"


@pytest.mark.profiles("legacy", reason="cloud organizations may configure plugins, not install them")
def test_a_refused_repository_entry_without_javascript_shows_posthogs_refusal(
    client_as, admin_user, demo_connection, simulator
):
    refusal = {
        "type": "validation_error",
        "code": "invalid_input",
        "detail": "Could not find package.json",
        "attr": None,
    }
    simulator.script("POST", r"/api/organizations/[^/]+/plugins/", status=400, body=refusal)

    response = client_as(admin_user).post(
        reverse("plugins:install"),
        {"how": "repository", "repository-url": "https://github.com/PostHog/posthog-zapier-plugin"},
        follow=True,
    )

    page = _text(response)
    assert response.status_code == 200 and "Could not find package.json" in page
    assert "could not answer" not in page and "Nothing was changed" not in page

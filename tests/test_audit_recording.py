"""Every write the client performs is recorded, with the person, masked body, state before and outcome."""

import pytest
import responses

from apps.audit.masking import MASK
from apps.audit.models import AuditEvent
from apps.audit.naming import area_and_object_from_path
from apps.connections.services import client_for
from apps.posthog.client import api_path
from apps.posthog.errors import ValidationError

pytestmark = pytest.mark.django_db
BASE = "https://posthog.example.test"


def upstream_events():
    # The `connection` fixture's own creation is audited too; these tests look at PostHog writes.
    return AuditEvent.objects.exclude(area="connections")


@responses.activate
def test_successful_patch_is_recorded_with_state_before_and_secrets_masked(connection, operator):
    url = f"{BASE}/api/projects/1/plugin_configs/7/"
    responses.get(url, json={"id": 7, "enabled": False, "config": {"apiKey": "sk_live_123", "host": "a"}})
    responses.patch(url, json={"id": 7, "enabled": True, "config": {"apiKey": "sk_live_123", "host": "a"}})
    client = client_for(connection=connection, actor=operator)
    client.patch(
        api_path("projects", 1, "plugin_configs", 7),
        json={"enabled": True, "config": {"apiKey": "sk_live_123"}},
        capture_before=True,
    )

    event = upstream_events().get()
    assert (event.actor, event.actor_name, event.connection, event.connection_name) == (
        operator,
        "otto-operator",
        connection,
        "Production",
    )
    assert (event.area, event.object_id, event.method, event.path) == (
        "plugin_configs",
        "7",
        "PATCH",
        "/api/projects/1/plugin_configs/7/",
    )
    assert event.request_body == {"enabled": True, "config": {"apiKey": MASK}}
    assert event.before["enabled"] is False and event.before["config"]["apiKey"] == MASK
    assert event.after["enabled"] is True
    assert (event.status_code, event.outcome, event.error) == (200, "success", "")
    assert "sk_live_123" not in str(upstream_events().values().get())


@responses.activate
def test_failed_write_is_recorded_with_the_reason(connection, operator):
    responses.post(
        f"{BASE}/api/projects/1/annotations/",
        status=400,
        json={"type": "validation_error", "code": "required", "detail": "This field is required.", "attr": "content"},
    )
    with pytest.raises(ValidationError):
        client_for(connection=connection, actor=operator).post(api_path("projects", 1, "annotations"), json={})
    event = upstream_events().get()
    assert (event.area, event.object_id, event.status_code, event.outcome) == ("annotations", "", 400, "failure")
    assert "content" in event.error


@responses.activate
def test_unreachable_write_is_recorded_too(connection, operator):
    import requests

    from apps.posthog.errors import Unreachable

    responses.delete(f"{BASE}/api/organizations/org-1/roles/5/", body=requests.ConnectionError("refused"))
    with pytest.raises(Unreachable):
        client_for(connection=connection, actor=operator, max_retries=0).delete(
            api_path("organizations", "org-1", "roles", 5)
        )
    event = upstream_events().get()
    assert (event.area, event.object_id, event.outcome, event.status_code) == ("roles", "5", "failure", None)
    assert "Could not reach PostHog" in event.error


@responses.activate
def test_secret_key_values_in_responses_are_masked(connection, admin_user):
    responses.post(
        f"{BASE}/api/environments/1/project_secret_api_keys/",
        status=201,
        json={"id": "k1", "label": "ci", "value": "phs_abcdefghijklmnop1234"},
    )
    client_for(connection=connection, actor=admin_user).post(
        api_path("environments", 1, "project_secret_api_keys"), json={"label": "ci"}
    )
    event = upstream_events().get()
    assert "phs_abcdefghijklmnop1234" not in str(event.after) and event.after["label"] == "ci"


def test_reads_are_not_audited(connection, viewer):
    with responses.RequestsMock() as mock:
        mock.get(f"{BASE}/api/projects/1/", json={"id": 1})
        client_for(connection=connection, actor=viewer).get(api_path("projects", 1))
    assert not upstream_events().exists()


def test_work_without_a_person_is_credited_to_system(connection):
    with responses.RequestsMock() as mock:
        mock.post(f"{BASE}/api/projects/1/cohorts/", status=201, json={"id": 3})
        client_for(connection=connection).post(api_path("projects", 1, "cohorts"), json={"name": "x"})
    assert upstream_events().get().actor_name == "system"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/projects/1/plugin_configs/7/job/", ("plugin_configs", "7")),
        ("/api/projects/1/plugin_configs/rearrange/", ("plugin_configs", "")),
        ("/api/organizations/@current/projects/5/reset_token/", ("projects", "5")),
        ("/api/environments/2/insights/abc/sharing/passwords/", ("insights", "abc")),
        ("/api/projects/1/file_system/undo_delete/", ("file_system", "")),
        ("https://us.posthog.com/api/projects/1/annotations/9/?x=1", ("annotations", "9")),
    ],
)
def test_area_and_object_come_from_the_path(path, expected):
    assert area_and_object_from_path(path) == expected


def test_reads_posthog_serves_as_post_are_not_audited(connection, operator):
    """posthog/api/file_system/file_system.py serves `log_view` and `count_by_path` as POST; a hog function's test
    run with mocked fetches (products/cdp/backend/api/hog_function.py `invocations`) stores and sends nothing."""
    client = client_for(connection=connection, actor=operator)
    fs = f"{BASE}/api/projects/1/file_system"
    run = f"{BASE}/api/projects/1/hog_functions/f1/invocations/"
    with responses.RequestsMock() as mock:
        mock.post(f"{fs}/log_view/", status=204)
        mock.post(f"{fs}/count_by_path/", json={"count": 4})
        mock.post(run, json={"status": "success", "logs": []})
        client.post(api_path("projects", 1, "file_system", "log_view"), json={"type": "dashboard", "ref": "4"})
        client.post(api_path("projects", 1, "file_system", "count_by_path"), params={"path": "Product"})
        client.post(api_path("projects", 1, "hog_functions", "f1", "invocations"), json={"mock_async_functions": True})
        assert not upstream_events().exists()
        # A run whose fetches are real sends requests out of PostHog: that is audited, as a test.
        client.post(api_path("projects", 1, "hog_functions", "f1", "invocations"), json={"mock_async_functions": False})
    event = upstream_events().get()
    assert (event.area, event.object_id, event.action) == ("hog_functions", "f1", "test")


@responses.activate
def test_a_write_is_recorded_with_its_verb_and_the_objects_name_at_the_time(connection, operator):
    url = f"{BASE}/api/projects/1/annotations/31/"
    responses.get(url, json={"id": 31, "content": "Deploy 4.2", "deleted": False})
    responses.patch(url, json={"id": 31, "content": "Deploy 4.2", "deleted": True})
    client_for(connection=connection, actor=operator).patch(
        api_path("projects", 1, "annotations", 31), json={"deleted": True}, capture_before=True
    )
    event = upstream_events().get()
    assert (event.action, event.object_name, event.method) == ("delete", "Deploy 4.2", "PATCH")


def test_portal_state_changes_carry_a_verb_and_name_too(connection, admin_user):
    from apps.audit.services import audit_record_local

    created = AuditEvent.objects.get(area="connections")  # the fixture's own creation
    assert (created.action, created.object_name) == ("create", "Production")
    named = audit_record_local(
        actor=admin_user, area="history", object_id="3", method="PATCH", description="x", object_name="Logs poll"
    )
    assert (named.action, named.object_name) == ("edit", "Logs poll")
    pruned = audit_record_local(
        actor=None, area="audit", object_id="", method="DELETE", description="y", action="prune"
    )
    assert pruned.action == "prune"

"""Hog function writes in the audit trail: who, what, the state before, and secret inputs masked whatever they are
called (the inputs_schema says which are secret)."""

import pytest
import responses

from apps.audit.masking import MASK
from apps.audit.models import AuditEvent
from apps.connections.context import PostHogContext
from apps.hog_functions import services
from apps.hog_functions.selectors import function_from
from tests.hog_functions.helpers import HTMX, function, url

pytestmark = pytest.mark.django_db
BASE = "https://posthog.example.test"
FUNCTION_ID = "0190a8f1-1234-7000-8000-000000000001"
SCHEMA = [
    {"key": "url", "type": "string", "secret": False, "required": True},
    {"key": "salt", "type": "string", "secret": True, "required": False},
]


@responses.activate
def test_a_secret_input_is_masked_in_the_audit_trail_whatever_its_name(connection, operator):
    path = f"{BASE}/api/projects/1/hog_functions/{FUNCTION_ID}/"
    answer = {
        "id": FUNCTION_ID,
        "type": "transformation",
        "name": "Hashing",
        "inputs_schema": SCHEMA,
        "inputs": {"url": {"value": "https://x.example"}, "salt": {"secret": True}},
    }
    responses.get(path, json=answer)
    responses.patch(path, json=answer)
    context = PostHogContext(connection=connection, project_id="1", environment_id="1", actor=operator)
    function = function_from(answer)
    services.hog_function_update(
        context=context,
        function=function,
        data={"inputs": {"url": {"value": "https://x.example"}, "salt": {"value": "pepper-sprinkles-42"}}},
    )
    event = AuditEvent.objects.get(method="PATCH")
    assert (event.area, event.object_id, event.actor) == ("hog_functions", FUNCTION_ID, operator)
    assert event.request_body["inputs"]["salt"] == MASK
    assert event.request_body["inputs"]["url"] == {"value": "https://x.example"}
    assert event.before["inputs"]["salt"] == MASK and event.outcome == AuditEvent.Outcome.SUCCESS
    assert "pepper-sprinkles-42" not in str(AuditEvent.objects.values().get(pk=event.pk))


@pytest.mark.profiles("current", reason="only today's PostHog has hog functions")
def test_an_edit_through_the_page_is_recorded_with_its_secret_masked(operator_client, operator, simulator):
    billing = function(simulator, "Billing service webhook")
    operator_client.post(
        url("edit", billing),
        {
            "inputs__url": "https://billing.example/hooks",
            "inputs__method": "POST",
            "inputs__body": "{}",
            "inputs__headers": '{"Authorization": "Bearer rotated-secret-77"}',
            "filters__events": "plan_changed",
            "filters__properties": "[]",
        },
        **HTMX,
    )
    event = AuditEvent.objects.get(method="PATCH", area="hog_functions")
    assert event.actor == operator and event.object_id == billing["id"]
    assert event.request_body["inputs"]["headers"] == MASK
    assert event.request_body["inputs"]["url"] == {"value": "https://billing.example/hooks"}
    assert "rotated-secret-77" not in str(AuditEvent.objects.values().get(pk=event.pk))
    assert "bill_live_3f9a0c7e2b" not in str(AuditEvent.objects.values().get(pk=event.pk))

"""A hog function's page and its edits against the simulator: inputs (secrets never shown, kept when left empty),
filters, PostHog's validation on the field it names, a change PostHog did not keep, rename, delete and its undo."""

import pytest

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
AUTHORIZATION = "Bearer bill_live_3f9a0c7e2b"  # the seeded billing webhook's secret header


def webhook_form(**changes) -> dict:
    """The billing webhook's edit form as a person leaves it, with `changes`."""
    data = {
        "inputs__url": "https://billing.hedgehog.internal/hooks/posthog",
        "inputs__method": "POST",
        "inputs__body": '{"event": "{event}", "person": "{person}"}',
        "inputs__headers": "",
        "filters__events": "plan_changed",
        "filters__properties": "[]",
        "filters__filter_test_accounts": "on",
    }
    return {**data, **changes}


@CURRENT
def test_the_page_shows_inputs_filters_and_code_and_never_a_secret(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    response = operator_client.get(url("detail", billing))
    page = words(response)
    assert "Billing service webhook Disabled Destination from the template “HTTP Webhook”" in page
    assert "Webhook URL url https://billing.hedgehog.internal/hooks/posthog" in page
    assert "Headers headers secret · set" in page
    assert AUTHORIZATION not in text(response) and "bill_live" not in text(response)
    assert "Event: plan_changed" in page and "Test accounts left out" in page
    assert 'class="highlight"' in text(response) and "fetch" in page  # the code, highlighted server-side
    assert f"/project/1/functions/{billing['id']}" in text(response)  # its page in PostHog's app
    assert "Last 24 hours: 0 succeeded · 0 failed" in page  # disabled all along: PostHog counted no runs


@CURRENT
def test_a_site_app_has_no_run_figures_and_a_degraded_destination_says_so(operator_client, simulator):
    banner = function(simulator, "Launch week banner")
    page = words(operator_client.get(url("detail", banner)))
    assert "runs in your visitors' browsers: PostHog counts none of its runs" in page
    assert "Code Javascript" in page
    crm = words(operator_client.get(url("detail", function(simulator, "CRM sync webhook"))))
    assert "Degraded: many of its runs fail" in crm


@CURRENT
def test_editing_inputs_keeps_a_secret_left_empty_and_sends_every_input(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    form = text(operator_client.get(url("edit", billing)))
    assert "Secret: PostHog never shows it. Leave empty to keep it." in form and AUTHORIZATION not in form
    response = operator_client.post(
        url("edit", billing),
        webhook_form(inputs__url="https://billing.example/v2", filters__events="plan_changed, churned"),
        **HTMX,
    )
    assert response["HX-Redirect"] == url("detail", billing)
    [patch] = served(simulator, "PATCH", FUNCTIONS)
    assert patch["body"]["inputs"]["headers"] == {"secret": True}  # kept: PostHog reads the marker so
    assert patch["body"]["inputs"]["method"] == {"value": "POST"}  # every input goes: PostHog drops those left out
    assert [e["id"] for e in patch["body"]["filters"]["events"]] == ["plan_changed", "churned"]
    stored = simulator.state.hog_functions.get(billing["id"])
    assert stored["inputs"]["url"]["value"] == "https://billing.example/v2"
    assert stored["inputs"]["headers"]["value"]["Authorization"] == AUTHORIZATION
    page = words(operator_client.get(url("detail", billing)))
    assert "Saved “Billing service webhook”: PostHog holds its new inputs and filters." in page
    assert "Events: plan_changed, churned" in page


@CURRENT
def test_a_new_secret_replaces_the_old_one(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    operator_client.post(url("edit", billing), webhook_form(inputs__headers='{"Authorization": "Bearer new"}'), **HTMX)
    assert simulator.state.hog_functions.get(billing["id"])["inputs"]["headers"]["value"] == {
        "Authorization": "Bearer new"
    }


@CURRENT
def test_posthogs_validation_error_lands_on_the_field_it_names_with_everything_kept(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    typed = "https://billing.example/{{ event.uuid }}"
    response = operator_client.post(url("edit", billing), webhook_form(inputs__url=typed, filters__events="x"), **HTMX)
    page = text(response)
    assert "HX-Redirect" not in response
    error = page.split('id="id_inputs__url_error"', 1)[1].split("</p>", 1)[0]
    assert "Liquid-style {{ ... }} syntax is not supported here" in error.replace("&quot;", '"')
    assert 'value="https://billing.example/{{ event.uuid }}"' in page and 'value="x"' in page
    assert simulator.state.hog_functions.get(billing["id"])["inputs"]["url"]["value"].endswith("/hooks/posthog")
    assert AuditEvent.objects.get(method="PATCH").outcome == AuditEvent.Outcome.FAILURE


@CURRENT
def test_a_form_error_is_found_before_anything_is_sent(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    response = operator_client.post(
        url("edit", billing), webhook_form(inputs__body="{not json", inputs__url=""), **HTMX
    )
    assert "Not valid JSON" in text(response) and "This field is required." in text(response)
    assert not served(simulator, "PATCH", FUNCTIONS)


@CURRENT
def test_a_change_posthog_answered_without_keeping_is_never_called_saved(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    unchanged = simulator.state.hog_functions.view(billing["id"])
    simulator.script("PATCH", rf"{FUNCTIONS}{billing['id']}/", status=200, body=unchanged)
    response = operator_client.post(url("edit", billing), webhook_form(inputs__url="https://elsewhere.example"), **HTMX)
    page = words(response)
    assert "PostHog answered as if it saved the change, but it still holds other values for “inputs.url”" in page
    assert "Saved" not in page and "HX-Redirect" not in response
    assert AuditEvent.objects.get(method="PATCH").outcome == AuditEvent.Outcome.NOT_KEPT


@CURRENT
def test_a_key_without_the_write_scope_is_told_so_and_the_form_gives_way_to_a_note(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    script_refusal(simulator, "PATCH", billing, "", status=403, body=MISSING_WRITE_SCOPE)
    response = operator_client.post(
        url("edit", billing), webhook_form(inputs__url="https://billing.example/v2"), **HTMX
    )
    # On the form, in place of a toast (issue 18: a form is never lost).
    assert "lacks the scope “hog_function:write”" in response.content.decode()
    page = words(operator_client.get(url("edit", billing)))
    assert "Changing this function is not available here." in page and "Save to PostHog" not in page
    detail = words(operator_client.get(url("detail", billing)))
    assert "Edit inputs and filters" not in detail and "Do it in PostHog" in detail


@CURRENT
def test_rename_and_enable_from_the_page(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    response = operator_client.post(url("rename", billing), {"name": "Billing webhook (v2)"})
    assert response.status_code == 302 and response["Location"] == url("detail", billing)
    assert simulator.state.hog_functions.get(billing["id"])["name"] == "Billing webhook (v2)"
    operator_client.post(url("enabled", billing), {"enabled": "true", "from": "detail"})
    page = words(operator_client.get(url("detail", billing)))
    assert "Renamed to “Billing webhook (v2)”." in page and "Billing webhook (v2) enabled." in page
    assert "Disable" in page


@CURRENT
def test_delete_from_the_page_says_so_in_place_and_undo_brings_it_back(operator_client, simulator):
    masking = function(simulator, "Mask tokens in URLs")
    response = operator_client.post(url("delete", masking), {"from": "detail"}, **HTMX)
    page = words(response)
    assert "Deleted “Mask tokens in URLs”" in page and "a transformation brought back joins the end of the line" in page
    assert toasts(response)[0]["action"]["url"].startswith(url("list") + "undo/")  # a token: tests/test_undo.py
    assert operator_client.get(url("detail", masking)).status_code == 404
    restored = operator_client.post(url("restore", masking), {"from": "detail"})
    assert restored["Location"] == url("detail", masking)
    assert "Restored “Mask tokens in URLs” (back at the end of the line)." in words(
        operator_client.get(url("detail", masking))
    )


@CURRENT
def test_an_unknown_function_is_not_found(operator_client, simulator):
    missing = {"id": "0190a8f1-0000-7000-8000-00000000dead"}
    assert operator_client.get(url("detail", missing)).status_code == 404

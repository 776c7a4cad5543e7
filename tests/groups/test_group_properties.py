"""A group's properties: inline edits, additions, deletions and suggestions, against the PostHog simulator."""

import pytest
from django.urls import reverse

from apps.audit.masking import MASK
from apps.audit.models import AuditEvent
from tests.groups.conftest import (
    ACME,
    COMPANY,
    GROUPS,
    HTMX,
    INITECH,
    STARK,
    add,
    delete,
    detail,
    edit,
    served,
    sim_group,
    text,
)

pytestmark = pytest.mark.django_db


def update_events(user, outcome=AuditEvent.Outcome.SUCCESS):
    return AuditEvent.objects.filter(
        actor=user, method="POST", path__contains="/groups/update_property/", outcome=outcome
    )


# Inline edit -----------------------------------------------------------------------------------------------


def test_edit_swaps_the_row_for_a_form_holding_the_value(operator_client, sim):
    seats = sim_group(sim, INITECH)["group_properties"]["seats"]
    row = text(operator_client.get(edit(INITECH, "seats"), **HTMX))
    assert row.lstrip().startswith("<tr") and "<html" not in row
    assert f'name="value" value="{seats}"' in row
    values_url = reverse("groups:property_values", args=[COMPANY]) + "?property=seats"
    assert f'hx-get="{values_url}"' in row  # the values PostHog knows, offered while typing

    # Text that reads as something else is quoted, so saving it unchanged keeps it text.
    sim.call(
        "POST",
        "/api/projects/1/groups/update_property/",
        params={"group_type_index": COMPANY, "group_key": INITECH},
        json={"key": "plan", "value": "42"},
    ).raise_for_status()
    assert 'value="&quot;42&quot;"' in text(operator_client.get(edit(INITECH, "plan"), **HTMX))


def test_a_long_value_is_edited_in_a_textarea(operator_client):
    row = text(operator_client.get(edit(STARK, "description"), **HTMX))
    assert "<textarea" in row and "Long-standing customer" in row


def test_operator_saves_a_property_and_the_write_is_audited(operator_client, operator, sim):
    seats_before = sim_group(sim, ACME)["group_properties"]["seats"]
    response = operator_client.post(edit(ACME, "seats"), {"value": "50"}, **HTMX)
    assert response["HX-Redirect"] == detail(ACME)
    assert sim_group(sim, ACME)["group_properties"]["seats"] == 50  # a number, as typed
    page = text(operator_client.get(detail(ACME)))
    assert "Saved “seats”." in page and '<code class="value-text">50</code>' in page

    event = update_events(operator).get()
    assert event.path == f"/api/projects/1/groups/update_property/?group_type_index=0&group_key={ACME}"
    assert event.request_body == {"key": "seats", "value": 50}
    assert (event.before["group_properties"]["seats"], event.after["group_properties"]["seats"]) == (seats_before, 50)
    assert event.actor_name == operator.username and event.status_code == 200


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("scale", "scale"),
        ('"120"', "120"),
        ("true", True),
        ("4.5", 4.5),
        ('{"tier": 2}', {"tier": 2}),
        ("NaN", "NaN"),
        ("1e999", "1e999"),
    ],
)
def test_typed_values_mean_what_they_read_as(operator_client, sim, typed, stored):
    operator_client.post(edit(ACME, "plan"), {"value": typed}, **HTMX)
    assert sim_group(sim, ACME)["group_properties"]["plan"] == stored


def test_a_refused_value_shows_posthogs_message_on_its_field_with_the_value_kept(operator_client, operator, sim):
    before = sim_group(sim, ACME)["group_properties"]["plan"]
    row = text(operator_client.post(edit(ACME, "plan"), {"value": "null"}, **HTMX))
    assert row.lstrip().startswith("<tr") and 'class="editing"' in row
    assert "This field is required." in row and 'value="null"' in row and 'aria-invalid="true"' in row
    assert sim_group(sim, ACME)["group_properties"]["plan"] == before
    failed = update_events(operator, AuditEvent.Outcome.FAILURE).get()
    assert failed.status_code == 400 and "This field is required." in failed.error


def test_an_empty_value_is_caught_before_posthog_is_asked(operator_client, operator):
    row = text(operator_client.post(edit(ACME, "plan"), {"value": ""}, **HTMX))
    assert "This field is required." in row
    assert not AuditEvent.objects.filter(area="groups").exists()


def test_inline_edit_works_without_javascript(operator_client, sim):
    page = text(operator_client.get(edit(ACME, "plan")))
    assert "<html" in page and 'class="editing"' in page and page.count('class="editing"') == 1
    refused = text(operator_client.post(edit(ACME, "plan"), {"value": "null"}))
    assert "<html" in refused and "This field is required." in refused and 'value="null"' in refused
    response = operator_client.post(edit(ACME, "plan"), {"value": "enterprise"})
    assert response.status_code == 302 and response["Location"] == detail(ACME)
    assert sim_group(sim, ACME)["group_properties"]["plan"] == "enterprise"


# Add -------------------------------------------------------------------------------------------------------


def test_operator_adds_a_property(operator_client, sim):
    response = operator_client.post(add(INITECH), {"property": "account_manager", "value": "Jo Kowalski"}, **HTMX)
    assert response["HX-Redirect"] == detail(INITECH)
    assert sim_group(sim, INITECH)["group_properties"]["account_manager"] == "Jo Kowalski"


def test_an_added_property_whose_answer_was_lost_is_read_back_and_shown_saved(
    operator_client, operator, simulator, sim
):
    simulator.faults_set(fault_methods="POST", drop_after_rate=1.0)

    response = operator_client.post(add(INITECH), {"property": "account_manager", "value": "Jo Kowalski"}, **HTMX)

    simulator.faults_clear()
    # PostHog saved it; the portal read the group back (find), never sent it twice, and says it is saved.
    assert response["HX-Redirect"] == detail(INITECH)
    assert len(served(simulator, "POST", f"{GROUPS}update_property/")) == 1
    assert served(simulator, "GET", f"{GROUPS}find/")
    page = text(operator_client.get(detail(INITECH)))
    assert "Saved “account_manager”." in page and "Jo Kowalski" in page
    event = update_events(operator).get()
    assert (event.settled, event.after["group_properties"]["account_manager"]) == ("applied", "Jo Kowalski")


def test_an_added_property_lost_before_posthog_made_it_is_read_back_as_not_made(operator_client, operator, simulator):
    simulator.faults_set(fault_methods="POST", drop_rate=1.0)

    fragment = text(operator_client.post(add(INITECH), {"property": "account_manager", "value": "Jo"}, **HTMX))

    simulator.faults_clear()
    assert "The portal read it back: PostHog did not make it" in fragment and 'value="Jo"' in fragment
    assert "could not tell" not in fragment
    assert update_events(operator, AuditEvent.Outcome.FAILURE).get().settled == "not applied"


def test_adding_needs_a_name_and_keeps_the_value(operator_client):
    fragment = text(operator_client.post(add(INITECH), {"property": "", "value": "kept"}, **HTMX))
    assert fragment.lstrip().startswith('<form id="property-add"')
    assert 'id="add-property-error">This field is required.' in fragment and 'value="kept"' in fragment
    page = text(operator_client.post(add(INITECH), {"property": "", "value": "kept"}))
    assert "<html" in page and 'value="kept"' in page


def test_a_secret_looking_property_is_masked_in_the_audit_trail(operator_client, operator):
    operator_client.post(add(INITECH), {"property": "billing_api_key", "value": "sk_live_abc123"}, **HTMX)
    event = update_events(operator).get()
    assert event.request_body == {"key": "billing_api_key", "value": MASK}
    assert event.after["group_properties"]["billing_api_key"] == MASK


# Delete ----------------------------------------------------------------------------------------------------


def test_admin_deletes_a_property_after_confirming(admin, admin_user, sim):
    page = text(admin.get(detail(INITECH)))
    assert f'hx-post="{delete(INITECH, "plan").replace("&", "&amp;")}"' in page
    assert 'hx-confirm="Delete the property “plan” of Initech?' in page

    response = admin.post(delete(INITECH, "plan"), **HTMX)
    assert response["HX-Redirect"] == detail(INITECH)
    assert "plan" not in sim_group(sim, INITECH)["group_properties"]
    assert "Deleted “plan”." in text(admin.get(detail(INITECH)))
    event = AuditEvent.objects.get(actor=admin_user, path__contains="/groups/delete_property/")
    assert event.request_body == {"$unset": "plan"} and event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.before["group_properties"]["plan"] == "startup" and "plan" not in event.after["group_properties"]


def test_a_delete_whose_answer_was_lost_is_read_back_as_deleted(admin, admin_user, simulator, sim):
    simulator.faults_set(fault_methods="POST", drop_after_rate=1.0)

    response = admin.post(delete(INITECH, "plan"), **HTMX)

    simulator.faults_clear()
    assert response["HX-Redirect"] == detail(INITECH)
    assert "plan" not in sim_group(sim, INITECH)["group_properties"]
    assert "Deleted “plan”." in text(admin.get(detail(INITECH)))
    event = AuditEvent.objects.get(actor=admin_user, path__contains="/groups/delete_property/")
    assert (event.outcome, event.settled) == (AuditEvent.Outcome.SUCCESS, "applied")


def test_delete_without_javascript_asks_first(admin, sim):
    page = text(admin.get(delete(INITECH, "plan")))
    assert "Delete the property “plan”?" in page and 'class="btn btn-danger" type="submit">Delete property' in page
    assert "plan" in sim_group(sim, INITECH)["group_properties"]
    response = admin.post(delete(INITECH, "plan"))
    assert response.status_code == 302 and "plan" not in sim_group(sim, INITECH)["group_properties"]
    assert "has no property “plan” (any more)" in text(admin.get(delete(INITECH, "plan")))


def test_deleting_a_property_the_group_lacks_says_posthogs_words(admin):
    response = admin.post(delete(INITECH, "no_such_property"), **HTMX)
    assert response["HX-Redirect"] == detail(INITECH)
    assert "Property &#x27;no_such_property&#x27; does not exist on this group." in text(admin.get(detail(INITECH)))


# Permissions -----------------------------------------------------------------------------------------------


def test_operators_edit_but_only_admins_delete(client_as, operator, admin_user, demo_connection):
    operator_client = client_as(operator)
    operator_page = text(operator_client.get(detail(INITECH)))
    assert "Edit plan" in operator_page and "Delete plan" not in operator_page and "Add a property" in operator_page
    assert operator_client.post(delete(INITECH, "plan")).status_code == 403
    assert "Delete plan" in text(client_as(admin_user).get(detail(INITECH)))


def test_viewers_get_403_on_every_write(viewer_client, sim):
    assert viewer_client.get(edit(INITECH, "plan"), **HTMX).status_code == 403
    assert viewer_client.post(edit(INITECH, "plan"), {"value": "x"}).status_code == 403
    assert viewer_client.post(add(INITECH), {"property": "x", "value": "y"}).status_code == 403
    assert viewer_client.post(delete(INITECH, "plan")).status_code == 403
    assert sim_group(sim, INITECH)["group_properties"]["plan"] != "x"
    assert not AuditEvent.objects.filter(area="groups").exists()


# Suggestions -----------------------------------------------------------------------------------------------


def test_property_names_and_values_are_offered_while_typing(viewer_client, simulator):
    names = text(viewer_client.get(reverse("groups:property_keys", args=[COMPANY]), **HTMX))
    assert '<option value="plan">' in names and "deployment" not in names
    if simulator.profile.group_property_definitions:
        assert '<option value="plan">40 groups</option>' in names  # the older action counts the groups
    else:
        # The newest PostHog has no groups property_definitions: the names come from its property definitions.
        assert simulator.requests(path="/api/projects/1/property_definitions/")[-1]["query"]["type"] == "group"
    workspace_names = text(viewer_client.get(reverse("groups:property_keys", args=[1]), **HTMX))
    assert '<option value="deployment">' in workspace_names

    values_url = reverse("groups:property_values", args=[COMPANY])
    values = text(viewer_client.get(values_url, {"property": "plan"}, **HTMX))
    assert '<option value="enterprise">' in values and '<option value="free">' in values
    narrowed = text(viewer_client.get(values_url, {"property": "plan", "value": "ENT"}, **HTMX))
    assert '<option value="enterprise">' in narrowed and "free" not in narrowed

    before = len(simulator.requests())
    assert text(viewer_client.get(values_url, {"value": "x"}, **HTMX)).strip() == ""
    assert len(simulator.requests()) == before  # no property named yet: nothing to ask


# Environments and faults -----------------------------------------------------------------------------------


def test_with_an_environment_picked_edits_go_to_its_groups(
    operator_client, operator, sim, simulator, development, pick_environment
):
    pick_environment(operator_client, development)
    env_groups = f"/api/environments/{development}/groups/"
    key = sim.call("GET", env_groups, params={"group_type_index": COMPANY}).json()["results"][0]["group_key"]
    page = text(operator_client.get(detail(key)))
    assert served(simulator, "GET", f"{env_groups}find/")
    assert "Add a property" in page

    operator_client.post(edit(key, "plan"), {"value": "scale"}, **HTMX)
    assert sim_group(sim, key, base=env_groups)["group_properties"]["plan"] == "scale"
    assert served(simulator, "POST", f"{env_groups}update_property/")
    assert update_events(operator).get().path.startswith(f"{env_groups}update_property/?")


def test_an_upstream_fault_on_save_lands_in_the_banner_with_the_form_kept(operator_client, operator, sim):
    sim.call("POST", "/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}).raise_for_status()
    response = operator_client.post(edit(ACME, "plan"), {"value": "scale"}, **HTMX)
    # On the form, the value typed kept (issue 18: a form is never lost).
    assert "HX-Retarget" not in response
    assert "PostHog had an internal error" in text(response) and "scale" in text(response)
    assert update_events(operator, AuditEvent.Outcome.FAILURE).get().status_code == 500


def test_a_read_only_key_is_refused_politely(client_as, operator, demo_connection, sim):
    from apps.connections.services import connection_replace_key
    from simulator.core.seed import READ_ONLY_KEY

    connection_replace_key(actor=operator, connection=demo_connection, api_key=READ_ONLY_KEY)
    response = client_as(operator).post(edit(ACME, "plan"), {"value": "scale"}, **HTMX)
    assert "lacks the scope “group:write”" in text(response)
    assert sim_group(sim, ACME)["group_properties"]["plan"] != "scale"

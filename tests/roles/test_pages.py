"""The organization's roles pages over the Django test client, against the PostHog simulator."""

import pytest
import requests
from django.urls import reverse

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
ROLES = "/api/organizations/@current/roles/"


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


def sim_roles(sim) -> dict[str, dict]:
    """{name: role} as PostHog holds them."""
    return {role["name"]: role for role in sim.call("GET", ROLES).json()["results"]}


def text(response) -> str:
    return response.content.decode()


def test_the_list_shows_every_role_with_members_and_the_default_flag(admin):
    page = text(admin.get(reverse("roles:list")))
    assert "5 roles" in page
    assert "Data &lt;b&gt;Science&lt;/b&gt;" in page and "<b>Science</b>" not in page
    assert "Growth – marketing “squad”" in page
    # Engineering: three members, and the organization's default role
    main = page.split("<main", 1)[1]  # the top bar's connection switcher may say "default" too
    assert ">default</span>" in main and main.count(">default</span>") == 1
    assert "Zoë Müller" in page and "Tom Rivera &lt;contractor&gt;" in page
    assert "and 1 more" in page  # four members in Growth, three names shown
    assert "no members" in page  # Read-only contractors
    assert "New role" in page and "Rename" in page and "Delete…" in page


def test_a_viewer_sees_the_roles_but_no_buttons_and_cannot_write(client_as, viewer, demo_connection, sim):
    client = client_as(viewer)
    page = text(client.get(reverse("roles:list")))
    assert "Engineering" in page
    assert "New role" not in page and "Rename" not in page and "Delete…" not in page
    role_id = sim_roles(sim)["Engineering"]["id"]
    assert client.get(reverse("roles:detail", args=[role_id])).status_code == 200
    assert client.post(reverse("roles:create"), {"name": "Nope"}).status_code == 403
    assert client.post(reverse("roles:rename", args=[role_id]), {"name": "Nope"}).status_code == 403
    assert client.post(reverse("roles:delete", args=[role_id])).status_code == 403
    assert "Nope" not in sim_roles(sim) and "Engineering" in sim_roles(sim)
    assert not AuditEvent.objects.filter(area="roles").exists()


def test_an_operator_cannot_write_roles_either(operator_client, sim):
    role_id = sim_roles(sim)["Engineering"]["id"]
    assert operator_client.get(reverse("roles:create")).status_code == 403
    assert operator_client.post(reverse("roles:delete", args=[role_id])).status_code == 403
    assert "Engineering" in sim_roles(sim)


def test_the_detail_lists_the_members(admin, sim):
    role = sim_roles(sim)["Growth – marketing “squad”"]
    page = text(admin.get(reverse("roles:detail", args=[role["id"]])))
    assert "Amélie O&#x27;Connor" in page and "amelie@hedgehog.example" in page
    assert "Søren Ødegård" in page and 'Members <span class="muted small">4</span>' in page
    assert "Created" in page and "by Søren Ødegård" in page


def test_an_admin_creates_a_role_and_it_is_audited(admin, admin_user, sim):
    response = admin.post(reverse("roles:create"), {"name": "On-call <SRE>"})
    created = sim_roles(sim)["On-call <SRE>"]
    assert response.status_code == 302 and response["Location"] == reverse("roles:detail", args=[created["id"]])
    page = text(admin.get(response["Location"]))
    assert "Created the role “On-call &lt;SRE&gt;”." in page and "Nobody holds this role yet" in page
    event = AuditEvent.objects.get(method="POST", area="roles")
    assert event.actor == admin_user and event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.request_body == {"name": "On-call <SRE>"} and event.after["id"] == created["id"]


def test_a_taken_name_shows_on_the_field_with_the_typed_name_kept(admin, sim):
    response = admin.post(reverse("roles:create"), {"name": "engineering"}, **HTMX)
    page = text(response)
    assert "<html" not in page and 'id="role-form"' in page  # the form alone, swapped in place
    assert "There is already a role with this name." in page and 'value="engineering"' in page
    assert "field-invalid" in page
    failed = AuditEvent.objects.get(method="POST", area="roles")
    assert failed.outcome == AuditEvent.Outcome.FAILURE and failed.status_code == 400
    assert len(sim_roles(sim)) == 5


def test_an_empty_or_too_long_name_is_refused_before_posthog_is_asked(admin):
    page = text(admin.post(reverse("roles:create"), {"name": "  "}))
    assert "This field is required." in page
    page = text(admin.post(reverse("roles:create"), {"name": "x" * 201}))
    assert "at most 200 characters" in page
    assert not AuditEvent.objects.filter(area="roles").exists()


def test_an_admin_renames_a_role_with_before_and_after_audited(admin, admin_user, sim):
    role = sim_roles(sim)["Product & Design"]
    url = reverse("roles:rename", args=[role["id"]])
    assert 'value="Product &amp; Design"' in text(admin.get(url))

    response = admin.post(url, {"name": "Product, Design & Research"})

    assert response["Location"] == reverse("roles:detail", args=[role["id"]])
    assert "Product, Design & Research" in sim_roles(sim) and "Product & Design" not in sim_roles(sim)
    event = AuditEvent.objects.get(method="PATCH", area="roles", object_id=role["id"])
    assert event.actor == admin_user and event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.before["name"] == "Product & Design" and event.after["name"] == "Product, Design & Research"


def test_renaming_to_another_roles_name_is_an_error_on_the_field(admin, sim):
    role = sim_roles(sim)["Product & Design"]
    page = text(admin.post(reverse("roles:rename", args=[role["id"]]), {"name": "ENGINEERING"}))
    assert "There is already a role with this name." in page and 'value="ENGINEERING"' in page
    assert "Product & Design" in sim_roles(sim)


def test_deleting_asks_first_then_deletes_and_audits(admin, admin_user, sim):
    role = sim_roles(sim)["Engineering"]
    confirm = text(admin.get(reverse("roles:delete", args=[role["id"]])))
    assert "Delete the role “Engineering”?" in confirm
    assert "Its 3 members lose the access it grants" in confirm and "default role for new members" in confirm
    assert "Engineering" in sim_roles(sim)  # asking deleted nothing

    response = admin.post(reverse("roles:delete", args=[role["id"]]), **HTMX)

    assert response["HX-Redirect"] == reverse("roles:list")
    assert "Engineering" not in sim_roles(sim)
    event = AuditEvent.objects.get(method="DELETE", area="roles")
    assert event.actor == admin_user and event.object_id == role["id"] and event.status_code == 204
    assert event.before["name"] == "Engineering" and event.outcome == AuditEvent.Outcome.SUCCESS
    assert "Deleted the role “Engineering”." in text(admin.get(reverse("roles:list")))


def test_the_delete_button_confirms_with_htmx_and_falls_back_to_the_page(admin, sim):
    role = sim_roles(sim)["Engineering"]
    page = text(admin.get(reverse("roles:detail", args=[role["id"]])))
    delete_url = reverse("roles:delete", args=[role["id"]])
    assert f'href="{delete_url}" hx-post="{delete_url}"' in page
    assert 'hx-confirm="Delete the role “Engineering”? Its 3 members lose the access it grants.' in page


def test_a_role_that_is_gone_answers_a_polite_not_found(admin):
    response = admin.get(reverse("roles:detail", args=["00000000-0000-4000-8000-000000000000"]))
    assert response.status_code == 404 and "Not found in PostHog" in text(response)


def test_an_upstream_failure_is_a_polite_page(admin, simulator):
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}, timeout=5)
    response = admin.get(reverse("roles:list"))
    assert response.status_code == 502 and "PostHog could not answer" in text(response)


def test_no_connection_shows_the_polite_page(client_as, admin_user):
    page = text(client_as(admin_user).get(reverse("roles:list")))
    assert "No PostHog configured" in page and "Engineering" not in page

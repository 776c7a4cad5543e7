"""Signing in as each role shows exactly what that role may do; views refuse what the role may not."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_needs_sign_in(client, connection):
    for url in [
        reverse("home"),
        reverse("connections:list"),
        reverse("connections:detail", args=[connection.pk]),
        reverse("area_pending", args=["plugins"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_health_check_needs_no_sign_in(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_roles_exist_with_their_permissions(django_user_model):
    from django.contrib.auth.models import Group

    granted = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert granted == {
        "Viewer": {"view_portal"},
        "Operator": {"view_portal", "operate"},
        "Admin": {"view_portal", "operate", "administer"},
    }


def test_viewer_sees_pages_but_no_admin_actions(client_as, viewer, connection):
    client = client_as(viewer)
    page = client.get(reverse("connections:detail", args=[connection.pk])).content.decode()
    assert "Production" in page
    assert "Test connection" not in page
    assert "Replace key" not in page
    assert "Add connection" not in client.get(reverse("connections:list")).content.decode()


@pytest.mark.parametrize("name", ["create", "edit", "replace_key", "delete", "test"])
def test_viewer_and_operator_writes_to_connections_are_refused(client_as, viewer, operator, connection, name):
    args = [] if name == "create" else [connection.pk]
    for user in (viewer, operator):
        response = client_as(user).post(reverse(f"connections:{name}", args=args), {"name": "x"})
        assert response.status_code == 403
        assert "Your role does not allow this" in response.content.decode()
    connection.refresh_from_db()
    assert connection.name == "Production"


def test_admin_sees_admin_actions(client_as, admin_user, connection):
    page = client_as(admin_user).get(reverse("connections:detail", args=[connection.pk])).content.decode()
    assert "Test connection" in page and "Replace key" in page and "Delete" in page


def test_user_without_role_is_refused_everything(client_as, django_user_model, connection):
    nobody = django_user_model.objects.create_user(username="nobody", password="x" * 20)
    response = client_as(nobody).get(reverse("home"))
    assert response.status_code == 403
    assert "no role yet" in response.content.decode()


def test_role_badge_names_the_role(client_as, operator, connection):
    assert ">Operator</span>" in client_as(operator).get(reverse("home")).content.decode()


def test_unbuilt_area_says_so(client_as, viewer):
    page = client_as(viewer).get(reverse("area_pending", args=["plugins"])).content.decode()
    assert "not built yet" in page


def test_navigation_lists_every_area_of_the_api(client_as, viewer):
    page = client_as(viewer).get(reverse("home")).content.decode()
    for label in [
        "Plugins",
        "Plugin configs",
        "Groups",
        "Cohorts",
        "Annotations",
        "File system",
        "Insight sharing",
        "Recording sharing",
        "Secret API keys",
        "Project tokens",
        "Roles",
        "Audit trail",
        "Connections",
    ]:
        assert f"{label}" in page


def test_csrf_is_enforced_on_writes(viewer, connection):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(viewer)
    response = client.post(reverse("connections:switch"), {"connection": connection.pk})
    assert response.status_code == 403

"""The connection a person works on is the one they picked, or the default an Admin set: adding a connection,
whatever its name, moves nobody."""

import pytest
import responses
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.connections.models import Connection
from apps.connections.services import connection_create
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.django_db
HOST = "https://posthog.example.test"
NO_ACCESS_HOST = "https://no-access.example.test"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_connection_form(name: str) -> dict[str, str]:
    return {
        "name": name,
        "host_choice": "self",
        "self_hosted_url": NO_ACCESS_HOST,
        "api_key": "phx_KeyWithNoAccessAtAll0123456789abcd",
        "organization_id": "@current",
        "project_id": "1",
        "environment_id": "",
    }


def working_on(client: Client) -> str:
    """The connection the top bar shows as the one in use."""
    page = client.get(reverse("home")).content.decode()
    start = page.index('<select name="connection">')
    selected = page[start : page.index("</select>", start)].split(" selected>")[1]
    return selected.split("</option>")[0]


@responses.activate
def test_a_connection_named_to_sort_first_moves_nobody_and_writes_stay_on_the_default(admin_user, operator, connection):
    # Adding a connection tests it at once: that key has no access.
    responses.get(f"{NO_ACCESS_HOST}/api/organizations/@current/", status=401, json={"detail": "Invalid key"})
    operator_session = signed_in(operator)
    assert working_on(operator_session) == "Production"

    admin_session = signed_in(admin_user)
    admin_session.post(reverse("connections:create"), add_connection_form("=Broken"))
    added = Connection.objects.get(name="=Broken")
    assert not added.is_default and Connection.objects.get(name="Production").is_default
    # The Admin who added it works on it (their own pick); the operator, who picked nothing, stays on the default.
    assert working_on(admin_session) == "=Broken"
    assert working_on(operator_session) == "Production"
    assert 'title="You have not picked a connection' in operator_session.get(reverse("home")).content.decode()

    responses.post(
        f"{HOST}/api/projects/1/annotations/",
        status=201,
        json={"id": 5, "content": "Release", "date_marker": "2025-04-01T09:30:00Z", "scope": "project"},
    )
    operator_session.post(
        reverse("annotations:create"),
        {"content": "Release", "date_marker": "2025-04-01T09:30", "scope": "project"},
    )
    writes = [call.request.url for call in responses.calls if call.request.method == "POST"]
    assert writes == [f"{HOST}/api/projects/1/annotations/"]
    assert AuditEvent.objects.get(area="annotations").connection == connection


def test_the_first_connection_is_the_default_and_a_later_one_is_not(admin_user):
    first = connection_create(actor=admin_user, name="Zulu", host=HOST, api_key=TEST_KEY)
    later = connection_create(actor=admin_user, name="Alpha", host=HOST, api_key=TEST_KEY)
    assert Connection.objects.get(pk=first.pk).is_default
    assert not Connection.objects.get(pk=later.pk).is_default


def test_without_a_default_the_oldest_connection_is_used_never_the_first_by_name(viewer, admin_user):
    oldest = connection_create(actor=admin_user, name="Zulu", host=HOST, api_key=TEST_KEY)
    connection_create(actor=admin_user, name="Alpha", host=HOST, api_key=TEST_KEY)
    Connection.objects.filter(pk=oldest.pk).update(is_default=False)
    assert working_on(signed_in(viewer)) == "Zulu"


def test_an_admin_makes_a_connection_the_default_and_it_is_audited(admin_user, viewer, connection):
    staging = connection_create(actor=admin_user, name="Staging", host=HOST, api_key=TEST_KEY)
    viewer_session = signed_in(viewer)
    assert working_on(viewer_session) == "Production"

    admin_session = signed_in(admin_user)
    listing = admin_session.get(reverse("connections:list")).content.decode()
    assert listing.count(">Make default</button>") == 1  # Production is the default already
    response = admin_session.post(reverse("connections:make_default", args=[staging.pk]), follow=True)
    page = response.content.decode()
    assert "“Staging” is now the default" in page
    assert [c.name for c in Connection.objects.filter(is_default=True)] == ["Staging"]
    assert working_on(viewer_session) == "Staging"
    event = AuditEvent.objects.filter(area="connections").latest("pk")
    assert event.actor == admin_user and event.path == "made connection 'Staging' the default"
    assert event.before["default_connection"] == "Production" and event.after["default_connection"] == "Staging"


def test_make_default_needs_a_post_with_csrf(admin_user, connection):
    staging = connection_create(actor=admin_user, name="Staging", host=HOST, api_key=TEST_KEY)
    url = reverse("connections:make_default", args=[staging.pk])
    assert signed_in(admin_user).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(url).status_code == 403
    assert Connection.objects.get(is_default=True).name == "Production"


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_only_an_admin_makes_a_connection_the_default(request, role, admin_user, connection):
    staging = connection_create(actor=admin_user, name="Staging", host=HOST, api_key=TEST_KEY)
    session = signed_in(request.getfixturevalue(role))
    assert ">Make default</button>" not in session.get(reverse("connections:list")).content.decode()
    assert session.post(reverse("connections:make_default", args=[staging.pk])).status_code == 403
    assert Connection.objects.get(is_default=True).name == "Production"
    assert not AuditEvent.objects.filter(path__contains="the default").exists()


def test_a_person_whose_connection_is_deleted_falls_back_to_the_default_and_is_told(admin_user, viewer, connection):
    staging = connection_create(actor=admin_user, name="Staging", host=HOST, api_key=TEST_KEY)
    viewer_session = signed_in(viewer)
    viewer_session.post(reverse("connections:switch"), {"connection": staging.pk})
    assert working_on(viewer_session) == "Staging"

    signed_in(admin_user).post(reverse("connections:delete", args=[staging.pk]))
    page = viewer_session.get(reverse("home")).content.decode()
    assert "The connection you were working on was deleted. Now working on Production, the default." in page
    assert working_on(viewer_session) == "Production"
    assert "posthog_connection_id" not in viewer_session.session


def test_the_connections_list_shows_the_default(client_as, viewer, admin_user, connection):
    connection_create(actor=admin_user, name="Staging", host=HOST, api_key=TEST_KEY)
    page = client_as(viewer).get(reverse("connections:list")).content.decode()
    production_row = page[page.index(">Production</a>") : page.index(">Staging</a>")]
    assert '<span class="badge">default</span>' in production_row
    assert "works on the default, “Production”" in page

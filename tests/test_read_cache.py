"""What changes slowly on PostHog is kept briefly (apps/connections/cached.py): a second view of a list page asks
PostHog at most once, the portal's own writes are seen at once, and no connection or key reads another's."""

import pickle
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.connections.cached import cached_read
from apps.connections.context import SESSION_CONNECTION, PostHogContext
from apps.connections.services import connection_create, connection_replace_key
from simulator import DEMO_KEY, KEYS
from tests.groups.conftest import add

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
COMPANY = 0  # the simulator's first group type (simulator/areas/groups/seed.py)
S3_EXPORT = 4
CATALOGUE = "/api/organizations/@current/plugins/"
LIST_PAGES = [
    "plugins:list",
    "plugins:configs",
    "groups:list",
    "cohorts:list",
    "annotations:list",
    "roles:list",
    "batch_exports:list",
    "secret_keys:list",
]


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


def asked_for(simulator, view) -> list[str]:
    """The PostHog paths a view asked for, in order."""
    before = len(simulator.requests())
    view()
    return [entry["path"] for entry in simulator.requests()[before:]]


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_a_second_view_of_a_list_page_asks_posthog_at_most_once(admin, simulator, url_name):
    first = asked_for(simulator, lambda: admin.get(reverse(url_name)))
    second = asked_for(simulator, lambda: admin.get(reverse(url_name)))
    assert len(second) <= 1, second
    assert len(second) <= len(first)


def test_the_configs_page_reads_the_catalogue_once_for_both_views(admin, simulator):
    asked = asked_for(simulator, lambda: [admin.get(reverse("plugins:configs")) for _ in range(2)])
    assert asked.count(CATALOGUE) == 1
    assert asked.count("/api/projects/1/plugin_configs/") == 2  # the configs themselves change often: asked each time


@pytest.mark.profiles("legacy", reason="cloud organizations may configure plugins, not edit them")
def test_an_edit_through_the_portal_shows_at_once_in_the_catalogue(admin):
    assert "S3 Export (EU)" not in admin.get(reverse("plugins:list")).content.decode()
    admin.post(reverse("plugins:edit", args=[S3_EXPORT]), {"name": "S3 Export (EU)", "description": ""}, **HTMX)
    assert "S3 Export (EU)" in admin.get(reverse("plugins:list")).content.decode()


def test_a_write_to_a_group_forgets_the_property_names(operator_client, simulator):
    names_url = reverse("groups:property_keys", args=[COMPANY])
    operator_client.get(names_url, **HTMX)
    assert asked_for(simulator, lambda: operator_client.get(names_url, **HTMX)) == []
    operator_client.post(add("initech"), {"property": "renewal_quarter", "value": "Q3"}, **HTMX)
    assert asked_for(simulator, lambda: operator_client.get(names_url, **HTMX)) != []


def test_two_connections_on_one_posthog_never_share(client_as, admin_user, demo_connection, simulator):
    """Another connection's key may not read groups: it must hear PostHog's refusal, not the first one's types."""
    admin = client_as(admin_user)
    assert "Companies" in admin.get(reverse("groups:list")).content.decode()
    other = connection_create(actor=admin_user, name="Plugins only", host=simulator.url, api_key=KEYS.plugins_only)
    session = admin.session
    session[SESSION_CONNECTION] = other.pk
    session.save()
    asked = asked_for(simulator, lambda: admin.get(reverse("groups:list")))
    assert "/api/projects/@current/groups_types/" in asked


def test_a_new_key_does_not_see_the_old_keys_answers(admin, admin_user, demo_connection, simulator):
    assert "Companies" in admin.get(reverse("groups:list")).content.decode()
    assert CATALOGUE in asked_for(simulator, lambda: admin.get(reverse("plugins:list")))  # kept from here on
    assert CATALOGUE not in asked_for(simulator, lambda: admin.get(reverse("plugins:list")))
    connection_replace_key(actor=admin_user, connection=demo_connection, api_key=KEYS.plugins_only)
    assert CATALOGUE in asked_for(simulator, lambda: admin.get(reverse("plugins:list")))
    page = admin.get(reverse("groups:list")).content.decode()
    assert "Companies" not in page  # the new key may not read groups: PostHog's refusal, not the old key's types


def test_reads_are_kept_per_connection_and_forgotten_with_the_key(demo_connection, admin_user, simulator):
    other = connection_create(actor=admin_user, name="Other", host=simulator.url, api_key=DEMO_KEY, project_id="1")
    reads: list[str] = []

    def read(name):
        return lambda: reads.append(name) or name

    def context(connection):
        return PostHogContext(connection=connection, project_id="1", environment_id="1", actor=admin_user)

    assert cached_read(context=context(demo_connection), name="plugins", read=read("first")) == "first"
    assert cached_read(context=context(other), name="plugins", read=read("second")) == "second"
    assert cached_read(context=context(demo_connection), name="plugins", read=read("again")) == "first"
    demo_connection.set_api_key(KEYS.read_only)  # not even saved: the key itself names the entries
    assert cached_read(context=context(demo_connection), name="plugins", read=read("new key")) == "new key"
    assert reads == ["first", "second", "new key"]


SECRET = re.compile(rb"ph[xs]_[A-Za-z0-9_-]{20,}")


def test_nothing_secret_is_kept_in_the_cache(admin, simulator):
    for url in [reverse(name) for name in LIST_PAGES] + [reverse("project_actions:index")]:
        admin.get(url)
        admin.get(url)
    admin.get(reverse("connections:scope"), **HTMX)  # the switcher's projects and environments
    kept = _cache_values()
    assert kept, "the pages kept nothing: the scan would prove nothing"
    assert not [value for value in kept if SECRET.search(value) or DEMO_KEY.encode() in value]


def _cache_values() -> list[bytes]:
    """Every value in the cache as stored (pickled), whichever backend the run uses."""
    backend = cache._cache  # type: ignore[attr-defined]
    if isinstance(backend, dict):  # the in-memory cache of a run without Redis
        return [value if isinstance(value, bytes) else pickle.dumps(value) for value in backend.values()]
    client = backend.get_client(None, write=False)
    return [value for key in client.scan_iter("*") if isinstance(value := client.get(key), bytes)]

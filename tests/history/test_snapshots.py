"""Delivery-rate and activity snapshots against the PostHog simulator."""

from datetime import UTC, datetime, timedelta

import pytest
import requests

from apps.connections.services import connection_create
from apps.history import activity, delivery
from apps.history.activity import activity_snapshot_poll
from apps.history.delivery import delivery_snapshot_take
from apps.history.models import ActivitySnapshot, DeliverySnapshot
from apps.history.polling import BUDGET_SPENT
from apps.posthog.errors import PostHogError, ServerError, Throttled
from simulator.core.seed import PLUGINS_ONLY_KEY

# Each test reads the demo connection's first project alone (tests/history/test_watching.py covers several).
pytestmark = pytest.mark.usefixtures("first_project_only")

NOW = datetime(2026, 3, 2, 10, 15, 7, 654321, tzinfo=UTC)
CONFIGS = "/api/projects/1/plugin_configs/"
PLUGIN_ACTIVITY = "/api/organizations/@current/plugins/activity/"
GROUP_ACTIVITY = "/api/projects/1/groups/activity/"


def raw_snapshots():
    return DeliverySnapshot.objects.filter(resolution=DeliverySnapshot.RAW)


@pytest.fixture
def budget_of(settings, clock):
    def allow(requests_per_minute: int) -> None:
        settings.POSTHOG_RATE_LIMIT_PER_MINUTE = requests_per_minute
        settings.HISTORY_POLL_BUDGET_SHARE = 1.0

    return allow


def sent(simulator, path: str) -> list[dict]:
    """The API requests the simulator answered on `path`, oldest first."""
    return simulator.requests(path=path)


def forget_requests(simulator) -> None:
    requests.delete(f"{simulator.url}/_simulator/requests", timeout=5)


def faults(simulator, **settings) -> None:
    requests.post(f"{simulator.url}/_simulator/faults", json=settings, timeout=5).raise_for_status()


def all_configs(sim) -> list[dict]:
    return sim.call("GET", CONFIGS, params={"limit": 500}).json()["results"]


# Delivery-rate snapshots ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog no longer reports delivery_rate_24h")
def test_a_snapshot_per_config_holds_its_rate_and_state_as_posthog_reports_them(simulator, sim, demo_connection):
    result = delivery_snapshot_take(connection=demo_connection, now=NOW)

    configs = all_configs(sim)
    rows = raw_snapshots().filter(connection=demo_connection)
    assert {r.plugin_config_id: (r.delivery_rate, r.enabled, r.config_name) for r in rows} == {
        c["id"]: (c["delivery_rate_24h"], c["enabled"], c["name"]) for c in configs
    }
    # The demo data has configs without metrics and disabled ones: both kept as they are.
    assert any(r.delivery_rate is None for r in rows) and any(not r.enabled for r in rows)
    assert {(r.taken_at, r.resolution, r.project_id) for r in rows} == {
        (NOW.replace(microsecond=0), DeliverySnapshot.RAW, "1")
    }
    assert (result.items_stored, result.requests_made, result.errors) == (len(configs), 1, [])


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog no longer reports delivery_rate_24h")
def test_a_retried_poll_at_the_same_moment_adds_nothing_and_a_later_one_adds_a_row_per_config(
    simulator, sim, demo_connection
):
    delivery_snapshot_take(connection=demo_connection, now=NOW)
    count = raw_snapshots().count()

    retried = delivery_snapshot_take(connection=demo_connection, now=NOW.replace(microsecond=0))
    assert retried.items_stored == 0 and raw_snapshots().count() == count

    requests.post(f"{simulator.url}/_simulator/tick", timeout=5)
    later = delivery_snapshot_take(connection=demo_connection, now=NOW + timedelta(minutes=5))
    assert later.items_stored == count == len(all_configs(sim))
    assert raw_snapshots().count() == 2 * count


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog no longer reports delivery_rate_24h")
def test_every_page_of_configs_is_read_with_one_request_each(simulator, sim, demo_connection, monkeypatch):
    monkeypatch.setattr(delivery, "CONFIG_PAGE_SIZE", 5)
    configs = all_configs(sim)
    forget_requests(simulator)

    result = delivery_snapshot_take(connection=demo_connection, now=NOW)

    pages = -(-len(configs) // 5)
    assert len(sent(simulator, CONFIGS)) == result.requests_made == pages
    assert raw_snapshots().count() == result.items_stored == len(configs)


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog neither creates plugin configs nor reports delivery_rate_24h")
def test_more_than_a_hundred_configs_still_cost_one_request(simulator, sim, demo_connection):
    plugin = all_configs(sim)[0]["plugin"]
    for order in range(110):
        created = sim.call("POST", CONFIGS, json={"plugin": plugin, "order": 100 + order, "enabled": False})
        assert created.status_code == 201, created.text
    forget_requests(simulator)

    result = delivery_snapshot_take(connection=demo_connection, now=NOW)

    assert len(sent(simulator, CONFIGS)) == 1
    assert raw_snapshots().filter(enabled=False, delivery_rate=None).count() >= 110
    assert result.items_stored == len(all_configs(sim)) > 110


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog no longer reports delivery_rate_24h")
def test_a_spent_budget_stops_the_poll_and_keeps_the_pages_read(
    simulator, sim, demo_connection, monkeypatch, budget_of
):
    monkeypatch.setattr(delivery, "CONFIG_PAGE_SIZE", 5)
    budget_of(2)
    forget_requests(simulator)

    result = delivery_snapshot_take(connection=demo_connection, now=NOW)

    assert result.errors == [BUDGET_SPENT]
    assert result.requests_made == len(sent(simulator, CONFIGS)) == 2
    assert raw_snapshots().count() == result.items_stored == 10


@pytest.mark.django_db
def test_a_failing_posthog_raises_and_stores_nothing(simulator, demo_connection):
    faults(simulator, error_rate=1.0, error_status=503)

    with pytest.raises(ServerError):
        delivery_snapshot_take(connection=demo_connection, now=NOW)

    assert not raw_snapshots().exists()


# Activity snapshots --------------------------------------------------------------------------------------


def plugin_activity(sim) -> list[dict]:
    return sim.call("GET", PLUGIN_ACTIVITY, params={"limit": 1000}).json()["results"]


def group_visits(simulator) -> list[tuple[str, str]]:
    return [(r["query"]["group_type_index"], r["query"]["group_key"]) for r in sent(simulator, GROUP_ACTIVITY)]


def all_groups(sim) -> set[tuple[str, str]]:
    groups = set()
    for group_type in sim.call("GET", "/api/projects/1/groups_types/").json():
        page = sim.call("GET", "/api/projects/1/groups/", params={"group_type_index": group_type["group_type_index"]})
        while True:
            body = page.json()
            groups |= {(str(g["group_type_index"]), g["group_key"]) for g in body["results"]}
            if not body["next"]:
                break
            page = sim.get(body["next"], timeout=10)
    return groups


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog refuses plugin activity to personal API keys (the scope wall)")
def test_plugin_and_config_activity_is_stored_once_with_who_did_it(simulator, sim, demo_connection):
    entries = plugin_activity(sim)

    activity_snapshot_poll(connection=demo_connection)

    stored = {s.activity_id: s for s in ActivitySnapshot.objects.filter(scope__in=["Plugin", "PluginConfig"])}
    assert set(stored) == {e["id"] for e in entries}
    by_person = next(e for e in entries if e["user"])
    person = stored[by_person["id"]]
    assert (person.user_name, person.user_email) == (by_person["user"]["first_name"], by_person["user"]["email"])
    # PostHog's own changes name no user.
    system = activity._snapshot(
        connection=demo_connection,
        entry={**by_person, "id": "system-1", "user": None, "is_system": True},
        scope="",
        now=NOW,
    )
    assert (system.user_name, system.user_email) == ("PostHog", "")
    assert person.entry == by_person
    assert (person.scope, person.item_id, person.activity) == (
        by_person["scope"],
        by_person["item_id"],
        by_person["activity"],
    )
    assert person.created_at == datetime.fromisoformat(by_person["created_at"])


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog refuses plugin activity to personal API keys (the scope wall)")
def test_a_second_poll_costs_one_request_per_source_and_stores_nothing(simulator, sim, demo_connection, monkeypatch):
    monkeypatch.setattr(activity, "GROUPS_PER_POLL", 100)  # every demo group on every poll
    activity_snapshot_poll(connection=demo_connection)
    count = ActivitySnapshot.objects.count()
    forget_requests(simulator)

    again = activity_snapshot_poll(connection=demo_connection)

    assert again.items_stored == 0 and ActivitySnapshot.objects.count() == count
    assert len(sent(simulator, PLUGIN_ACTIVITY)) == 1
    visits = group_visits(simulator)
    assert len(visits) == len(set(visits)) == len(all_groups(sim))


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog refuses plugin activity to personal API keys (the scope wall)")
def test_a_change_made_in_posthog_appears_after_the_next_poll(simulator, sim, demo_connection, monkeypatch):
    monkeypatch.setattr(activity, "GROUPS_PER_POLL", 100)  # every demo group on every poll: none left to find
    activity_snapshot_poll(connection=demo_connection)
    config = all_configs(sim)[2]
    changed = sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"enabled": not config["enabled"]})
    assert changed.status_code == 200, changed.text

    result = activity_snapshot_poll(connection=demo_connection)

    assert result.items_stored == 1
    newest = ActivitySnapshot.objects.filter(scope="PluginConfig").latest("created_at")
    assert newest.item_id == str(config["id"]) and newest.entry == plugin_activity(sim)[0]


@pytest.mark.django_db
def test_every_group_is_visited_over_a_few_polls_and_its_activity_kept(simulator, sim, demo_connection, monkeypatch):
    monkeypatch.setattr(activity, "GROUPS_PER_POLL", 30)  # three polls for the demo's two types of 40 groups
    groups = all_groups(sim)
    assert len(groups) == 80

    for _ in range(3):
        activity_snapshot_poll(connection=demo_connection)
    visits = group_visits(simulator)

    assert set(visits) == groups
    assert len(visits) == 90  # the third poll went round to the first groups again
    assert ActivitySnapshot.objects.filter(scope="Group").count() == 4  # the demo's group changes


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog refuses plugin activity to personal API keys (the scope wall)")
def test_a_poll_cut_short_by_the_budget_is_completed_by_the_next(
    simulator, sim, demo_connection, monkeypatch, budget_of, clock
):
    monkeypatch.setattr(activity, "PAGE_SIZE", 50)
    entries = plugin_activity(sim)
    assert len(entries) > 100  # three pages
    budget_of(2)

    first = activity_snapshot_poll(connection=demo_connection)
    assert first.errors == [BUDGET_SPENT] and first.items_stored == 100

    # New activity meanwhile pushes the unread entries further down the list.
    for config in all_configs(sim)[:3]:
        sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"order": config["order"] + 50})
    clock.now += 60
    budget_of(3)  # the first page, the second (known: the top is read), then where the first poll stopped
    second = activity_snapshot_poll(connection=demo_connection)

    stored = set(
        ActivitySnapshot.objects.filter(scope__in=["Plugin", "PluginConfig"]).values_list("activity_id", flat=True)
    )
    assert stored == {e["id"] for e in plugin_activity(sim)}
    assert second.items_stored == len(stored) - 100


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog refuses plugin activity to personal API keys (the scope wall)")
def test_a_failure_mid_way_raises_and_the_next_poll_fills_the_gap(simulator, sim, demo_connection, monkeypatch, clock):
    monkeypatch.setattr(activity, "PAGE_SIZE", 50)
    faults(simulator, rate_limit_per_minute=1)  # the first page is answered, the second throttled

    with pytest.raises(Throttled):
        activity_snapshot_poll(connection=demo_connection)
    assert ActivitySnapshot.objects.count() == 50

    requests.delete(f"{simulator.url}/_simulator/faults", timeout=5)
    clock.now += 120  # past the wait PostHog asked for
    activity_snapshot_poll(connection=demo_connection)

    stored = set(
        ActivitySnapshot.objects.filter(scope__in=["Plugin", "PluginConfig"]).values_list("activity_id", flat=True)
    )
    assert stored == {e["id"] for e in plugin_activity(sim)}


@pytest.mark.django_db
@pytest.mark.profiles("legacy", reason="today's PostHog refuses plugin activity to personal API keys (the scope wall)")
def test_posthog_failing_raises_and_stores_nothing_that_stops_the_next_poll(simulator, sim, demo_connection):
    faults(simulator, error_rate=1.0, error_status=503)

    with pytest.raises(PostHogError):
        activity_snapshot_poll(connection=demo_connection)
    assert not ActivitySnapshot.objects.exists()

    requests.delete(f"{simulator.url}/_simulator/faults", timeout=5)
    activity_snapshot_poll(connection=demo_connection)
    assert ActivitySnapshot.objects.filter(scope__in=["Plugin", "PluginConfig"]).count() == len(plugin_activity(sim))


@pytest.mark.django_db
def test_a_key_refused_both_sources_says_why_for_each_and_stores_nothing(simulator, sim, admin_user):
    """The organization's plugin activity declares no scope: every scoped key (this one has plugin:*) meets the
    scope wall, which is a note of the run, not a failure; groups need scopes it lacks, which is an error. Without
    `project:read` the key cannot list its projects either: its own project is watched, and the run says so."""
    connection = connection_create(
        actor=admin_user, name="Plugins only", host=simulator.url, api_key=PLUGINS_ONLY_KEY, project_id="1"
    )

    result = activity_snapshot_poll(connection=connection)

    assert not ActivitySnapshot.objects.filter(connection=connection).exists()
    assert result.notes[0].startswith(
        "Only the connection's own project is watched: PostHog does not let this key list its projects."
    )
    assert "project:read" in result.notes[0]
    assert result.notes[1:] == [
        "Plugin activity is not kept: PostHog does not accept personal API keys for this action, whatever the key's "
        "scopes: do it in PostHog's app instead."
    ]
    assert len(result.errors) == 1 and result.errors[0].startswith("Groups activity:")
    # Learned: the next poll does not even ask.
    forget_requests(simulator)
    activity_snapshot_poll(connection=connection)
    assert not sent(simulator, PLUGIN_ACTIVITY)


@pytest.mark.profiles("legacy", reason="today's PostHog no longer reports delivery_rate_24h")
def test_each_snapshot_keeps_its_hours_mean_current_and_a_retry_does_not_count_twice(demo_connection, sim, simulator):
    config = sim.call("GET", "/api/projects/1/plugin_configs/?limit=500").json()["results"][0]
    hour = datetime(2026, 3, 2, 10, tzinfo=UTC)

    def poll_with_rate(rate, minute):
        simulator.state.plugin_configs.update(config["id"], delivery_rate=rate)
        delivery_snapshot_take(connection=demo_connection, now=hour + timedelta(minutes=minute))

    poll_with_rate(0.9, 5)
    poll_with_rate(None, 10)  # no metrics: not a zero
    poll_with_rate(1.0, 15)
    poll_with_rate(1.0, 15)  # a retried task at the same moment
    hourly = DeliverySnapshot.objects.get(
        plugin_config_id=config["id"], resolution=DeliverySnapshot.HOURLY, taken_at=hour
    )
    assert (round(hourly.delivery_rate, 6), hourly.samples) == (0.95, 2)


@pytest.mark.django_db
@pytest.mark.profiles("current", reason="only today's PostHog leaves delivery_rate_24h out of plugin configs")
def test_where_posthog_reports_no_delivery_rate_nothing_is_stored_and_the_page_says_why(
    simulator, demo_connection, client_as, viewer
):
    """Newer PostHog sends no delivery_rate_24h: a snapshot without a rate would read as "no metrics", a
    measurement PostHog never made. Nothing is stored, the connection learns it, and the page says so."""
    from django.urls import reverse

    from apps.connections.models import Capability

    result = delivery_snapshot_take(connection=demo_connection, now=NOW)

    assert result.requests_made == 1 and result.items_stored == 0 and not raw_snapshots().exists()
    learned = Capability.objects.get(connection=demo_connection, action="plugin_config_delivery_rate")
    assert learned.state == Capability.RETIRED
    page = client_as(viewer).get(reverse("history:delivery_overview")).content.decode()
    assert "PostHog does not report delivery rates here" in page and "No snapshots yet" not in page


@pytest.mark.django_db
@pytest.mark.profiles(
    "current", reason="only today's PostHog refuses plugin activity to personal API keys (the scope wall)"
)
def test_where_posthog_refuses_plugin_activity_group_activity_is_still_kept(simulator, demo_connection, monkeypatch):
    monkeypatch.setattr(activity, "GROUPS_PER_POLL", 100)

    result = activity_snapshot_poll(connection=demo_connection)

    assert not result.errors and result.notes[0].startswith("Plugin activity is not kept: PostHog does not accept")
    assert ActivitySnapshot.objects.filter(scope="Group").count() == 4  # the demo's group changes
    assert not ActivitySnapshot.objects.filter(scope__in=["Plugin", "PluginConfig"]).exists()

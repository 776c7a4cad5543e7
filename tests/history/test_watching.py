"""The pollers cover every project a connection watches, within its one request budget and in turn; the History
pages filter what was kept by project. Against the simulator's two projects with plugin configs (1 and 3)."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from apps.connections.selectors import WatchedTarget
from apps.connections.services import connection_create, watch_choices_save
from apps.history import log_poller
from apps.history.activity import activity_snapshot_poll
from apps.history.budget import budget_used
from apps.history.delivery import delivery_periods_refresh, delivery_snapshot_take
from apps.history.log_poller import log_poll_connection
from apps.history.models import ActivitySnapshot, DeliverySnapshot, LogCursor, PluginLogEntry
from simulator import DEMO_KEY
from tests.history.conftest import OTHER_PROJECT, SIMULATOR_PROJECT, watch_only

LOGS = re.compile(r"^/api/projects/(\d+)/plugin_configs/\d+/logs/$")
WEB, MOBILE = str(SIMULATOR_PROJECT), str(OTHER_PROJECT)

pytestmark = pytest.mark.usefixtures("clock")


def configs_of(simulator, project: int) -> set[int]:
    return {c["id"] for c in simulator.state.plugin_configs.all(project) if not c.get("deleted")}


def projects_read(simulator) -> list[str]:
    """The project of each plugin-log read since the last call, in order."""
    read = [m[1] for r in simulator.requests() if (m := LOGS.match(r["path"]))]
    simulator.requests_clear()
    return read


def requested(simulator, prefix: str) -> bool:
    return bool(simulator.requests(path_prefix=prefix))


# The pollers ---------------------------------------------------------------------------------------------


def test_a_connection_nobody_chose_for_watches_every_project_the_key_can_see(demo_connection, simulator):
    result = log_poll_connection(connection=demo_connection)

    assert result.errors == []
    cursors = set(LogCursor.objects.filter(connection=demo_connection).values_list("project_id", "plugin_config_id"))
    assert cursors == {(WEB, c) for c in configs_of(simulator, 1)} | {(MOBILE, c) for c in configs_of(simulator, 3)}
    # Each entry is kept under the project PostHog holds it in.
    stored = set(PluginLogEntry.objects.filter(connection=demo_connection).values_list("project_id", flat=True))
    assert stored == {WEB, MOBILE}
    for project in (1, 3):
        config = min(configs_of(simulator, project))
        entry = simulator.state.plugin_configs.logs(config)[0]
        assert PluginLogEntry.objects.get(entry_id=entry["id"]).project_id == str(entry["team_id"]) == str(project)


def test_the_delivery_poller_covers_every_watched_project(demo_connection, simulator):
    result = delivery_snapshot_take(connection=demo_connection)

    assert result.errors == []
    assert requested(simulator, f"/api/projects/{WEB}/plugin_configs/")
    assert requested(simulator, f"/api/projects/{MOBILE}/plugin_configs/")
    if simulator.profile.plugin_config_delivery_rate:
        kept = set(DeliverySnapshot.objects.values_list("project_id", "plugin_config_id"))
        assert {(MOBILE, c) for c in configs_of(simulator, 3)} <= kept
        assert {(WEB, c) for c in configs_of(simulator, 1)} <= kept
    else:  # today's PostHog reports no rate: nothing is kept for any project
        assert not DeliverySnapshot.objects.exists()


def test_group_activity_is_kept_per_watched_project_and_environment(demo_connection, simulator, monkeypatch):
    from apps.history import activity

    monkeypatch.setattr(activity, "GROUPS_PER_POLL", 300)  # every demo group in one poll

    activity_snapshot_poll(connection=demo_connection)

    assert requested(simulator, f"/api/projects/{WEB}/groups_types/")
    assert requested(simulator, f"/api/projects/{MOBILE}/groups_types/")
    groups = ActivitySnapshot.objects.filter(connection=demo_connection, scope="Group")
    assert groups.exists() and set(groups.values_list("project_id", flat=True)) <= {WEB, MOBILE}
    assert not ActivitySnapshot.objects.exclude(scope="Group").exclude(project_id="").exists()
    if simulator.profile.project_environments_list:
        # An older PostHog lists the web project's development environment: its groups are read under
        # /api/environments/, its group types under the project.
        [development] = [e for e in simulator.state.organizations.environments(1) if e["id"] != 1]
        assert requested(simulator, f"/api/environments/{development['id']}/groups/")


def test_an_unwatched_project_is_not_polled(demo_connection, simulator):
    watch_choices_save(
        actor=None,
        connection=demo_connection,
        choices=[(WatchedTarget(WEB, WEB, "Hedgehog Web"), True), (WatchedTarget(MOBILE, MOBILE, "Mobile"), False)],
        watch_new=True,
    )

    log_poll_connection(connection=demo_connection)
    delivery_snapshot_take(connection=demo_connection)
    activity_snapshot_poll(connection=demo_connection)

    # (Asking which projects there are may still name it: only its data is never read.)
    for data in ("plugin_configs", "groups"):
        assert not requested(simulator, f"/api/projects/{MOBILE}/{data}")
    assert set(LogCursor.objects.values_list("project_id", flat=True)) == {WEB}
    assert not PluginLogEntry.objects.filter(project_id=MOBILE).exists()


def test_a_new_project_is_watched_unless_new_projects_were_unticked(demo_connection, simulator):
    state = simulator.state
    watch_only(demo_connection, SIMULATOR_PROJECT, OTHER_PROJECT)  # chosen before the project existed
    added = state.organizations.projects.add("Hedgehog Watch")
    plugin = state.plugin_configs.get(min(configs_of(simulator, 1)))["plugin"]
    config = state.plugin_configs.add(plugin, project_id=added["id"])

    log_poll_connection(connection=demo_connection)
    assert not LogCursor.objects.filter(plugin_config_id=config["id"]).exists()

    demo_connection.refresh_from_db()
    watch_choices_save(actor=None, connection=demo_connection, choices=[], watch_new=True)
    cache.clear()  # the pollers' list of projects is older than its ten minutes
    log_poll_connection(connection=demo_connection, now=timezone.now() + timedelta(minutes=11))

    assert LogCursor.objects.get(plugin_config_id=config["id"]).project_id == str(added["id"])


def test_projects_share_one_budget_and_are_read_in_turn(demo_connection, simulator, settings, clock, monkeypatch):
    settings.POSTHOG_RATE_LIMIT_PER_MINUTE = 10
    settings.HISTORY_POLL_BUDGET_SHARE = 1.0
    monkeypatch.setattr(log_poller, "RUNS_PER_MINUTE", 1)  # this run may take the minute's whole budget
    simulator.requests_clear()

    first = log_poll_connection(connection=demo_connection)

    # Asking which projects the key sees, each project's list of configs, then configs of each project in turn,
    # until the connection's budget is spent.
    assert first.requests_made == budget_used(connection_id=demo_connection.pk) == 10
    read = projects_read(simulator)
    assert len(read) >= 4 and set(read) == {WEB, MOBILE}
    assert all(a != b for a, b in zip(read, read[1:], strict=False)), read

    # The next run starts with the other project, so a budget spent mid-run never misses the same one.
    clock.now += 60
    log_poll_connection(connection=demo_connection)
    second = projects_read(simulator)
    assert second[0] != read[0] and all(a != b for a, b in zip(second, second[1:], strict=False))


def test_rows_kept_for_the_current_project_move_to_its_id(db, simulator, admin_user):
    """Before projects were watched, a connection naming no project kept its rows under "@current"."""
    connection = connection_create(actor=admin_user, name="Older", host=simulator.url, api_key=DEMO_KEY)
    config = min(configs_of(simulator, 1))
    LogCursor.objects.create(connection=connection, project_id="@current", plugin_config_id=config, config_name="x")
    PluginLogEntry.objects.create(
        connection=connection,
        project_id="@current",
        plugin_config_id=config,
        entry_id="kept-before",
        timestamp=timezone.now(),
        source="PLUGIN",
        type="INFO",
        message="kept before projects were watched",
    )

    log_poll_connection(connection=connection)

    assert not LogCursor.objects.filter(project_id="@current").exists()
    assert PluginLogEntry.objects.get(entry_id="kept-before").project_id == WEB  # the key's current project
    assert LogCursor.objects.filter(connection=connection, plugin_config_id=config).count() == 1


# The pages -------------------------------------------------------------------------------------------------


@pytest.fixture
def polled(demo_connection, simulator):
    """Both projects' logs kept, as the poller keeps them."""
    log_poll_connection(connection=demo_connection)
    return demo_connection


def entries_shown(page: str) -> set[str]:
    return set(re.findall(r'data-entry-id="([^"]+)"', page))


def test_the_log_explorer_shows_every_project_or_the_one_picked(client_as, viewer, polled, simulator):
    client = client_as(viewer)
    mobile = set(PluginLogEntry.objects.filter(project_id=MOBILE).values_list("entry_id", flat=True))

    every = client.get(reverse("history:logs")).content.decode()
    picked = client.get(reverse("history:logs"), {"project": MOBILE}).content.decode()

    assert '<option value="" selected>All projects</option>' in every
    assert "Hedgehog Mobile</option>" in every and "Hedgehog Web</option>" in every
    assert entries_shown(every) & mobile and entries_shown(every) - mobile  # both projects' entries, newest first
    assert entries_shown(picked) and entries_shown(picked) <= mobile
    # The project stays picked while paging, filtering by config and switching tabs.
    assert f"project={MOBILE}" in re.search(r'href="\?([^"]*)" rel="next"', picked)[1]
    assert f'href="{reverse("history:delivery_overview")}?project={MOBILE}"' in picked
    # Two configs of one plugin in two projects are told apart by their project.
    assert "GeoIP · Hedgehog Mobile" in every and "GeoIP · Hedgehog Web" in every


def test_the_csv_export_keeps_to_the_project_picked(client_as, viewer, polled):
    response = client_as(viewer).get(reverse("history:logs_csv"), {"project": WEB})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:]
    web = PluginLogEntry.objects.filter(project_id=WEB)
    assert len(rows) == web.count() > 0
    assert {row[-1] for row in rows} == set(web.values_list("entry_id", flat=True))


def test_the_delivery_pages_filter_by_project(client_as, viewer, polled, simulator):
    for project, config in ((WEB, 11), (MOBILE, 31)):
        DeliverySnapshot.objects.create(
            connection=polled,
            project_id=project,
            plugin_config_id=config,
            config_name=f"Config of {project}",
            taken_at=timezone.now() - timedelta(minutes=5),
            delivery_rate=0.5,
            enabled=True,
            resolution=DeliverySnapshot.HOURLY,
            samples=1,
        )
        delivery_periods_refresh(connection_id=polled.pk, start=timezone.now() - timedelta(hours=1), end=timezone.now())
    client = client_as(viewer)

    every = client.get(reverse("history:delivery_overview")).content.decode()
    picked = client.get(reverse("history:delivery_overview"), {"project": MOBILE}).content.decode()

    assert "Config of 1" in every and "Config of 3" in every and 'scope="col">Project</th>' in every
    assert "Config of 3" in picked and "Config of 1" not in picked and 'scope="col">Project</th>' not in picked
    # A config's chart within another project has nothing to draw.
    chart = client.get(reverse("history:delivery_config", args=[11]), {"project": MOBILE}).content.decode()
    assert "has none in this project" in chart
    unknown = client.get(reverse("history:delivery_overview"), {"project": "999"})
    assert unknown.status_code == 200 and "Project 999 (nothing stored)" in unknown.content.decode()

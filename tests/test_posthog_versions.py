"""The portal against the PostHog versions teams run, end to end against the simulator's profiles.

`current` plays today's cloud (the scope wall for every personal API key, plugin configs retired in favour of hog
functions, no delivery rate, jobs or groups' property_definitions, 50 secret keys); `legacy` an older self-hosted
PostHog (../shared/posthog-api/REAL-BEHAVIOUR.md). Each point where they differ has a test here, or beside the page
it belongs to; every test in the suite that uses the simulator runs against both unless it says why not.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.urls import get_resolver, reverse

from apps.audit.models import AuditEvent
from apps.connections.capabilities import capability_record
from apps.connections.models import Capability, CapabilityReport
from apps.connections.services import connection_create, connection_test
from apps.plugins import selectors
from simulator import KEYS
from tests.reachability import crawl

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
CONFIGS = "/api/projects/1/plugin_configs/"


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


def config_id(simulator, name: str) -> int:
    return simulator.state.plugin_configs.by_name(name, project_id=1)["id"]


# Test connection: what this key can do here --------------------------------------------------------------------


def test_test_connection_reports_what_the_key_can_do_on_this_posthog(admin, demo_connection, simulator):
    page = text(admin.post(reverse("connections:test", args=[demo_connection.pk]), **HTMX))
    assert "The key works." in page and "Key scopes" in page and "Plugin access level" in page
    report = CapabilityReport.objects.get(connection=demo_connection)
    learned = {row.action: row.state for row in Capability.objects.filter(connection=demo_connection)}
    if simulator.profile.demo_key_scopes:
        # Today's keys all carry scopes (`*` too): every action declaring none is refused, said once, here.
        assert "Actions PostHog refuses to personal API keys" in page and "Reorder the plugin pipeline" in page
        assert learned["plugin_config_rearrange"] == Capability.PERSONAL_KEY_REFUSED
        assert learned["project_reset_token"] == Capability.PERSONAL_KEY_REFUSED
        assert learned["plugin_config_job"] == Capability.RETIRED  # gone from newer PostHog: not merely refused
        assert learned["group_property_definitions"] == Capability.RETIRED
        assert learned["plugin_config_delivery_rate"] == Capability.RETIRED
        assert learned["plugin_install"] == Capability.ACCESS_LEVEL  # cloud organizations configure, not install
        assert report.facts["key_scopes"] == ["*"] and report.facts["delivery_rate_reported"] is False
        assert report.facts["log_paging"] == "offset"
    else:
        assert "This key may use them (a key made before scopes)." in page
        assert learned["plugin_config_rearrange"] == learned["plugin_config_job"] == Capability.ALLOWED
        assert learned["hog_functions"] == Capability.RETIRED
        assert report.facts["delivery_rate_reported"] is True and report.facts["log_paging"] == "time"
    capabilities = text(admin.get(reverse("connections:capabilities", args=[demo_connection.pk])))
    assert "What this key can do on this PostHog" in capabilities and "Last test" in capabilities


def test_a_check_sends_only_reads_and_options(admin, demo_connection, simulator):
    admin.post(reverse("connections:test", args=[demo_connection.pk]), **HTMX)
    assert {entry["method"] for entry in simulator.requests()} <= {"GET", "OPTIONS"}
    assert not AuditEvent.objects.filter(path__startswith="/api/").exists()


@pytest.mark.profiles("legacy", reason="an older PostHog has plugin jobs: the endpoint is back after an upgrade")
def test_an_endpoint_back_after_an_upgrade_is_offered_again(demo_connection):
    capability_record(
        connection=demo_connection, action="plugin_config_job", state=Capability.RETIRED, detail="", source="probe"
    )
    connection_test(connection=demo_connection)
    assert Capability.objects.get(connection=demo_connection, action="plugin_config_job").state == Capability.ALLOWED


@pytest.mark.profiles("current", reason="only today's PostHog has a scope wall in front of the demo key")
def test_the_scope_wall_finding_lists_only_what_this_posthog_has(demo_connection):
    connection_test(connection=demo_connection)
    findings = CapabilityReport.objects.get(connection=demo_connection).facts["findings"]
    [wall] = [finding["text"] for finding in findings if finding["topic"].startswith("Actions PostHog refuses")]
    walled = Capability.objects.filter(connection=demo_connection, state=Capability.PERSONAL_KEY_REFUSED)
    assert wall.startswith(f"{walled.count()} ") and "Run a plugin job" not in wall  # retired, not walled


def test_a_new_key_forgets_what_the_old_one_was_allowed(admin, demo_connection):
    connection_test(connection=demo_connection)
    assert Capability.objects.filter(connection=demo_connection).exists()
    admin.post(reverse("connections:replace_key", args=[demo_connection.pk]), {"api_key": KEYS.read_only})
    # Replacing the key tests the new one at once: what is stored now is the new key's.
    report = CapabilityReport.objects.get(connection=demo_connection)
    assert report.facts["key_scopes"] != ["*"]


@pytest.mark.profiles("current", reason="only today's PostHog has the scope wall, no jobs and configure-only plugins")
def test_pages_show_what_posthog_refuses_before_anyone_fills_in_a_form(admin, demo_connection, simulator):
    connection_test(connection=demo_connection)
    zendesk = config_id(simulator, "Zendesk Tickets → Events")

    detail = text(admin.get(reverse("plugins:config_detail", args=[zendesk])))
    assert "Run job" not in detail and "Jobs are not available." in detail
    jobs = detail.split("Jobs are not available.", 1)[1].split("</div>", 1)[0]
    assert "This PostHog no longer offers this" in jobs and "Do it in PostHog" not in jobs  # gone from its app too
    activity = detail.split("of this config is not available.", 1)[1].split("</div>", 1)[0]
    assert "does not accept personal API keys" in activity and "/project/1/pipeline/overview" in activity
    job = text(admin.get(reverse("plugins:config_job", args=[zendesk])))
    assert "Jobs cannot be run here." in job and "<form" not in job.split('id="content"', 1)[-1].split("</main>")[0]

    listing = text(admin.get(reverse("plugins:configs")))
    assert "Reordering is not available." in listing and "Move up" not in listing

    project = text(admin.get(reverse("project_actions:index")))
    assert project.count("Not available with this key.") == 4 and 'name="reset_token-project_name"' not in project
    assert "/project/1/settings/project" in project

    install = text(admin.get(reverse("plugins:install")))
    assert "Installing plugins is not available." in install and "plugin access level" in install


@pytest.mark.profiles(
    "current", reason="only today's PostHog refuses plugin source to personal API keys (the scope wall)"
)
def test_a_scope_wall_refusal_says_so_and_links_to_posthogs_app(admin, simulator):
    page = text(admin.get(reverse("plugins:source", args=[simulator.state.plugins.by_name("S3 Export")["id"]])))
    assert "does not accept personal API keys for this action" in page
    assert 'href="http://127.0.0.1' in page and "/pipeline/overview" in page and "Open in PostHog" in page


@pytest.mark.profiles("current", reason="only today's PostHog has the scope wall that an unscoped key passes")
def test_an_old_key_without_scopes_still_passes_the_wall_on_current_posthog(client_as, admin_user, simulator):
    old = connection_create(actor=admin_user, name="Old key", host=simulator.url, api_key=KEYS.unscoped, project_id="1")
    result = connection_test(connection=old)
    assert result.ok and Capability.objects.get(connection=old, action="plugin_config_rearrange").state == "allowed"


def test_every_page_an_admin_can_reach_answers_on_this_posthog(admin, demo_connection):
    """A click through every area after a connection test: no page fails (5xx) whatever this PostHog refuses or
    lacks, and none shows template text."""
    connection_test(connection=demo_connection)
    found = crawl(admin, namespaces=tuple(get_resolver().namespace_dict), start=reverse("home"), per_view=2)
    assert {"plugins:configs", "connections:capabilities", "history:status", "trail:list", "hog_functions:list"} <= set(
        found
    )
    assert {"batch_exports:detail", "batch_exports:backfill"} <= set(found)


# Plugin config settings: multipart, and never "saved" without a change ----------------------------------------


def test_a_settings_edit_is_sent_as_posthogs_app_sends_it_and_kept(operator_client, simulator):
    config = simulator.state.plugin_configs.by_plugin_name("PII Scrubber", project_id=1)
    response = operator_client.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {"enabled": "on", "config__propertiesToHash": "email,phone,$ip"},
        **HTMX,
    )
    assert response["HX-Redirect"] == reverse("plugins:config_detail", args=[config["id"]])
    assert simulator.state.plugin_configs.get(config["id"])["config"]["propertiesToHash"] == "email,phone,$ip"
    [patch] = simulator.requests(method="PATCH")
    assert patch["content_type"] == "multipart/form-data"
    assert json.loads(patch["body"]["config"])["propertiesToHash"] == "email,phone,$ip"
    assert AuditEvent.objects.get(method="PATCH").outcome == AuditEvent.Outcome.SUCCESS


def test_an_edit_posthog_answers_without_keeping_is_never_called_saved(operator_client, simulator):
    """Should PostHog drop the config (as it does a JSON body's) and answer 200 with the old values, the portal says
    so on the form, keeps the edit, records the write as not kept, and says nothing is saved."""
    config = simulator.state.plugin_configs.by_plugin_name("PII Scrubber", project_id=1)
    unchanged = simulator.state.plugin_configs.view(config["id"])
    simulator.script("PATCH", rf"{CONFIGS}{config['id']}/", status=200, body=unchanged)
    page = text(
        operator_client.post(
            reverse("plugins:config_edit", args=[config["id"]]),
            {"enabled": "on", "config__propertiesToHash": "typed,by,me"},
            **HTMX,
        )
    )
    assert "PostHog answered as if it saved the change, but it still holds other values" in page
    assert 'value="typed,by,me"' in page or ">typed,by,me<" in page
    assert "PostHog did not keep this value; it still holds" in page
    event = AuditEvent.objects.get(method="PATCH")
    assert event.outcome == AuditEvent.Outcome.NOT_KEPT and "propertiesToHash" in event.error
    assert "saved" not in operator_client.get(reverse("plugins:configs")).headers.get("HX-Trigger", "")


# Creating a plugin config ---------------------------------------------------------------------------------------


@pytest.mark.profiles("current", reason="only today's PostHog refuses to create plugin configs")
def test_creating_a_config_newer_posthog_refuses_keeps_the_form_and_says_why(operator_client, simulator):
    plugin = simulator.state.plugins.by_name("Schema Validator")
    url = reverse("plugins:config_create") + f"?plugin={plugin['id']}"
    page = text(operator_client.post(url, {"enabled": "on", "config__salt": "kept-salt-123"}, **HTMX))
    assert "Plugin creation is no longer possible" in page and "Hog Functions" in page
    assert "<form" in page and "<html" not in page
    [event] = AuditEvent.objects.filter(method="POST", path__startswith=CONFIGS)
    assert event.outcome == AuditEvent.Outcome.FAILURE, [(e.path, e.outcome) for e in AuditEvent.objects.all()]


@pytest.mark.profiles("current", reason="only today's PostHog turns a new plugin config into a hog function")
def test_creating_a_config_newer_posthog_turns_into_a_hog_function_says_so(operator_client, simulator):
    before = len(simulator.state.hog_functions.all(1))
    plugin = simulator.state.plugins.by_name("Taxonomy")
    url = reverse("plugins:config_create") + f"?plugin={plugin['id']}"
    response = operator_client.post(url, {"enabled": "on", "config__defaultNamingConvention": "snake_case"}, **HTMX)
    assert response["HX-Redirect"] == reverse("plugins:configs")  # no config page: PostHog saved no config
    assert len(simulator.state.hog_functions.all(1)) == before + 1
    listing = text(operator_client.get(reverse("plugins:configs")))
    assert "PostHog did not add a plugin config: it made a hog function from Taxonomy instead" in listing
    assert f'<a href="{simulator.url}/project/1/data-management/destinations" target="_blank"' in listing


# Migrating a plugin config to a hog function -------------------------------------------------------------------


@pytest.mark.profiles("current", reason="only today's PostHog migrates plugin configs into hog functions")
def test_migrating_a_config_with_a_key_that_may_makes_a_hog_function(client_as, operator, admin_user, simulator):
    old_key = connection_create(
        actor=admin_user, name="Old key", host=simulator.url, api_key=KEYS.unscoped, project_id="1"
    )
    client = client_as(operator)
    client.post(reverse("connections:switch"), {"connection": old_key.pk, "project_id": "1", "environment_id": ""})
    hubspot = simulator.state.plugin_configs.by_plugin_name("HubSpot", project_id=1)
    detail = text(client.get(reverse("plugins:config_detail", args=[hubspot["id"]])))
    assert "Migrate to a hog function…" in detail and "<strong>disables this plugin config</strong>" in detail
    response = client.post(reverse("plugins:config_migrate", args=[hubspot["id"]]), **HTMX)
    assert response["HX-Redirect"] == reverse("plugins:config_detail", args=[hubspot["id"]])
    assert not simulator.state.plugin_configs.get(hubspot["id"])["enabled"]
    [made] = [f for f in simulator.state.hog_functions.all(1) if f["template_id"] == "template-hubspot"]
    page = text(client.get(reverse("plugins:config_detail", args=[hubspot["id"]])))
    assert "PostHog made the hog function" in page
    # The link leads to the new function's page in the portal, which shows it.
    assert f'<a href="{reverse("hog_functions:detail", args=[made["id"]])}">Open the hog function</a>' in page
    assert "<h1>Hubspot</h1>" in text(client.get(reverse("hog_functions:detail", args=[made["id"]])))


# Logs, paged back by time ---------------------------------------------------------------------------------------


def test_the_logs_page_reaches_every_entry_by_time_on_every_version(operator_client, simulator):
    config = config_id(simulator, "GeoIP")
    start = datetime.now(UTC) - timedelta(hours=2)
    burst = simulator.state.plugin_configs.logs_burst(config, 350, start=start, spacing_ms=500)
    url = reverse("plugins:config_logs", args=[config]) + "?filtered=1&types=INFO"
    page, seen, pages = text(operator_client.get(url)), set(), 0
    while True:
        seen |= {part.split('"', 1)[0] for part in page.split('data-entry-id="')[1:]}
        if "older_than=" not in page or pages > 20:
            break
        older = page.split("older_than=", 1)[1].split('"', 1)[0].replace("&amp;", "&")
        entries = reverse("plugins:config_log_entries", args=[config])
        page = text(operator_client.get(f"{entries}?filtered=1&types=INFO&older_than={older}", **HTMX))
        pages += 1
    assert set(burst) <= seen and pages >= 3
    logs = simulator.requests(path_prefix=f"{CONFIGS}{config}/logs/")
    assert all("offset" not in entry["query"] for entry in logs)


# Roles ----------------------------------------------------------------------------------------------------------


def test_roles_are_listed_without_a_query_parameter_older_posthog_would_choke_on(
    client_as, viewer, demo_connection, simulator
):
    page = text(client_as(viewer).get(reverse("roles:list")))
    assert "Engineering" in page or "role" in page.lower()
    [listing] = simulator.requests(method="GET", path="/api/organizations/@current/roles/")
    assert listing["query"] == {} and listing["status"] == 200


# Delivery rates from app metrics ---------------------------------------------------------------------------------


@responses.activate
def test_where_posthog_sends_no_rate_but_has_app_metrics_the_rate_is_computed_from_them(rf, admin_user):
    from apps.connections.context import PostHogContext
    from apps.connections.models import Connection

    connection = Connection(name="Mid-version", host="https://posthog.example.test", project_id="1")
    connection.set_api_key("phx_" + "k" * 40)
    connection.save()
    context = PostHogContext(connection=connection, project_id="1", environment_id="1", actor=admin_user)
    context.__dict__["unavailable"] = type("Nothing", (), {"app_metrics": None})()
    totals = {"successes": 90, "successes_on_retry": 5, "failures": 5}
    responses.get(
        "https://posthog.example.test/api/projects/1/app_metrics/7/",
        json={"metrics": {"dates": [], "successes": [], "successes_on_retry": [], "failures": [], "totals": totals}},
    )
    delivery = selectors.plugin_config_delivery(context=context, config={"id": 7, "error": None})
    assert (delivery.rate, delivery.reported, delivery.from_app_metrics) == (0.95, True, True)
    assert selectors.rate_from_totals({"successes": 0, "failures": 0}) is None  # no events is no rate


# Recordings, groups, users/@me -----------------------------------------------------------------------------------


def test_recordings_page_by_has_next_as_posthog_answers_them(admin, simulator):
    for number in range(30):
        simulator.state.sharing.recording_add(1, f"0190a0a0-0000-7000-8000-{number:012d}", distinct_id=f"user-{number}")
    first = text(admin.get(reverse("sharing:recordings")))
    assert (
        "Recordings 1–20, more follow" in first
        and "Older →" in first
        and " of " not in first.split("Recordings 1")[1][:20]
    )
    second = text(admin.get(reverse("sharing:recordings") + "?offset=20"))
    assert "Recordings 21–" in second and "← Newer" in second
    listed = simulator.requests(path="/api/environments/1/session_recordings/")
    assert all(entry["query"]["date_from"] == "-90d" for entry in listed)


def test_a_group_page_reads_its_group_without_creating_a_notebook_where_posthog_allows(admin, simulator):
    group = simulator.state.groups.groups(1, 0)[0]
    admin.get(reverse("groups:detail", args=[0]) + f"?key={group['group_key']}")
    [find] = simulator.requests(path="/api/projects/1/groups/find/")
    assert find["query"]["skip_create_notebook"] == "true"
    if simulator.profile.group_find_skip_create_notebook:
        assert simulator.state.groups.notebooks() == []


def test_a_key_that_may_not_read_its_user_still_lists_secret_keys(client_as, admin_user, simulator):
    limited = connection_create(
        actor=admin_user, name="Read only", host=simulator.url, api_key=KEYS.read_only, project_id="1"
    )
    client = client_as(admin_user)
    client.post(reverse("connections:switch"), {"connection": limited.pk, "project_id": "1", "environment_id": ""})
    page = text(client.get(reverse("secret_keys:list")))
    assert "Edge flag evaluation (prod)" in page
    assert "Dana Demo" in page or "user 1" in page  # the creator as PostHog names it, @me or not

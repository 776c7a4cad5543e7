"""A plugin config's detail, activity, frontend, jobs and logs pages, against the simulator over HTTP."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.plugins.forms.job import JobForm, job_forms

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
MASK = "**************"


@pytest.fixture
def config_ids(sim):
    """{config name: id} of project 1, as PostHog names them."""
    configs = sim.call("GET", "/api/projects/1/plugin_configs/?limit=100").json()["results"]
    return {config["name"]: config["id"] for config in configs}


def add_log(simulator, config_id: int, message: str, *, type="INFO", source="PLUGIN", at: datetime | None = None):
    """One entry reaching PostHog, as its plugin server would log it."""
    state = simulator.state.plugin_configs
    entry = state.log_entry(config_id, timestamp=at or datetime.now(UTC), type=type, source=source, message=message)
    state.logs_add([entry])
    return entry


def logs_url(config_id: int, query: str = "") -> str:
    return reverse("plugins:config_logs", args=[config_id]) + (f"?{query}" if query else "")


def entries_url(config_id: int, query: str) -> str:
    return reverse("plugins:config_log_entries", args=[config_id]) + f"?{query}"


def badges(page: str) -> list[str]:
    """The type of every log row on the page, top to bottom."""
    return [part.split("</span>", 1)[0].rsplit(">", 1)[1] for part in page.split('class="badge log-type log-type-')[1:]]


def row_types(page: str) -> list[str]:
    return badges(page.split('id="log-rows"', 1)[-1]) if 'id="log-rows"' in page else badges(page)


# Detail ------------------------------------------------------------------------------------------------


def test_detail_shows_the_config_and_never_a_secret(operator_client, simulator, config_ids):
    config_id = config_ids["S3 Export"]
    page = operator_client.get(reverse("plugins:config_detail", args=[config_id])).content.decode()
    assert "<h1>S3 Export</h1>" in page
    assert reverse("plugins:detail", args=[simulator.state.plugin_configs.get(config_id)["plugin"]]) in page
    if simulator.profile.plugin_config_delivery_rate:
        assert "delivery-bad" in page  # a failing config: red delivery badge
    else:
        assert "delivery-absent" in page and "not reported" in page and "delivery-bad" not in page
    # PostHog answers `error: null`: the last error is the newest ERROR entry of the config's logs.
    assert "Enabled" in page and "Last error" in page and "the newest ERROR entry of its logs" in page
    assert "secret · set" in page and "hedgehog-posthog-events" in page
    for mask in (MASK, "POSTHOG SECRET FIELD"):
        assert mask not in page
    stored = simulator.state.plugin_configs.get(config_id)["config"]
    for key in ("awsAccessKey", "awsSecretAccessKey"):
        assert stored[key] and stored[key] not in page
    assert "Edit settings" in page and "only <strong>disables</strong> it" in page
    # Offered until the connection learns otherwise (test_posthog_versions: after "Test connection", not offered).
    assert "Run job" in page


def test_detail_escapes_names_and_lists_attachments_by_name_and_size(operator_client, config_ids):
    page = operator_client.get(
        reverse("plugins:config_detail", args=[config_ids["Hedgehog <b>pricing</b> & plan tagger"]])
    ).content.decode()
    assert "Hedgehog &lt;b&gt;pricing&lt;/b&gt; &amp; plan tagger" in page and "<b>pricing</b>" not in page
    bigquery = operator_client.get(
        reverse("plugins:config_detail", args=[config_ids["BigQuery Export (EU warehouse)"]])
    ).content.decode()
    assert "secret · set" in bigquery and MASK not in bigquery


def test_viewer_sees_the_detail_without_operator_actions(client_as, viewer, demo_connection, config_ids):
    page = client_as(viewer).get(reverse("plugins:config_detail", args=[config_ids["S3 Export"]])).content.decode()
    assert "<h1>S3 Export</h1>" in page and "Logs" in page
    assert "Edit settings" not in page and "Run job" not in page and "delete-dialog" not in page


@pytest.mark.profiles(
    "legacy", reason="today's PostHog refuses a config's activity to personal API keys (the scope wall)"
)
def test_activity_fragment_reads_as_a_timeline(operator_client, config_ids):
    page = operator_client.get(reverse("plugins:config_activity", args=[config_ids["S3 Export"]]), **HTMX)
    text = page.content.decode()
    assert page.status_code == 200 and 'class="timeline"' in text
    assert " installed <strong>S3 Export</strong>" in text


@pytest.mark.profiles(
    "legacy", reason="today's PostHog refuses a config's frontend to personal API keys (the scope wall)"
)
def test_frontend_is_shown_escaped_and_a_missing_one_is_said(operator_client, config_ids):
    with_frontend = operator_client.get(
        reverse("plugins:config_frontend", args=[config_ids["Snowflake Export"]]), **HTMX
    ).content.decode()
    assert "This plugin has a frontend" in with_frontend
    assert (
        "&lt;div className=&quot;hedgehog&quot;&gt;" in with_frontend
        and '<div className="hedgehog">' not in with_frontend
    )
    without = operator_client.get(reverse("plugins:config_frontend", args=[config_ids["GeoIP"]])).content.decode()
    assert "This plugin has no frontend" in without and "<h1>Frontend of GeoIP</h1>" in without


# Jobs --------------------------------------------------------------------------------------------------


@pytest.mark.profiles("legacy", reason="today's PostHog has no plugin jobs")
def test_running_a_job_is_audited_and_logged(operator_client, operator, config_ids):
    config_id = config_ids["Zendesk Tickets → Events"]
    form_page = operator_client.get(reverse("plugins:config_job", args=[config_id])).content.decode()
    assert "Import historical data" in form_page and 'type="datetime-local"' in form_page and 'value="500"' in form_page

    response = operator_client.post(
        reverse("plugins:config_job", args=[config_id]),
        {"job_type": "Import historical data", "job0-startDate": "2026-11-01T08:30", "job0-batchSize": "250"},
    )
    assert response.status_code == 302 and response["Location"] == logs_url(config_id)
    event = AuditEvent.objects.get(area="plugin_configs")
    assert event.actor == operator and event.method == "POST" and event.path.endswith(f"/{config_id}/job/")
    assert event.request_body["job"]["type"] == "Import historical data"

    logs = operator_client.get(response["Location"]).content.decode()
    assert "Job “Import historical data” started" in logs
    assert "Starting job &quot;Import historical data&quot;" in logs
    assert (
        "&quot;startDate&quot;: &quot;2026-11-01T08:30:00.000Z&quot;" in logs and "&quot;batchSize&quot;: 250" in logs
    )


def test_a_missing_required_payload_field_stays_on_the_form(operator_client, config_ids):
    config_id = config_ids["Zendesk Tickets → Events"]
    page = operator_client.post(
        reverse("plugins:config_job", args=[config_id]),
        {"job_type": "Import historical data", "job0-batchSize": "1234"},
    ).content.decode()
    assert "This field is required." in page and 'value="1234"' in page


@pytest.fixture
def resync_job(simulator, config_ids):
    """GeoIP's plugin gains a job that declares no payload schema: the form then takes raw JSON."""
    config_id = config_ids["GeoIP"]
    plugin_id = simulator.state.plugin_configs.get(config_id)["plugin"]
    simulator.state.plugins.update(plugin_id, public_jobs={"Resync <everything>": {}})
    return config_id


@pytest.mark.profiles("legacy", reason="today's PostHog has no plugin jobs")
def test_a_payload_posthog_would_fail_on_is_refused_on_its_field_before_sending(operator_client, resync_job, simulator):
    """PostHog passes the payload to the job as an object and answers anything else with a server error: the form
    says so on the field, with what was typed kept, and nothing is sent."""
    page = operator_client.post(
        reverse("plugins:config_job", args=[resync_job]),
        {"job_type": "Resync <everything>", "job0-payload": "[1, 2, 3]"},
        **HTMX,
    ).content.decode()
    assert '<p class="field-error"' in page and "The payload must be a JSON object" in page and "[1, 2, 3]" in page
    assert "Resync &lt;everything&gt;" in page and "<everything>" not in page
    assert not simulator.requests(method="POST") and not AuditEvent.objects.filter(area="plugin_configs").exists()


@pytest.mark.profiles("legacy", reason="today's PostHog has no plugin jobs")
def test_markup_in_a_job_payload_is_escaped_in_the_logs(operator_client, resync_job):
    response = operator_client.post(
        reverse("plugins:config_job", args=[resync_job]),
        {"job_type": "Resync <everything>", "job0-payload": '{"note": "<script>alert(1)</script>"}'},
        **HTMX,
    )
    assert response["HX-Redirect"] == logs_url(resync_job)
    page = operator_client.get(logs_url(resync_job, "search=Starting job")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "Starting job &quot;Resync &lt;everything&gt;&quot;" in page


def test_viewers_cannot_run_jobs(client_as, viewer, demo_connection, config_ids):
    response = client_as(viewer).post(
        reverse("plugins:config_job", args=[config_ids["S3 Export"]]),
        {"job_type": "Export historical events V2", "job0-dateRange_0": "2026-11-01", "job0-dateRange_1": "2026-11-02"},
    )
    assert response.status_code == 403


def test_job_form_builds_a_field_per_payload_type():
    spec = {
        "payload": {
            "name": {"type": "string", "title": "Name", "required": True},
            "count": {"type": "number", "default": 5},
            "dryRun": {"type": "boolean", "required": True},
            "since": {"type": "date"},
            "range": {"type": "daterange"},
            "mapping": {"type": "json"},
        }
    }
    form = JobForm(job_name="Import", spec=spec)
    html = str(form)
    assert form.fields["name"].required and form.fields["name"].label == "Name"
    assert 'type="number"' in html and 'value="5"' in html
    assert 'type="checkbox"' in html and not form.fields["dryRun"].required
    assert 'type="datetime-local"' in html and 'type="date"' in html and "<textarea" in html

    bound = JobForm(
        {
            "name": "hog",
            "count": "7",
            "since": "2026-11-01T08:30",
            "range_0": "2026-11-01",
            "range_1": "2026-11-03",
            "mapping": '{"a": 1}',
        },
        job_name="Import",
        spec=spec,
    )
    assert bound.is_valid(), bound.errors
    assert bound.payload() == {
        "name": "hog",
        "count": 7,
        "dryRun": False,
        "since": "2026-11-01T08:30:00.000Z",
        "range": ["2026-11-01", "2026-11-03"],
        "mapping": '{"a": 1}',
    }

    invalid = JobForm({"count": "x", "mapping": "{nope"}, job_name="Import", spec=spec)
    assert not invalid.is_valid()
    assert set(invalid.errors) == {"name", "count", "mapping"}


def test_a_job_without_schema_takes_a_json_object():
    (form,) = job_forms({"Resync": {}}, data={"job0-payload": '{"full": true}'}, selected="Resync")
    assert form.is_valid() and form.payload() == {"full": True}
    (empty,) = job_forms({"Resync": {"payload": {}}}, data={"job0-payload": ""}, selected="Resync")
    assert empty.is_valid() and empty.payload() == {}


# Logs --------------------------------------------------------------------------------------------------


def test_logs_are_newest_first_without_debug_by_default(operator_client, simulator, config_ids):
    config_id = config_ids["GeoIP"]
    newest = add_log(simulator, config_id, "the newest line", type="DEBUG")
    add_log(simulator, config_id, "just before", at=datetime.now(UTC) - timedelta(seconds=1))
    page = operator_client.get(logs_url(config_id)).content.decode()
    assert "just before" in page and "the newest line" not in page and newest["id"] not in page
    assert "DEBUG" not in row_types(page)
    stamps = [part.split('"', 1)[0] for part in page.split('data-timestamp="')[1:]]
    assert stamps == sorted(stamps, reverse=True) and len(stamps) > 10

    with_debug = operator_client.get(
        logs_url(config_id, "filtered=1&types=DEBUG&types=LOG&types=INFO&types=WARN&types=ERROR")
    ).content.decode()
    assert "the newest line" in with_debug and "DEBUG" in row_types(with_debug)
    assert with_debug.index("the newest line") < with_debug.index("just before")


def test_logs_filter_by_type_source_and_search(operator_client, simulator, config_ids):
    config_id = config_ids["S3 Export"]
    errors = operator_client.get(logs_url(config_id, "filtered=1&types=ERROR")).content.decode()
    assert set(row_types(errors)) == {"ERROR"}

    system = operator_client.get(logs_url(config_id, "source=SYSTEM")).content.decode()
    sources = [part.split("<", 1)[0] for part in system.split('<td class="log-source">')[1:]]
    assert sources and set(sources) == {"SYSTEM"}
    assert "PostHog has no source filter" in system

    add_log(simulator, config_id, "Needle in the HAYSTACK")
    found = operator_client.get(logs_url(config_id, "search=haystack")).content.decode()
    assert "Needle in the HAYSTACK" in found and len(row_types(found)) == 1


def test_logs_filter_by_time_range(operator_client, simulator, config_ids):
    config_id = config_ids["GeoIP"]
    old = datetime.now(UTC) - timedelta(days=3)
    add_log(simulator, config_id, "three days ago", at=old)
    add_log(simulator, config_id, "just now")
    window = f"after={(old - timedelta(minutes=1)):%Y-%m-%dT%H:%M}&before={(old + timedelta(minutes=1)):%Y-%m-%dT%H:%M}"
    page = operator_client.get(logs_url(config_id, window)).content.decode()
    assert "three days ago" in page and "just now" not in page
    assert "From (UTC)" in page and "one week" in page

    last_hour = operator_client.get(logs_url(config_id, "range=1h")).content.decode()
    assert "just now" in last_hour and "three days ago" not in last_hour


def test_no_match_explains_what_to_widen(operator_client, config_ids):
    page = operator_client.get(logs_url(config_ids["GeoIP"], "search=no-such-text-anywhere")).content.decode()
    assert "No log entries match." in page and "Include DEBUG" in page and "one week" in page


def test_load_older_pages_back_by_time_on_every_version(operator_client, simulator, config_ids):
    """Older PostHog reads only `limit` rows, so an offset answers nothing there: "load older" asks for the entries
    before the oldest one shown, which every version honours, and the two pages hold every entry once."""
    config_id = config_ids["S3 Export"]
    everything = "filtered=1&types=DEBUG&types=LOG&types=INFO&types=WARN&types=ERROR"
    first = operator_client.get(logs_url(config_id, everything)).content.decode()
    assert "Load older entries" in first and "older_than=" in first and "offset=" not in first
    older_than = first.split("older_than=", 1)[1].split('"', 1)[0].replace("&amp;", "&")
    older = operator_client.get(
        entries_url(config_id, everything + f"&older_than={older_than}"), **HTMX
    ).content.decode()
    assert "<html" not in older
    # The older page starts a microsecond after the oldest entry shown (entries may share it): the browser drops
    # the few shown twice by id.
    shown = list(dict.fromkeys(part.split('"', 1)[0] for part in (first + older).split('data-entry-id="')[1:]))
    stored = [entry["id"] for entry in simulator.state.plugin_configs.logs(config_id)]
    assert set(shown) == set(stored[: len(shown)]) and len(shown) > 100
    assert (
        simulator.requests(path_prefix=f"/api/projects/1/plugin_configs/{config_id}/logs/")[-1]["query"].get("offset")
        is None
    )


def test_live_tail_returns_only_newer_rows(operator_client, simulator, config_ids):
    config_id = config_ids["GeoIP"]
    seen = add_log(simulator, config_id, "already on the page")
    fresh = add_log(simulator, config_id, "arrived later", at=datetime.now(UTC) + timedelta(seconds=1))
    response = operator_client.get(entries_url(config_id, f"filtered=1&types=INFO&after={seen['timestamp']}"), **HTMX)
    page = response.content.decode()
    assert "arrived later" in page and "already on the page" not in page
    assert response["X-Log-Newest"] == fresh["timestamp"]
    assert "Load older" not in page


def test_log_messages_are_escaped_and_long_ones_fold(operator_client, simulator, config_ids):
    config_id = config_ids["GeoIP"]
    add_log(simulator, config_id, "<script>alert('hog')</script>", type="ERROR")
    add_log(simulator, config_id, "TypeError: boom\n    at processEvent (index.ts:14:31)", type="ERROR")
    page = operator_client.get(logs_url(config_id, "filtered=1&types=ERROR")).content.decode()
    assert "&lt;script&gt;alert(&#x27;hog&#x27;)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "<details><summary>TypeError: boom</summary>" in page


def test_an_upstream_error_while_polling_shows_in_place_without_a_toast(operator_client, simulator, config_ids):
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}, timeout=5)
    response = operator_client.get(
        entries_url(config_ids["GeoIP"], "filtered=1&types=INFO&after=2026-01-01T00:00:00Z"),
        HTTP_X_PORTAL_BACKGROUND="1",
        **HTMX,
    )
    assert response.status_code == 200 and "PostHog could not answer" in response.content.decode()
    assert "HX-Trigger" not in response.headers

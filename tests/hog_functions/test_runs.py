"""What a hog function did: test runs (PostHog's `invocations`), its logs paged back by time with a live tail, and
its runs chart from app metrics."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.hog_functions.helpers import FUNCTIONS, HTMX, function, script_refusal, served, text, url, words

pytestmark = pytest.mark.django_db
CURRENT = pytest.mark.profiles("current", reason="only today's PostHog has hog functions")


def sample(name: str = "signed_up", **properties) -> str:
    event = {
        "uuid": "01932ee8-a2f4-7bd6-9b2e-b1d2c3e4f5a6",
        "event": name,
        "distinct_id": "d-1",
        "properties": {"$ip": "203.0.113.7", **properties},
    }
    return json.dumps({"event": event, "person": {"properties": {"email": "max@hedgehog.example"}}})


# Test runs -----------------------------------------------------------------------------------------------------


@CURRENT
def test_a_test_run_shows_status_logs_and_sends_nothing_with_fetch_mocked(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    form = text(operator_client.get(url("test", slack)))
    assert "&quot;event&quot;: &quot;signed_up&quot;" in form  # the sample takes an event the filters let through
    response = operator_client.post(url("test", slack), {"sample": sample(), "mock": "on"}, **HTMX)
    page = words(response)
    assert "Result: Succeeded" in page
    assert "Async function 'fetch' was mocked with arguments:" in page
    assert "fetch('https://slack.com/api/chat.postMessage'" in page
    [post] = served(simulator, "POST", FUNCTIONS)
    assert post["body"]["configuration"] == {} and post["body"]["mock_async_functions"] is True
    assert post["body"]["globals"]["event"]["event"] == "signed_up"
    assert '{"uuid"' in text(response) or "uuid" in page  # the sample typed stays in the form


@CURRENT
def test_a_test_run_never_shows_a_secret_input(operator_client, simulator):
    billing = function(simulator, "Billing service webhook")
    page = words(operator_client.post(url("test", billing), {"sample": sample("plan_changed"), "mock": "on"}, **HTMX))
    # PostHog's workers replace secret inputs' values in what they log (nodejs/src/cdp/utils.ts).
    assert "Result: Succeeded" in page and "bill_live" not in page and '"Authorization": "***REDACTED***"' in page


@CURRENT
def test_a_test_run_the_filters_skip_and_one_that_fails(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    skipped = words(operator_client.post(url("test", slack), {"sample": sample("$pageview"), "mock": "on"}, **HTMX))
    assert "Skipped: its filters leave this event out" in skipped
    simulator.state.hog_functions.fail(slack["id"], status=502, reason="Bad Gateway")
    failed = words(operator_client.post(url("test", slack), {"sample": sample()}, **HTMX))  # mock off: really sent
    assert "Result: Failed" in failed and "Request failed with status 502 (Bad Gateway)" in failed


@CURRENT
def test_a_worker_failure_is_said_atop_the_form_in_its_own_words(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    # hog_function.py invocations hands on the CDP worker's own messages: {"status": "error", "errors": [...]}.
    script_refusal(
        simulator, "POST", slack, "invocations/", status=400, body={"status": "error", "errors": ["Team not found"]}
    )
    response = operator_client.post(url("test", slack), {"sample": sample(), "mock": "on"}, **HTMX)
    assert "PostHog rejected the request: Team not found" in words(response) and "Result:" not in words(response)


@CURRENT
def test_a_transformation_test_shows_the_event_it_made(operator_client, simulator):
    geoip = function(simulator, "GeoIP")
    page = words(operator_client.post(url("test", geoip), {"sample": sample(), "mock": "on"}, **HTMX))
    assert "The event as the transformation made it" in page and '"$geoip_city_name": "Berlin"' in page


@CURRENT
def test_a_sample_that_is_not_an_event_is_refused_before_anything_is_sent(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    for bad, said in (
        ("{oops", "Not valid JSON"),
        ('{"person": {}}', 'with an "event" object'),
        ('{"event": {}}', "The event needs a name"),
    ):
        response = operator_client.post(url("test", slack), {"sample": bad}, **HTMX)
        assert said in text(response).replace("&quot;", '"')
    assert not served(simulator, "POST", FUNCTIONS)


@CURRENT
def test_a_site_app_cannot_be_tested_and_the_page_says_where_to_go(operator_client, simulator):
    banner = function(simulator, "Launch week banner")
    page = words(operator_client.get(url("test", banner)))
    assert "Test runs are not available for this function." in page and "Open it in PostHog" in page
    assert operator_client.post(url("test", banner), {"sample": sample()}).status_code == 200
    assert not served(simulator, "POST", FUNCTIONS)


# Logs ----------------------------------------------------------------------------------------------------------


@CURRENT
def test_the_logs_page_filters_by_level_and_pages_back_by_time(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    start = datetime.now(UTC) - timedelta(minutes=20)
    simulator.state.hog_functions.logs_add(
        slack["id"],
        [(start + timedelta(seconds=n), "ERROR" if n % 50 == 0 else "INFO", f"line {n:03d}") for n in range(250)],
        instance_id="run-0001",
    )
    page = text(operator_client.get(url("logs", slack, "filtered=1&levels=INFO&levels=ERROR&instance_id=run-0001")))
    assert page.count('data-entry-id="') == 100 and "line 249" in page and "line 149" not in page
    seen, pages = set(), 0
    while "older_than=" in page and pages < 10:
        seen |= {part.split('"', 1)[0] for part in page.split('data-entry-id="')[1:]}
        older = page.split("older_than=", 1)[1].split('"', 1)[0].replace("&amp;", "&")
        page = text(
            operator_client.get(
                url(
                    "log_entries", slack, f"filtered=1&levels=INFO&levels=ERROR&instance_id=run-0001&older_than={older}"
                ),
                **HTMX,
            )
        )
        pages += 1
    seen |= {part.split('"', 1)[0] for part in page.split('data-entry-id="')[1:]}
    assert len(seen) == 250 and pages == 2 and "No older entries." in page
    reads = served(simulator, "GET", f"{FUNCTIONS}{slack['id']}/logs/")
    assert all("offset" not in entry["query"] for entry in reads)  # PostHog pages its logs by time only
    assert reads[0]["query"]["level"] == ["INFO", "ERROR"] and reads[0]["query"]["limit"] == "100"
    errors = words(operator_client.get(url("logs", slack, "filtered=1&levels=ERROR&instance_id=run-0001")))
    assert errors.count("ERROR run-0001 line") == 5


@CURRENT
def test_the_live_tail_asks_for_what_came_after_the_newest_entry(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    page = text(operator_client.get(url("logs", slack)))
    assert "data-log-tail" in page and "DEBUG" in page  # the level boxes; DEBUG unticked by default
    newest = page.split('data-newest="', 1)[1].split('"', 1)[0]
    simulator.state.hog_functions.logs_add(slack["id"], [(datetime.now(UTC), "WARN", "a late warning")])
    tail = operator_client.get(url("log_entries", slack, f"filtered=1&levels=WARN&after={newest}"), **HTMX)
    assert "a late warning" in text(tail) and tail["X-Log-Newest"]
    nothing = text(operator_client.get(url("logs", slack, "filtered=1")))
    assert "Tick at least one level." in nothing


@CURRENT
def test_a_logs_read_posthog_refuses_is_said_in_place(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    refusal = {
        "type": "validation_error",
        "code": "invalid",
        "attr": "search",
        "detail": "This field may not be blank.",
    }
    script_refusal(simulator, "GET", slack, "logs/", status=400, body=refusal)
    response = operator_client.get(url("log_entries", slack, "filtered=1&levels=INFO&search=x"), **HTMX)
    assert "PostHog rejected the value of the field “search”" in words(response)


# Metrics -------------------------------------------------------------------------------------------------------


@CURRENT
def test_the_runs_chart_draws_succeeded_failed_and_filtered_over_time(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    simulator.state.hog_functions.metrics_clear(slack["id"])
    simulator.state.hog_functions.metrics_add(
        slack["id"], datetime.now(UTC) - timedelta(hours=3), succeeded=30, failed=3, filtered=9
    )
    chart = operator_client.get(url("metrics", slack, "range=24h"), **HTMX)
    page = words(chart)
    assert "succeeded 30 · failed 3 · filtered out 9 · success 90.9 %" in page
    assert text(chart).count('class="hog-bar-failed"') == 1 and "The tallest bar is 42 runs." in page
    [read] = served(simulator, "GET", f"{FUNCTIONS}{slack['id']}/metrics/")
    assert read["query"] == {"after": "-24h", "interval": "hour", "breakdown_by": "name"}
    week = words(operator_client.get(url("metrics", slack, "range=7d"), **HTMX))
    assert (
        "succeeded 30" in week
        and served(simulator, "GET", f"{FUNCTIONS}{slack['id']}/metrics/")[-1]["query"]["interval"] == "day"
    )


@CURRENT
def test_the_page_says_which_window_its_totals_and_its_chart_each_count(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    simulator.state.hog_functions.metrics_clear(slack["id"])
    simulator.state.hog_functions.metrics_add(
        slack["id"], datetime.now(UTC) - timedelta(hours=3), succeeded=30, failed=3, filtered=9
    )

    page = words(operator_client.get(url("detail", slack)))
    chart = words(operator_client.get(url("metrics", slack, "range=24h"), **HTMX))

    # The totals line gives the rate the list gives, and says what it totals; the chart says where its bars start.
    assert "Last 24 hours: 30 succeeded · 3 failed · 9 filtered out · success 90.9 % (30 of 33)" in page
    assert "PostHog's totals from " in page and "counts whole hours from its first bar" in page
    first = served(simulator, "GET", f"{FUNCTIONS}{slack['id']}/metrics/")
    assert first and "Since " in chart and ", whole hours: succeeded 30 · failed 3" in chart


@CURRENT
def test_a_chart_posthog_cannot_draw_says_why_and_counts_nothing(operator_client, simulator):
    slack = function(simulator, "Slack #growth: new signups")
    script_refusal(simulator, "GET", slack, "metrics/", status=503, body={"detail": "down"})  # PostHog stays down
    page = words(operator_client.get(url("metrics", slack), **HTMX))
    assert "The runs chart could not be read." in page and "succeeded" not in page

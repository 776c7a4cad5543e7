"""Script, markup and template payloads planted in every kind of PostHog object the portal shows, then every page
crawled as an Admin: each payload shows as text, never as markup, a template or a `javascript:` link. CSV exports
keep formulas as text."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from apps.history import tasks
from tests.crawl import crawl_pages, tags_of
from tests.security.urls import seed_ids, url_cases

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.profiles("current", reason="escaping is the portal's own: one PostHog version proves it"),
]
SCRIPT = "<script>alert(1)</script>"
MARKUP = '"><img src=x onerror=alert(1)>'
# Markers around template syntax: had a template run them, the page would hold "PX49" or "PY<this year>".
TEMPLATE = 'PX{{7*7}}PY{% now "Y" %}'
PAYLOAD = f"{SCRIPT}{MARKUP}{TEMPLATE}"
# For names that may not hold "/" (file system paths).
PAYLOAD_NO_SLASH = f"{MARKUP}{TEMPLATE}"
JAVASCRIPT_URL = "javascript:alert(1)"
FORMULA = '=HYPERLINK("http://evil.example","click")'
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "hx-get", "hx-post", "hx-patch", "hx-delete", "poster")


def _plant(simulator, sim) -> dict:
    """The payloads in every kind of object of project 1, the way PostHog would hold them; ids to crawl."""
    state = simulator.state
    state.organizations.projects.rename(1, f"Web {PAYLOAD}")
    config = state.plugin_configs.all(1, deleted=False)[0]
    state.plugins.update(config["plugin"], name=f"Plugin {PAYLOAD}", description=PAYLOAD, url=JAVASCRIPT_URL)
    state.plugin_configs.update(config["id"], config={**(config.get("config") or {}), "note": PAYLOAD})
    state.plugin_configs.logs_add(
        [
            state.plugin_configs.log_entry(config["id"], timestamp=datetime.now(UTC), type="ERROR", message=m)
            for m in (PAYLOAD, FORMULA)
        ]
    )
    function = state.hog_functions.all(1)[0]
    _api(sim, "PATCH", f"/api/projects/1/hog_functions/{function['id']}/", {"name": f"Fn {PAYLOAD}"})
    state.hog_functions.update(function["id"], description=PAYLOAD, icon_url=JAVASCRIPT_URL)
    # The simulator has no way to rename a batch export (its API answers PATCH with 405): a failed run's error.
    export = state.batch_exports.all(1)[0]
    state.batch_exports.run_add(export["id"], status="Failed", error=PAYLOAD)
    group_type = state.groups.group_types(1)[0]["group_type_index"]
    group = state.groups.groups(1, group_type)[0]
    state.groups.update(1, group_type, group["group_key"], name=PAYLOAD, website=JAVASCRIPT_URL, formula=FORMULA)
    state.groups.add(1, group_type, f"key {PAYLOAD}", {"name": PAYLOAD})
    annotation = state.annotations.all(1)[0]
    _api(sim, "PATCH", f"/api/projects/1/annotations/{annotation['id']}/", {"content": f"Note {PAYLOAD}"})
    state.annotations.add(1, content=FORMULA, date_marker=datetime.now(UTC).isoformat())
    cohort = state.cohorts.all(1)[0]
    _api(sim, "PATCH", f"/api/projects/1/cohorts/{cohort['id']}/", {"name": f"Cohort {PAYLOAD}"})
    state.cohorts.update(cohort["id"], description=PAYLOAD)
    role = state.roles.add(f"Role {PAYLOAD}")
    insight = state.sharing.insights(1)[0]
    _api(sim, "POST", f"/api/projects/1/insights/{insight['id']}/sharing/passwords/", {"note": PAYLOAD})
    entry = state.file_system.add(1, path=f"Unfiled/{PAYLOAD_NO_SLASH}", type="folder")
    key = state.secret_keys.add(1, f"Key {PAYLOAD}")
    return {
        "role_id": role["id"],
        "entry_id": entry["id"],
        "key_id": key["id"],
        "config_id": config["id"],
        "item_id": insight["id"],
    }


def _api(sim, method: str, path: str, body: dict) -> None:
    """A change made in PostHog's app (so PostHog logs its activity too)."""
    sim.call(method, path, json=body).raise_for_status()


def _poll(connection) -> None:
    """Into the portal's own history, as the pollers keep it: logs, activity (the renames above), runs."""
    for task in (
        tasks.poll_logs_for_connection,
        tasks.poll_activity,
        tasks.poll_hog_function_logs,
        tasks.poll_batch_export_runs,
        tasks.take_delivery_snapshots,
    ):
        task.apply(args=[connection.pk]).get()


def _unescaped(url: str, body: str, content_type: str) -> list[str]:
    """What of the payloads a browser would run or render as markup on this page (a download is no page)."""
    if "html" not in content_type:
        return []
    problems = []
    year = str(datetime.now(UTC).year)
    for raw in (SCRIPT, "<img src=x"):
        if raw in body:
            problems.append(f"{url}: {raw!r} unescaped")
    for marker in ("PX49", f"PY{year}"):
        if marker in body:
            problems.append(f"{url}: a template ran ({marker})")
    for tag, attributes in tags_of(body):
        for name, value in attributes:
            if name.startswith("on") and "alert(1)" in value or (tag == "img" and name == "src" and value == "x"):
                problems.append(f"{url}: <{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                problems.append(f"{url}: <{tag} {name}={value!r}>")
    return problems


def _formula_cells(url: str, body: str) -> list[str]:
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    return [f"{url}: cell {cell!r}" for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_payloads_show_as_text_on_every_page(client_as, admin_user, demo_connection, simulator, sim):
    planted = _plant(simulator, sim)
    admin = client_as(admin_user)
    _poll(demo_connection)
    cases = url_cases(ids=seed_ids(simulator=simulator, connection=demo_connection, person=admin_user, **planted))
    shown: set[str] = set()

    def check(url: str, body: str, content_type: str) -> list[str]:
        if "alert(1)" in body:
            shown.add(url)  # as text: `_unescaped` finds it as markup
        return _unescaped(url, body, content_type)

    visited, problems = crawl_pages(admin, cases, per_view=2, check=check)
    assert not problems, "\n".join(problems)
    assert len(shown) >= 50, f"the payloads reached only {len(shown)} pages: {sorted(shown)}"
    assert visited >= 150, f"only {visited} pages crawled"


def test_csv_exports_keep_formulas_as_text(client_as, admin_user, demo_connection, simulator, sim):
    _plant(simulator, sim)
    admin = client_as(admin_user)
    _poll(demo_connection)
    problems, bodies = [], {}
    for url in (reverse("history:logs_csv"), reverse("trail:export")):
        bodies[url] = b"".join(admin.get(url).streaming_content).decode()
        problems += _formula_cells(url, bodies[url])
    assert not problems, "\n".join(problems)
    assert "'=HYPERLINK" in bodies[reverse("history:logs_csv")]

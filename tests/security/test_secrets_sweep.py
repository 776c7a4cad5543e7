"""Every kind of secret the portal handles, made or typed through its pages, then looked for everywhere else: in
every page, every link and redirect, the log output, the sessions, the cache, the cookies and every text of every
table of the portal's database (where connection keys are kept encrypted). Shown once where it is made, and
nowhere after."""

import logging

import pytest
from django.db import connection as database
from django.urls import reverse

from simulator import DEMO_KEY, UNSCOPED_KEY
from tests.crawl import crawl_pages
from tests.secret_keys.conftest import HTMX, assert_kept_nowhere
from tests.security.urls import seed_ids, url_cases

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.profiles("current", reason="keeping secrets is the portal's own: one PostHog version proves it"),
]
SHARING_PASSWORD = "Sweep-Sharing-Password-4711"
PLUGIN_SECRET = "sweep-plugin-salt-0815-secret"


def _shown(response) -> str:
    """The value a page shows once (`<code data-secret>`)."""
    page = response.content.decode()
    start = page.index("data-secret>") + len("data-secret>")
    return page[start : page.index("</code>", start)]


def _make_secrets(admin, *, simulator, connection) -> dict[str, str]:
    """{what: plaintext} of each secret, made or typed through the portal's pages."""
    # An old unscoped key gets past PostHog's scope wall, so the token actions below run against today's PostHog.
    admin.post(reverse("connections:replace_key", args=[connection.pk]), {"api_key": UNSCOPED_KEY}, **HTMX)
    secrets = {"first connection key": DEMO_KEY, "replaced connection key": UNSCOPED_KEY}
    created = admin.post(reverse("secret_keys:create"), {"label": "Sweep", "scopes": ["feature_flag:read"]}, **HTMX)
    secrets["created secret key"] = _shown(created)
    rolled_id = next(key["id"] for key in simulator.state.secret_keys.all(1) if key["label"] != "Sweep")
    secrets["rolled secret key"] = _shown(admin.post(reverse("secret_keys:roll", args=[rolled_id]), **HTMX))
    action = "rotate_secret_token"
    rotated = admin.post(reverse(f"project_actions:{action}"), {f"{action}-project_name": "Hedgehog Web"}, **HTMX)
    secrets["rotated project secret token"] = _shown(rotated)
    admin.post(
        reverse("sharing:password_create", args=["insights", 1]),
        {"note": "Sweep", "raw_password": SHARING_PASSWORD},
        **HTMX,
    )
    secrets["sharing password"] = SHARING_PASSWORD
    config = simulator.state.plugin_configs.by_plugin_name("PII Scrubber", project_id=1)
    secrets["stored plugin secret field"] = config["config"]["salt"]
    admin.post(
        reverse("plugins:config_edit", args=[config["id"]]),
        {"enabled": "on", "config__salt": PLUGIN_SECRET, "config__propertiesToHash": "email"},
        **HTMX,
    )
    secrets["typed plugin secret field"] = PLUGIN_SECRET
    return secrets


def _database_texts() -> list[tuple[str, str]]:
    """(table, row as text) of every row of every table of the portal's database."""
    rows = []
    with database.cursor() as cursor:
        for table in database.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {database.ops.quote_name(table)}")
            for row in cursor.fetchall():
                values = [bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else str(v) for v in row]
                rows.append((table, "\x1f".join(values)))
    return rows


def test_secrets_are_kept_nowhere(client_as, admin_user, demo_connection, simulator, caplog):
    caplog.set_level(logging.DEBUG)  # every record of every logger
    admin = client_as(admin_user)
    secrets = _make_secrets(admin, simulator=simulator, connection=demo_connection)
    made = {what: value for what, value in secrets.items() if value}
    assert len(made) == len(secrets), f"not made: {set(secrets) - set(made)}"
    assert simulator.state.plugin_configs.by_plugin_name("PII Scrubber", project_id=1)["config"]["salt"] == (
        PLUGIN_SECRET
    )  # the typed secret reached PostHog, so not finding it below means something

    def in_page(url: str, body: str, content_type: str) -> list[str]:
        return [f"{url} shows the {what}" for what, value in secrets.items() if value in body or value in url]

    cases = url_cases(ids=seed_ids(simulator=simulator, connection=demo_connection, person=admin_user))
    visited, problems = crawl_pages(admin, cases, per_view=1, check=in_page)
    assert visited >= 120, f"only {visited} pages crawled"
    for table, text in _database_texts():
        problems += [f"table {table} holds the {what}" for what, value in secrets.items() if value in text]
    for entry in simulator.requests():
        where = f"{entry['path']}?{entry['query']}"
        problems += [f"PostHog was sent the {what} in a URL" for what, value in secrets.items() if value in where]
    assert not problems, "\n".join(problems)
    for value in secrets.values():
        assert_kept_nowhere(value, client=admin, logs=caplog)  # audit events, logs, sessions, cache, cookies

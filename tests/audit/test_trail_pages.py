"""The audit pages end to end: people write through portal pages against the simulator, the activity poller reads
PostHog's log, and the trail names the real person."""

import pytest
from django.urls import reverse

from apps.audit.masking import MASK
from apps.audit.models import AuditEvent
from apps.history.models import ActivitySnapshot
from tests.audit.conftest import HTMX, PLUGINS, sim_config, text
from tests.reachability import crawl

pytestmark = pytest.mark.django_db
S3_EXPORT = 4  # a plugin of the demo organization (simulator/areas/plugins.py)
GEOIP = 1  # global: PostHog refuses to uninstall it


@pytest.fixture
def two_writes(signed_in, operator, admin_user, demo_connection, sim):
    """Operator Otto switches a config off; Admin Ada renames a plugin. Both through the portal's pages."""
    config = sim_config(sim, "Internal IP Filter")
    otto, ada = signed_in(operator), signed_in(admin_user)
    switched = otto.post(reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX)
    assert switched.status_code == 200 and not sim_config(sim, "Internal IP Filter")["enabled"]
    plugin = sim.call("GET", f"{PLUGINS}{S3_EXPORT}/").json()
    renamed = ada.post(
        reverse("plugins:edit", args=[S3_EXPORT]),
        {"name": "S3 Export (archive)", "description": plugin["description"], "icon": ""},
        **HTMX,
    )
    assert renamed.headers["HX-Redirect"] == reverse("plugins:detail", args=[S3_EXPORT])
    return config


@pytest.mark.profiles("legacy", reason="cloud organizations may configure plugins, not edit them")
def test_writes_by_two_people_are_on_the_trail_with_their_names_and_states(
    two_writes, signed_in, viewer, operator, admin_user
):
    config = two_writes
    switch = AuditEvent.objects.get(area="plugin_configs", object_id=str(config["id"]))
    rename = AuditEvent.objects.get(area="plugins", object_id=str(S3_EXPORT))
    assert (switch.actor, switch.method, switch.outcome) == (operator, "PATCH", "success")
    assert switch.before["enabled"] is True and switch.after["enabled"] is False
    assert (rename.actor, rename.outcome) == (admin_user, "success")
    assert rename.before["name"] == "S3 Export" and rename.after["name"] == "S3 Export (archive)"

    vera = signed_in(viewer)  # a Viewer may read the trail
    page = text(vera.get(reverse("trail:list")))
    assert page.index(f'href="{reverse("trail:detail", args=["portal", rename.pk])}"') < page.index(
        f'href="{reverse("trail:detail", args=["portal", switch.pk])}"'
    )  # newest first
    assert "otto-operator" in page and "ada-admin" in page

    diff = text(vera.get(reverse("trail:detail", args=["portal", switch.pk])))
    assert "By <strong><bdi>otto-operator</bdi></strong> through the portal" in diff
    assert "<code>enabled</code>" in diff and "diff-badge-changed" in diff
    assert (
        '<div class="value-box value-old">true</div>' in diff and '<div class="value-box value-new">false</div>' in diff
    )
    rename_diff = text(vera.get(reverse("trail:detail", args=["portal", rename.pk])))
    assert "S3 Export (archive)" in rename_diff and "ada-admin" in rename_diff and "HTTP 200" in rename_diff


@pytest.mark.profiles("legacy", reason="cloud may not edit plugins, and refuses plugin activity to personal API keys")
def test_the_activity_poller_links_posthogs_entries_to_the_real_people(two_writes, signed_in, viewer, poll_activity):
    config = two_writes
    poll_activity()

    switched_entry = ActivitySnapshot.objects.get(scope="PluginConfig", item_id=str(config["id"]), activity="disabled")
    renamed_entry = ActivitySnapshot.objects.get(scope="Plugin", item_id=str(S3_EXPORT), activity="updated")
    assert switched_entry.user_name == renamed_entry.user_name == "Dana"  # PostHog credits the key's owner
    assert switched_entry.audit_event == AuditEvent.objects.get(area="plugin_configs", object_id=str(config["id"]))
    assert renamed_entry.audit_event == AuditEvent.objects.get(area="plugins", object_id=str(S3_EXPORT))
    # Entries from before the portal's writes stay PostHog's own.
    assert ActivitySnapshot.objects.filter(audit_event__isnull=True).exists()

    vera = signed_in(viewer)
    page = text(vera.get(reverse("trail:list"), {"source": "posthog", "area": "plugin_configs"}))
    assert "<strong><bdi>otto-operator</bdi></strong>" in page and "via the portal" in page
    assert "(PostHog: Dana)" in page
    entry = text(vera.get(reverse("trail:detail", args=["posthog", switched_entry.pk])))
    assert (
        f'href="{reverse("trail:detail", args=["portal", switched_entry.audit_event_id])}">otto-operator</a> via the portal'
        in entry
    )
    assert "Dana" in entry and "(the owner of the portal's API key)" in entry
    event = text(vera.get(reverse("trail:detail", args=["portal", renamed_entry.audit_event_id])))
    assert "In PostHog's activity log" in event and reverse("trail:detail", args=["posthog", renamed_entry.pk]) in event

    # Filtering by the person finds both sources; by PostHog's user, only PostHog's entries.
    by_otto = text(vera.get(reverse("trail:list"), {"person": "portal:otto-operator"}))
    assert by_otto.count('class="audit-row audit-portal') == 1 and by_otto.count('class="audit-row audit-posthog') == 1
    by_dana = text(vera.get(reverse("trail:list"), {"person": "posthog:dana@hedgehog.example", "source": "portal"}))
    assert "Nothing matches these filters" in by_dana


@pytest.mark.profiles(
    "legacy", reason="cloud refuses uninstalls by access level before PostHog sees the plugin is global"
)
def test_a_write_posthog_refuses_is_on_the_trail_as_failed_with_its_message(
    signed_in, admin_user, viewer, demo_connection, sim
):
    ada = signed_in(admin_user)
    refused = ada.post(reverse("plugins:delete", args=[GEOIP]), **HTMX)
    assert refused.headers["HX-Redirect"] == reverse("plugins:detail", args=[GEOIP])
    assert sim.call("GET", f"{PLUGINS}{GEOIP}/").status_code == 200  # still installed

    event = AuditEvent.objects.get(method="DELETE", area="plugins")
    assert (event.actor, event.outcome, event.status_code) == (admin_user, "failure", 400)
    assert "This plugin is marked as global! Make it local before uninstallation" in event.error

    vera = signed_in(viewer)
    failed = text(vera.get(reverse("trail:list"), {"outcome": "failure"}))
    assert "failed · 400" in failed and "This plugin is marked as global!" in failed
    assert failed.count('class="audit-row') == 1
    succeeded = text(vera.get(reverse("trail:list"), {"outcome": "success", "source": "portal"}))
    assert "marked as global" not in succeeded
    diff = text(vera.get(reverse("trail:detail", args=["portal", event.pk])))
    assert "PostHog answered HTTP 400:" in diff and "Nothing changed: the write failed." in diff


def test_secrets_are_masked_on_display_even_if_a_row_holds_one(signed_in, viewer):
    leaked = AuditEvent.objects.create(
        actor_name="legacy-import",
        area="plugin_configs",
        object_id="7",
        method="PATCH",
        path="/api/projects/1/plugin_configs/7/",
        request_body={"config": {"apiKey": "sk_live_abcdef", "note": "uses phx_abcdefghijklmnop"}},
        before={"config": {"password": "hunter2", "host": "a.example"}},
        after={"config": {"password": "hunter3", "host": "b.example"}},
        status_code=200,
        outcome=AuditEvent.Outcome.SUCCESS,
    )
    page = text(signed_in(viewer).get(reverse("trail:detail", args=["portal", leaked.pk])))
    for secret in ("sk_live_abcdef", "phx_abcdefghijklmnop", "hunter2", "hunter3"):
        assert secret not in page
    assert page.count(MASK) >= 3 and "b.example" in page
    assert "<code>config.host</code>" in page  # nested keys flattened to dotted ones


def test_upstream_text_is_escaped_on_every_audit_page(signed_in, viewer, demo_connection):
    event = AuditEvent.objects.create(
        actor_name="<b>mallory</b>",
        area="plugins",
        object_id="<i>9</i>",
        method="PATCH",
        path="/api/organizations/@current/plugins/9/",
        after={"name": "<script>alert(1)</script>"},
        outcome=AuditEvent.Outcome.FAILURE,
        error="<img src=x onerror=alert(1)>",
    )
    vera = signed_in(viewer)
    for url in (
        reverse("trail:list"),
        reverse("trail:detail", args=["portal", event.pk]),
        f"{reverse('trail:object_history')}?area=plugins&object=%3Ci%3E9%3C/i%3E",
    ):
        page = text(vera.get(url))
        assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>mallory" not in page


def test_filters_keep_what_was_typed_and_say_what_is_wrong(signed_in, viewer, demo_connection):
    vera = signed_in(viewer)
    page = text(
        vera.get(
            reverse("trail:list"),
            {"search": "webhook", "after": "2026-05-02T10:00", "before": "2026-05-01T10:00", "person": "portal:nobody"},
        )
    )
    assert "“To” must be on or after “From”." in page
    assert "Select a valid choice." in page
    assert 'value="webhook"' in page and 'value="2026-05-02T10:00"' in page
    assert "Fix the filters above" in page
    damaged = text(vera.get(reverse("trail:list"), {"cursor": "not-a-position"}))
    assert "This page link is damaged" in damaged


def test_the_audit_pages_are_read_only_and_need_a_role(client, signed_in, django_user_model, demo_connection):
    assert client.get(reverse("trail:list")).status_code == 302  # signed out: to the sign-in page
    nobody = django_user_model.objects.create_user("no-role", password="x")
    assert signed_in(nobody).get(reverse("trail:list")).status_code == 403
    assert signed_in(nobody).get(reverse("trail:export")).status_code == 403
    assert signed_in(nobody).get(f"{reverse('trail:object_history')}?area=plugins&object=1").status_code == 403


def test_empty_trail_and_no_match_say_so(signed_in, viewer):
    vera = signed_in(viewer)
    assert "Nothing recorded yet" in text(vera.get(reverse("trail:list")))
    AuditEvent.objects.create(actor_name="ada", area="roles", method="POST", path="/x/", outcome="success")
    assert "Nothing matches these filters" in text(vera.get(reverse("trail:list"), {"search": "zzz"}))


@pytest.mark.profiles("legacy", reason="cloud may not edit plugins, and refuses plugin activity to personal API keys")
def test_object_history_tab_on_plugin_pages_loads_the_objects_timeline(two_writes, signed_in, viewer, poll_activity):
    config = two_writes
    poll_activity()
    vera = signed_in(viewer)
    history_url = reverse("trail:object_history")

    # Each page leads to its object's history (a card that loads it, or a link to it).
    plugin_page = text(vera.get(reverse("plugins:detail", args=[S3_EXPORT])))
    assert f'="{history_url}?area=plugins&amp;object={S3_EXPORT}"' in plugin_page
    config_page = text(vera.get(reverse("plugins:config_detail", args=[config["id"]])))
    assert f'="{history_url}?area=plugin_configs&amp;object={config["id"]}"' in config_page

    fragment = text(vera.get(history_url, {"area": "plugin_configs", "object": config["id"]}, **HTMX))
    assert "<html" not in fragment
    assert "<strong><bdi>otto-operator</bdi></strong>" in fragment and "via the portal" in fragment
    assert "<code>enabled</code>" in fragment
    assert "ada-admin" not in fragment  # her write was to a plugin, not to this config
    # Without JavaScript it is a page of its own, named after the object as the portal last wrote it.
    assert "History of the plugin config “Internal IP Filter”" in text(
        vera.get(history_url, {"area": "plugin_configs", "object": config["id"]})
    )
    assert vera.get(history_url).status_code == 400


def test_object_history_loads_older_changes_page_by_page(signed_in, viewer):
    for number in range(45):
        AuditEvent.objects.create(
            actor_name=f"person-{number}",
            area="plugins",
            object_id="12",
            method="PATCH",
            path="/api/organizations/@current/plugins/12/",
            before={"name": f"v{number}"},
            after={"name": f"v{number + 1}"},
            outcome="success",
        )
    vera = signed_in(viewer)
    url = reverse("trail:object_history")
    seen = []
    page = text(vera.get(url, {"area": "plugins", "object": "12"}, **HTMX))
    while True:
        seen += [name for name in (f"person-{n}" for n in range(45)) if f"<strong><bdi>{name}</bdi></strong>" in page]
        if "Load older history" not in page:
            break
        older = page.rsplit('hx-get="', 1)[-1].split('"', 1)[0].replace("&amp;", "&")
        page = text(vera.get(older, **HTMX))
    assert sorted(seen) == sorted(f"person-{n}" for n in range(45)) and len(seen) == 45


def test_every_audit_view_is_reachable_from_the_navigation(signed_in, admin_user, demo_connection):
    AuditEvent.objects.create(
        actor_name="ada", area="plugins", object_id="4", method="PATCH", path="/api/x/4/", outcome="success"
    )
    found = crawl(signed_in(admin_user), namespaces=("trail",), start="/")
    assert {"trail:list", "trail:export", "trail:detail", "trail:object_history"} <= set(found)


def test_a_write_cut_short_by_a_posthog_fault_is_on_the_trail_as_failed(
    signed_in, operator, viewer, demo_connection, sim
):
    config = sim_config(sim, "Internal IP Filter")
    sim.call("POST", "/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}).raise_for_status()
    switched = signed_in(operator).post(
        reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX
    )
    assert "PostHog had an internal error" in switched.headers["HX-Trigger"]
    sim.call("DELETE", "/_simulator/faults").raise_for_status()

    event = AuditEvent.objects.get(area="plugin_configs")
    assert (event.actor, event.outcome, event.status_code) == (operator, "failure", 500)
    page = text(signed_in(viewer).get(reverse("trail:list"), {"outcome": "failure"}))
    assert "failed · 500" in page and "PostHog had an internal error" in page

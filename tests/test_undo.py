"""Undo from the toast of each reversible one-click change (apps/core/undo.py), against the simulator: the undo
puts back what PostHog held, is audited as a write of its own, and works once, within its lifetime."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.undo import LIFETIME, NOTHING_TO_UNDO

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
CONFIGS = "/api/projects/1/plugin_configs/"
FUNCTIONS = "/api/projects/1/hog_functions/"


def toasts(response) -> list[dict]:
    return json.loads(response.headers["HX-Trigger"])["toasts"]


def undo_url(response) -> str:
    [action] = [toast["action"] for toast in toasts(response) if "action" in toast]
    assert action["label"] == "Undo" and action["method"] == "post"
    return action["url"]


def said(response) -> list[str]:
    return [toast["message"] for toast in toasts(response)]


def configs(sim) -> list[dict]:
    return sim.call("GET", CONFIGS, params={"limit": 500}).json()["results"]


def config_named(sim, name: str) -> dict:
    return next(c for c in configs(sim) if c["name"] == name)


def writes() -> int:
    return AuditEvent.objects.count()


# Plugin configs ----------------------------------------------------------------------------------------------


def test_switching_a_config_off_then_undo_turns_it_on_again_as_a_second_audited_write(operator_client, operator, sim):
    config = config_named(sim, "Internal IP Filter")
    assert config["enabled"]
    switched = operator_client.post(
        reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX
    )
    assert said(switched) == ["Internal IP Filter disabled."]
    url = undo_url(switched)
    # The URL holds a token only: neither the config nor the state to restore.
    assert re.fullmatch(r"/plugin-configs/undo/[\w-]{22}/", url)
    assert not config_named(sim, "Internal IP Filter")["enabled"]

    undone = operator_client.post(url, **HTMX)
    assert config_named(sim, "Internal IP Filter")["enabled"]
    assert said(undone) == ["Undone: Internal IP Filter enabled again."]
    assert undone.headers["HX-Retarget"] == "#configs"
    assert f'id="enabled-config-{config["id"]}" checked' in undone.content.decode()
    events = AuditEvent.objects.filter(area="plugin_configs", object_id=str(config["id"]), method="PATCH")
    assert [e.request_body for e in events.order_by("id")] == [{"enabled": False}, {"enabled": True}]
    assert {e.actor_name for e in events} == {operator.username}


def test_a_second_click_on_undo_writes_nothing_and_says_so(operator_client, sim):
    config = config_named(sim, "Internal IP Filter")
    switched = operator_client.post(
        reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX
    )
    url = undo_url(switched)
    operator_client.post(url, **HTMX)
    operator_client.post(reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX)
    before = writes()
    again = operator_client.post(url, **HTMX)
    assert said(again) == [NOTHING_TO_UNDO]
    assert writes() == before and not config_named(sim, "Internal IP Filter")["enabled"]


def test_an_expired_undo_writes_nothing(operator_client, sim, monkeypatch):
    config = config_named(sim, "Internal IP Filter")
    switched = operator_client.post(
        reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX
    )
    later = timezone.now() + LIFETIME + timedelta(seconds=1)
    monkeypatch.setattr("apps.core.undo.timezone.now", lambda: later)
    before = writes()
    assert said(operator_client.post(undo_url(switched), **HTMX)) == [NOTHING_TO_UNDO]
    assert writes() == before and not config_named(sim, "Internal IP Filter")["enabled"]


def test_an_undo_is_the_persons_own_and_goes_nowhere_else(operator_client, client, admin_user, sim):
    config = config_named(sim, "Internal IP Filter")
    switched = operator_client.post(
        reverse("plugins:config_enabled", args=[config["id"]]), {"enabled": "false"}, **HTMX
    )
    url = undo_url(switched)
    client.logout()
    client.force_login(admin_user)  # another session: the token means nothing there
    assert said(client.post(url, **HTMX)) == [NOTHING_TO_UNDO]
    assert not config_named(sim, "Internal IP Filter")["enabled"]
    assert client.post(reverse("plugins:config_undo", args=["made-up"]), **HTMX).status_code == 200


def test_a_viewer_cannot_undo(client_as, viewer, demo_connection):
    assert client_as(viewer).post(reverse("plugins:config_undo", args=["x"]), **HTMX).status_code == 403


@pytest.mark.profiles("legacy", reason="today's PostHog refuses reordering plugin configs to personal API keys")
def test_reorder_then_undo_puts_back_the_orders_posthog_held(operator_client, sim):
    before = {c["id"]: c["order"] for c in configs(sim) if c["enabled"]}
    in_order = sorted(before, key=lambda config_id: (before[config_id], config_id))
    wanted = [in_order[-1], *in_order[:-1]]
    moved = operator_client.post(reverse("plugins:config_rearrange"), {"order": wanted}, **HTMX)
    assert said(moved) == ["Pipeline order saved."]
    assert [c["id"] for c in sorted(configs(sim), key=lambda c: c["order"]) if c["enabled"]] == wanted
    rearranges = AuditEvent.objects.filter(path__endswith="/plugin_configs/rearrange/").count()

    undone = operator_client.post(undo_url(moved), **HTMX)
    assert said(undone) == ["Undone: the pipeline is back in its previous order."]
    assert {c["id"]: c["order"] for c in configs(sim) if c["enabled"]} == before
    assert AuditEvent.objects.filter(path__endswith="/plugin_configs/rearrange/").count() == rearranges + 1
    rows = re.findall(r'data-config-id="(\d+)"', undone.content.decode())
    assert [int(row) for row in rows] == in_order


def next_page_undo_url(page: str) -> str:
    """The Undo a full page's toast carries after a redirect (data-action, drawn by static/js/portal.js)."""
    [action] = re.findall(r'class="toast toast-success" role="status" data-action="([^"]+)"', page)
    found = json.loads(unescape(action))
    assert found["label"] == "Undo"
    return found["url"]


def test_deleting_a_config_only_disables_it_and_the_next_pages_toast_offers_undo(operator_client, sim):
    config = config_named(sim, "Internal IP Filter")
    deleted = operator_client.post(reverse("plugins:config_delete", args=[config["id"]]), **HTMX)
    assert deleted.headers["HX-Redirect"] == reverse("plugins:configs")
    page = operator_client.get(reverse("plugins:configs")).content.decode()
    assert "Plugin config deleted." in page
    undone = operator_client.post(next_page_undo_url(page), **HTMX)
    assert said(undone) == ["Undone: Internal IP Filter enabled again."]
    assert config_named(sim, "Internal IP Filter")["enabled"]
    # Shown once: the page after that has the message no more, nor its button.
    assert "data-action" not in operator_client.get(reverse("plugins:configs")).content.decode()


# Hog functions -----------------------------------------------------------------------------------------------

CURRENT_ONLY = pytest.mark.profiles("current", reason="the legacy PostHog has no hog functions")


def hog_function(simulator, name: str) -> dict:
    return simulator.state.hog_functions.by_name(name)


@CURRENT_ONLY
def test_switching_a_hog_function_off_then_undo_redraws_the_list_with_it_on(operator_client, simulator):
    slack = hog_function(simulator, "Slack #growth: new signups")
    switched = operator_client.post(reverse("hog_functions:enabled", args=[slack["id"]]), {"enabled": "false"}, **HTMX)
    assert simulator.state.hog_functions.get(slack["id"])["enabled"] is False
    on_the_list = {**HTMX, "HTTP_HX_CURRENT_URL": "http://testserver" + reverse("hog_functions:list")}
    undone = operator_client.post(undo_url(switched), **on_the_list)
    assert simulator.state.hog_functions.get(slack["id"])["enabled"] is True
    assert said(undone) == ["Undone: Slack #growth: new signups enabled again."]
    assert undone.headers["HX-Retarget"] == "#functions" and "Slack #growth" in undone.content.decode()
    patches = AuditEvent.objects.filter(area="hog_functions", object_id=slack["id"], method="PATCH").order_by("id")
    assert [event.request_body for event in patches] == [{"enabled": False}, {"enabled": True}]
    assert said(operator_client.post(undo_url(switched), **on_the_list)) == [NOTHING_TO_UNDO]
    assert patches.count() == 2


@CURRENT_ONLY
def test_reordering_transformations_then_undo_puts_back_their_execution_orders(operator_client, simulator):
    def held() -> dict[str, int]:
        line = simulator.state.hog_functions.all(1)
        return {f["id"]: f["execution_order"] for f in line if f["type"] == "transformation"}

    before = held()
    wanted = sorted(before, key=lambda function_id: before[function_id], reverse=True)
    moved = operator_client.post(reverse("hog_functions:rearrange"), {"order": wanted}, **HTMX)
    assert held() != before
    undone = operator_client.post(undo_url(moved), **HTMX)  # from another page: that page reloads, toast and all
    assert undone.headers["HX-Refresh"] == "true"
    page = operator_client.get(reverse("hog_functions:list")).content.decode()
    assert "Undone: the transformations run in their previous order again." in page
    assert held() == before
    assert AuditEvent.objects.filter(path__endswith="/hog_functions/rearrange/").count() == 2


# Batch exports, sharing, annotations ----------------------------------------------------------------------------


def test_pausing_an_export_then_undo_from_the_next_pages_toast_unpauses_it(operator_client, simulator):
    snowflake = simulator.state.batch_exports.by_name("Snowflake (finance)")
    detail = reverse("batch_exports:detail", args=[snowflake["id"]])
    paused = operator_client.post(reverse("batch_exports:pause", args=[snowflake["id"]]), **HTMX)
    assert paused.headers["HX-Redirect"] == detail
    url = next_page_undo_url(operator_client.get(detail).content.decode())
    assert snowflake["id"] not in url

    undone = operator_client.post(url, **HTMX)
    assert undone.headers["HX-Redirect"] == detail
    assert simulator.state.batch_exports.get(snowflake["id"])["paused"] is False
    assert "Undone. Unpaused: PostHog runs this export again" in operator_client.get(detail).content.decode()
    events = AuditEvent.objects.filter(area="batch_exports", object_id=snowflake["id"]).order_by("id")
    assert [event.path.rsplit("/", 2)[-2] for event in events] == ["pause", "unpause"]
    again = operator_client.post(url, **HTMX)
    assert said(again) == [NOTHING_TO_UNDO] and events.count() == 2


def test_turning_sharing_on_then_undo_turns_it_off_again(operator_client, sim):
    path = "/api/projects/1/insights/12/sharing/"  # never shared: PostHog makes a disabled configuration
    detail = reverse("sharing:detail", args=["insights", 12])
    operator_client.post(reverse("sharing:enabled", args=["insights", 12]), {"on": "true"})
    assert sim.call("GET", path).json()["enabled"] is True
    url = next_page_undo_url(operator_client.get(detail).content.decode())
    undone = operator_client.post(url, **HTMX)
    assert undone.headers["HX-Redirect"] == detail
    assert sim.call("GET", path).json()["enabled"] is False
    page = operator_client.get(detail).content.decode()
    assert "Undone. Sharing is off: the link no longer opens this insight." in page and "Turn sharing on" in page
    patches = AuditEvent.objects.filter(method="PATCH", path=path).order_by("id")
    assert [event.request_body for event in patches] == [{"enabled": True}, {"enabled": False}]


def test_an_annotations_undo_restores_it_once(operator_client, sim):
    annotations = sim.call("GET", "/api/projects/1/annotations/").json()["results"]
    annotation = next(a for a in annotations if a["content"].startswith("Bot traffic"))
    deleted = operator_client.post(reverse("annotations:delete", args=[annotation["id"]]), **HTMX)
    url = undo_url(deleted)
    undone = operator_client.post(url, **HTMX)
    assert undone.status_code == 204 and "annotations-changed" in json.loads(undone.headers["HX-Trigger"])
    assert sim.call("GET", f"/api/projects/1/annotations/{annotation['id']}/").json()["deleted"] is False
    before = writes()
    assert said(operator_client.post(url, **HTMX)) == [NOTHING_TO_UNDO]
    assert writes() == before

"""Enabling and disabling several plugin configs at once (issue 20, part 4): one confirmation that lists, from
PostHog, what will change; each config switched through the single switch's service and audited; a result per
config; the same confirmation posted twice applies once."""

import re

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.bulk import MAX_ITEMS
from tests.bulk_support import HTMX, text, toasts, token_of

pytestmark = pytest.mark.django_db
CONFIGS = "/api/projects/1/plugin_configs/"
URL = reverse("plugins:config_bulk")


def configs(sim) -> list[dict]:
    return sim.call("GET", CONFIGS, params={"limit": 500}).json()["results"]


def shown_names(operator_client) -> dict[int, str]:
    """The names the list shows (PostHog's config name, else its plugin's)."""
    page = text(operator_client.get(reverse("plugins:configs")))
    return {
        int(i): name
        for i, name in re.findall(r'value="(\d+)" form="config-bulk" data-bulk-item aria-label="Select ([^"]+)"', page)
    }


def pick(sim, *, enabled: bool, count: int) -> list[dict]:
    chosen = [config for config in configs(sim) if config["enabled"] is enabled][:count]
    assert len(chosen) == count
    return chosen


def test_the_list_offers_a_checkbox_per_row_named_after_it_and_the_bulk_bar(operator_client, sim):
    page = text(operator_client.get(reverse("plugins:configs")))
    names = shown_names(operator_client)
    assert len(names) == len(configs(sim))
    assert 'id="config-bulk"' in page and 'name="action" value="disable"' in page and "Select all on this page" in page


def test_a_viewer_sees_no_checkboxes_and_is_refused_the_action(client_as, viewer, demo_connection, sim, simulator):
    viewer_client = client_as(viewer)
    assert "data-bulk-item" not in text(viewer_client.get(reverse("plugins:configs")))
    config = pick(sim, enabled=True, count=1)[0]
    simulator.requests_clear()
    response = viewer_client.post(URL, {"action": "disable", "ids": [config["id"]]})
    assert response.status_code == 403
    assert [r for r in simulator.requests() if r["method"] != "GET"] == []


def test_disabling_three_asks_first_listing_names_and_states_from_posthog(operator_client, sim, simulator):
    on = pick(sim, enabled=True, count=2)
    off = pick(sim, enabled=False, count=1)
    names = shown_names(operator_client)
    simulator.requests_clear()

    # The form's names are never trusted: only ids are read from it, so a forged name shows nowhere.
    response = operator_client.post(
        URL, {"action": "disable", "ids": [on[0]["id"], on[1]["id"], off[0]["id"]], "name": "Forged"}, **HTMX
    )

    page = text(response)
    assert response.status_code == 200 and "<dialog" in page and "<html" not in page
    assert "Disable 3 plugin configs?" in page and "Forged" not in page
    assert "2 will change" in page
    for config in on:
        assert re.search(
            re.escape(names[config["id"]]) + r"</span>\s*<span class=\"bulk-change\">\(enabled → <strong>disabled", page
        )
    assert re.search(
        re.escape(names[off[0]["id"]]) + r"</span>\s*<span class=\"muted\">\(already disabled: unchanged\)", page
    )
    assert [r for r in simulator.requests() if r["method"] != "GET"] == []  # asking changes nothing


def test_confirming_disables_each_once_audits_each_and_reports_each(operator_client, operator, sim, simulator):
    on = pick(sim, enabled=True, count=2)
    off = pick(sim, enabled=False, count=1)
    ids = [on[0]["id"], on[1]["id"], off[0]["id"]]
    names = shown_names(operator_client)
    token = token_of(text(operator_client.post(URL, {"action": "disable", "ids": ids}, **HTMX)))
    simulator.requests_clear()

    response = operator_client.post(URL, {"token": token, "confirm": "1"}, **HTMX)

    page = text(response)
    assert response.status_code == 200
    held = {config["id"]: config["enabled"] for config in configs(sim)}
    assert [held[i] for i in ids] == [False, False, False]
    patches = simulator.requests(method="PATCH")
    assert sorted(r["path"] for r in patches) == sorted(f"{CONFIGS}{i}/" for i in ids[:2])  # the disabled one untouched
    events = AuditEvent.objects.filter(method="PATCH", area="plugin_configs").order_by("object_id")
    assert [(e.object_id, e.outcome, e.actor_id) for e in events] == [
        (str(i), "success", operator.pk) for i in sorted(ids[:2])
    ]
    assert all(e.before["enabled"] is True and e.after["enabled"] is False for e in events)
    assert "Disable 3 plugin configs: results" in page and "data-bulk-results" in page
    assert page.count(">Done<") == 2 and page.count(">Unchanged<") == 1
    assert names[off[0]["id"]] in page
    assert "2 of 2 disabled; 1 unchanged." in toasts(response)


def test_the_same_confirmation_posted_twice_applies_once(operator_client, sim, simulator):
    on = pick(sim, enabled=True, count=2)
    token = token_of(text(operator_client.post(URL, {"action": "disable", "ids": [c["id"] for c in on]}, **HTMX)))
    operator_client.post(URL, {"token": token, "confirm": "1"}, **HTMX)
    for config in on:  # someone enables them again in PostHog meanwhile
        sim.call("PATCH", f"{CONFIGS}{config['id']}/", json={"enabled": True})
    simulator.requests_clear()

    again = operator_client.post(URL, {"token": token, "confirm": "1"}, **HTMX)

    assert again.status_code == 200 and "already used" in toasts(again)
    assert simulator.requests(method="PATCH") == []
    assert AuditEvent.objects.filter(method="PATCH").count() == 2


def test_a_refused_config_fails_alone_with_posthogs_message_and_the_others_are_done(operator_client, sim, simulator):
    on = pick(sim, enabled=True, count=3)
    token = token_of(text(operator_client.post(URL, {"action": "disable", "ids": [c["id"] for c in on]}, **HTMX)))
    refusal = {"type": "validation_error", "code": "invalid_input", "detail": "This config is locked.", "attr": None}
    simulator.script("PATCH", f"{CONFIGS}{on[1]['id']}/", status=400, body=refusal)

    response = operator_client.post(URL, {"token": token, "confirm": "1"}, **HTMX)

    page = text(response)
    held = {config["id"]: config["enabled"] for config in configs(sim)}
    assert [held[c["id"]] for c in on] == [False, True, False]
    assert page.count(">Done<") == 2 and page.count(">Failed<") == 1 and "This config is locked." in page
    assert "2 of 3 disabled; 1 failed." in toasts(response)
    outcomes = dict(AuditEvent.objects.filter(method="PATCH").values_list("object_id", "outcome"))
    assert outcomes == {str(on[0]["id"]): "success", str(on[1]["id"]): "failure", str(on[2]["id"]): "success"}
    assert len(simulator.requests(method="PATCH", path=f"{CONFIGS}{on[1]['id']}/")) == 1  # not retried


def test_a_config_whose_answer_was_lost_and_could_not_be_read_back_is_unknown_and_not_sent_again(
    operator_client, sim, simulator
):
    on = pick(sim, enabled=True, count=2)
    token = token_of(text(operator_client.post(URL, {"action": "disable", "ids": [c["id"] for c in on]}, **HTMX)))
    lost = f"{CONFIGS}{on[0]['id']}/"
    simulator.faults_set(fault_methods="PATCH", drop_after_rate=1.0)
    # Reading that one back fails too (its before-read, then the read-back and its retry), so nothing can tell.
    simulator.script("GET", lost, status=503, body={"detail": "down"}, times=5)

    response = operator_client.post(URL, {"token": token, "confirm": "1"}, **HTMX)

    simulator.faults_clear()
    simulator.scripts_clear()
    page = text(response)
    assert ">Unknown — check in PostHog<" in page and "Check in PostHog before trying it again" in page
    assert len(simulator.requests(method="PATCH", path=lost)) == 1
    assert "unknown — check in PostHog" in toasts(response)
    event = AuditEvent.objects.get(method="PATCH", object_id=str(on[0]["id"]))
    assert event.outcome == "unknown"


def test_more_than_the_cap_is_refused_with_a_clear_message_and_nothing_is_read_or_written(operator_client, simulator):
    simulator.requests_clear()
    response = operator_client.post(
        URL, {"action": "disable", "ids": [str(i) for i in range(1, MAX_ITEMS + 2)]}, follow=True
    )
    assert f"At most {MAX_ITEMS} at once: {MAX_ITEMS + 1} were selected" in text(response)
    assert [r for r in simulator.requests() if r["method"] != "GET"] == []


def test_without_javascript_the_confirmation_is_a_page_and_the_results_show_on_the_list(operator_client, sim):
    on = pick(sim, enabled=True, count=1)
    confirm = operator_client.post(URL, {"action": "disable", "ids": [on[0]["id"]]})
    page = text(confirm)
    assert "<html" in page and "Disable 1 plugin config?" in page and "data-bulk-dialog" not in page
    done = operator_client.post(URL, {"token": token_of(page), "confirm": "1"})
    page = text(done)
    assert "<html" in page and "Disable 1 plugin config: results" in page and "1 of 1 disabled." in page
    assert next(c for c in configs(sim) if c["id"] == on[0]["id"])["enabled"] is False

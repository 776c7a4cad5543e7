"""Groups in the simulator: cursor lists, create, find, property edits with activity, definitions and values."""

from urllib.parse import quote

import pytest
import requests

from simulator.core.seed import PLUGINS_ONLY_KEY, READ_ONLY_KEY

PREFIXES = ["/api/projects/1", "/api/environments/1"]


def first_group(sim, prefix="/api/projects/1", index=0):
    return sim.call("GET", f"{prefix}/groups/?group_type_index={index}").json()["results"][0]


def test_group_types_label_the_two_types(sim):
    types = sim.call("GET", "/api/projects/1/groups_types/").json()
    assert [(t["group_type_index"], t["group_type"], t["name_plural"]) for t in types] == [
        (0, "organization", "Companies"),
        (1, "instance", "Workspaces"),
    ]
    assert sim.call("GET", "/api/projects/@current/groups_types").json() == types


@pytest.mark.parametrize("prefix", PREFIXES)
def test_list_is_newest_first_and_needs_group_type_index(sim, prefix):
    page = sim.call("GET", f"{prefix}/groups/?group_type_index=0").json()
    assert set(page) == {"next", "previous", "results"} and len(page["results"]) == 40
    created = [g["created_at"] for g in page["results"]]
    assert created == sorted(created, reverse=True)
    assert set(page["results"][0]) == {"group_type_index", "group_key", "group_properties", "created_at"}
    assert all(g["group_type_index"] == 0 for g in page["results"])

    missing = sim.call("GET", f"{prefix}/groups/")
    assert missing.status_code == 400
    assert missing.json()["type"] == "validation_error" and missing.json()["attr"] == "group_type_index"
    assert "groups_types" in missing.json()["detail"]
    wrong = sim.call("GET", f"{prefix}/groups/?group_type_index=abc")
    assert wrong.status_code == 400 and wrong.json()["detail"] == "A valid integer is required."


def test_environment_groups_are_separate_from_other_environments(sim):
    development = sim.call("GET", "/api/environments/102/groups/?group_type_index=0").json()["results"]
    assert 0 < len(development) < 40
    assert sim.call("GET", "/api/environments/999/groups/?group_type_index=0").status_code == 404


def test_search_filters_by_properties_and_key(sim):
    found = sim.call("GET", "/api/projects/1/groups/?group_type_index=0&search=ZÜRICH").json()["results"]
    assert [g["group_properties"]["name"] for g in found] == ["Zürich Fintech AG"]
    by_key = sim.call("GET", "/api/projects/1/groups/?group_type_index=0&search=acme-robotics").json()["results"]
    assert [g["group_key"] for g in by_key] == ["acme-robotics"]
    assert (
        sim.call("GET", "/api/projects/1/groups/?group_type_index=0&search=nothing-like-this").json()["results"] == []
    )


def test_cursor_pagination_walks_every_group_once(simulator, sim):
    store = simulator.simulator.store
    with store.transaction():
        for number in range(130):
            store.insert(
                "group",
                {
                    "group_type_index": 1,
                    "group_key": f"bulk-{number:03d}",
                    "group_properties": {"name": f"Bulk {number}"},
                    "created_at": f"2020-01-01T00:{number // 60:02d}:{number % 60:02d}Z",
                },
                parent=1,
            )
    first = sim.call("GET", "/api/projects/1/groups/?group_type_index=1&search=bulk").json()
    assert len(first["results"]) == 100 and first["previous"] is None
    assert first["next"].startswith(sim.base_url) and "cursor=" in first["next"] and "search=bulk" in first["next"]
    second = requests.get(first["next"], headers=sim.headers).json()
    assert len(second["results"]) == 30 and second["next"] is None
    keys = [g["group_key"] for g in first["results"] + second["results"]]
    assert len(set(keys)) == 130 and keys[0] == "bulk-129" and keys[-1] == "bulk-000"
    broken = sim.call("GET", "/api/projects/1/groups/?group_type_index=1&cursor=%%%")
    assert broken.status_code == 400


@pytest.mark.parametrize("prefix", PREFIXES)
def test_create_then_find_and_list_see_it(sim, prefix):
    body = {"group_type_index": 0, "group_key": "hedgehog-héroes", "group_properties": {"name": "Héroes & <Co>"}}
    created = sim.call("POST", f"{prefix}/groups/", json=body)
    assert created.status_code == 201
    assert created.json()["group_key"] == "hedgehog-héroes" and created.json()["created_at"]
    assert first_group(sim, prefix)["group_key"] == "hedgehog-héroes"
    found = sim.call("GET", f"{prefix}/groups/find/?group_type_index=0&group_key={quote('hedgehog-héroes')}").json()
    assert found["group_properties"] == {"name": "Héroes & <Co>"} and "notebook" in found

    duplicate = sim.call("POST", f"{prefix}/groups/", json=body)
    assert duplicate.status_code == 400 and duplicate.json()["detail"] == "A group with this key already exists"


@pytest.mark.parametrize(
    "body, attr, code",
    [
        ({"group_key": "x"}, "group_type_index", "required"),
        ({"group_type_index": "zero", "group_key": "x"}, "group_type_index", "invalid"),
        ({"group_type_index": 0}, "group_key", "required"),
        ({"group_type_index": 0, "group_key": "  "}, "group_key", "blank"),
        ({"group_type_index": 0, "group_key": "k" * 401}, "group_key", "max_length"),
        ({"group_type_index": 0, "group_key": "x", "group_properties": [1]}, "group_properties", "not_a_dict"),
    ],
)
def test_create_validates_like_drf(sim, body, attr, code):
    answer = sim.call("POST", "/api/projects/1/groups/", json=body)
    assert answer.status_code == 400
    assert (answer.json()["type"], answer.json()["attr"], answer.json()["code"]) == ("validation_error", attr, code)


def test_create_for_unknown_group_type_is_404_and_stores_nothing(sim):
    assert (
        sim.call("POST", "/api/projects/1/groups/", json={"group_type_index": 4, "group_key": "x"}).status_code == 404
    )
    assert sim.call("GET", "/api/projects/1/groups/?group_type_index=4").json()["results"] == []


def test_find_needs_both_parameters_and_answers_404(sim):
    assert sim.call("GET", "/api/projects/1/groups/find/?group_type_index=0").json()["attr"] == "group_key"
    assert sim.call("GET", "/api/projects/1/groups/find/?group_key=x").json()["attr"] == "group_type_index"
    missing = sim.call("GET", "/api/projects/1/groups/find/?group_type_index=0&group_key=no-such-group")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_update_and_delete_property_change_the_group_and_log_activity(sim, prefix):
    group = first_group(sim, prefix)
    where = f"group_type_index=0&group_key={quote(group['group_key'])}"
    updated = sim.call("POST", f"{prefix}/groups/update_property/?{where}", json={"key": "plan", "value": "scale-up"})
    assert updated.status_code == 200 and updated.json()["group_properties"]["plan"] == "scale-up"
    added = sim.call("POST", f"{prefix}/groups/update_property?{where}", json={"key": "csm", "value": "Jo"}).json()
    assert added["group_properties"]["csm"] == "Jo"
    removed = sim.call("POST", f"{prefix}/groups/delete_property/?{where}", json={"$unset": "csm"})
    assert removed.status_code == 200 and "csm" not in removed.json()["group_properties"]
    assert "csm" not in sim.call("GET", f"{prefix}/groups/find/?{where}").json()["group_properties"]

    activity = sim.call("GET", f"{prefix}/groups/activity/?{where}").json()
    assert activity["total_count"] == 3
    newest, middle, oldest = activity["results"]
    assert (newest["activity"], newest["detail"]["name"], newest["detail"]["changes"][0]["action"]) == (
        "update_property",
        "csm",
        "deleted",
    )
    assert (middle["activity"], middle["detail"]["changes"][0]["after"]) == ("create_property", "Jo")
    assert oldest["detail"]["changes"][0]["before"] == group["group_properties"]["plan"]
    assert oldest["scope"] == "Group" and oldest["user"]["email"] == "dana@hedgehog.example"


def test_property_edits_validate_their_body(sim):
    group = first_group(sim)
    where = f"group_type_index=0&group_key={quote(group['group_key'])}"
    assert (
        sim.call("POST", f"/api/projects/1/groups/update_property/?{where}", json={"value": 1}).json()["attr"] == "key"
    )
    assert (
        sim.call("POST", f"/api/projects/1/groups/update_property/?{where}", json={"key": "a"}).json()["attr"]
        == "value"
    )
    no_unset = sim.call("POST", f"/api/projects/1/groups/delete_property/?{where}", json={"key": "plan"})
    assert no_unset.status_code == 400 and no_unset.json()["attr"] == "$unset"
    unknown = sim.call("POST", f"/api/projects/1/groups/delete_property/?{where}", json={"$unset": "nope"})
    assert unknown.status_code == 400 and "does not exist" in unknown.json()["detail"]
    gone = sim.call(
        "POST",
        "/api/projects/1/groups/update_property/?group_type_index=0&group_key=nobody",
        json={"key": "a", "value": 1},
    )
    assert gone.status_code == 404


def test_create_logs_one_entry_per_property(sim):
    sim.call(
        "POST",
        "/api/projects/1/groups/",
        json={
            "group_type_index": 1,
            "group_key": "https://new.example",
            "group_properties": {"name": "New", "region": "eu"},
        },
    )
    activity = sim.call("GET", "/api/projects/1/groups/activity/?group_type_index=1&group_key=https://new.example")
    assert sorted(e["detail"]["name"] for e in activity.json()["results"]) == ["name", "region"]
    assert {e["activity"] for e in activity.json()["results"]} == {"create_group"}


def test_seeded_groups_have_history(sim):
    history = sim.call("GET", "/api/projects/1/groups/activity/?group_type_index=0&group_key=acme-robotics").json()
    assert history["total_count"] == 2
    assert [e["detail"]["name"] for e in history["results"]] == ["seats", "plan"]


def test_property_definitions_and_values(sim):
    definitions = sim.call("GET", "/api/environments/@current/groups/property_definitions/").json()
    assert set(definitions) == {"0", "1"}
    names = {d["name"]: d["count"] for d in definitions["0"]}
    assert names["name"] == 40 and names["industry"] < 40
    counts = [d["count"] for d in definitions["0"]]
    assert counts == sorted(counts, reverse=True)

    values = sim.call("GET", "/api/projects/1/groups/property_values/?group_type_index=0&key=plan").json()
    assert values["refreshing"] is False
    assert sum(v["count"] for v in values["results"]) == 40
    assert {v["name"] for v in values["results"]} <= {"free", "startup", "scale", "enterprise"}
    filtered = sim.call("GET", "/api/projects/1/groups/property_values/?group_type_index=0&key=plan&value=ENT").json()
    assert [v["name"] for v in filtered["results"]] == ["enterprise"]
    booleans = sim.call("GET", "/api/projects/1/groups/property_values/?group_type_index=0&key=is_enterprise").json()
    assert {v["name"] for v in booleans["results"]} == {"true", "false"}
    assert sim.call("GET", "/api/projects/1/groups/property_values/?group_type_index=0").json()["attr"] == "key"


def test_scopes(simulator):
    read_only = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    url = f"{simulator.url}/api/projects/1/groups/"
    assert requests.get(url + "?group_type_index=0", headers=read_only).status_code == 200
    denied = requests.post(url, headers=read_only, json={"group_type_index": 0, "group_key": "x"})
    assert denied.status_code == 403 and denied.json()["detail"] == "API key missing required scope 'group:write'"
    plugins_only = {"Authorization": f"Bearer {PLUGINS_ONLY_KEY}"}
    assert requests.get(url + "?group_type_index=0", headers=plugins_only).status_code == 403
    assert (
        requests.get(
            f"{simulator.url}/api/projects/1/groups/activity/?group_type_index=0&group_key=x", headers=plugins_only
        )
        .json()["detail"]
        .endswith("'activity_log:read'")
    )


def test_wrong_method_is_405(sim):
    assert sim.call("DELETE", "/api/projects/1/groups/").status_code == 405
    assert sim.call("GET", "/api/projects/1/groups/update_property/").status_code == 405

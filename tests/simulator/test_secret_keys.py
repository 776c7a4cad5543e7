"""Project secret API keys in the simulator: value shown once, masking, limits, label rules, roll, activity."""

import pytest
import requests

from simulator.core.seed import PLUGINS_ONLY_KEY, READ_ONLY_KEY

BASE = "/api/environments/1/project_secret_api_keys/"
KEY_FIELDS = {
    "id",
    "label",
    "value",
    "mask_value",
    "created_at",
    "created_by",
    "last_used_at",
    "last_rolled_at",
    "scopes",
}


def create(sim, label="Flags at the edge", scopes=("feature_flag:read",), base=BASE):
    return sim.call("POST", base, json={"label": label, "scopes": list(scopes)})


def test_seeded_keys_are_listed_masked_newest_first(sim):
    page = sim.call("GET", BASE).json()
    assert page["count"] == 4 and page["next"] is None
    keys = page["results"]
    assert all(set(k) == KEY_FIELDS and k["value"] is None for k in keys)
    assert all(k["mask_value"].startswith("phs_...") and len(k["mask_value"]) == 11 for k in keys)
    created = [k["created_at"] for k in keys]
    assert created == sorted(created, reverse=True)
    assert any(k["last_used_at"] is None for k in keys) and any(k["last_used_at"] for k in keys)
    assert sim.call("GET", "/api/environments/@current/project_secret_api_keys").json()["count"] == 4
    assert sim.call("GET", "/api/environments/102/project_secret_api_keys/").json()["count"] == 1


def test_value_is_shown_on_create_only(sim):
    created = create(sim)
    assert created.status_code == 201
    body = created.json()
    assert body["value"].startswith("phs_") and len(body["value"]) > 40
    assert body["mask_value"] == f"{body['value'][:4]}...{body['value'][-4:]}"
    assert body["created_by"] == 1 and body["last_used_at"] is None and body["last_rolled_at"] is None
    fetched = sim.call("GET", f"{BASE}{body['id']}/").json()
    assert fetched["value"] is None and fetched["mask_value"] == body["mask_value"]
    listed = sim.call("GET", BASE).json()["results"]
    assert listed[0]["id"] == body["id"] and all(k["value"] is None for k in listed)


def test_roll_issues_a_new_value_once(sim):
    body = create(sim).json()
    rolled = sim.call("POST", f"{BASE}{body['id']}/roll/")
    assert rolled.status_code == 200
    new = rolled.json()
    assert new["value"].startswith("phs_") and new["value"] != body["value"]
    assert new["mask_value"] == f"{new['value'][:4]}...{new['value'][-4:]}" and new["last_rolled_at"]
    again = sim.call("GET", f"{BASE}{body['id']}").json()
    assert again["value"] is None and again["mask_value"] == new["mask_value"]
    assert sim.call("POST", f"{BASE}nope/roll/").status_code == 404


def test_patch_changes_label_and_scopes(sim):
    body = create(sim).json()
    patched = sim.call(
        "PATCH",
        f"{BASE}{body['id']}/",
        json={"label": "Renamed – ünïcode", "scopes": ["endpoint:read", "feature_flag:read"]},
    )
    assert patched.status_code == 200 and patched.json()["value"] is None
    fetched = sim.call("GET", f"{BASE}{body['id']}/").json()
    assert fetched["label"] == "Renamed – ünïcode" and fetched["scopes"] == ["endpoint:read", "feature_flag:read"]
    assert sim.call("PATCH", f"{BASE}{body['id']}/", json={"label": "Renamed – ünïcode"}).status_code == 200


def test_delete_removes_the_key(sim):
    body = create(sim).json()
    deleted = sim.call("DELETE", f"{BASE}{body['id']}/")
    assert deleted.status_code == 204 and deleted.content == b""
    assert sim.call("GET", f"{BASE}{body['id']}/").status_code == 404
    assert sim.call("DELETE", f"{BASE}{body['id']}/").status_code == 404
    assert sim.call("GET", BASE).json()["count"] == 4


def test_at_most_ten_keys_per_environment(sim):
    for number in range(6):
        assert create(sim, label=f"Key {number}").status_code == 201
    eleventh = create(sim, label="One too many")
    assert eleventh.status_code == 400
    assert eleventh.json()["type"] == "validation_error" and "only have 10" in eleventh.json()["detail"]
    assert sim.call("GET", BASE).json()["count"] == 10
    assert create(sim, label="Elsewhere", base="/api/environments/102/project_secret_api_keys/").status_code == 201


def test_labels_are_unique_per_environment(sim):
    create(sim, label="Shared name")
    duplicate = create(sim, label="Shared name")
    assert duplicate.status_code == 400 and duplicate.json()["attr"] == "label"
    assert "already exists" in duplicate.json()["detail"]
    other = create(sim, label="Other").json()
    clash = sim.call("PATCH", f"{BASE}{other['id']}/", json={"label": "Shared name"})
    assert clash.status_code == 400 and clash.json()["attr"] == "label"
    assert create(sim, label="Shared name", base="/api/environments/3/project_secret_api_keys/").status_code == 201


@pytest.mark.parametrize(
    "body, attr, code",
    [
        ({"scopes": ["feature_flag:read"]}, "label", "required"),
        ({"label": "", "scopes": ["feature_flag:read"]}, "label", "blank"),
        ({"label": "x" * 41, "scopes": ["feature_flag:read"]}, "label", "max_length"),
        ({"label": "ok"}, "scopes", "required"),
        ({"label": "ok", "scopes": []}, "scopes", "empty"),
        ({"label": "ok", "scopes": "feature_flag:read"}, "scopes", "not_a_list"),
        ({"label": "ok", "scopes": ["*"]}, "scopes", "invalid"),
        ({"label": "ok", "scopes": ["feature_flag:delete"]}, "scopes", "invalid"),
        ({"label": "ok", "scopes": ["insight:read"]}, "scopes", "invalid"),
    ],
)
def test_create_validates(sim, body, attr, code):
    answer = sim.call("POST", BASE, json=body)
    assert answer.status_code == 400
    assert (answer.json()["type"], answer.json()["attr"], answer.json()["code"]) == ("validation_error", attr, code)


def test_forty_character_label_is_fine(sim):
    assert create(sim, label="x" * 40).status_code == 201


def test_every_write_is_logged(simulator, sim):
    body = create(sim).json()
    sim.call("PATCH", f"{BASE}{body['id']}/", json={"label": "Changed"})
    sim.call("POST", f"{BASE}{body['id']}/roll/")
    sim.call("DELETE", f"{BASE}{body['id']}/")
    entries = simulator.simulator.store.activity_list(scope="ProjectSecretAPIKey", parent=1, item_id=body["id"])
    assert [e["activity"] for e in entries] == ["deleted", "updated", "updated", "created"]
    rename = entries[2]["detail"]["changes"]
    assert {"field": "label", "before": "Flags at the edge", "after": "Changed"}.items() <= rename[0].items()
    assert "value" not in {c["field"] for e in entries for c in e["detail"]["changes"]}


def test_scopes_and_unknown_environment(simulator, sim):
    read_only = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    assert requests.get(simulator.url + BASE, headers=read_only).status_code == 200
    denied = requests.post(simulator.url + BASE, headers=read_only, json={"label": "x", "scopes": ["endpoint:read"]})
    assert denied.status_code == 403 and denied.json()["detail"] == "API key missing required scope 'project:write'"
    plugins_only = {"Authorization": f"Bearer {PLUGINS_ONLY_KEY}"}
    assert requests.get(simulator.url + BASE, headers=plugins_only).status_code == 403
    assert sim.call("GET", "/api/environments/4242/project_secret_api_keys/").status_code == 404
    assert sim.call("PUT", BASE).status_code == 405

"""Organization roles: list, create with unique names, get, rename, delete."""

import requests

from simulator.core.seed import ORGANIZATION_ID, OTHER_ORGANIZATION_ID, READ_ONLY_KEY

ROLES = f"/api/organizations/{ORGANIZATION_ID}/roles/"


def test_seeded_roles_have_members_and_creators(sim):
    page = sim.call("GET", ROLES).json()
    assert page["count"] == 5 and page["next"] is None
    by_name = {r["name"]: r for r in page["results"]}
    assert len(by_name["Engineering"]["members"]) == 3 and by_name["Engineering"]["is_default"] is True
    assert by_name["Read-only contractors"]["members"] == []
    member = by_name["Engineering"]["members"][0]
    assert member["role_id"] == by_name["Engineering"]["id"] and member["user"]["email"]
    assert all(r["created_by"]["email"] and "hedgehog_config" in r["created_by"] for r in page["results"])
    assert "Data <b>Science</b>" in by_name  # raw, for the portal to escape


def test_pagination(sim):
    first = sim.call("GET", ROLES + "?limit=2").json()
    assert len(first["results"]) == 2 and "offset=2" in first["next"]
    assert sim.call("GET", ROLES + "?limit=2&offset=4").json()["next"] is None


def test_create_get_rename_delete(sim, simulator):
    created = sim.call("POST", ROLES, json={"name": "Support"})
    assert created.status_code == 201
    role = created.json()
    assert role["members"] == [] and role["is_default"] is False and role["created_by"]["first_name"] == "Dana"
    assert sim.call("GET", f"{ROLES}{role['id']}").json()["name"] == "Support"

    renamed = sim.call("PATCH", f"{ROLES}{role['id']}/", json={"name": "Support & Success"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Support & Success"
    assert sim.call("GET", ROLES).json()["count"] == 6

    assert sim.call("DELETE", f"{ROLES}{role['id']}/").status_code == 204
    assert sim.call("GET", f"{ROLES}{role['id']}/").status_code == 404
    assert sim.call("GET", ROLES).json()["count"] == 5

    activity = simulator.simulator.store.activity_list(scope="Role", parent=ORGANIZATION_ID, item_id=role["id"])
    assert [a["activity"] for a in activity] == ["deleted", "updated", "created"]
    assert activity[1]["detail"]["changes"][0] == {
        "type": "Role",
        "action": "changed",
        "field": "name",
        "before": "Support",
        "after": "Support & Success",
    }


def test_names_are_required_unique_and_short(sim):
    missing = sim.call("POST", ROLES, json={})
    assert missing.status_code == 400 and missing.json()["attr"] == "name" and missing.json()["code"] == "required"
    taken = sim.call("POST", ROLES, json={"name": "engineering"}).json()  # case does not matter
    assert taken["type"] == "validation_error" and taken["attr"] == "name" and taken["code"] == "unique"
    assert sim.call("POST", ROLES, json={"name": "x" * 201}).json()["code"] == "max_length"
    assert sim.call("POST", ROLES, json={"name": " "}).json()["code"] == "blank"
    product = next(r for r in sim.call("GET", ROLES).json()["results"] if r["name"] == "Product & Design")
    clash = sim.call("PATCH", f"{ROLES}{product['id']}/", json={"name": "Engineering"})
    assert clash.status_code == 400 and clash.json()["attr"] == "name"
    assert sim.call("PATCH", f"{ROLES}{product['id']}/", json={"name": "Product & Design"}).status_code == 200


def test_other_organizations_unknown_roles_and_scopes(sim, simulator):
    assert sim.call("GET", f"/api/organizations/{OTHER_ORGANIZATION_ID}/roles/").status_code == 404
    assert sim.call("GET", f"{ROLES}not-a-role/").status_code == 404
    assert sim.call("GET", "/api/organizations/@current/roles").json()["count"] == 5
    headers = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    assert requests.get(f"{simulator.url}{ROLES}", headers=headers, timeout=10).status_code == 200
    denied = requests.post(f"{simulator.url}{ROLES}", json={"name": "Nope"}, headers=headers, timeout=10)
    assert denied.status_code == 403 and "organization:write" in denied.json()["detail"]

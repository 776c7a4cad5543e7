"""Cohorts: list, create static and dynamic ones, calculation, soft delete, DELETE refused."""

import requests

from simulator.core.seed import READ_ONLY_KEY

COHORTS = "/api/projects/1/cohorts/"
PERSON_FILTERS = {
    "properties": {
        "type": "OR",
        "values": [
            {
                "type": "AND",
                "values": [
                    {
                        "key": "email",
                        "type": "person",
                        "value": "@hedgehog.example",
                        "operator": "icontains",
                        "negation": False,
                    }
                ],
            }
        ],
    }
}


def finish_calculations(simulator):
    """Let the background calculation be due now instead of in a couple of seconds."""
    store = simulator.simulator.store
    with store.transaction():
        for cohort in store.all("cohort"):
            if cohort.get("_calculation_done_at"):
                store.update("cohort", cohort["id"], {**cohort, "_calculation_done_at": "2000-01-01T00:00:00Z"})


def test_seeded_cohorts_are_calculated_and_newest_first(sim):
    page = sim.call("GET", COHORTS).json()
    assert page["count"] == 9  # ten seeded, one deleted
    created = [c["created_at"] for c in page["results"]]
    assert created == sorted(created, reverse=True)
    assert all(c["is_calculating"] is False and c["last_calculation"] for c in page["results"])
    types = {c["cohort_type"] for c in page["results"]}
    assert {"static", "behavioral", "person_property"} <= types
    static = next(c for c in page["results"] if c["is_static"])
    assert static["count"] > 0 and static["filters"] == {"properties": {}}
    assert any(c["errors_calculating"] and c["last_error_message"] for c in page["results"])


def test_search_and_pagination(sim):
    found = sim.call("GET", COHORTS + "?search=POWER").json()["results"]
    assert [c["name"] for c in found] == ["Power users (7d)"]
    first = sim.call("GET", COHORTS + "?limit=4").json()
    assert len(first["results"]) == 4 and "offset=4" in first["next"]


def test_create_dynamic_cohort_calculates_then_counts(sim, simulator):
    created = sim.call("POST", COHORTS, json={"name": "Staff", "filters": PERSON_FILTERS})
    assert created.status_code == 201
    cohort = created.json()
    assert cohort["is_calculating"] is True and cohort["count"] is None and cohort["is_static"] is False
    assert cohort["cohort_type"] == "person_property" and cohort["filters"] == PERSON_FILTERS
    assert sim.call("GET", COHORTS).json()["results"][0]["id"] == cohort["id"]

    finish_calculations(simulator)
    done = sim.call("GET", f"{COHORTS}{cohort['id']}/").json()
    assert done["is_calculating"] is False and done["count"] > 0 and done["last_calculation"]
    activity = simulator.simulator.store.activity_list(scope="Cohort", parent=1, item_id=cohort["id"])
    assert activity[0]["activity"] == "created" and activity[0]["detail"]["name"] == "Staff"


def test_create_static_cohort_counts_its_persons_and_files_it(sim):
    created = sim.call(
        "POST",
        COHORTS,
        json={
            "name": "VIPs <3",
            "is_static": True,
            "_create_static_person_ids": ["a", "b", "b"],
            "_create_in_folder": "Customer Success",
        },
    )
    assert created.status_code == 201
    cohort = created.json()
    assert cohort["count"] == 2 and cohort["cohort_type"] == "static" and cohort["is_calculating"] is False
    assert "_create_static_person_ids" not in cohort
    filed = sim.call("GET", f"/api/projects/1/file_system/?type=cohort&ref={cohort['id']}").json()["results"]
    assert [f["path"] for f in filed] == ["Customer Success/VIPs <3"]


def test_validation(sim):
    assert sim.call("POST", COHORTS, json={"filters": PERSON_FILTERS}).json()["attr"] == "name"
    assert sim.call("POST", COHORTS, json={"name": ""}).json()["code"] == "blank"
    no_properties = sim.call("POST", COHORTS, json={"name": "x", "filters": {"values": []}})
    assert no_properties.status_code == 400 and no_properties.json()["attr"] == "filters"
    no_operator = sim.call(
        "POST",
        COHORTS,
        json={
            "name": "x",
            "filters": {"properties": {"type": "AND", "values": [{"type": "person", "key": "email", "value": "a"}]}},
        },
    )
    assert no_operator.json()["detail"] == "Missing required keys for person filter: operator"
    bad_cohort = sim.call(
        "POST",
        COHORTS,
        json={
            "name": "x",
            "filters": {"properties": {"type": "AND", "values": [{"type": "cohort", "key": "id", "value": 99999}]}},
        },
    )
    assert bad_cohort.status_code == 400 and bad_cohort.json()["detail"] == "Invalid Cohort ID in filter"
    both = sim.call(
        "POST",
        COHORTS,
        json={
            "name": "x",
            "is_static": True,
            "filters": PERSON_FILTERS,
            "query": {"kind": "HogQLQuery", "query": "select 1"},
        },
    )
    assert both.json()["detail"] == "Cannot set both query and filters at the same time."
    assert sim.call("POST", COHORTS, json={"name": "x", "cohort_type": "magic"}).json()["code"] == "invalid_choice"


def test_patch_renames_recalculates_and_refuses_loops(sim, simulator):
    first = sim.call("POST", COHORTS, json={"name": "A", "filters": PERSON_FILTERS}).json()
    second = sim.call(
        "POST",
        COHORTS,
        json={
            "name": "B",
            "filters": {
                "properties": {"type": "AND", "values": [{"type": "cohort", "key": "id", "value": first["id"]}]}
            },
        },
    ).json()
    finish_calculations(simulator)
    renamed = sim.call("PATCH", f"{COHORTS}{first['id']}/", json={"name": "A2"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "A2" and renamed.json()["is_calculating"] is True
    loop = sim.call(
        "PATCH",
        f"{COHORTS}{first['id']}/",
        json={
            "filters": {
                "properties": {"type": "AND", "values": [{"type": "cohort", "key": "id", "value": second["id"]}]}
            }
        },
    )
    assert loop.status_code == 400 and loop.json()["detail"] == "Cohorts cannot reference other cohorts in a loop."
    changes = simulator.simulator.store.activity_list(scope="Cohort", parent=1, item_id=first["id"])[0]
    assert changes["detail"]["changes"][0] == {
        "type": "Cohort",
        "action": "changed",
        "field": "name",
        "before": "A",
        "after": "A2",
    }


def test_delete_is_refused_and_patch_deleted_hides_it(sim):
    cohort = sim.call("GET", COHORTS).json()["results"][0]
    refused = sim.call("DELETE", f"{COHORTS}{cohort['id']}/")
    assert refused.status_code == 405 and refused.content == b""
    hidden = sim.call("PATCH", f"{COHORTS}{cohort['id']}/", json={"deleted": True})
    assert hidden.status_code == 200 and hidden.json()["deleted"] is True
    assert cohort["id"] not in [c["id"] for c in sim.call("GET", COHORTS).json()["results"]]
    assert sim.call("GET", f"{COHORTS}{cohort['id']}/").json()["deleted"] is True  # GET still answers
    sim.call("PATCH", f"{COHORTS}{cohort['id']}/", json={"deleted": False})
    assert cohort["id"] in [c["id"] for c in sim.call("GET", COHORTS).json()["results"]]


def test_unknown_and_scopes(sim, simulator):
    assert sim.call("GET", f"{COHORTS}999999/").status_code == 404
    assert sim.call("GET", "/api/projects/3/cohorts").json()["count"] == 3
    assert sim.call("GET", "/api/projects/@current/cohorts/").json()["count"] == 9
    headers = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    assert requests.get(f"{simulator.url}{COHORTS}", headers=headers, timeout=10).status_code == 200
    denied = requests.post(f"{simulator.url}{COHORTS}", json={"name": "x"}, headers=headers, timeout=10)
    assert denied.status_code == 403 and "cohort:write" in denied.json()["detail"]

"""Annotations: newest first, search, validation, soft delete through PATCH, DELETE answering 405 with no body.

posthog/api/annotation.py behaves the same in both profiles for what these tests reach.
"""

import requests

from simulator.core.seed import READ_ONLY_KEY

ANNOTATIONS = "/api/projects/1/annotations/"


def test_list_is_newest_first_and_leaves_deleted_out(sim):
    page = sim.call("GET", ANNOTATIONS).json()
    assert page["count"] == 23 and page["next"] is None  # 25 seeded, 2 deleted; PostHog pages by 1000
    markers = [a["date_marker"] for a in page["results"]]
    assert markers == sorted(markers, reverse=True)
    assert not any(a["deleted"] for a in page["results"])
    assert any(len(a["content"]) > 300 for a in page["results"])
    linked = [a for a in page["results"] if a["scope"] == "dashboard_item" and a["dashboard_item"]]
    assert linked and all(a["insight_short_id"] for a in linked)


def test_organization_annotations_show_in_every_project(sim):
    mobile = sim.call("GET", "/api/projects/3/annotations/").json()["results"]
    scopes = {a["scope"] for a in mobile}
    assert "organization" in scopes and len(mobile) > 5  # its own five plus the organization-wide ones


def test_search_and_scope_filters_and_pagination(sim):
    found = sim.call("GET", ANNOTATIONS + "?search=ROLLED out").json()["results"]
    assert found and all("rolled out" in a["content"].lower() for a in found)
    assert sim.call("GET", ANNOTATIONS + "?search=rolled,out").json()["count"] == len(found)  # commas split terms
    assert sim.call("GET", ANNOTATIONS + "?search=no-such-words-here").json()["count"] == 0
    insights = sim.call("GET", ANNOTATIONS + "?scope=insight").json()["results"]
    assert insights and {a["scope"] for a in insights} == {"dashboard_item"}
    bad = sim.call("GET", ANNOTATIONS + "?scope=galaxy")
    assert bad.status_code == 400 and bad.json()["detail"] == "Invalid scope: galaxy"
    first = sim.call("GET", ANNOTATIONS + "?limit=10").json()
    assert len(first["results"]) == 10 and "offset=10" in first["next"]


def test_date_range_filter(sim):
    everything = sim.call("GET", ANNOTATIONS).json()["results"]
    middle = everything[5]["date_marker"]
    newer = sim.call("GET", ANNOTATIONS, params={"date_from": middle}).json()["results"]
    assert [a["id"] for a in newer] == [a["id"] for a in everything[:6]]
    backwards = sim.call("GET", ANNOTATIONS, params={"date_from": "2030-01-01", "date_to": "2020-01-01"})
    assert backwards.json()["detail"] == "Invalid date range: date_from must be before date_to"
    assert sim.call("GET", ANNOTATIONS, params={"date_to": "soon"}).status_code == 400


def test_create_get_and_update(sim, simulator):
    created = sim.call(
        "POST",
        ANNOTATIONS,
        json={"content": "Launched <beta> & more", "scope": "project", "date_marker": "2030-01-02T03:04:05+01:00"},
    )
    assert created.status_code == 201
    annotation = created.json()
    assert annotation["date_marker"] == "2030-01-02T02:04:05Z" and annotation["creation_type"] == "USR"
    assert annotation["created_by"]["email"] == "dana@hedgehog.example" and annotation["deleted"] is False
    assert sim.call("GET", ANNOTATIONS).json()["results"][0]["id"] == annotation["id"]  # the newest marker

    updated = sim.call("PATCH", f"{ANNOTATIONS}{annotation['id']}", json={"content": "Launched beta"})
    assert updated.status_code == 200 and updated.json()["content"] == "Launched beta"
    assert sim.call("GET", f"{ANNOTATIONS}{annotation['id']}/").json()["content"] == "Launched beta"

    activity = simulator.state.annotations.activity(annotation["id"])
    assert [a["activity"] for a in activity] == ["updated", "created"]
    assert activity[0]["detail"]["changes"][0]["field"] == "content"


def test_validation_errors_name_the_field(sim):
    cases = [
        ({"content": "x" * 401}, "content", "max_length"),
        ({"content": "x", "date_marker": "yesterday"}, "date_marker", "invalid_input"),
        ({"content": "x", "scope": "galaxy"}, "scope", "invalid_choice"),
        ({"content": "x", "dashboard_item": "abc"}, "dashboard_item", "invalid_input"),
        ({"content": "x", "dashboard_item": 999999}, "dashboard_item", "does_not_exist"),
        ({"content": "x", "deleted": "maybe"}, "deleted", "invalid_input"),
    ]
    for body, attr, code in cases:
        answer = sim.call("POST", ANNOTATIONS, json=body)
        assert answer.status_code == 400, body
        assert (answer.json()["type"], answer.json()["attr"], answer.json()["code"]) == ("validation_error", attr, code)
    assert sim.call("POST", ANNOTATIONS, data="{not json").json()["code"] == "parse_error"
    recording = sim.call("POST", ANNOTATIONS, json={"content": "x", "scope": "recording"}).json()
    assert (recording["detail"], recording["attr"]) == ("Recording scope is deprecated", None)


def test_delete_is_405_with_no_body_and_patch_deleted_soft_deletes(sim):
    annotation = sim.call("GET", ANNOTATIONS).json()["results"][0]
    refused = sim.call("DELETE", f"{ANNOTATIONS}{annotation['id']}/")
    assert refused.status_code == 405 and refused.content == b""

    hidden = sim.call("PATCH", f"{ANNOTATIONS}{annotation['id']}/", json={"deleted": True})
    assert hidden.status_code == 200 and hidden.json()["deleted"] is True
    assert annotation["id"] not in [a["id"] for a in sim.call("GET", ANNOTATIONS).json()["results"]]
    assert sim.call("GET", f"{ANNOTATIONS}{annotation['id']}/").status_code == 404  # as PostHog

    restored = sim.call("PATCH", f"{ANNOTATIONS}{annotation['id']}/", json={"deleted": False})
    assert restored.status_code == 200
    assert sim.call("GET", f"{ANNOTATIONS}{annotation['id']}/").json()["deleted"] is False


def test_delete_refuses_before_looking_the_annotation_up(sim):
    """ForbidDestroyModel.destroy answers 405 without get_object(): an unknown id is refused the same way."""
    unknown = sim.call("DELETE", f"{ANNOTATIONS}999999/")
    assert unknown.status_code == 405 and unknown.content == b""
    assert sim.call("DELETE", "/api/projects/999/annotations/1/").status_code == 404  # the project is checked


def test_unknown_ids_current_project_and_scopes(sim, simulator):
    assert sim.call("GET", f"{ANNOTATIONS}999999/").status_code == 404
    assert sim.call("GET", "/api/projects/@current/annotations").json()["count"] == 23
    assert sim.call("GET", "/api/projects/999/annotations/").status_code == 404
    headers = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    assert requests.get(f"{simulator.url}{ANNOTATIONS}", headers=headers, timeout=10).status_code == 200
    denied = requests.post(f"{simulator.url}{ANNOTATIONS}", json={"content": "x"}, headers=headers, timeout=10)
    assert denied.status_code == 403 and "annotation:write" in denied.json()["detail"]


def test_state_api(sim, simulator):
    annotations = simulator.state.annotations
    listed = sim.call("GET", ANNOTATIONS).json()["results"]
    assert annotations.all(1) == listed
    assert len(annotations.all(1, include_deleted=True)) == 25
    assert annotations.get(listed[0]["id"]) == listed[0] and annotations.get(999999) is None

    made = annotations.add(1, content="Arranged by a test", date_marker="2031-05-05T00:00:00Z", scope="project")
    assert sim.call("GET", ANNOTATIONS).json()["results"][0] == made
    assert made["created_by"]["email"] == "dana@hedgehog.example"
    hidden = annotations.update(made["id"], deleted=True)
    assert hidden["deleted"] is True
    assert sim.call("GET", f"{ANNOTATIONS}{made['id']}/").status_code == 404

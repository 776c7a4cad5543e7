"""The file system: browsing, move, link, count and count_by_path, delete and undo_delete, unfiled, log_view; the
scope wall older PostHog puts in front of its actions, and the newest code's answers (current profile)."""

import pytest
import requests

from simulator.core.seed import PLUGINS_ONLY_KEY, READ_ONLY_KEY

FS = "/api/projects/1/file_system/"
UNDO_DELETE_REFUSED = "Couldn't restore this. It may already be restored, or you may not have access to it."


def entry(simulator, path):
    found = simulator.state.file_system.by_path(1, path)
    assert found is not None, path
    return found


def test_browse_top_level_folders_first(sim):
    page = sim.call("GET", FS + "?depth=1").json()
    kinds = [e["type"] for e in page["results"]]
    assert kinds.index("dashboard") > max(i for i, k in enumerate(kinds) if k == "folder")
    assert "Growth <beta>" in [e["path"] for e in page["results"]]
    assert page["users"] and "hedgehog_config" in page["users"][0]
    everything = sim.call("GET", FS).json()
    assert 40 <= everything["count"] <= 100
    paths = [e["path"] for e in everything["results"]]
    assert paths == sorted(paths, key=str.lower)
    assert all(e["depth"] == len(e["path"].replace("\\/", "").split("/")) for e in everything["results"])


def test_filters_search_and_get(sim, simulator):
    below = sim.call("GET", FS + "?parent=Product/Onboarding").json()["results"]
    assert below and all(e["path"].startswith("Product/Onboarding/") for e in below)
    flags = sim.call("GET", FS + "?type=feature_flag").json()["results"]
    assert flags and {e["type"] for e in flags} == {"feature_flag"}
    named = sim.call("GET", FS + "?search=name:kpis").json()["results"]
    assert {e["path"] for e in named} == {"Product/Product KPIs", "Growth <beta>/Product KPIs"}
    assert any(e["shortcut"] for e in named)
    no_folders = sim.call("GET", FS + "?search=onboarding -type:folder").json()["results"]
    assert no_folders and all(e["type"] != "folder" and "onboarding" in e["path"].lower() for e in no_folders)
    one = entry(simulator, "Product/Product KPIs")
    got = sim.call("GET", f"{FS}{one['id']}").json()
    assert got == one and got["href"] == "/dashboard/4" and got["meta"]["created_by"]
    assert sim.call("GET", f"{FS}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert sim.call("GET", "/api/projects/@current/file_system/?limit=1").json()["next"]


def test_move_a_folder_moves_what_is_in_it(sim, simulator):
    folder = entry(simulator, "Product/Onboarding")
    inside = sim.call("POST", FS + "count_by_path/?path=Product/Onboarding").json()["count"]
    assert inside >= 8
    moved = sim.call("POST", f"{FS}{folder['id']}/move/", json={"new_path": "Growth <beta>/Activation/Onboarding"})
    assert moved.status_code == 200 and moved.json()["path"] == "Growth <beta>/Activation/Onboarding"
    assert moved.json()["depth"] == 3
    assert sim.call("POST", FS + "count_by_path/", json={"path": "Product/Onboarding"}).json()["count"] == 0
    assert (
        sim.call("POST", FS + "count_by_path/", json={"path": "Growth <beta>/Activation/Onboarding"}).json()["count"]
        == inside
    )
    entry(simulator, "Growth <beta>/Activation")  # the missing parent folder was made
    activity = simulator.state.file_system.activity(folder["id"], project_id=1)
    assert activity[0]["detail"]["changes"][0]["after"] == "Growth <beta>/Activation/Onboarding"


def test_a_folder_can_move_into_its_own_subfolder(sim, simulator):
    """PostHog refuses a move onto the folder's own path only; the tree is repaired afterwards."""
    folder = entry(simulator, "Engineering")
    moved = sim.call("POST", f"{FS}{folder['id']}/move/", json={"new_path": "Engineering/Platform"})
    assert moved.status_code == 200 and moved.json()["path"] == "Engineering/Platform"
    assert entry(simulator, "Engineering")["type"] == "folder"  # made again as the parent
    assert entry(simulator, "Engineering/Platform/Reliability/Error budget & SLOs")["type"] == "dashboard"


def test_move_and_link_errors(sim, simulator):
    folder = entry(simulator, "Product")
    missing = sim.call("POST", f"{FS}{folder['id']}/move/", json={})
    assert missing.status_code == 400 and missing.json() == {"detail": "new_path is required"}
    onto_itself = sim.call("POST", f"{FS}{folder['id']}/move/", json={"new_path": "Product"})
    assert onto_itself.status_code == 400 and onto_itself.json() == {"detail": "Cannot move folder into itself"}
    linked = sim.call("POST", f"{FS}{folder['id']}/link/", json={"new_path": "Product"})
    assert linked.status_code == 400 and linked.json() == {"detail": "Cannot link folder into itself"}
    assert sim.call("POST", FS + "count_by_path/", json={}).json() == {"detail": "path parameter is required"}
    assert sim.call("POST", f"{FS}no-such-entry/move/", json={"new_path": "x"}).status_code == 404


def test_link_makes_a_shortcut(sim, simulator):
    original = entry(simulator, "Engineering/Reliability/Error budget & SLOs")
    linked = sim.call("POST", f"{FS}{original['id']}/link/", json={"new_path": "On call/Error budget & SLOs"})
    assert linked.status_code == 200
    shortcut = linked.json()
    assert shortcut["shortcut"] is True and shortcut["id"] != original["id"] and shortcut["ref"] == original["ref"]
    assert entry(simulator, "On call")["type"] == "folder"
    assert entry(simulator, "Engineering/Reliability/Error budget & SLOs")["shortcut"] is False


def test_count_a_folder(sim, simulator):
    folder = entry(simulator, "Product/Onboarding")
    counted = sim.call("POST", f"{FS}{folder['id']}/count/").json()
    assert counted["count"] == sim.call("POST", FS + "count_by_path/?path=Product/Onboarding").json()["count"]
    dashboard = entry(simulator, "Product/Product KPIs")
    refused = sim.call("POST", f"{FS}{dashboard['id']}/count/")
    assert refused.status_code == 400 and refused.json() == {"detail": "Count can only be called on folders"}


@pytest.mark.profiles("current", reason="only today's PostHog previews the entries it counts")
def test_current_counts_with_a_preview_of_the_entries(sim, simulator):
    counted = sim.call("POST", FS + "count_by_path/?path=Product/Onboarding").json()
    assert counted["has_more"] is False and len(counted["entries"]) == counted["count"]
    depths = [e["depth"] for e in counted["entries"]]
    assert depths == sorted(depths) and all(e["path"].startswith("Product/Onboarding/") for e in counted["entries"])
    folder = entry(simulator, "Product/Onboarding")
    assert sim.call("POST", f"{FS}{folder['id']}/count/").json() == counted


@pytest.mark.profiles("legacy", reason="older PostHog counts without a preview of the entries")
def test_legacy_counts_only(sim, simulator):
    counted = sim.call("POST", FS + "count_by_path/?path=Product/Onboarding").json()
    assert set(counted) == {"count"} and counted["count"] >= 8
    folder = entry(simulator, "Product/Onboarding")
    assert sim.call("POST", f"{FS}{folder['id']}/count/").json() == counted


def test_delete_soft_deletes_and_undo_delete_restores(sim, simulator):
    cohort_entry = entry(simulator, "Growth <beta>/Power users (7d)")
    deleted = sim.call("DELETE", f"{FS}{cohort_entry['id']}/")
    assert deleted.status_code == 200
    info = deleted.json()["deleted"][0]
    assert info["type"] == "cohort" and info["mode"] == "soft" and info["can_undo"] is True
    assert sim.call("GET", f"{FS}{cohort_entry['id']}/").status_code == 404
    assert simulator.state.file_system.get(cohort_entry["id"]) is None
    assert sim.call("GET", f"/api/projects/1/cohorts/{cohort_entry['ref']}/").json()["deleted"] is True

    undone = sim.call(
        "POST",
        FS + "undo_delete/",
        json={"items": [{"type": "cohort", "ref": cohort_entry["ref"], "path": "Archive/Power users (7d)"}]},
    )
    assert undone.status_code == 200 and undone.json() == {"undone": [{"type": "cohort", "ref": cohort_entry["ref"]}]}
    restored = entry(simulator, "Archive/Power users (7d)")
    assert restored["ref"] == cohort_entry["ref"] and restored["id"] != cohort_entry["id"]  # filed anew
    assert sim.call("GET", f"/api/projects/1/cohorts/{cohort_entry['ref']}/").json()["deleted"] is False


def test_deleting_a_shortcut_or_a_survey(sim, simulator):
    shortcut = entry(simulator, "Growth <beta>/Product KPIs")
    assert sim.call("DELETE", f"{FS}{shortcut['id']}/").status_code == 204
    assert entry(simulator, "Product/Product KPIs")["shortcut"] is False
    survey = entry(simulator, "Marketing/Campaigns 2025/Campaign landing page NPS")
    gone = sim.call("DELETE", f"{FS}{survey['id']}/").json()["deleted"][0]
    assert (gone["mode"], gone["can_undo"]) == ("hard", False)


def test_seeded_deleted_items_can_be_restored_where_they_were(sim, simulator):
    assert not [e for e in sim.call("GET", FS + "?search=Black Friday").json()["results"]]
    undone = sim.call("POST", FS + "undo_delete/", json={"items": [{"type": "dashboard", "ref": "9"}]})
    assert undone.status_code == 200
    assert entry(simulator, "Marketing/Campaigns 2025/Black Friday 2024")["type"] == "dashboard"


def test_undo_delete_validation(sim):
    assert sim.call("POST", FS + "undo_delete/", json={}).json()["attr"] == "items"
    assert sim.call("POST", FS + "undo_delete/", json={"items": [{"ref": "1"}]}).json()["attr"] == "items__0__type"
    assert sim.call("POST", FS + "undo_delete/", json={"items": "x"}).json()["code"] == "not_a_list"


@pytest.mark.profiles("current", reason="only today's PostHog refuses every undo_delete it cannot do with one message")
def test_current_refuses_every_undo_it_cannot_do_alike(sim):
    for item in ({"type": "survey", "ref": "1"}, {"type": "dashboard", "ref": "404"}, {"type": "cohort", "ref": "2"}):
        refused = sim.call("POST", FS + "undo_delete/", json={"items": [item]})
        assert refused.status_code == 400, item
        assert (refused.json()["detail"], refused.json()["attr"]) == (UNDO_DELETE_REFUSED, "detail")


@pytest.mark.profiles("legacy", reason="older PostHog words each undo_delete refusal differently")
def test_legacy_words_an_unsupported_type_and_does_not_find_an_unknown_object(sim):
    unsupported = sim.call("POST", FS + "undo_delete/", json={"items": [{"type": "survey", "ref": "1"}]})
    assert unsupported.status_code == 400 and unsupported.json()["detail"] == "Undo for type 'survey' is not supported."
    unknown = sim.call("POST", FS + "undo_delete/", json={"items": [{"type": "dashboard", "ref": "404"}]})
    assert unknown.status_code == 404
    live = sim.call("POST", FS + "undo_delete/", json={"items": [{"type": "cohort", "ref": "2"}]})
    assert live.status_code == 200  # restoring what is not deleted changes nothing


def test_unfiled_files_what_has_no_entry_once(sim, simulator):
    first = sim.call("GET", FS + "unfiled/?type=dashboard").json()
    assert first == {"count": 1}
    assert entry(simulator, "Unfiled/Dashboards/Sales pipeline (draft)")["type"] == "dashboard"
    rest = sim.call("GET", FS + "unfiled/").json()["count"]
    assert rest > 3  # flags, notebooks, surveys, insights and cohorts without an entry
    assert sim.call("GET", FS + "unfiled/").json() == {"count": 0}
    assert entry(simulator, "Unfiled")["type"] == "folder"


def test_log_view_records_and_lists_views(sim, simulator):
    views = sim.call("GET", FS + "log_view/").json()
    assert views and [v["viewed_at"] for v in views] == sorted((v["viewed_at"] for v in views), reverse=True)
    assert views == simulator.state.file_system.views(1)
    kpis = entry(simulator, "Product/Product KPIs")
    assert sim.call("POST", FS + "log_view/", json={"type": "dashboard", "ref": "4"}).status_code == 204
    newest = sim.call("GET", FS + "log_view/?limit=1").json()
    assert newest == [{"type": "dashboard", "ref": "4", "viewed_at": newest[0]["viewed_at"]}]
    assert sim.call("GET", f"{FS}{kpis['id']}/").json()["last_viewed_at"] == newest[0]["viewed_at"]
    assert sim.call("GET", FS + "log_view/?type=notebook").json()[0]["type"] == "notebook"
    assert sim.call("POST", FS + "log_view/", json={"type": "dashboard"}).json()["attr"] == "ref"
    assert sim.call("GET", FS + "log_view/?limit=0").json()["attr"] == "limit"


def _as(simulator, key, method, path, **kwargs):
    return requests.request(
        method, simulator.url + path, headers={"Authorization": f"Bearer {key}"}, timeout=10, **kwargs
    )


def test_scopes_of_the_collection(simulator):
    assert _as(simulator, READ_ONLY_KEY, "GET", FS).status_code == 200
    listing = _as(simulator, PLUGINS_ONLY_KEY, "GET", FS)
    assert listing.status_code == 403 and "file_system:read" in listing.json()["detail"]


@pytest.mark.profiles("current", reason="only today's PostHog gives file_system actions scopes, letting scoped keys in")
def test_current_lists_its_actions_among_the_scoped_ones(simulator):
    assert _as(simulator, READ_ONLY_KEY, "GET", FS + "unfiled/").status_code == 200
    assert _as(simulator, READ_ONLY_KEY, "POST", FS + "count_by_path/?path=Product").status_code == 200
    folder = simulator.state.file_system.by_path(1, "Product")
    moving = _as(simulator, READ_ONLY_KEY, "POST", f"{FS}{folder['id']}/move/", json={"new_path": "P"})
    assert moving.status_code == 403 and moving.json()["detail"] == "API key missing required scope 'file_system:write'"
    viewing = _as(simulator, READ_ONLY_KEY, "GET", FS + "log_view/")  # a write action, even for GET
    assert viewing.status_code == 403 and "file_system:write" in viewing.json()["detail"]


@pytest.mark.profiles(
    "legacy", reason="only older PostHog keeps scoped keys out of file_system actions (the scope wall)"
)
def test_legacy_refuses_scoped_keys_its_actions(sim, simulator):
    folder = simulator.state.file_system.by_path(1, "Product")
    for method, path in (
        ("GET", FS + "unfiled/"),
        ("POST", FS + "count_by_path/?path=Product"),
        ("GET", FS + "log_view/"),
        ("POST", f"{FS}{folder['id']}/count/"),
    ):
        refused = _as(simulator, READ_ONLY_KEY, method, path)
        assert refused.status_code == 403, path
        assert refused.json()["detail"] == "This action does not support personal API key access"
    assert sim.call("GET", FS + "unfiled/").status_code == 200  # the legacy demo key has no scopes: it passes


def test_state_api(sim, simulator):
    fs = simulator.state.file_system
    listed = sim.call("GET", FS + "?limit=500").json()["results"]
    assert fs.all(1) == listed
    kpis = fs.by_path(1, "Product/Product KPIs")
    assert kpis["shortcut"] is False and fs.get(kpis["id"]) == kpis and fs.by_path(1, "Nowhere") is None
    made = fs.add(1, path="Arranged/By a test", type="dashboard", ref="77")
    assert made["href"] == "/dashboard/77" and fs.by_path(1, "Arranged")["type"] == "folder"
    assert sim.call("GET", f"{FS}{made['id']}/").json() == made

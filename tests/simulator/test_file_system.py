"""The file system: browsing, move, link, count_by_path, delete and undo_delete, unfiled, log_view."""

import requests

from simulator.core.seed import PLUGINS_ONLY_KEY, READ_ONLY_KEY

FS = "/api/projects/1/file_system/"


def entry(sim, path):
    found = [e for e in sim.call("GET", FS + "?limit=500").json()["results"] if e["path"] == path]
    assert len(found) == 1, path
    return found[0]


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


def test_filters_search_and_get(sim):
    below = sim.call("GET", FS + "?parent=Product/Onboarding").json()["results"]
    assert below and all(e["path"].startswith("Product/Onboarding/") for e in below)
    flags = sim.call("GET", FS + "?type=feature_flag").json()["results"]
    assert flags and {e["type"] for e in flags} == {"feature_flag"}
    named = sim.call("GET", FS + "?search=name:kpis").json()["results"]
    assert {e["path"] for e in named} == {"Product/Product KPIs", "Growth <beta>/Product KPIs"}
    assert any(e["shortcut"] for e in named)
    no_folders = sim.call("GET", FS + "?search=onboarding -type:folder").json()["results"]
    assert no_folders and all(e["type"] != "folder" and "onboarding" in e["path"].lower() for e in no_folders)
    one = entry(sim, "Product/Product KPIs")
    got = sim.call("GET", f"{FS}{one['id']}").json()
    assert got == one and got["href"] == "/dashboard/4" and got["meta"]["created_by"]
    assert sim.call("GET", f"{FS}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert sim.call("GET", "/api/projects/@current/file_system/?limit=1").json()["next"]


def test_move_a_folder_moves_what_is_in_it(sim, simulator):
    folder = entry(sim, "Product/Onboarding")
    inside = sim.call("POST", FS + "count_by_path/?path=Product/Onboarding").json()["count"]
    assert inside >= 8
    moved = sim.call("POST", f"{FS}{folder['id']}/move/", json={"new_path": "Growth <beta>/Activation/Onboarding"})
    assert moved.status_code == 200 and moved.json()["path"] == "Growth <beta>/Activation/Onboarding"
    assert moved.json()["depth"] == 3
    assert sim.call("POST", FS + "count_by_path/", json={"path": "Product/Onboarding"}).json() == {"count": 0}
    assert (
        sim.call("POST", FS + "count_by_path/", json={"path": "Growth <beta>/Activation/Onboarding"}).json()["count"]
        == inside
    )
    entry(sim, "Growth <beta>/Activation")  # the missing parent folder was made
    activity = simulator.simulator.store.activity_list(scope="FileSystem", parent=1, item_id=folder["id"])
    assert activity[0]["detail"]["changes"][0]["after"] == "Growth <beta>/Activation/Onboarding"


def test_move_and_link_errors(sim):
    folder = entry(sim, "Product")
    missing = sim.call("POST", f"{FS}{folder['id']}/move/", json={})
    assert missing.status_code == 400 and missing.json() == {"detail": "new_path is required"}
    into_itself = sim.call("POST", f"{FS}{folder['id']}/move/", json={"new_path": "Product/Sub"})
    assert into_itself.status_code == 400 and into_itself.json()["detail"] == "Cannot move folder into itself"
    assert sim.call("POST", f"{FS}{folder['id']}/link/", json={"new_path": "Product"}).status_code == 400
    assert sim.call("POST", FS + "count_by_path/", json={}).json() == {"detail": "path parameter is required"}
    assert sim.call("POST", f"{FS}no-such-entry/move/", json={"new_path": "x"}).status_code == 404


def test_link_makes_a_shortcut(sim):
    original = entry(sim, "Engineering/Reliability/Error budget & SLOs")
    linked = sim.call("POST", f"{FS}{original['id']}/link/", json={"new_path": "On call/Error budget & SLOs"})
    assert linked.status_code == 200
    shortcut = linked.json()
    assert shortcut["shortcut"] is True and shortcut["id"] != original["id"] and shortcut["ref"] == original["ref"]
    assert entry(sim, "On call")["type"] == "folder"
    assert entry(sim, "Engineering/Reliability/Error budget & SLOs")["shortcut"] is False


def test_delete_soft_deletes_and_undo_delete_restores(sim, simulator):
    cohort_entry = entry(sim, "Growth <beta>/Power users (7d)")
    deleted = sim.call("DELETE", f"{FS}{cohort_entry['id']}/")
    assert deleted.status_code == 200
    info = deleted.json()["deleted"][0]
    assert info["type"] == "cohort" and info["mode"] == "soft" and info["can_undo"] is True
    assert sim.call("GET", f"{FS}{cohort_entry['id']}/").status_code == 404
    assert sim.call("GET", f"/api/projects/1/cohorts/{cohort_entry['ref']}/").json()["deleted"] is True

    undone = sim.call(
        "POST",
        FS + "undo_delete/",
        json={"items": [{"type": "cohort", "ref": cohort_entry["ref"], "path": "Archive/Power users (7d)"}]},
    )
    assert undone.status_code == 200 and undone.json() == {"undone": [{"type": "cohort", "ref": cohort_entry["ref"]}]}
    assert entry(sim, "Archive/Power users (7d)")["id"] == cohort_entry["id"]
    assert sim.call("GET", f"/api/projects/1/cohorts/{cohort_entry['ref']}/").json()["deleted"] is False


def test_seeded_deleted_items_can_be_restored_where_they_were(sim):
    assert not [e for e in sim.call("GET", FS + "?search=Black Friday").json()["results"]]
    undone = sim.call("POST", FS + "undo_delete/", json={"items": [{"type": "dashboard", "ref": "9"}]})
    assert undone.status_code == 200
    assert entry(sim, "Marketing/Campaigns 2025/Black Friday 2024")["type"] == "dashboard"


def test_undo_delete_validation(sim):
    assert sim.call("POST", FS + "undo_delete/", json={}).json()["attr"] == "items"
    assert sim.call("POST", FS + "undo_delete/", json={"items": [{"ref": "1"}]}).json()["attr"] == "items__0__type"
    unsupported = sim.call("POST", FS + "undo_delete/", json={"items": [{"type": "survey", "ref": "1"}]})
    assert unsupported.status_code == 400 and unsupported.json()["detail"] == "Undo for type 'survey' is not supported."
    assert (
        sim.call("POST", FS + "undo_delete/", json={"items": [{"type": "dashboard", "ref": "404"}]}).status_code == 404
    )


def test_unfiled_files_what_has_no_entry_once(sim):
    first = sim.call("GET", FS + "unfiled/?type=dashboard").json()
    assert first == {"count": 1}
    assert entry(sim, "Unfiled/Dashboards/Sales pipeline (draft)")["type"] == "dashboard"
    rest = sim.call("GET", FS + "unfiled/").json()["count"]
    assert rest > 3  # flags, notebooks, surveys, insights and cohorts without an entry
    assert sim.call("GET", FS + "unfiled/").json() == {"count": 0}
    assert entry(sim, "Unfiled")["type"] == "folder"


def test_log_view_records_and_lists_views(sim):
    views = sim.call("GET", FS + "log_view/").json()
    assert views and [v["viewed_at"] for v in views] == sorted((v["viewed_at"] for v in views), reverse=True)
    kpis = entry(sim, "Product/Product KPIs")
    assert sim.call("POST", FS + "log_view/", json={"type": "dashboard", "ref": "4"}).status_code == 204
    newest = sim.call("GET", FS + "log_view/?limit=1").json()
    assert newest == [{"type": "dashboard", "ref": "4", "viewed_at": newest[0]["viewed_at"]}]
    assert sim.call("GET", f"{FS}{kpis['id']}/").json()["last_viewed_at"] == newest[0]["viewed_at"]
    assert sim.call("GET", FS + "log_view/?type=notebook").json()[0]["type"] == "notebook"
    assert sim.call("POST", FS + "log_view/", json={"type": "dashboard"}).json()["attr"] == "ref"
    assert sim.call("GET", FS + "log_view/?limit=0").json()["attr"] == "limit"


def test_scopes(simulator):
    read_only = {"Authorization": f"Bearer {READ_ONLY_KEY}"}
    assert requests.get(f"{simulator.url}{FS}", headers=read_only, timeout=10).status_code == 200
    plugins_only = {"Authorization": f"Bearer {PLUGINS_ONLY_KEY}"}
    listing = requests.get(f"{simulator.url}{FS}", headers=plugins_only, timeout=10)
    assert listing.status_code == 403 and "file_system:read" in listing.json()["detail"]

"""The file-system pages, over the Django test client, against the PostHog simulator."""

import json
from urllib.parse import urlencode

import pytest
import requests
from django.urls import reverse

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
FS = "/api/projects/1/file_system/"

# Seed facts (simulator/areas/file_system.py).
KPIS = "Product/Product KPIs"  # a dashboard, with a shortcut in "Growth <beta>"
KPIS_SHORTCUT = "Growth <beta>/Product KPIs"
POWER_USERS = "Growth <beta>/Power users (7d)"  # cohort 1
NPS_SURVEY = "Marketing/Campaigns 2025/Campaign landing page NPS"  # surveys are deleted for good
LONG_NOTEBOOK = "Roadmap discussion 2025-H2 — a very long notebook title"


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


@pytest.fixture
def operator_(client_as, operator, demo_connection):
    return client_as(operator)


def sim_entries(sim) -> list[dict]:
    return sim.call("GET", FS, params={"limit": 500}).json()["results"]


def sim_entry(sim, path: str) -> dict:
    found = [entry for entry in sim_entries(sim) if entry["path"] == path]
    assert len(found) == 1, path
    return found[0]


def sim_count(sim, path: str) -> int:
    return sim.call("POST", FS + "count_by_path/", json={"path": path}).json()["count"]


def browse(folder: str = "", **query) -> str:
    params = {"path": folder, **query} if folder else query
    return reverse("file_system:browse") + (f"?{urlencode(params)}" if params else "")


def text(response) -> str:
    return response.content.decode()


def audit(user, method: str, path_end: str) -> AuditEvent:
    return AuditEvent.objects.get(actor=user, method=method, path__endswith=path_end)


# Browsing ----------------------------------------------------------------------------------------------------


def test_top_level_shows_folders_items_and_files_the_unfiled(admin, sim, simulator):
    page = text(admin.get(browse()))
    assert "Growth &lt;beta&gt;" in page and "Growth <beta>" not in page  # PostHog's text stays text
    assert "Hedgehog Web — home dashboard" in page
    # PostHog filed what had no folder, as its own tree does on load, and the side panel (loaded after) lists it.
    panel_url = page.split('id="fs-unfiled"')[1].split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    panel = text(admin.get(panel_url, **HTMX))
    assert "PostHog just filed" in panel
    assert "Sales pipeline (draft)" in panel and "Browse all" in panel
    assert sim_entry(sim, "Unfiled/Dashboards/Sales pipeline (draft)")["type"] == "dashboard"
    assert "Unfiled" in page.split('id="fs-main"')[1].split("</section>")[0]  # the tree shows the new folder
    assert sim.call("GET", FS + "unfiled/").json() == {"count": 0}
    # The panels load on their own.
    assert reverse("file_system:recent") in page and "Items you delete here can be restored" in page
    # Filing is done once in a while, not on every view: a second view asks PostHog for the tree alone.
    simulator.requests_clear()
    again = text(admin.get(browse()))
    assert [entry["path"] for entry in simulator.requests()] == [FS]
    assert 'hx-get="/files/unfiled/"' in again  # nothing filed this time


def test_the_unfiled_panel_says_in_place_when_posthog_fails(admin, simulator):
    simulator.script(
        "GET",
        r"/api/projects/1/file_system/",
        status=403,
        body={"detail": "No", "type": "authentication_error", "code": "permission_denied", "attr": None},
        times=5,
    )
    response = admin.get(reverse("file_system:unfiled"), **HTMX)
    assert response.status_code == 200 and "Browse all" not in text(response)
    assert "PostHog refused." in text(response)


def test_a_folder_lists_its_children_with_breadcrumbs_and_counts(admin, admin_user, sim):
    page = text(admin.get(browse("Product/Onboarding")))
    assert '<a href="/files/?path=Product">Product</a> /' in page
    assert "<h1>" in page and "Onboarding</h1>" in page
    main = page.split('id="fs-main"')[1]
    assert "Experiments" in main and "onboarding-checklist-v2" in main and "Signup → activation funnel" in main
    assert "Mobile health" not in main  # a sibling folder's item
    assert main.index("Experiments") < main.index("onboarding-checklist-v2")  # folders first

    # The counts load after the tree: the folder's own and its subfolders', items only (PostHog's count takes the
    # subfolders in too: the badge says how many it left out).
    counts_url = main.split('class="fs-counts" hx-get="')[1].split('"')[0].replace("&amp;", "&")
    counted = text(admin.get(counts_url, **HTMX))
    experiments = sim_entry(sim, "Product/Onboarding/Experiments")
    assert f'id="fs-count-{experiments["id"]}" hx-swap-oob="true"' in counted
    items = sim.call("GET", FS, params={"parent": "Product/Onboarding", "not_type": "folder"}).json()["count"]
    assert items == sim_count(sim, "Product/Onboarding") - 1  # its one subfolder, Experiments
    assert (
        f'id="fs-count-current" hx-swap-oob="true"><span class="badge badge-muted" title="Items below it, at any depth (shortcuts included), in 1 subfolder not counted here">{items} items'
        in counted
    )
    # A read PostHog serves to a POST changes nothing, so it leaves no audit row.
    assert not AuditEvent.objects.filter(path__contains="/file_system/count_by_path/").exists()


def test_expanding_a_folder_loads_its_content_as_a_fragment(admin):
    fragment = text(admin.get(reverse("file_system:children"), {"path": "Product/Onboarding"}, **HTMX))
    assert "<html" not in fragment and fragment.lstrip().startswith("<li")
    assert "Short signup form" not in fragment  # one level only
    assert "Experiments" in fragment and 'hx-get="/files/children/?path=Product/Onboarding/Experiments"' in fragment


def test_long_names_are_kept_whole_for_the_title_and_ellipsis(admin):
    page = text(admin.get(browse("Product")))
    assert LONG_NOTEBOOK in page
    assert 'class="fs-name"' in page and 'title="Roadmap discussion 2025-H2' in page


def test_names_with_a_slash_and_html_are_shown_as_text(admin):
    page = text(admin.get(browse("Product/Onboarding/Experiments")))
    assert "Experiment results: A/B signup form" in page
    assert "Checklist copy &lt;strong&gt;bold&lt;/strong&gt; vs plain" in page


def test_an_empty_folder_says_so(admin, sim):
    for entry in sim_entries(sim):
        if entry["path"].startswith("Archive/"):
            name = entry["path"].split("/")[-1]
            sim.call("POST", f"{FS}{entry['id']}/move/", json={"new_path": f"Customer Success/{name}"})
    page = text(admin.get(browse("Archive")))
    assert "This folder is empty" in page
    assert "Move items here from their page" in page


def test_a_missing_folder_is_a_polite_404(admin):
    response = admin.get(browse("No such folder"))
    assert response.status_code == 404
    assert "No folder “No such folder” in this project" in text(response)


def test_search_looks_through_every_folder(admin):
    page = text(admin.get(browse(q="name:kpis")))
    assert "2 items matching “name:kpis”" in page
    assert "in Product" in page and "in Growth &lt;beta&gt;" in page and "shortcut" in page

    fragment = text(admin.get(reverse("file_system:browse"), {"q": "no such thing at all"}, **HTMX))
    assert "<html" not in fragment and "Nothing matches “no such thing at all”" in fragment


# Recent views ------------------------------------------------------------------------------------------------


def test_recently_viewed_names_what_was_opened(admin):
    fragment = text(admin.get(reverse("file_system:recent"), **HTMX))
    assert "Power users (7d)" in fragment  # cohort 1, from PostHog's log of views
    assert "Slack #alerts webhook" in fragment
    assert fragment.index("Power users (7d)") < fragment.index("Slack #alerts webhook")  # newest first


def test_recently_viewed_reads_where_each_is_filed_beside_the_views(admin, sim, simulator):
    assert sim.call("POST", FS + "log_view/", json={"type": "dashboard", "ref": "987654"}).status_code == 204
    simulator.requests_clear()
    fragment = text(admin.get(reverse("file_system:recent"), **HTMX))
    first = fragment.split("</li>")[0]
    assert "Dashboard <code>987654</code>" in first and "not filed (deleted?)" in first  # viewed, then deleted
    assert "Power users (7d)" in fragment and "Slack #alerts webhook" in fragment
    # Two reads issued together (the views; the entries by their last view), never one lookup per view after them.
    asked = [entry for entry in simulator.requests() if entry["path"].startswith(FS)]
    assert len(asked) == 2, asked


def test_opening_an_item_logs_a_view(admin, admin_user, sim, simulator):
    kpis = sim_entry(sim, KPIS)
    simulator.requests_clear()
    page = text(admin.get(reverse("file_system:item", args=[kpis["id"]])))
    assert "Product KPIs" in page and "Dashboard" in page
    assert '<a href="/files/?path=Product">Product</a> /' in page
    assert f"{sim.base_url}/project/1/dashboard/4" in page  # Open in PostHog
    # The page does not wait for the view to be recorded: it posts it once shown.
    assert [entry["method"] for entry in simulator.requests()] == ["GET"]
    viewed = reverse("file_system:viewed", args=[kpis["id"]])
    assert f'hx-post="{viewed}" hx-trigger="load"' in page
    assert 'name="type" value="dashboard"' in page and 'name="ref" value="4"' in page
    assert admin.post(viewed, {"type": "dashboard", "ref": "4"}, **HTMX).status_code == 204
    newest = sim.call("GET", FS + "log_view/", params={"limit": 1}).json()[0]
    assert (newest["type"], newest["ref"]) == ("dashboard", "4")
    # Opening an item is a read, though PostHog logs it with a POST: it leaves no audit row.
    assert not AuditEvent.objects.filter(path__endswith="/log_view/").exists()
    assert "Product KPIs" in text(admin.get(reverse("file_system:recent"), **HTMX)).split("</li>")[0]


def test_a_view_posthog_does_not_record_is_said_on_the_page_and_logged(admin, sim, simulator, caplog):
    kpis = sim_entry(sim, KPIS)
    refused = {"type": "authentication_error", "code": "permission_denied", "detail": "Nope", "attr": None}
    simulator.script("POST", r"/api/projects/1/file_system/log_view/", status=403, body=refused)
    with caplog.at_level("WARNING", logger="portal.file_system"):
        response = admin.post(
            reverse("file_system:viewed", args=[kpis["id"]]), {"type": "dashboard", "ref": "4"}, **HTMX
        )
    assert response.status_code == 200
    assert "this visit is not in PostHog’s “Recently viewed”" in text(response)
    assert any("did not record its view" in record.getMessage() for record in caplog.records)
    assert sim.call("GET", FS + "log_view/", params={"limit": 1}).json()[0]["ref"] != "4"


def test_a_folder_or_an_item_without_a_reference_posts_no_view(admin, sim):
    folder = sim_entry(sim, "Product")
    assert "/viewed/" not in text(admin.get(reverse("file_system:item", args=[folder["id"]])))


def test_a_cohort_item_links_to_the_cohort_page(admin, sim):
    entry = sim_entry(sim, POWER_USERS)
    page = text(admin.get(reverse("file_system:item", args=[entry["id"]])))
    assert reverse("cohorts:detail", args=[int(entry["ref"])]) in page


def test_a_folder_page_offers_the_folder_actions_without_logging_a_view(admin, admin_user):
    page = text(admin.get(browse("Marketing")))
    assert "Move…" in page and "Create shortcut…" in page and "Delete…" in page
    assert "The folder goes with <strong>everything in it</strong>" in page
    assert not AuditEvent.objects.filter(path__endswith="/log_view/").exists()


# Move and link -----------------------------------------------------------------------------------------------


def test_operator_moves_an_item(operator_, operator, sim):
    entry = sim_entry(sim, KPIS)
    form = text(operator_.get(reverse("file_system:move", args=[entry["id"]])))
    assert 'value="Product"' in form and 'value="Product KPIs"' in form
    assert '<option value="Growth &lt;beta&gt;">' in form  # folders to choose from

    response = operator_.post(
        reverse("file_system:move", args=[entry["id"]]), {"folder": " /Archive/2025/ ", "name": "Product KPIs"}
    )
    assert response.status_code == 302 and response["Location"] == browse("Archive/2025")
    assert sim.call("GET", f"{FS}{entry['id']}/").json()["path"] == "Archive/2025/Product KPIs"
    moved = audit(operator, "POST", f"/file_system/{entry['id']}/move/")
    assert moved.request_body == {"new_path": "Archive/2025/Product KPIs"} and moved.outcome == "success"
    assert "Moved “Product KPIs” to “Archive/2025”." in text(operator_.get(response["Location"]))


def test_moving_a_folder_takes_its_content_and_redirects_for_htmx(operator_, sim):
    folder = sim_entry(sim, "Product/Mobile app")
    inside = sim_count(sim, "Product/Mobile app")
    response = operator_.post(
        reverse("file_system:move", args=[folder["id"]]), {"folder": "Engineering", "name": "Mobile app"}, **HTMX
    )
    assert response["HX-Redirect"] == browse("Engineering")
    assert sim_count(sim, "Engineering/Mobile app") == inside


@pytest.mark.parametrize(
    ("path", "data", "error"),
    [
        (KPIS, {"folder": "Archive//2025", "name": "KPIs"}, "A folder name is missing between two “/”."),
        (KPIS, {"folder": "Product", "name": "Product KPIs"}, "It is already there"),
        (KPIS, {"folder": "Archive", "name": "   "}, "This field is required."),
        ("Product", {"folder": "Product/Inside", "name": "Product"}, "A folder cannot go inside itself."),
    ],
)
def test_an_invalid_destination_shows_on_its_field_and_keeps_the_input(operator_, operator, sim, path, data, error):
    entry = sim_entry(sim, path)
    response = operator_.post(reverse("file_system:move", args=[entry["id"]]), data, **HTMX)
    fragment = text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert error in fragment and 'class="field field-invalid"' in fragment
    assert f'value="{data["folder"]}"' in fragment
    assert sim_entry(sim, path)["id"] == entry["id"]  # nothing moved
    assert not AuditEvent.objects.filter(actor=operator).exists()


def test_operator_creates_a_shortcut(operator_, operator, sim):
    entry = sim_entry(sim, "Engineering/Reliability/Error budget & SLOs")
    response = operator_.post(
        reverse("file_system:link", args=[entry["id"]]), {"folder": "On call", "name": "SLOs"}, follow=True
    )
    assert "Created a shortcut to “Error budget &amp; SLOs” in “On call”." in text(response)
    shortcut = sim_entry(sim, "On call/SLOs")
    assert shortcut["shortcut"] is True and shortcut["ref"] == entry["ref"]
    assert sim_entry(sim, entry["path"])["shortcut"] is False  # the original stays
    linked = audit(operator, "POST", f"/file_system/{entry['id']}/link/")
    assert linked.request_body == {"new_path": "On call/SLOs"} and linked.outcome == "success"


def test_a_shortcut_cannot_sit_on_the_item_itself(operator_, sim):
    entry = sim_entry(sim, "Marketing")
    fragment = text(
        operator_.post(reverse("file_system:link", args=[entry["id"]]), {"folder": "", "name": "Marketing"}, **HTMX)
    )
    assert "The shortcut would sit on the item itself" in fragment


# Delete and undo ---------------------------------------------------------------------------------------------


def test_admin_deletes_an_item_and_undoes_it(admin, admin_user, sim):
    entry = sim_entry(sim, POWER_USERS)
    item_page = text(admin.get(reverse("file_system:item", args=[entry["id"]])))
    assert "You can undo this from the toast that follows, or under “Recently deleted”" in item_page

    response = admin.post(reverse("file_system:delete", args=[entry["id"]]))
    assert response["Location"] == browse("Growth <beta>")
    assert sim.call("GET", f"{FS}{entry['id']}/").status_code == 404
    assert sim.call("GET", f"/api/projects/1/cohorts/{entry['ref']}/").json()["deleted"] is True
    deleted = audit(admin_user, "DELETE", f"/file_system/{entry['id']}/")
    assert deleted.before["path"] == POWER_USERS and deleted.after["deleted"][0]["can_undo"] is True

    page = text(admin.get(response["Location"]))
    assert "Deleted “Power users (7d)”. Undo it under “Recently deleted”." in page
    panel = page.split('id="recently-deleted"')[1].split("</section>")[0]
    assert "Power users (7d)" in panel and 'value="cohort:1"' in panel and "Undo" in panel

    undone = admin.post(reverse("file_system:undo_delete"), {"item": "cohort:1"}, **HTMX)
    assert undone["HX-Redirect"] == browse("Growth <beta>")
    # PostHog deleted the entry with its object: the restored object is filed again under a new entry, same place.
    restored_entry = sim_entry(sim, POWER_USERS)
    assert (restored_entry["type"], restored_entry["ref"]) == (entry["type"], entry["ref"])
    assert sim.call("GET", f"/api/projects/1/cohorts/{entry['ref']}/").json()["deleted"] is False
    restored = audit(admin_user, "POST", "/file_system/undo_delete/")
    assert restored.request_body == {"items": [{"type": "cohort", "ref": "1", "path": POWER_USERS}]}
    page = text(admin.get(browse("Growth <beta>")))
    assert "Restored “Power users (7d)” to “Growth &lt;beta&gt;”." in page
    assert 'value="cohort:1"' not in page


def test_a_delete_from_the_page_shows_the_folder_in_place_with_an_undo_in_its_toast(admin, admin_user, sim):
    entry = sim_entry(sim, POWER_USERS)
    response = admin.post(reverse("file_system:delete", args=[entry["id"]]), **HTMX)
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert response["HX-Retarget"] == "#content" and response["HX-Reselect"] == "#content"
    assert response["HX-Push-Url"] == browse("Growth <beta>")
    assert "Growth &lt;beta&gt;</h1>" in text(response) and "Power users (7d)" in text(response)  # in the panel
    (toast,) = json.loads(response["HX-Trigger"])["toasts"]
    assert toast["message"].startswith("Deleted “Power users (7d)”.")
    assert toast["action"] == {"label": "Undo", "url": "/files/undo/?item=cohort%3A1", "method": "post"}

    undone = admin.post(toast["action"]["url"], **HTMX)
    assert undone["HX-Redirect"] == browse("Growth <beta>")
    assert sim.call("GET", f"/api/projects/1/cohorts/{entry['ref']}/").json()["deleted"] is False
    assert audit(admin_user, "POST", "/file_system/undo_delete/").outcome == "success"


def test_deleting_a_folder_keeps_its_restorable_items_for_undo(admin, sim):
    folder = sim_entry(sim, "Product/Onboarding/Experiments")
    response = admin.post(reverse("file_system:delete", args=[folder["id"]]), follow=True)
    page = text(response)
    assert "Deleted the folder “Experiments” and everything in it. 4 item(s) in it can be restored" in page
    assert "Short signup form" in page.split('id="recently-deleted"')[1]
    assert not [e for e in sim_entries(sim) if e["path"].startswith("Product/Onboarding/Experiments")]


def test_deleting_a_shortcut_leaves_the_original(admin, sim):
    shortcut = sim_entry(sim, KPIS_SHORTCUT)
    page = text(admin.get(reverse("file_system:item", args=[shortcut["id"]])))
    assert "Only this shortcut goes" in page
    response = admin.post(reverse("file_system:delete", args=[shortcut["id"]]), follow=True)
    assert "Removed the shortcut “Product KPIs”; the dashboard it pointed to is untouched." in text(response)
    assert sim_entry(sim, KPIS)["shortcut"] is False
    assert "Items you delete here can be restored" in text(response)  # nothing to undo


def test_a_survey_is_deleted_for_good_and_the_dialog_says_so(admin, sim):
    survey = sim_entry(sim, NPS_SURVEY)
    assert "<strong>for good</strong>" in text(admin.get(reverse("file_system:item", args=[survey["id"]])))
    response = admin.post(reverse("file_system:delete", args=[survey["id"]]), follow=True)
    assert "Deleted “Campaign landing page NPS” for good." in text(response)


def test_undo_of_something_not_in_the_list_restores_nothing(admin):
    response = admin.post(reverse("file_system:undo_delete"), {"item": "dashboard:9"}, follow=True)
    assert "no longer in your “Recently deleted” list" in text(response)
    assert not AuditEvent.objects.filter(path__endswith="/undo_delete/").exists()


# Permissions -------------------------------------------------------------------------------------------------


def test_a_viewer_browses_without_write_buttons(client_as, viewer, demo_connection, sim):
    client = client_as(viewer)
    assert "Move…" not in text(client.get(browse("Marketing")))
    entry = sim_entry(sim, KPIS)
    page = text(client.get(reverse("file_system:item", args=[entry["id"]])))
    own = page.split('<template id="palette-dialogs">')[0]  # the search palette's dialogs wait in a template
    assert "Product KPIs" in own and "Move…" not in own and "Delete…" not in own and "<dialog" not in own


@pytest.mark.parametrize(
    ("role", "url_name", "data"),
    [
        ("viewer", "file_system:move", {"folder": "Archive", "name": "x"}),
        ("viewer", "file_system:link", {"folder": "Archive", "name": "x"}),
        ("viewer", "file_system:delete", {}),
        ("operator", "file_system:delete", {}),  # deleting needs an Admin
        ("viewer", "file_system:undo_delete", {"item": "cohort:1"}),
    ],
)
def test_writes_are_refused_without_the_role(request, client_as, demo_connection, sim, role, url_name, data):
    user = request.getfixturevalue(role)
    args = [] if url_name == "file_system:undo_delete" else [sim_entry(sim, KPIS)["id"]]
    assert client_as(user).post(reverse(url_name, args=args), data).status_code == 403
    assert sim_entry(sim, KPIS)["path"] == KPIS
    assert not AuditEvent.objects.filter(actor=user).exists()


def test_an_operator_sees_move_but_not_delete(operator_, sim):
    page = text(operator_.get(reverse("file_system:item", args=[sim_entry(sim, KPIS)["id"]])))
    assert "Move…" in page and "Create shortcut…" in page and "Delete…" not in page


# PostHog failing ---------------------------------------------------------------------------------------------


def test_upstream_failure_reads_politely(admin, simulator):
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}, timeout=5)
    response = admin.get(browse("Product"))
    assert response.status_code == 502 and "could not answer" in text(response)


def test_a_refused_move_is_audited_and_leaves_the_form_alone(operator_, operator, sim, simulator):
    entry = sim_entry(sim, KPIS)
    # One request a minute: the item is read, then PostHog throttles the move itself.
    requests.post(f"{simulator.url}/_simulator/faults", json={"rate_limit_per_minute": 1}, timeout=5)
    response = operator_.post(
        reverse("file_system:move", args=[entry["id"]]), {"folder": "Archive", "name": "Product KPIs"}, **HTMX
    )
    # On the form, what was typed kept (issue 18: a form is never lost).
    assert "HX-Retarget" not in response and "rate-limiting" in text(response) and "Archive" in text(response)
    failed = audit(operator, "POST", f"/file_system/{entry['id']}/move/")
    assert failed.outcome == "failure" and failed.status_code == 429
    requests.post(f"{simulator.url}/_simulator/faults", json={"rate_limit_per_minute": 0}, timeout=5)
    assert sim_entry(sim, KPIS)["id"] == entry["id"]

"""Saved views: a person saves the page they are on with its filters, finds it in the navigation, shares it with the
team, renames and deletes their own; Admins delete shared ones; a path that is not a page of the portal is refused."""

import re

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.saved_views.models import SavedView
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SAVE = reverse("saved_views:save")
HTMX = {"HTTP_HX_REQUEST": "true"}


def nav(response) -> str:
    """The sidebar's navigation, as text a person reads."""
    html = response.content.decode()
    return html[html.index('id="areas-nav"') : html.index("</nav>", html.index('id="areas-nav"'))]


def save(client, *, name: str, path: str = "/audit/", query: str = "", shared: bool = False, **headers):
    data = {"name": name, "path": path, "query": query}
    if shared:
        data["shared"] = "on"
    return client.post(SAVE, data, **headers)


def test_save_a_filtered_page_and_find_it_in_the_navigation(client_as, viewer, connection):
    client = client_as(viewer)
    page = client.get("/audit/?area=plugins&outcome=failure")
    assert page.status_code == 200
    html = page.content.decode()
    # The Save view dialog carries the page and its filters.
    assert 'id="save-view-dialog"' in html
    assert re.search(r'name="path" value="/audit/"', html)
    assert re.search(r'name="query" value="area=plugins&amp;outcome=failure"', html)

    response = save(client, name="  Failed plugin writes  ", query="area=plugins&outcome=failure")
    assert response.status_code == 302
    assert response["Location"] == "/audit/?area=plugins&outcome=failure"
    view = SavedView.objects.get()
    assert (view.name, view.owner, view.shared) == ("Failed plugin writes", viewer, False)

    shown = nav(client.get(response["Location"]))
    assert "Your views" in shown
    assert 'href="/audit/?area=plugins&amp;outcome=failure"' in shown
    assert "Failed plugin writes" in shown
    assert 'aria-current="page"' in shown  # the view being looked at is marked


def test_an_htmx_save_redirects_the_whole_page_and_says_where_the_view_is(client_as, viewer):
    client = client_as(viewer)
    response = save(client, name="Rules", path="/alerts/", **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/alerts/"
    page = client.get("/alerts/")
    assert "Saved the view “Rules”: it is in the navigation under Your views." in page.content.decode()


def test_shared_views_show_to_others_and_private_ones_do_not(client_as, viewer, operator):
    client = client_as(viewer)
    save(client, name="Team failures", query="outcome=failure", shared=True)
    save(client, name="My own corner", query="person=vera")
    other = client_as(operator)
    shown = nav(other.get("/alerts/"))
    assert "Team views" in shown
    assert "Team failures" in shown and "vera-viewer" in shown
    assert "My own corner" not in shown
    # ...and not on the saved views page either, nor its edit or delete page.
    assert "My own corner" not in other.get(reverse("saved_views:list")).content.decode()
    private = SavedView.objects.get(name="My own corner")
    assert other.get(reverse("saved_views:edit", args=[private.pk])).status_code == 404
    assert other.post(reverse("saved_views:delete", args=[private.pk])).status_code == 404


def test_a_duplicate_name_is_a_field_error(client_as, viewer, operator):
    client = client_as(viewer)
    save(client, name="Failures")
    response = save(client, name="failures", query="outcome=failure", **HTMX)
    assert response.status_code == 200
    assert "You already have a view called “failures”" in response.content.decode()
    assert SavedView.objects.count() == 1
    # Another person may use the same name.
    assert save(client_as(operator), name="Failures").status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/audit/",
        "//evil.example/audit/",
        "/\\evil.example/",
        "/%2F%2Fevil.example/",
        "javascript:alert(1)",
        "/no/such/page/",
        "/audit/?area=plugins",  # the query goes in its own field
        "/accounts/logout/",  # answers POST only
        "/alerts/1/delete/x/",
    ],
)
def test_a_path_that_is_not_a_page_of_the_portal_is_refused_on_its_field(client_as, viewer, path):
    response = save(client_as(viewer), name="Elsewhere", path=path, **HTMX)
    assert response.status_code == 200
    assert "Only a page of this portal that can be opened can be saved as a view." in response.content.decode()
    assert not SavedView.objects.exists()


def test_a_post_only_page_is_refused(client_as, viewer):
    path = reverse("alerts:notifications_read")  # a write: opening it would do nothing a person meant
    response = save(client_as(viewer), name="Mark read", path=path, **HTMX)
    assert "Only a page of this portal" in response.content.decode()


def test_names_and_filters_have_limits(client_as, viewer):
    client = client_as(viewer)
    response = save(client, name="x" * 81, **HTMX)
    assert "Ensure this value has at most 80 characters" in response.content.decode()
    response = save(client, name="Long", query="q=" + "a" * 2001, **HTMX)
    assert "too long to keep" in response.content.decode()
    response = save(client, name="Many", query="a&" * 1000, **HTMX)  # more fields than Django parses
    assert "too long to keep" in response.content.decode()
    response = save(client, name="   ", **HTMX)
    assert "This field is required." in response.content.decode()
    assert not SavedView.objects.exists()


def test_rename_and_delete_are_the_owners_and_admins_delete_shared_ones(client_as, viewer, operator, admin_user):
    owner = client_as(viewer)
    save(owner, name="Shared one", shared=True)
    save(owner, name="Private one")
    shared = SavedView.objects.get(name="Shared one")
    private = SavedView.objects.get(name="Private one")

    # Another person (even an Admin) cannot rename it; an Operator cannot delete a shared view, an Admin can.
    other = client_as(operator)
    assert other.post(reverse("saved_views:edit", args=[shared.pk]), {"name": "Mine now"}).status_code == 403
    assert other.post(reverse("saved_views:delete", args=[shared.pk])).status_code == 403
    admin = client_as(admin_user)
    assert admin.post(reverse("saved_views:edit", args=[shared.pk]), {"name": "Mine now"}).status_code == 403
    assert admin.post(reverse("saved_views:delete", args=[private.pk])).status_code == 404  # private: not theirs

    owner = client_as(viewer)
    response = owner.post(reverse("saved_views:edit", args=[private.pk]), {"name": "Renamed", "shared": "on"})
    assert response.status_code == 302
    private.refresh_from_db()
    assert (private.name, private.shared) == ("Renamed", True)
    response = owner.post(reverse("saved_views:edit", args=[private.pk]), {"name": "Shared one"})
    assert "You already have a view called “Shared one”" in response.content.decode()

    admin = client_as(admin_user)
    assert admin.post(reverse("saved_views:delete", args=[shared.pk])).status_code == 302
    assert not SavedView.objects.filter(pk=shared.pk).exists()
    owner = client_as(viewer)
    assert owner.post(reverse("saved_views:delete", args=[private.pk])).status_code == 302
    assert not SavedView.objects.exists()


def test_every_change_is_in_the_audit_trail(client_as, viewer, admin_user):
    owner = client_as(viewer)
    save(owner, name="Failures", query="outcome=failure", shared=True)
    view = SavedView.objects.get()
    owner.post(reverse("saved_views:edit", args=[view.pk]), {"name": "All failures", "shared": "on"})
    owner.post(reverse("saved_views:edit", args=[view.pk]), {"name": "All failures", "shared": "on"})  # no change
    client_as(admin_user).post(reverse("saved_views:delete", args=[view.pk]))

    events = list(AuditEvent.objects.filter(area="saved_views").order_by("pk"))
    assert [(e.actor_name, e.action, e.object_name, e.object_id) for e in events] == [
        ("vera-viewer", "create", "Failures", str(view.pk)),
        ("vera-viewer", "edit", "All failures", str(view.pk)),
        ("ada-admin", "delete", "All failures", str(view.pk)),
    ]
    assert events[0].after == {"name": "Failures", "path": "/audit/", "query": "outcome=failure", "shared": True}
    assert events[1].before["name"] == "Failures"
    assert events[2].before["owner"] == "vera-viewer"


def test_the_save_button_shows_on_lists_and_filtered_pages_only(client_as, viewer, connection):
    client = client_as(viewer)
    assert 'id="save-view-dialog"' in client.get("/alerts/").content.decode()  # a list
    assert 'id="save-view-dialog"' in client.get("/people/account/?tab=x").content.decode()  # filters
    assert 'id="save-view-dialog"' not in client.get(reverse("people:account")).content.decode()  # a form


def test_a_person_without_a_role_sees_no_saved_views(client_as, django_user_model, viewer):
    save(client_as(viewer), name="Shared", shared=True)
    nobody = client_as(make_user(django_user_model, "nora-no-role", None))
    response = nobody.get(reverse("people:account"))
    assert "Team views" not in response.content.decode()
    assert save(nobody, name="Mine").status_code == 403


def test_a_view_saved_of_a_server_sorted_list_keeps_its_order(client_as, viewer):
    for number in range(2):
        AuditEvent.objects.create(actor_name="Ada", area="plugins", object_id=str(number), method="PATCH")
    client = client_as(viewer)
    html = client.get("/audit/?area=plugins&sort=time&dir=asc").content.decode()
    assert re.search(r'name="query" value="area=plugins&amp;sort=time&amp;dir=asc"', html)

    response = save(client, name="Oldest plugin writes", query="area=plugins&sort=time&dir=asc")
    assert response["Location"] == "/audit/?area=plugins&sort=time&dir=asc"
    opened = client.get(response["Location"])
    assert 'href="/audit/?area=plugins&amp;sort=time&amp;dir=asc"' in nav(opened)
    page = opened.content.decode()
    assert '<th scope="col" class="col-time" aria-sort="ascending">' in page and "Oldest first" in page

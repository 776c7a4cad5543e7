"""Every URL pattern, tried by everyone who may not use it: anonymous people are sent to sign in, a person with no
role and each role are refused what their role lacks, and no refused attempt reaches PostHog.

The patterns come from the URL table itself (tests/security/urls.py), so a new view is swept the day it is added:
one that forgets its permission, or declares a weaker one for a write, fails here.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.core.roles import ADMINISTER, OPERATE
from tests.conftest import make_user
from tests.security.urls import UrlCase, seed_ids, url_cases

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.profiles("current", reason="permissions are the portal's own: one PostHog version proves them"),
]

# Answer without signing in: the health check, signing in (with a password or the company's single sign-on) and
# the set-password links people are sent.
PUBLIC = {"healthz", "login", "sso:start", "sso:callback", "people:link", "people:link_set"}
# A signed-in person's own things, whatever their role (or none): their account, password, time zone, two-factor
# sign-in, signing out.
PERSONAL = {
    "logout",
    "people:account",
    "people:account_password",
    "people:account_time_zone",
    "people:time_zone_switch",
    "people:two_factor_start",
    "people:two_factor_confirm",
    "people:two_factor_verify",
}
# What a Viewer may POST: personal settings, picking a connection, marking their notifications read, and pages
# that are reads whatever the method (they declare no method; none of them writes).
VIEWER_MAY_POST = PERSONAL | {
    "connections:switch",
    "alerts:notifications_read",
    "alerts:notification_read",
    "home",
    "area_pending",
    "connections:list",
    "connections:detail",
    # Opening an item records it in PostHog's "Recently viewed" for anyone who may open it: the item's page posts it
    # once shown (apps/file_system/views.py item_viewed), as the page itself did before it stopped waiting for it.
    "file_system:viewed",
    # Saved views are each person's own (apps/saved_views): a Viewer saves, renames and deletes theirs.
    "saved_views:save",
    "saved_views:edit",
    "saved_views:delete",
}
# The sweep covers the whole URL table; fewer patterns means the enumeration lost some.
MINIMUM_PATTERNS = 90
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cases(simulator, demo_connection, viewer) -> list[UrlCase]:
    found = url_cases(ids=seed_ids(simulator=simulator, connection=demo_connection, person=viewer))
    simulator.requests_clear()  # what setting up asked PostHog is not the sweep's
    return found


def _writes_reaching(simulator) -> list[str]:
    """PostHog requests other than reads since the last call (then forgotten)."""
    writes = [f"{r['method']} {r['path']}" for r in simulator.requests() if r["method"] not in ("GET", "HEAD")]
    simulator.requests_clear()
    return writes


def _try(client, case: UrlCase, method: str, **headers):
    send = client.get if method == "GET" else client.post
    return send(case.url, **headers)


def test_the_sweep_covers_the_whole_url_table(cases):
    names = {case.name for case in cases}
    assert len(names) >= MINIMUM_PATTERNS, f"only {len(names)} URL patterns found"
    assert {case.name for case in cases if not case.login_required} == PUBLIC
    # Stale exceptions would hide a new view of the same name.
    assert (PERSONAL | VIEWER_MAY_POST) <= names


def test_anonymous_people_are_sent_to_sign_in_and_nothing_reaches_posthog(client, cases, simulator):
    login = reverse("login")
    failures = []
    for case in cases:
        if case.name in PUBLIC:
            continue
        for method in sorted(case.methods):
            for headers in ({}, HTMX):
                response = _try(client, case, method, **headers)
                redirected = response.status_code == 302 and response["Location"].startswith(login)
                refused = bool(headers) and response.status_code in (401, 403)
                if not (redirected or refused):
                    failures.append(f"{method} {case.url} ({case.name}) answered {response.status_code}")
    assert not failures, "\n".join(failures)
    assert _writes_reaching(simulator) == []


def test_a_person_without_a_role_is_refused_everything_but_their_own_account(
    client_as, django_user_model, cases, simulator
):
    client = client_as(make_user(django_user_model, "nora-no-role", None))
    failures = []
    for case in cases:
        if case.name in PUBLIC | PERSONAL:
            continue
        for method in sorted(case.methods):
            response = _try(client, case, method)
            if response.status_code != 403:
                failures.append(f"{method} {case.url} ({case.name}) answered {response.status_code}")
    assert not failures, "\n".join(failures)
    assert _writes_reaching(simulator) == []


def test_every_write_declares_a_permission_a_viewer_lacks(cases):
    """A write view with no permission, or only the Viewer's, is a hole even before anyone tries it."""
    weak = [
        f"{case.name} ({case.permission or 'no permission'})"
        for case in cases
        if case.writes and case.name not in VIEWER_MAY_POST | PUBLIC and case.permission not in (OPERATE, ADMINISTER)
    ]
    assert not weak, "\n".join(weak)


@pytest.mark.parametrize("role", ["Viewer", "Operator"])
def test_each_role_is_refused_what_it_lacks_and_nothing_reaches_posthog(
    role, client_as, django_user_model, cases, simulator
):
    user = make_user(django_user_model, f"sweep-{role.lower()}", role)
    granted = {
        f"core.{codename}" for codename in Group.objects.get(name=role).permissions.values_list("codename", flat=True)
    }
    client = client_as(user)
    failures, refused = [], 0
    for case in cases:
        if case.name in PUBLIC | PERSONAL:
            continue
        lacks = case.permission is not None and case.permission not in granted
        for method in sorted(case.methods):
            if not lacks and (method == "GET" or role != "Viewer" or case.name in VIEWER_MAY_POST):
                continue  # allowed: a GET is a read, and the role's own writes are each area's tests
            for headers in ({}, HTMX):
                response = _try(client, case, method, **headers)
                refused += 1
                if response.status_code != 403:
                    failures.append(f"{method} {case.url} ({case.name}) answered {response.status_code}")
                elif "Your role does not allow this" not in response.content.decode():
                    failures.append(f"{method} {case.url} ({case.name}) refused without saying why")
    assert not failures, "\n".join(failures)
    assert _writes_reaching(simulator) == []
    assert refused >= 40, f"only {refused} refused attempts: the sweep lost its cases"

"""The sharing pages of insights and recordings, over the Django test client, against the PostHog simulator."""

import json
import re

import pytest
import requests
from django.contrib.sessions.models import Session
from django.urls import reverse

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}

# Seed facts (simulator/areas/sharing.py), project 1 "Hedgehog Web".
PROTECTED = 9  # shared, password required, 3 passwords, a very long description
ONE_PASSWORD = 1  # "Weekly active users": shared, password required, one password
OPEN = 6  # shared without a password
NEVER_SHARED = 12  # no sharing configuration yet: PostHog makes a disabled one on first read
ESCAPED = 5  # "<b>Checkout</b> conversion – EU vs US"
UNNAMED = 10  # no name: PostHog's derived name
DEVELOPMENT = 102  # the second environment of project 1
UNKNOWN_SESSION = "0190ffff-0000-7000-8000-00000000dead"


def insight_path(insight_id, *rest, team="projects/1") -> str:
    return "/".join([f"/api/{team}/insights/{insight_id}/sharing", *rest]) + "/"


def recording_path(recording_id, *rest, environment=1) -> str:
    return "/".join([f"/api/environments/{environment}/session_recordings/{recording_id}/sharing", *rest]) + "/"


def sim_get(sim, path: str) -> dict:
    answer = sim.call("GET", path)
    answer.raise_for_status()
    return answer.json()


def recording_ids(sim, environment=1) -> list[str]:
    # PostHog lists the last three days unless asked for more, as the portal does.
    path = f"/api/environments/{environment}/session_recordings/?date_from=-90d"
    return [r["id"] for r in sim_get(sim, path)["results"]]


def protected_recording(sim) -> str:
    """The seeded recording whose link asks for a password."""
    return next(rid for rid in recording_ids(sim) if sim_get(sim, recording_path(rid))["password_required"])


def page(client, url: str, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def detail_url(kind: str, item_id) -> str:
    return reverse("sharing:detail", args=[kind, item_id])


def audit_text() -> str:
    """Everything the audit trail holds, as one string to search for secrets."""
    rows = AuditEvent.objects.values("path", "request_body", "before", "after", "error")
    return json.dumps(list(rows), ensure_ascii=False)


def upstream_writes():
    return AuditEvent.objects.filter(path__startswith="/api/")


def served(simulator, method: str, path: str) -> bool:
    return bool(simulator.requests(method=method, path=path))


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


@pytest.fixture
def viewer_client(client_as, viewer, demo_connection):
    return client_as(viewer)


# Picking what to share ------------------------------------------------------------------------------


def test_insight_list_names_every_insight_escaped(admin):
    html = page(admin, reverse("sharing:insights"))
    assert "1–16 of 16 insights" in html
    assert "Weekly active users" in html and "App crashes per release 📱" in html
    assert "&lt;b&gt;Checkout&lt;/b&gt; conversion" in html and "<b>Checkout</b>" not in html
    assert "Pageview count by week (TrendsQuery)" in html  # the unnamed insight's derived name
    assert f'href="{detail_url("insights", PROTECTED)}"' in html


def test_insight_search_answers_a_fragment_and_says_when_nothing_matches(admin):
    found = page(admin, reverse("sharing:insights"), data={"q": "retention"}, **HTMX)
    assert "<html" not in found and 'id="item-results"' in found
    assert "Retention by cohort (8 weeks)" in found and "Weekly active users" not in found

    nothing = page(admin, reverse("sharing:insights") + "?q=no+such+insight")
    assert "No insight matches “no such insight”" in nothing
    assert "Show all insights" in nothing


def test_insight_list_pages_through_offsets(admin):
    html = page(admin, reverse("sharing:insights") + "?offset=10")
    assert "11–16 of 16 insights" in html
    assert "offset=0" in html and "← Newer" in html and "Older →" not in html
    past_the_end = page(admin, reverse("sharing:insights") + "?offset=100")
    assert "No more insights past number 100" in past_the_end and "Back to the first page" in past_the_end


def test_recording_list_names_people_and_lengths(admin, sim):
    html = page(admin, reverse("sharing:recordings"))
    assert "Recordings 1–14" in html
    assert "&lt;img src=x&gt;" in html and "<img src=x>" not in html  # a distinct ID is PostHog's text
    assert "https://app.hedgehog.example/signup" in html
    assert re.search(r"<code>(\d+ min )?\d+ s</code>|<code>\d+ h \d+ min</code>", html)
    for recording_id in recording_ids(sim):
        assert detail_url("recordings", recording_id) in html


def test_opening_an_insight_by_id_goes_to_its_sharing(admin):
    response = admin.get(reverse("sharing:insights"), {"id": f" {PROTECTED} "})
    assert response.status_code == 302 and response["Location"] == detail_url("insights", PROTECTED)


def test_an_unknown_insight_is_an_error_on_the_form_with_the_id_kept(admin):
    html = page(admin, reverse("sharing:insights") + "?id=999")
    assert "No insight 999 in this project." in html
    assert 'class="field field-invalid"' in html and 'value="999"' in html
    assert "Weekly active users" in html  # the list to pick from is still there

    letters = page(admin, reverse("sharing:insights") + "?id=abc")
    assert "An insight ID is a whole number, such as 42." in letters and 'value="abc"' in letters


def test_opening_a_recording_checks_the_environment_lists_it(admin, sim):
    known = recording_ids(sim)[2]
    response = admin.get(reverse("sharing:recordings"), {"id": known})
    assert response.status_code == 302 and response["Location"] == detail_url("recordings", known)

    unknown = page(admin, reverse("sharing:recordings") + f"?id={UNKNOWN_SESSION}")
    assert f"No recording {UNKNOWN_SESSION} in this environment." in unknown

    malformed = page(admin, reverse("sharing:recordings") + "?id=..%2Fplugins")
    assert "A session ID holds only letters, digits" in malformed


# Reading a sharing configuration ----------------------------------------------------------------------


def test_a_protected_insight_shows_its_link_state_and_passwords(admin, sim, simulator):
    sharing = sim_get(sim, insight_path(PROTECTED))
    html = page(admin, detail_url("insights", PROTECTED))
    assert "Top paths from the pricing page" in html
    assert "Shared" in html and "Password required" in html
    assert f'value="{simulator.url}/shared/{sharing["access_token"]}"' in html
    assert 'data-copy="share-link"' in html
    assert "3 passwords open it." in html
    assert "Board deck – Q3" in html and "Für das Vertriebsteam" in html
    assert "&lt;b&gt;Investor&lt;/b&gt; &amp; partners" in html
    assert "dana@hedgehog.example" in html
    assert "Old link (revoked)" not in html  # PostHog leaves revoked passwords out
    assert "legend" in html and "no header" in html  # display options
    # An Admin may do everything.
    for control in ("Turn sharing off", "Stop asking for a password", "Add password", "New link…", "Delete"):
        assert control in html
    assert served(simulator, "GET", insight_path(PROTECTED))


def test_a_never_shared_insight_reads_as_off_with_no_passwords(admin):
    html = page(admin, detail_url("insights", NEVER_SHARED))
    assert "Not shared" in html and "Sharing is <strong>off</strong>" in html
    assert "Turn sharing on" in html and "Require a password" in html
    assert "No passwords." in html and "Add password" not in html
    assert "copy-value is-off" in html


def test_an_unnamed_insight_uses_its_derived_name(admin):
    assert "Pageview count by week (TrendsQuery)" in page(admin, detail_url("insights", UNNAMED))


def test_a_recording_reads_its_sharing_from_the_environment(admin, sim, simulator):
    recording = protected_recording(sim)
    html = page(admin, detail_url("recordings", recording))
    assert "Password required" in html and "Für das Vertriebsteam" in html
    assert served(simulator, "GET", recording_path(recording))
    assert "not in the environment's recording list" not in html


def test_a_recording_missing_from_the_list_gets_a_warning(admin):
    html = page(admin, detail_url("recordings", UNKNOWN_SESSION))
    assert "This session ID is not in the environment's recording list." in html
    assert f"Recording {UNKNOWN_SESSION}" in html


def test_a_deleted_or_unknown_insight_page_is_a_polite_not_found(admin):
    response = admin.get(detail_url("insights", 999))
    assert response.status_code == 404
    assert "PostHog could not find this object" in response.content.decode()


def test_with_an_environment_picked_insights_use_the_environment_paths(admin, demo_connection, simulator):
    switched = admin.post(
        reverse("connections:switch"),
        {"connection": demo_connection.pk, "project_id": "1", "environment_id": str(DEVELOPMENT)},
    )
    assert switched.status_code == 302
    html = page(admin, detail_url("insights", PROTECTED))
    assert "Board deck – Q3" in html
    assert served(simulator, "GET", insight_path(PROTECTED, team=f"environments/{DEVELOPMENT}"))
    assert "Recordings 1–6" in page(admin, reverse("sharing:recordings"))
    assert served(simulator, "GET", f"/api/environments/{DEVELOPMENT}/session_recordings/")


def test_without_a_connection_the_pages_say_so(client_as, admin_user):
    html = page(client_as(admin_user), reverse("sharing:insights"))
    assert "No PostHog configured" in html


# Switching sharing and password protection ------------------------------------------------------------


def test_an_operator_turns_sharing_on_and_off_and_it_is_audited(operator_client, operator, sim):
    url = reverse("sharing:enabled", args=["insights", NEVER_SHARED])
    response = operator_client.post(url, {"on": "true"}, follow=True)
    assert sim_get(sim, insight_path(NEVER_SHARED))["enabled"] is True
    html = response.content.decode()
    assert "Sharing is on: anyone with the link can see this insight." in html
    assert "Turn sharing off" in html

    event = AuditEvent.objects.get(method="PATCH", path=insight_path(NEVER_SHARED))
    assert event.actor == operator and event.outcome == AuditEvent.Outcome.SUCCESS
    assert event.request_body == {"enabled": True}
    assert event.before["enabled"] is False and event.after["enabled"] is True
    assert event.after["access_token"] == "••••••"  # the link's token is a secret of sorts

    operator_client.post(url, {"on": "false"})
    assert sim_get(sim, insight_path(NEVER_SHARED))["enabled"] is False
    assert AuditEvent.objects.filter(method="PATCH", request_body={"enabled": False}, actor=operator).exists()


def test_an_operator_requires_a_password_on_a_recording(operator_client, sim):
    recording = recording_ids(sim)[1]
    htmx = operator_client.post(
        reverse("sharing:password_required", args=["recordings", recording]), {"on": "true"}, **HTMX
    )
    assert htmx["HX-Redirect"] == detail_url("recordings", recording)
    assert sim_get(sim, recording_path(recording))["password_required"] is True
    html = page(operator_client, detail_url("recordings", recording))
    assert "The link now asks for a password: add one below." in html
    assert "No password is set yet" in html and "Add password" in html


# Passwords ----------------------------------------------------------------------------------------


def test_a_new_password_is_shown_once_and_kept_nowhere(operator_client, operator, sim, caplog):
    caplog.set_level("DEBUG")
    secret = "Hedgehog-Secret-4711"
    response = operator_client.post(
        reverse("sharing:password_create", args=["insights", ONE_PASSWORD]),
        {"note": "Agency <access>", "raw_password": secret},
        **HTMX,
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="passwords"' in html  # the card htmx swaps in
    assert f'value="{secret}"' in html and "it cannot be shown again" in html
    assert "New password for “Agency &lt;access&gt;”" in html
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response["HX-Trigger"])["toasts"][0]["message"] == "Password “Agency <access>” added."

    notes = [p["note"] for p in sim_get(sim, insight_path(ONE_PASSWORD))["share_passwords"]]
    assert notes == ["Board deck – Q3", "Agency <access>"]

    event = AuditEvent.objects.get(method="POST", path=insight_path(ONE_PASSWORD, "passwords"))
    assert event.actor == operator and event.outcome == AuditEvent.Outcome.SUCCESS and event.status_code == 201
    assert event.request_body == {"note": "Agency <access>", "raw_password": "••••••"}
    assert event.after["password"] == "••••••" and event.after["note"] == "Agency <access>"
    # Nowhere else either: not in the audit trail, the logs, the session, the cookies, or the next page.
    assert secret not in audit_text()
    assert "posthog POST /api/projects/1/insights/1/sharing/passwords/ -> 201" in caplog.text  # logs are seen
    assert secret not in caplog.text
    assert all(secret not in json.dumps(s.get_decoded()) for s in Session.objects.all())
    assert all(secret not in morsel.value for morsel in operator_client.cookies.values())
    again = page(operator_client, detail_url("insights", ONE_PASSWORD))
    assert secret not in again and "Agency &lt;access&gt;" in again and "cannot be shown again" not in again


def test_posthog_makes_up_the_password_when_none_is_typed(operator_client, sim):
    recording = protected_recording(sim)
    response = operator_client.post(
        reverse("sharing:password_create", args=["recordings", recording]), {"note": "", "raw_password": ""}
    )
    html = response.content.decode()
    assert "<html" in html  # without htmx: the whole page
    made_up = re.search(r'id="new-password"[^>]*value="([^"]+)"', html).group(1)
    assert len(made_up) >= 16
    assert made_up not in audit_text()
    event = AuditEvent.objects.get(method="POST", path=recording_path(recording, "passwords"))
    assert event.request_body == {"note": ""}  # no raw_password: PostHog chose it
    assert len(sim_get(sim, recording_path(recording))["share_passwords"]) == 2
    assert made_up not in page(operator_client, detail_url("recordings", recording))


def test_an_invalid_password_form_keeps_the_note_but_never_the_password(operator_client, sim):
    before = sim_get(sim, insight_path(PROTECTED))["share_passwords"]
    html = operator_client.post(
        reverse("sharing:password_create", args=["insights", PROTECTED]),
        {"note": "For the board", "raw_password": "short12"},
        **HTMX,
    ).content.decode()
    assert "Ensure this value has at least 8 characters (it has 7)." in html
    assert 'value="For the board"' in html and "short12" not in html
    assert "type it again" in html

    long_note = "n" * 101
    html = operator_client.post(
        reverse("sharing:password_create", args=["insights", PROTECTED]), {"note": long_note}, **HTMX
    ).content.decode()
    assert "Ensure this value has at most 100 characters (it has 101)." in html and long_note in html
    assert sim_get(sim, insight_path(PROTECTED))["share_passwords"] == before
    assert not upstream_writes().exists()


def test_posthog_refusing_a_password_without_protection_says_why(operator_client, operator):
    html = operator_client.post(
        reverse("sharing:password_create", args=["insights", OPEN]), {"note": "Too early"}, **HTMX
    ).content.decode()
    assert "Password protection must be enabled before creating passwords" in html
    assert 'value="Too early"' in html  # the form stays, with what was typed
    event = AuditEvent.objects.get(path=insight_path(OPEN, "passwords"))
    assert event.outcome == AuditEvent.Outcome.FAILURE and event.status_code == 400 and event.actor == operator


def test_an_admin_deletes_a_password(admin, admin_user, sim):
    password = sim_get(sim, insight_path(PROTECTED))["share_passwords"][1]
    assert password["note"] == "Für das Vertriebsteam"
    url = reverse("sharing:password_delete", args=["insights", PROTECTED, password["id"]])
    response = admin.post(url, **HTMX)
    assert response["HX-Redirect"] == detail_url("insights", PROTECTED)
    notes = [p["note"] for p in sim_get(sim, insight_path(PROTECTED))["share_passwords"]]
    assert notes == ["Board deck – Q3", "<b>Investor</b> & partners"]
    event = AuditEvent.objects.get(method="DELETE")
    assert event.path == insight_path(PROTECTED, "passwords", str(password["id"]))
    assert event.actor == admin_user and event.outcome == AuditEvent.Outcome.SUCCESS and event.status_code == 204
    html = page(admin, detail_url("insights", PROTECTED))
    assert "Password deleted: it no longer opens the link." in html and "Für das Vertriebsteam" not in html


def test_deleting_a_password_someone_else_deleted_is_a_polite_error(admin, sim):
    password = sim_get(sim, insight_path(ONE_PASSWORD))["share_passwords"][0]
    sim.call("DELETE", insight_path(ONE_PASSWORD, "passwords", str(password["id"]))).raise_for_status()
    response = admin.post(reverse("sharing:password_delete", args=["insights", ONE_PASSWORD, password["id"]]))
    assert response.status_code == 404
    assert "PostHog could not find this object" in response.content.decode()
    assert AuditEvent.objects.get(method="DELETE").outcome == AuditEvent.Outcome.FAILURE


def test_an_admin_deletes_a_recording_password(admin, sim):
    recording = protected_recording(sim)
    password = sim_get(sim, recording_path(recording))["share_passwords"][0]
    admin.post(reverse("sharing:password_delete", args=["recordings", recording, password["id"]]))
    assert sim_get(sim, recording_path(recording))["share_passwords"] == []
    assert AuditEvent.objects.filter(path=recording_path(recording, "passwords", str(password["id"]))).exists()


# A new link (refresh) -------------------------------------------------------------------------------


def test_an_admin_confirms_then_gets_a_new_link(admin, admin_user, sim, simulator):
    old = sim_get(sim, insight_path(PROTECTED))["access_token"]
    url = reverse("sharing:refresh", args=["insights", PROTECTED])
    confirm = page(admin, url)
    assert "The current link stops working at once" in confirm
    assert "The 3 passwords carry over to the new link." in confirm
    assert sim_get(sim, insight_path(PROTECTED))["access_token"] == old  # asking changed nothing

    html = admin.post(url, follow=True).content.decode()
    new = sim_get(sim, insight_path(PROTECTED))["access_token"]
    assert new != old
    assert f"{simulator.url}/shared/{new}" in html and old not in html
    assert "New link made: the old one no longer works." in html
    event = AuditEvent.objects.get(method="POST", path=insight_path(PROTECTED, "refresh"))
    assert event.actor == admin_user and event.outcome == AuditEvent.Outcome.SUCCESS
    assert new not in audit_text()


def test_refreshing_an_unprotected_link_warns_its_passwords_go(admin, sim):
    recording = protected_recording(sim)
    sim.call("PATCH", recording_path(recording), json={"password_required": False}).raise_for_status()
    confirm = page(admin, reverse("sharing:refresh", args=["recordings", recording]))
    assert "Password protection is off, so the 1 password of the current link are dropped." in confirm
    admin.post(reverse("sharing:refresh", args=["recordings", recording]))
    assert sim_get(sim, recording_path(recording))["share_passwords"] == []
    assert AuditEvent.objects.filter(path=recording_path(recording, "refresh"), method="POST").exists()


# Roles ------------------------------------------------------------------------------------------------


def test_a_viewer_sees_no_controls_and_every_write_is_refused(viewer_client, sim):
    html = page(viewer_client, detail_url("insights", PROTECTED))
    assert "Board deck – Q3" in html
    for control in ("Turn sharing", "asking for a password", "Add password", "New link…", ">Delete"):
        assert control not in html
    password = sim_get(sim, insight_path(PROTECTED))["share_passwords"][0]["id"]
    before = sim_get(sim, insight_path(PROTECTED))
    for name, args, data in [
        ("sharing:enabled", ["insights", PROTECTED], {"on": "false"}),
        ("sharing:password_required", ["insights", PROTECTED], {"on": "false"}),
        ("sharing:password_create", ["insights", PROTECTED], {"note": "x"}),
        ("sharing:password_delete", ["insights", PROTECTED, password], {}),
        ("sharing:refresh", ["insights", PROTECTED], {}),
    ]:
        assert viewer_client.post(reverse(name, args=args), data).status_code == 403, name
    assert sim_get(sim, insight_path(PROTECTED)) == before
    assert not upstream_writes().exists()


def test_an_operator_may_not_delete_passwords_or_refresh(operator_client, sim):
    html = page(operator_client, detail_url("insights", PROTECTED))
    assert "Turn sharing off" in html and "Add password" in html
    assert "New link…" not in html and ">Delete" not in html
    password = sim_get(sim, insight_path(PROTECTED))["share_passwords"][0]["id"]
    delete = reverse("sharing:password_delete", args=["insights", PROTECTED, password])
    assert operator_client.post(delete).status_code == 403
    assert operator_client.get(reverse("sharing:refresh", args=["insights", PROTECTED])).status_code == 403
    assert operator_client.post(reverse("sharing:refresh", args=["insights", PROTECTED])).status_code == 403


# Upstream faults ------------------------------------------------------------------------------------


def test_posthog_failing_shows_a_clear_message_not_a_crash(operator_client, simulator):
    requests.post(f"{simulator.url}/_simulator/faults", json={"error_rate": 1.0, "error_status": 500}, timeout=5)
    response = operator_client.get(detail_url("insights", PROTECTED))
    assert response.status_code == 502
    assert "PostHog had an internal error (HTTP 500)" in response.content.decode()

    write = operator_client.post(reverse("sharing:enabled", args=["insights", PROTECTED]), {"on": "false"}, **HTMX)
    assert write.status_code == 200 and write["HX-Retarget"] == "#upstream-banner"
    assert "PostHog had an internal error" in write.content.decode()
    event = AuditEvent.objects.get(method="PATCH")
    assert event.outcome == AuditEvent.Outcome.FAILURE and event.status_code == 500


def test_rate_limiting_is_explained(admin, simulator):
    requests.post(f"{simulator.url}/_simulator/faults", json={"rate_limit_per_minute": 1}, timeout=5)
    admin.get(reverse("sharing:recordings"))
    response = admin.get(reverse("sharing:recordings"))
    assert response.status_code == 502
    assert "PostHog is rate-limiting requests from this API key" in response.content.decode()

"""The project administration page (tokens, onboarding, demo data), over the Django test client, against the
PostHog simulator."""

import pytest
import requests
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.secret_keys.conftest import HTMX, assert_kept_nowhere, text

pytestmark = pytest.mark.django_db
PROJECT = "/api/projects/1/"
ACTIONS = "/api/organizations/@current/projects/1/"
NAME = "Hedgehog Web"


def sim_project(sim) -> dict:
    return sim.call("GET", PROJECT).json()


def project_events():
    """Audit events of writes to the project (creating the connection is audited too)."""
    return AuditEvent.objects.filter(path__startswith=ACTIONS)


def confirm(client, action: str, typed: str = NAME, **headers):
    return client.post(reverse(f"project_actions:{action}"), {f"{action}-project_name": typed}, **headers)


def shown_token(page: str) -> str:
    start = page.index("data-secret>") + len("data-secret>")
    return page[start : page.index("</code>", start)]


def test_the_page_shows_the_project_with_its_tokens_masked(admin, sim, simulator):
    project = sim_project(sim)
    page = text(admin.get(reverse("project_actions:index")))
    assert "Project administration" in page and f"<strong>{NAME}</strong>" in page
    assert project["api_token"] not in page and f"phc_…{project['api_token'][-4:]}" in page
    assert project["secret_api_token"] in page  # PostHog's own mask, phs_proj********
    assert "No backup: one exists after the secret token is rotated" in page
    assert 'action="/project/delete-secret-token-backup/"' not in page  # nothing to delete yet
    assert "None yet." in page and "Generate token" in page
    assert "Every SDK, snippet and integration using the current project token stops sending events" in page
    assert f'data-confirm-text="{NAME}"' in page
    if simulator.profile.demo_key_scopes:
        # Newer PostHog refuses is_generating_demo_data to personal API keys: the page says so, the rest shows.
        assert "Unknown: PostHog does not accept personal API keys" in page and "Not being generated." not in page
    else:
        assert "Not being generated." in page
    assert "no-store" in admin.get(reverse("project_actions:index")).headers["Cache-Control"]


def test_a_wrong_project_name_changes_nothing_and_keeps_what_was_typed(admin, sim):
    before = sim_project(sim)["api_token"]
    page = text(confirm(admin, "reset_token", typed="hedgehog web", **HTMX))
    assert "<html" not in page and 'id="card-reset_token"' in page
    assert "That is not this project&#x27;s name: type “Hedgehog Web” exactly, capitals included." in page
    assert 'value="hedgehog web"' in page
    assert sim_project(sim)["api_token"] == before
    assert not project_events().exists()

    # Without JavaScript the whole page comes back, that card's form still holding the typed text.
    plain = text(confirm(admin, "reset_token", typed="Hedgehog", follow=False))
    assert "<html" in plain and 'value="Hedgehog"' in plain and "capitals included" in plain
    assert text(confirm(admin, "rotate_secret_token", typed="")).count("This field is required.") == 1


@pytest.mark.profiles("legacy", reason="today's PostHog refuses token resets to personal API keys (the scope wall)")
def test_reset_token_shows_the_new_token_once(admin, admin_user, sim, all_logs):
    old = sim_project(sim)["api_token"]
    response = confirm(admin, "reset_token", **HTMX)
    page = text(response)
    token = shown_token(page)
    assert token.startswith("phc_") and token != old and sim_project(sim)["api_token"] == token
    assert "New project API token of “Hedgehog Web”" in page and "PostHog will not show it again" in page
    assert response.headers["HX-Retarget"] == "#content" and response.headers["HX-Replace-Url"] == "/project/"
    assert "no-store" in response.headers["Cache-Control"]

    event = project_events().get(method="PATCH", path=f"{ACTIONS}reset_token/")
    assert event.actor == admin_user and event.outcome == AuditEvent.Outcome.SUCCESS and event.status_code == 200
    assert event.after["api_token"] == "••••••" and event.after["name"] == NAME

    later = text(admin.get(reverse("project_actions:index")))
    assert token not in later and f"phc_…{token[-4:]}" in later
    assert_kept_nowhere(token, client=admin, logs=all_logs)
    assert_kept_nowhere(old, client=admin, logs=all_logs)


@pytest.mark.profiles("legacy", reason="today's PostHog refuses token rotation to personal API keys (the scope wall)")
def test_rotate_then_delete_the_backup(admin, admin_user, sim, all_logs):
    response = confirm(admin, "rotate_secret_token", **HTMX)
    secret = shown_token(text(response))
    assert secret.startswith("phs_") and "*" not in secret
    project = sim_project(sim)
    assert project["secret_api_token"].startswith(secret[:8]) and project["secret_api_token_backup"]
    rotated = project_events().get(path=f"{ACTIONS}rotate_secret_token/")
    assert rotated.actor == admin_user and rotated.after["secret_api_token"] == "••••••"
    assert_kept_nowhere(secret, client=admin, logs=all_logs)

    page = text(admin.get(reverse("project_actions:index")))
    assert secret not in page and project["secret_api_token_backup"] in page
    assert "Anything still using the previous secret token stops authenticating at once." in page

    deleted = confirm(admin, "delete_secret_token_backup", **HTMX)
    assert deleted.headers["HX-Redirect"] == reverse("project_actions:index")
    assert sim_project(sim)["secret_api_token_backup"] is None
    event = project_events().get(path=f"{ACTIONS}delete_secret_token_backup/")
    assert event.actor == admin_user and event.outcome == AuditEvent.Outcome.SUCCESS
    assert "Deleted the secret token backup" in text(admin.get(reverse("project_actions:index")))


@pytest.mark.profiles(
    "legacy", reason="today's PostHog refuses conversations tokens to personal API keys (the scope wall)"
)
def test_generate_the_conversations_token(admin, admin_user, sim, all_logs):
    response = confirm(admin, "generate_conversations_public_token")  # a plain form post: the whole page
    page = text(response)
    token = shown_token(page)
    assert "<html" in page and "New conversations public token" in page
    # posthog/models/team/team.py keeps it in conversations_settings; there is no top-level field.
    assert sim_project(sim)["conversations_settings"]["widget_public_token"] == token
    event = project_events().get(method="POST")
    assert event.actor == admin_user and event.after["conversations_settings"]["widget_public_token"] == "••••••"
    assert_kept_nowhere(token, client=admin, logs=all_logs)
    later = text(admin.get(reverse("project_actions:index")))
    assert token not in later and "Regenerate token" in later


def test_complete_product_onboarding(admin, admin_user, sim):
    response = admin.post(
        reverse("project_actions:complete_product_onboarding"), {"onboarding-product_type": "session_replay"}, **HTMX
    )
    assert response.headers["HX-Redirect"] == reverse("project_actions:index")
    assert sim_project(sim)["has_completed_onboarding_for"] == {"product_analytics": True, "session_replay": True}
    event = project_events().get(path=f"{ACTIONS}complete_product_onboarding/")
    assert event.actor == admin_user and event.request_body == {"product_type": "session_replay"}
    page = text(admin.get(reverse("project_actions:index")))
    assert "Marked onboarding of Session replay as completed." in page
    assert '<span class="badge">Session replay</span>' in page


def test_onboarding_needs_a_product(admin, sim):
    page = text(
        admin.post(reverse("project_actions:complete_product_onboarding"), {"onboarding-product_type": ""}, **HTMX)
    )
    assert "<html" not in page and 'id="onboarding"' in page and "This field is required." in page
    assert not project_events().exists()


@pytest.mark.profiles(
    "legacy", reason="today's PostHog refuses is_generating_demo_data to personal API keys (the scope wall)"
)
def test_demo_data_generation_is_shown_and_polled(admin, simulator):
    simulator.state.project_actions.set_generating_demo_data(1, True)
    page = text(admin.get(reverse("project_actions:index")))
    assert "PostHog is generating demo data for this project" in page and 'hx-trigger="every 5s"' in page

    simulator.state.project_actions.set_generating_demo_data(1, False)
    fragment = text(admin.get(reverse("project_actions:is_generating_demo_data"), **HTMX))
    assert "<html" not in fragment and "Not being generated." in fragment and "every 5s" not in fragment


@pytest.mark.profiles("legacy", reason="today's PostHog refuses token resets to personal API keys (the scope wall)")
def test_a_refused_token_reset_is_a_banner_and_audited(admin, admin_user, sim, simulator):
    old = sim_project(sim)["api_token"]
    # One request a minute: the page's read of the project passes, PostHog throttles the reset itself.
    faults = f"{simulator.url}/_simulator/faults"
    requests.post(faults, json={"rate_limit_per_minute": 1}).raise_for_status()
    response = confirm(admin, "reset_token", **HTMX)
    assert response.headers["HX-Retarget"] == "#upstream-banner" and "rate-limiting" in text(response)
    assert "data-secret" not in text(response)
    requests.post(faults, json={"rate_limit_per_minute": 0}).raise_for_status()
    assert sim_project(sim)["api_token"] == old
    event = project_events().get(path=f"{ACTIONS}reset_token/")
    assert event.actor == admin_user and event.outcome == AuditEvent.Outcome.FAILURE and event.status_code == 429


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_only_admins_administer_the_project(request, client_as, demo_connection, sim, role):
    client = client_as(request.getfixturevalue(role))
    before = sim_project(sim)
    assert client.get(reverse("project_actions:index")).status_code == 403
    assert client.get(reverse("project_actions:is_generating_demo_data")).status_code == 403
    for action in (
        "reset_token",
        "rotate_secret_token",
        "delete_secret_token_backup",
        "generate_conversations_public_token",
    ):
        assert confirm(client, action).status_code == 403
    onboarding = client.post(
        reverse("project_actions:complete_product_onboarding"), {"onboarding-product_type": "logs"}
    )
    assert onboarding.status_code == 403
    assert sim_project(sim) == before
    assert not project_events().exists()

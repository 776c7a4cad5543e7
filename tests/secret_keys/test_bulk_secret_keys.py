"""Revoking several secret keys at once (issue 20, part 4): Admins only, as the single delete; the confirmation
names each key by label and mask from PostHog, never by value; each key deleted once, audited, reported."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.audit.models import AuditEvent
from tests.bulk_support import HTMX, text, toasts, token_of

pytestmark = pytest.mark.django_db
KEYS = "/api/environments/1/project_secret_api_keys/"
URL = reverse("secret_keys:bulk_delete")


def held(sim) -> list[dict]:
    return sim.call("GET", KEYS).json()["results"]


def test_an_operator_sees_no_bulk_revoke_and_is_refused_it(client_as, operator, demo_connection, sim, simulator):
    key = held(sim)[0]
    simulator.requests_clear()
    assert client_as(operator).post(URL, {"action": "delete", "ids": [key["id"]]}).status_code == 403
    assert [r for r in simulator.requests() if r["method"] != "GET"] == []


def test_revoking_two_names_them_by_label_and_mask_then_deletes_each_once(admin, admin_user, sim, simulator):
    first, second = held(sim)[:2]
    listing = text(admin.get(reverse("secret_keys:list")))
    assert f'aria-label="Select {escape(first["label"])}"' in listing and 'form="key-bulk"' in listing

    ask = admin.post(URL, {"action": "delete", "ids": [first["id"], second["id"]]}, **HTMX)

    page = text(ask)
    assert "Revoke 2 secret keys?" in page and "stops authenticating at once" in page
    for key in (first, second):
        assert escape(f"{key['label']} ({key['mask_value']})") in page
    simulator.requests_clear()

    done = admin.post(URL, {"token": token_of(page), "confirm": "1"}, **HTMX)

    page = text(done)
    assert {first["id"], second["id"]}.isdisjoint(key["id"] for key in held(sim))
    assert len(simulator.requests(method="DELETE")) == 2
    events = AuditEvent.objects.filter(method="DELETE", area="project_secret_api_keys")
    assert sorted((e.object_id, e.outcome, e.actor_id) for e in events) == sorted(
        [(first["id"], "success", admin_user.pk), (second["id"], "success", admin_user.pk)]
    )
    assert 'id="key-list"' in page and page.count(">Done<") == 2 and "2 of 2 revoked." in toasts(done)

    again = admin.post(URL, {"token": token_of(text(ask)), "confirm": "1"}, **HTMX)
    assert "already used" in toasts(again) and AuditEvent.objects.filter(method="DELETE").count() == 2


def test_one_key_that_fails_is_reported_alone_and_the_other_is_revoked(admin, sim, simulator):
    first, second = held(sim)[:2]
    page = text(admin.post(URL, {"action": "delete", "ids": [first["id"], second["id"]]}, **HTMX))
    simulator.script("DELETE", f"{KEYS}{first['id']}/", status=500, body={"detail": "boom"}, times=5)

    done = admin.post(URL, {"token": token_of(page), "confirm": "1"}, **HTMX)

    remaining = [key["id"] for key in held(sim)]
    assert first["id"] in remaining and second["id"] not in remaining
    page = text(done)
    assert page.count(">Failed<") == 1 and page.count(">Done<") == 1
    assert "PostHog had an internal error (HTTP 500)" in page  # its user_message
    assert "1 of 2 revoked; 1 failed." in toasts(done)

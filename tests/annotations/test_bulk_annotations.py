"""Deleting several annotations at once (issue 20, part 4): one confirmation naming each from PostHog, each deleted
through the single delete (a soft delete, audited), a result per annotation, applied once."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.bulk_support import HTMX, text, toasts, token_of

pytestmark = pytest.mark.django_db
ANNOTATIONS = "/api/projects/1/annotations/"
URL = reverse("annotations:bulk_delete")


def made(sim, *contents: str) -> list[dict]:
    at = datetime.now(UTC).isoformat()
    return [
        sim.call("POST", ANNOTATIONS, json={"content": c, "date_marker": at, "scope": "project"}).json()
        for c in contents
    ]


def live(sim, annotation_id: int) -> bool:
    return sim.call("GET", f"{ANNOTATIONS}{annotation_id}/").status_code == 200


def test_each_row_has_a_checkbox_named_after_it_for_operators_only(operator_client, client_as, viewer, sim):
    made(sim, "Launch of the spring campaign")
    page = text(operator_client.get(reverse("annotations:list")))
    assert 'aria-label="Select Launch of the spring campaign"' in page and 'form="annotation-bulk"' in page
    assert "data-bulk-item" not in text(client_as(viewer).get(reverse("annotations:list")))


def test_a_viewer_is_refused_and_nothing_reaches_posthog(client_as, viewer, demo_connection, sim, simulator):
    (first,) = made(sim, "Viewer cannot delete this")
    simulator.requests_clear()
    response = client_as(viewer).post(URL, {"action": "delete", "ids": [first["id"]]})
    assert response.status_code == 403 and live(sim, first["id"])
    assert [r for r in simulator.requests() if r["method"] != "GET"] == []


def test_deleting_two_lists_them_from_posthog_then_deletes_each_once_audited(operator_client, operator, sim, simulator):
    first, second = made(sim, "Deploy 101", "Deploy 102")

    ask = operator_client.post(URL, {"action": "delete", "ids": [first["id"], second["id"], "999999"]}, **HTMX)

    page = text(ask)
    assert "Delete 3 annotations?" in page and "2 will change" in page
    assert "“Deploy 101”" in page and "“Deploy 102”" in page and "not found in PostHog: deleted already?" in page
    assert "restored" in page  # what a delete means here is said before confirming
    assert live(sim, first["id"]) and live(sim, second["id"])
    simulator.requests_clear()

    done = operator_client.post(URL, {"token": token_of(page), "confirm": "1"}, **HTMX)

    page = text(done)
    assert not live(sim, first["id"]) and not live(sim, second["id"])
    assert len(simulator.requests(method="PATCH")) == 2
    events = AuditEvent.objects.filter(area="annotations", method="PATCH").order_by("object_id")
    assert [(e.object_id, e.outcome, e.actor_id) for e in events] == [
        (str(first["id"]), "success", operator.pk),
        (str(second["id"]), "success", operator.pk),
    ]
    assert 'id="annotation-results"' in page and "Delete 3 annotations: results" in page
    assert page.count(">Done<") == 2 and page.count(">Skipped<") == 1
    assert "2 of 2 deleted; 1 unchanged." in toasts(done)

    again = operator_client.post(URL, {"token": token_of(text(ask)), "confirm": "1"}, **HTMX)
    assert "already used" in toasts(again) and AuditEvent.objects.filter(method="PATCH").count() == 2


def test_one_refused_is_shown_with_posthogs_message_and_the_other_is_deleted(operator_client, sim, simulator):
    first, second = made(sim, "Keep me by force", "Delete me")
    page = text(operator_client.post(URL, {"action": "delete", "ids": [first["id"], second["id"]]}, **HTMX))
    simulator.script(
        "PATCH",
        f"{ANNOTATIONS}{first['id']}/",
        status=403,
        body={
            "type": "authentication_error",
            "code": "permission_denied",
            "detail": "You do not have permission to perform this action.",
            "attr": None,
        },
    )

    done = operator_client.post(URL, {"token": token_of(page), "confirm": "1"}, **HTMX)

    page = text(done)
    assert live(sim, first["id"]) and not live(sim, second["id"])
    assert page.count(">Failed<") == 1 and page.count(">Done<") == 1
    assert "1 of 2 deleted; 1 failed." in toasts(done)
    outcomes = dict(AuditEvent.objects.filter(method="PATCH").values_list("object_id", "outcome"))
    assert outcomes == {str(first["id"]): "failure", str(second["id"]): "success"}


def test_an_annotation_whose_answer_was_lost_is_read_back_as_deleted_and_never_sent_twice(
    operator_client, sim, simulator
):
    first, second = made(sim, "Lost answer one", "Lost answer two")
    page = text(operator_client.post(URL, {"action": "delete", "ids": [first["id"], second["id"]]}, **HTMX))
    simulator.faults_set(fault_methods="PATCH", drop_after_rate=1.0)

    done = operator_client.post(URL, {"token": token_of(page), "confirm": "1"}, **HTMX)

    simulator.faults_clear()
    assert not live(sim, first["id"]) and not live(sim, second["id"])
    assert len(simulator.requests(method="PATCH")) == 2
    assert "2 of 2 deleted." in toasts(done)
    assert set(AuditEvent.objects.filter(method="PATCH").values_list("settled", flat=True)) == {"applied"}


def test_the_filters_of_the_list_survive_the_bulk_action(operator_client, sim):
    first, _ = made(sim, "Filtered alpha", "Filtered beta")
    page = text(operator_client.post(URL, {"action": "delete", "ids": [first["id"]], "filters": "search=Filtered"}))
    assert 'name="filters" value="search=Filtered"' in page
    done = text(operator_client.post(URL, {"token": token_of(page), "confirm": "1", "filters": "search=Filtered"}))
    assert 'value="Filtered"' in done and "Filtered beta" in done and "1 of 1 deleted." in done

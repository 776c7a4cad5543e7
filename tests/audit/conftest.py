"""Fixtures of the audit tests: a clean cache for the activity poller, and one signed-in client per person."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.history.activity import activity_snapshot_poll
from apps.history.models import ActivitySnapshot

HTMX = {"HTTP_HX_REQUEST": "true"}
CONFIGS = "/api/projects/1/plugin_configs/"
PLUGINS = "/api/organizations/@current/plugins/"


@pytest.fixture(autouse=True)
def clean_cache():
    """The activity poller keeps its backlog in the cache, keyed by connection id, and ids repeat between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_in(db):
    """A test client of its own for each person, so two people can act in one test."""

    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def poll_activity(demo_connection):
    """Run the activity poller against the simulator, as its Celery task does every ten minutes."""
    return lambda: activity_snapshot_poll(connection=demo_connection)


def sim_config(sim, name: str) -> dict:
    configs = sim.call("GET", CONFIGS, params={"limit": 500}).json()["results"]
    return next(config for config in configs if config["name"] == name)


def text(response) -> str:
    return response.content.decode()


def trail_rows_create(
    connection,
    *,
    events: int,
    entries: int,
    minutes_ago: tuple[int, ...],
    actor: Callable[[int], str] = lambda number: "Ada",
    failed: Callable[[int], bool] = lambda number: False,
) -> None:
    """`events` portal writes and `entries` PostHog activity entries (each plugin `number` "updated"), spread in turn
    over the instants `minutes_ago`: rows share a time within and across the trail's two sources."""
    moments = [timezone.now() - timedelta(minutes=minutes) for minutes in minutes_ago]
    AuditEvent.objects.bulk_create(
        AuditEvent(
            created_at=moments[number % len(moments)],
            actor_name=actor(number),
            area="plugins",
            object_id=str(number),
            method="PATCH",
            path=f"{PLUGINS}{number}/",
            outcome="failure" if failed(number) else "success",
        )
        for number in range(events)
    )
    ActivitySnapshot.objects.bulk_create(
        ActivitySnapshot(
            connection=connection,
            scope="Plugin",
            activity_id=str(number),
            item_id=str(number),
            activity="updated",
            created_at=moments[number % len(moments)],
            user_name="Dana",
            entry={"id": str(number), "detail": {"name": f"Plugin {number}"}},
        )
        for number in range(entries)
    )

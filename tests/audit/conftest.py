"""Fixtures of the audit tests: a clean cache for the activity poller, and one signed-in client per person."""

import pytest
from django.core.cache import cache
from django.test import Client

from apps.history.activity import activity_snapshot_poll

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

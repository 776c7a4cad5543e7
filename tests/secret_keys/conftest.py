"""What the secret keys and project administration tests share: an Admin's client, and the proof that a secret
shown once was kept nowhere else."""

import json
import logging

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.forms.models import model_to_dict

from apps.audit.models import AuditEvent

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin(client_as, admin_user, demo_connection):
    return client_as(admin_user)


@pytest.fixture
def all_logs(caplog):
    """Every log record of every logger, DEBUG and up, while the test runs."""
    caplog.set_level(logging.DEBUG)
    return caplog


def text(response) -> str:
    return response.content.decode()


def assert_kept_nowhere(secret: str, *, client, logs) -> None:
    """Not in any audit event, log record, session, cache entry or cookie of the portal."""
    assert secret and len(secret) > 12
    for event in AuditEvent.objects.all():
        assert secret not in json.dumps(model_to_dict(event), default=str), f"audit event {event.pk} holds it"
    assert all(secret not in record.getMessage() for record in logs.records)
    assert secret not in logs.text
    for session in Session.objects.all():
        assert secret not in json.dumps(session.get_decoded(), default=str)
    assert secret not in json.dumps(dict(client.session.items()), default=str)
    assert all(secret.encode() not in value for value in _cached_values())
    assert secret not in client.cookies.output()


def _cached_values() -> list[bytes]:
    """Every value the cache holds, as stored: LocMemCache's pickles, or Redis's (CI runs against a real Redis)."""
    store = cache._cache
    if isinstance(store, dict):
        return list(store.values())
    redis = store.get_client(write=False)
    return [redis.get(key) or b"" for key in redis.scan_iter()]

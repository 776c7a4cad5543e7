"""Production settings pass Django's deployment checks; the real services are used when configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.cache import cache
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("CI_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"CI requires this service: {reason}")
    pytest.skip(reason)


def production_env(**overrides) -> dict:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("POSTHOG_", "SECURE_", "DEBUG", "DJANGO_ALLOW_ASYNC"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=Fernet.generate_key().decode() * 2,
        ALLOWED_HOSTS="portal.example.com",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
    )
    env.update(overrides)
    return env


def run_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_check(production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_without_encryption_keys():
    result = run_check(production_env(FIELD_ENCRYPTION_KEYS=""))
    assert result.returncode != 0 and "portal.W001" in result.stdout + result.stderr


@pytest.mark.django_db
def test_database_is_postgresql_when_configured():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        skip_or_fail("DATABASE_URL does not point at PostgreSQL; the suite ran on SQLite")
    assert connection.vendor == "postgresql"


def test_cache_and_broker_use_redis_when_configured():
    if not os.environ.get("REDIS_URL"):
        skip_or_fail("REDIS_URL is not set; the cache is in-process and tasks run eagerly")
    assert settings.CELERY_BROKER_URL.startswith("redis://") and not settings.CELERY_TASK_ALWAYS_EAGER
    cache.set("portal-test-roundtrip", {"ok": 1}, 10)
    assert cache.get("portal-test-roundtrip") == {"ok": 1}
    from portal.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1)
        assert broker.connected

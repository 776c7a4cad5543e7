import os
import shutil

import pytest
from django.contrib.auth.models import Group

from apps.connections.services import connection_create

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct horse battery staple"
TEST_KEY = "phx_TestPersonalApiKey0123456789abcdef"


def pytest_report_header(config):
    database = os.environ.get("DATABASE_URL", "")
    return [
        f"database: {'PostgreSQL from DATABASE_URL' if database.startswith('postgres') else 'SQLite (DATABASE_URL not set)'}",
        f"broker: {'Redis from REDIS_URL' if os.environ.get('REDIS_URL') else 'none: Redis tests skip (REDIS_URL not set)'}",
        f"browser: {CHROMIUM if shutil.which(CHROMIUM) else 'none: browser tests skip (apt-get install chromium)'}",
    ]


def pytest_configure(config):
    from django.conf import settings

    # Production defaults redirect to HTTPS; the test client and the live server speak plain HTTP.
    # Set here, before the session-wide live server builds its middleware.
    settings.SECURE_SSL_REDIRECT = False
    # Slow password hashing is a defence in production and only a delay here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(django_user_model, username: str, role: str | None):
    user = django_user_model.objects.create_user(username=username, password=PASSWORD)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def viewer(db, django_user_model):
    return make_user(django_user_model, "vera-viewer", "Viewer")


@pytest.fixture
def operator(db, django_user_model):
    return make_user(django_user_model, "otto-operator", "Operator")


@pytest.fixture
def admin_user(db, django_user_model):
    return make_user(django_user_model, "ada-admin", "Admin")


@pytest.fixture
def connection(db, admin_user):
    return connection_create(
        actor=admin_user,
        name="Production",
        host="https://posthog.example.test",
        api_key=TEST_KEY,
        organization_id="org-1",
        project_id="1",
    )


@pytest.fixture
def demo_connection(db, simulator, admin_user):
    """The portal's connection to the simulator's first project, with the all-scopes demo key."""
    from apps.simulator.seed import DEMO_KEY

    return connection_create(
        actor=admin_user,
        name="Simulator",
        host=simulator.url,
        api_key=DEMO_KEY,
        organization_id="@current",
        project_id="1",
    )


@pytest.fixture
def operator_client(client_as, operator, demo_connection):
    return client_as(operator)


@pytest.fixture
def client_as(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def simulator():
    """A fresh PostHog simulator on a local port, with still (not living) data."""
    from apps.simulator.server import SimulatorServer

    with SimulatorServer(seed_random=1234) as server:
        yield server


@pytest.fixture
def sim(simulator):
    """A requests session to the simulator, authenticated with the all-scopes demo key."""
    import requests

    from apps.simulator.seed import DEMO_KEY

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {DEMO_KEY}"
    session.base_url = simulator.url

    def call(method: str, path: str, **kwargs):
        return session.request(method, simulator.url + path, timeout=10, **kwargs)

    session.call = call
    yield session
    session.close()

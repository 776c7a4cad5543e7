import os
import shutil
import tempfile

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
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # A test database in a file (in memory where the machine has /dev/shm), not SQLite's ":memory:": the live
        # server's threads then each open their own connection, as on PostgreSQL and in bin/portal. With ":memory:"
        # Django hands every thread the one connection, and the threads' requests, parallel reads and pollers used it
        # at once (browser tests failed at random on SQLite).
        folder = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
        database.setdefault("TEST", {})["NAME"] = os.path.join(folder, f"portal-test-{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: what one test's pages kept (PostHog's slowly changing answers, keyed
    by connection ids a new database gives out again) must not answer the next test's reads."""
    from django.core.cache import cache

    cache.clear()


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
    """The portal's connection to the simulator's first project, with the demo key."""
    from simulator import DEMO_KEY

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


DEFAULT_BROWSER_PROFILE = "current"


def _simulator_profiles() -> tuple[str, ...]:
    """Every profile, or those SIMULATOR_PROFILES names (comma-separated), for a quicker run against one."""
    from simulator import PROFILES

    wanted = [name.strip() for name in os.environ.get("SIMULATOR_PROFILES", "").split(",") if name.strip()]
    unknown = [name for name in wanted if name not in PROFILES]
    if unknown:
        raise pytest.UsageError(f"SIMULATOR_PROFILES names unknown profiles: {', '.join(unknown)}")
    return tuple(wanted) or tuple(PROFILES)


def pytest_generate_tests(metafunc):
    """A test that uses the simulator runs once per profile (PostHog version); `@pytest.mark.profiles("legacy")`
    keeps it to those named, for behaviour only some versions have."""
    if "simulator_profile" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("profiles")
    chosen = _simulator_profiles()
    profiles = [name for name in chosen if marker is None or name in marker.args]
    if marker is None and "page" in metafunc.fixturenames and len(profiles) > 1:
        # A browser test drives the pages, not PostHog's differences (each has a test without a browser against
        # every profile): it runs against today's PostHog unless it names another, which keeps the suite short.
        profiles = [DEFAULT_BROWSER_PROFILE] if DEFAULT_BROWSER_PROFILE in profiles else profiles[:1]
    if marker is not None and not set(marker.args) <= set(_all_profiles()):
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: unknown profile in {marker.args}")
    if marker is not None and not marker.kwargs.get("reason"):
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: say why it runs against {marker.args} (reason=...)")
    metafunc.parametrize(
        "simulator_profile",
        profiles
        or [
            pytest.param(
                None,
                marks=pytest.mark.skip(
                    reason=f"runs only against {', '.join(marker.args)}; SIMULATOR_PROFILES={','.join(chosen)}"
                ),
            )
        ],
    )


def _all_profiles() -> tuple[str, ...]:
    from simulator import PROFILES

    return tuple(PROFILES)


@pytest.fixture
def simulator(simulator_profile):
    """A fresh PostHog simulator on a local port, playing `simulator_profile`, with still (not living) data."""
    from simulator import SimulatorServer

    with SimulatorServer(profile=simulator_profile, seed_random=1234) as server:
        yield server
        _check_portal_requests(server)


def _check_portal_requests(server) -> None:
    """The request side of the contract: what the portal sent during the test, against PostHog's schemas."""
    from tests.simulator import request_contract, spec

    if spec.spec_missing_reason() is not None:
        return  # the contract tests themselves say so (and fail in CI)
    problems = request_contract.problems_in(server.requests())
    if problems:
        pytest.fail(
            "The portal sent requests PostHog would not understand as sent:\n  " + "\n  ".join(problems),
            pytrace=False,
        )


@pytest.fixture
def sim(simulator):
    """A requests session to the simulator, authenticated with the demo key."""
    import requests

    from simulator import DEMO_KEY

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {DEMO_KEY}"
    session.base_url = simulator.url

    def call(method: str, path: str, **kwargs):
        return session.request(method, simulator.url + path, timeout=10, **kwargs)

    session.call = call
    yield session
    session.close()

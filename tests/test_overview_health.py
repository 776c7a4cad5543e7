"""The home page answers "what is broken and why" first: counts by verdict, the worst items with their last error,
the connection's details folded away below; from stored history, so it answers with PostHog away, and says so
when nothing was polled yet."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.history.models import PollRun
from tests.history.test_health import config, errors

NOW = timezone.now()


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def polled(connection, *, at=NOW - timedelta(minutes=2)) -> PollRun:
    return PollRun.objects.create(
        kind=PollRun.Kind.LOGS, connection=connection, started_at=at, finished_at=at, status=PollRun.Status.OK
    )


@pytest.fixture
def broken(connection):
    """Against a PostHog nobody can reach (the `connection` fixture's host): only stored history can answer."""
    polled(connection, at=NOW - timedelta(days=2))
    polled(connection)
    config(connection, 1, "Calm")
    config(connection, 2, "CRM <sync>", rate=1.0)
    errors(connection, 2, 2, message="HTTP 503 <from> the CRM")
    config(connection, 3, "Broken", rate=0.4)
    config(connection, 4, "No rate", snapshot_at=None)
    return connection


def test_the_first_screen_counts_verdicts_and_lists_the_worst_with_their_last_error(client_as, viewer, broken):
    page = home(client_as(viewer))

    health = page[page.index('id="health"') : page.index("connection-details")]
    counts = dict(
        (verdict, int(n)) for n, verdict in re.findall(r">(\d+) (failing|degraded|unknown|healthy)</a>", health)
    )
    assert counts == {"failing": 1, "degraded": 1, "unknown": 1, "healthy": 1}
    worst = re.findall(r"<li>(.*?)</li>", health, flags=re.S)
    assert len(worst) == 2 and "Broken" in worst[0] and "CRM &lt;sync&gt;" in worst[1]
    # The 100 % config with errors a minute ago: its message is on the page, escaped, and it links to the config.
    assert "HTTP 503 &lt;from&gt; the CRM" in worst[1] and "2 errors in the last hour" in worst[1]
    assert reverse("plugins:config_detail", args=[2]) in worst[1]
    assert "collecting since" in health and reverse("history:pipeline") in health


def test_the_connection_details_are_folded_below_what_is_broken(client_as, viewer, broken):
    page = home(client_as(viewer))

    assert page.index("What needs attention") < page.index('<details class="card connection-details">')
    details = page[page.index('<details class="card connection-details">') :]
    assert "<summary>Connection and project</summary>" in details and "Production" in details.split("</details>")[0]
    # PostHog's own delivery rates are asked for only when someone opens the details, not on every visit.
    assert 'hx-trigger="toggle once from:closest details"' in details


def test_nothing_polled_yet_says_so_rather_than_all_clear(client_as, viewer, connection):
    page = home(client_as(viewer))

    assert "Nothing polled yet" in page and "Nothing is failing" not in page
    assert reverse("history:status") in page


def test_polled_but_nothing_read_says_collecting_since(client_as, viewer, connection):
    run = polled(connection)

    page = home(client_as(viewer))

    assert f'Collecting since <time datetime="{run.started_at.isoformat()}">' in page
    assert "Nothing is failing" not in page


def test_all_healthy_says_nothing_is_failing(client_as, viewer, connection):
    polled(connection)
    config(connection, 1, "Calm")

    page = home(client_as(viewer))

    assert "Nothing is failing or degraded." in page and ">1 healthy</a>" in page


def test_without_a_connection_the_home_page_says_so(client_as, admin_user):
    page = home(client_as(admin_user))
    assert "No PostHog configured" in page and "What needs attention" not in page


def test_the_health_section_refreshes_alone(client_as, viewer, broken):
    response = client_as(viewer).get(reverse("health_summary"), HTTP_HX_REQUEST="true")

    fragment = response.content.decode()
    assert response.status_code == 200 and "What needs attention" in fragment and "<html" not in fragment
    assert "HTTP 503 &lt;from&gt; the CRM" in fragment

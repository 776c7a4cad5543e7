"""The pollers' budget pays for every request they send, the client's retries included: under PostHog's 503s the
retries once went unpaid and took the pollers past their share of the minute (found by bench/chaos.py)."""

import pytest

from apps.history.budget import budget_used
from apps.history.log_poller import log_poll_connection
from apps.history.polling import BUDGET_SPENT

LOGS_PATH = r"/api/projects/[^/]+/plugin_configs/\d+/logs/"
UNAVAILABLE = {"type": "server_error", "detail": "Service unavailable.", "attr": None}

pytestmark = pytest.mark.usefixtures("clock", "first_project_only")


def test_a_retried_read_is_paid_from_the_budget(demo_connection, simulator):
    simulator.script("GET", LOGS_PATH, status=503, body=UNAVAILABLE, times=100)
    simulator.requests_clear()

    result = log_poll_connection(connection=demo_connection)

    served = simulator.requests()
    assert len(served) == 3  # the config list, one log read and its retry
    assert budget_used(connection_id=demo_connection.pk) == len(served)
    assert any("HTTP 503" in error for error in result.errors)


def test_a_retry_the_budget_cannot_pay_is_not_sent(demo_connection, simulator, settings):
    settings.POSTHOG_RATE_LIMIT_PER_MINUTE = 4  # the pollers' half: the config list and one log read
    simulator.script("GET", LOGS_PATH, status=503, body=UNAVAILABLE, times=100)
    simulator.requests_clear()

    result = log_poll_connection(connection=demo_connection)

    assert len(simulator.requests()) == 2
    assert budget_used(connection_id=demo_connection.pk) == 3  # the refused claim counts, as every refusal does
    assert result.errors == [BUDGET_SPENT]

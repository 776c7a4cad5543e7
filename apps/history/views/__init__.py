"""The history pages, by purpose: `stored` (polling status, delivery-rate charts, the log explorer) and `pipeline`
(the pipeline health overview, a hog function's and a batch export's charts)."""

from apps.connections.models import Connection
from apps.connections.request import PortalRequest


def history_connection(request: PortalRequest) -> Connection:
    """The connection whose stored history a page shows."""
    connection = request.posthog.connection
    if connection is None:  # posthog_page answers before any view of stored data runs
        raise LookupError("No PostHog connection is configured.")
    return connection

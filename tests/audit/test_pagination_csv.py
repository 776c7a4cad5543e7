"""Keyset pagination across the portal's events and PostHog's entries, and the streaming CSV export."""

import csv
import io
import re
import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection as database
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.history.models import ActivitySnapshot
from apps.trail.selectors.rows import TrailFilters
from apps.trail.selectors.trail import audit_trail_page
from tests.audit.conftest import text, trail_rows_create

pytestmark = pytest.mark.django_db
CSV_ROWS = 100_000


@pytest.fixture
def mixed_trail(connection):
    """37 portal events and 29 PostHog entries over five instants: many rows share a time, across both sources."""
    trail_rows_create(
        connection,
        events=37,
        entries=29,
        minutes_ago=(1, 2, 3, 5, 8),
        actor=lambda number: f"person-{number % 3}",
        failed=lambda number: number % 4 == 0,
    )
    everything = {("portal", pk) for pk in AuditEvent.objects.filter(area="plugins").values_list("pk", flat=True)}
    return everything | {("posthog", pk) for pk in ActivitySnapshot.objects.values_list("pk", flat=True)}


def walk(filters: TrailFilters, limit: int) -> list:
    rows, position, pages = [], None, 0
    while True:
        page = audit_trail_page(filters=filters, cursor=position, limit=limit)
        rows += page.items
        position = page.next
        pages += 1
        assert pages < 100
        if position is None:
            return rows


def test_keyset_pages_across_both_sources_return_every_row_once_in_order(mixed_trail):
    for limit in (1, 7, 10, 66, 100):
        rows = walk(TrailFilters(area="plugins"), limit)
        seen = [(row.source, row.id) for row in rows]
        assert len(seen) == len(set(seen)) == len(mixed_trail) and set(seen) == mixed_trail
        keys = [row.key for row in rows]
        assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)

    succeeded = walk(TrailFilters(area="plugins", outcome="success"), 4)
    assert len(succeeded) == len(mixed_trail) - 10  # every fourth portal event failed; PostHog's all happened


def test_the_page_follows_older_links_without_offset(mixed_trail, client_as, viewer):
    client = client_as(viewer)
    url, seen = f"{reverse('trail:list')}?area=plugins", []
    with CaptureQueriesContext(database) as queries:
        while url:
            page = text(client.get(url))
            seen += page.split('class="audit-row audit-')[1:]
            older = re.search(r'href="([^"]*)" rel="next"', page)
            url = reverse("trail:list") + older[1].replace("&amp;", "&") if older else ""
    assert len(seen) == len(mixed_trail)
    assert not any("OFFSET" in query["sql"].upper() for query in queries.captured_queries)


def events_bulk_create(count: int) -> None:
    """`count` events fast: a thousand through the ORM, then copied by the database in one statement."""
    start = timezone.now() - timedelta(days=1)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            created_at=start + timedelta(seconds=number),
            actor_name='=HYPERLINK("http://evil")' if number == 0 else f"person-{number % 50}",
            connection_name="Production",
            area="plugin_configs",
            object_id=str(number % 400),
            method="PATCH",
            path=f"/api/projects/1/plugin_configs/{number % 400}/",
            status_code=200,
            outcome="success",
            request_body={"enabled": number % 2 == 0},
        )
        for number in range(1000)
    )
    columns = "created_at, actor_name, connection_name, area, object_id, method, path, status_code, outcome, "
    columns += "request_body, error, duration_ms"
    with database.cursor() as cursor:
        cursor.execute(
            f"""WITH RECURSIVE copies(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM copies WHERE n < %s)
            INSERT INTO audit_auditevent ({columns})
            SELECT {columns.replace("actor_name", "'person-copy'")} FROM audit_auditevent, copies
            WHERE area = 'plugin_configs'""",
            [count // 1000 - 1],
        )
    assert AuditEvent.objects.filter(area="plugin_configs").count() == count


def test_csv_of_100000_events_streams_without_loading_them(client_as, viewer, connection):
    events_bulk_create(CSV_ROWS)
    start = timezone.now() - timedelta(days=1)
    ActivitySnapshot.objects.create(
        connection=connection,
        scope="PluginConfig",
        activity_id="1",
        item_id="3",
        activity="enabled",
        created_at=start + timedelta(milliseconds=50_000, microseconds=500),
        user_name="Dana",
        entry={},
    )
    client = client_as(viewer)

    tracemalloc.start()
    try:
        response = client.get(reverse("trail:export"))
        assert isinstance(response, StreamingHttpResponse)
        size, lines, first_lines, previous = 0, 0, [], "9999"
        for chunk in response.streaming_content:
            size += len(chunk)
            for line in chunk.decode().splitlines():
                lines += 1
                if lines <= 3:
                    first_lines.append(line)
                at = line[:26]  # every time has microseconds here: the text sorts as the time does
                assert lines == 1 or at <= previous  # newest first, across both sources
                previous = at
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert lines == 1 + AuditEvent.objects.count() + ActivitySnapshot.objects.count()  # the header, every row
    assert size > 10_000_000 and peak < 8_000_000, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB CSV"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail_start_to_now.csv"')
    header = next(csv.reader(io.StringIO(first_lines[0])))
    assert header[:4] == ["time_utc", "source", "person", "posthog_credits"]
    exported = client.get(reverse("trail:export"), {"search": "evil"})
    (row,) = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))[1:]
    assert row[2] == '\'=HYPERLINK("http://evil")'  # a spreadsheet must not run it
    only_posthog = b"".join(client.get(reverse("trail:export"), {"source": "posthog"}).streaming_content).decode()
    assert only_posthog.count("\n") == 2 and ",posthog,Dana,Dana," in only_posthog
    assert client.get(reverse("trail:export"), {"after": "nonsense"}).status_code == 400

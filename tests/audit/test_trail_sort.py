"""The audit trail sorts by time on the server (`?sort=time&dir=asc|desc`): the header's link turns the order, the
older/later links page on in that order across both sources, and anything else asked for is the newest first."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.trail.selectors.rows import TrailFilters
from apps.trail.selectors.trail import audit_trail_page
from tests.audit.conftest import text, trail_rows_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def tied_trail(connection):
    """23 portal writes and 19 PostHog entries over four instants: rows share a time within and across sources."""
    trail_rows_create(connection, events=23, entries=19, minutes_ago=(1, 2, 4, 7))
    return 42


def time_header(html: str) -> tuple[str, str]:
    """The time column's aria-sort and its link, as a person (or a screen reader) finds them."""
    found = re.search(r'<th scope="col" class="col-time" aria-sort="(\w+)"><a class="sort-button" href="([^"]+)"', html)
    assert found, "the time header is a sort link"
    return found[1], unescape(found[2])


def entries_of(response) -> list[tuple]:
    return [(row.source, row.id, row.at) for row in response.context["rows"]]


def test_the_time_header_turns_the_order_and_later_pages_follow_it(client_as, viewer, tied_trail):
    client = client_as(viewer)
    newest = client.get(reverse("trail:list"), {"area": "plugins"})
    aria, link = time_header(text(newest))
    assert aria == "descending" and "Newest first" in text(newest)
    newest_times = [at for _, _, at in entries_of(newest)]
    assert newest_times == sorted(newest_times, reverse=True)

    # Clicking the header: oldest first, the filter kept, back on the first page.
    assert "area=plugins" in link and "sort=time" in link and "dir=asc" in link and "cursor" not in link
    url, seen, pages = reverse("trail:list") + link, [], 0
    while url:
        response = client.get(url)
        html = text(response)
        assert time_header(html)[0] == "ascending" and "Oldest first" in html
        seen += entries_of(response)
        pages += 1
        later = re.search(r'href="([^"]*)" rel="next">Later entries<', html)
        url = reverse("trail:list") + unescape(later[1]) if later else ""
        if later:
            assert "dir=asc" in later[1] and "area=plugins" in later[1]
        assert pages < 10
    assert pages == 1  # 42 rows fit a page of 50; the selector's own test walks small pages
    assert len(seen) == len({(source, pk) for source, pk, _ in seen}) == tied_trail
    times = [at for _, _, at in seen]
    assert times == sorted(times)
    assert "No later entries" in html

    # The header now turns it back to the newest first.
    assert "dir=desc" in time_header(html)[1]


def walk(limit: int, *, oldest_first: bool) -> list:
    rows, position, pages = [], None, 0
    while True:
        page = audit_trail_page(
            filters=TrailFilters(area="plugins"), cursor=position, limit=limit, oldest_first=oldest_first
        )
        rows += page.items
        position, pages = page.next, pages + 1
        assert pages < 100
        if position is None:
            return rows


def test_pages_oldest_first_return_every_row_once_in_order_whatever_their_size(tied_trail):
    newest_first = walk(100, oldest_first=False)
    for limit in (1, 4, 5, 11, 41, 42, 43):
        rows = walk(limit, oldest_first=True)
        keys = [row.key for row in rows]
        assert len(keys) == len(set(keys)) == tied_trail
        assert keys == sorted(keys)
        assert rows == newest_first[::-1]  # ties (time, source, id) exactly reversed


def test_paging_oldest_first_through_the_page_links(client_as, viewer, connection, monkeypatch):
    monkeypatch.setattr("apps.trail.views.PAGE_SIZE", 4)
    at = timezone.now() - timedelta(minutes=5)
    AuditEvent.objects.bulk_create(
        AuditEvent(created_at=at + timedelta(seconds=n // 3), actor_name="Ada", area="plugins", method="PATCH")
        for n in range(14)
    )
    client = client_as(viewer)
    url, seen = reverse("trail:list") + "?sort=time&dir=asc", []
    while url:
        html = text(response := client.get(url))
        seen += [pk for _, pk, _ in entries_of(response)]
        later = re.search(r'href="([^"]*)" rel="next"', html)
        url = reverse("trail:list") + unescape(later[1]) if later else ""
    assert seen == list(AuditEvent.objects.order_by("created_at", "id").values_list("pk", flat=True))
    assert "back to the oldest" in html


@pytest.mark.parametrize("asked", [{"sort": "drop table"}, {"sort": "time", "dir": "sideways"}, {"sort": "actor"}])
def test_a_sort_the_trail_does_not_offer_is_the_newest_first(client_as, viewer, tied_trail, asked):
    client = client_as(viewer)
    default = entries_of(client.get(reverse("trail:list")))
    response = client.get(reverse("trail:list"), asked)
    assert response.status_code == 200
    assert entries_of(response) == default
    assert time_header(text(response))[0] == "descending"

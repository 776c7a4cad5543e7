"""The groups list keeps PostHog's order: PostHog's list takes no ordering (ee/clickhouse/views/groups.py), so a list
longer than a page says it cannot be sorted, and a `?sort=` asked for changes nothing (and is not sent on)."""

import pytest
from django.urls import reverse

from tests.groups.conftest import COMPANY, GROUPS, served, text

pytestmark = pytest.mark.django_db
NOTE = "PostHog lists companies newest first and can't sort them"


def keys(html: str) -> list[str]:
    return [part.split(">", 1)[1].split("<", 1)[0] for part in html.split('class="group-key"')[1:]]


def test_a_list_longer_than_a_page_says_why_it_is_not_sorted(viewer_client, sim, simulator):
    assert NOTE not in text(viewer_client.get(reverse("groups:list")))  # every row on the page: the browser sorts it
    for number in range(110):
        body = {"group_type_index": COMPANY, "group_key": f"extra-{number:03}", "group_properties": {}}
        assert sim.call("POST", GROUPS, json=body).status_code == 201
    page = text(viewer_client.get(reverse("groups:list")))
    assert NOTE in page and "aria-sort" not in page

    asked = text(viewer_client.get(reverse("groups:list"), {"sort": "key", "dir": "asc"}))
    assert asked.count('class="group-key"') == 100 and keys(asked) == keys(page)
    query = served(simulator, "GET", GROUPS)[-1]["query"]
    assert "sort" not in query and "ordering" not in query

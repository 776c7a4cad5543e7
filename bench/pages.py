"""Every page reachable from the overview, as an Admin: how many PostHog round trips each waits for in turn.

The portal runs in this process (Django's test client, signed in as an Admin) against the simulator served over
HTTP. A crawl from "/" follows every link and `hx-get` within the portal (GET only; at most PER_VIEW pages of
one view, MAX_PAGES in all), with the sweeps' crawler (tests/crawl.py). Then each page is viewed twice with the
simulator answering at once (the first view timed, the second counting what a cache saves) and once more with
LATENCY_MS added to every answer. Each first view starts from an empty cache and a fresh sign-in, so the two
timed views do the same reads. (t_latency − t_0) / LATENCY_MS is how many round trips the page waited for one
after another: reads issued together count once. Requests are counted from the simulator's request log.
"""

import logging
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench import common

LATENCY_MS = 250
PER_VIEW = 4
MAX_PAGES = 150
GOAL_ROUND_TRIPS = 1.2
GOAL_PAGE_MS = 60.0
HOST = "localhost"


@dataclass(frozen=True)
class Page:
    url: str
    pattern: str
    status: int
    ms_at_0: float
    ms_at_latency: float
    requests: int
    second_view_requests: int

    @property
    def round_trips(self) -> float:
        return max(0.0, (self.ms_at_latency - self.ms_at_0) / LATENCY_MS)


def run(options) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from apps.connections.services import connection_create
    from simulator import KEYS
    from simulator.core.server import SimulatorServer

    logging.getLogger("portal.posthog").setLevel(logging.WARNING)  # a line per request would bury the figures
    admin = get_user_model().objects.create_user(username="bench-admin", password="bench-admin-password")
    admin.groups.add(Group.objects.get(name="Admin"))
    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    with SimulatorServer(seed_random=3) as server:
        connection_create(
            actor=admin,
            name="Bench",
            host=server.url,
            api_key=KEYS.demo,
            organization_id="@current",
            project_id="1",
        )
        client.force_login(admin)
        urls = _crawl(client)
        print(f"\n## pages: {len(urls)} pages reachable from the overview, simulator latency 0 and {LATENCY_MS} ms")
        pages = [_measure(client, admin, server, url, pattern) for url, pattern in urls]
    _print(pages)


def _crawl(client) -> list[tuple[str, str]]:
    """(URL, its URL pattern) of every page reachable from "/", breadth first, GET only (tests/crawl.py), at most
    MAX_PAGES."""
    from django.urls import resolve

    from tests.crawl import crawl, links_in

    found: list[tuple[str, str]] = []

    def visit(url: str) -> list[str]:
        if len(found) >= MAX_PAGES:
            return []
        response = _get(client, url)
        found.append((url, resolve(urlsplit(url).path).route))
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            return []
        return [value for _name, value in links_in(response.content.decode())]

    crawl(["/"], visit, per_view=PER_VIEW, host=HOST, skip=lambda path: "logout" in path, count_starts=False)
    return found


def _get(client, url: str):
    from tests.crawl import htmx_only

    return client.get(url, secure=True, HTTP_HX_REQUEST="true" if htmx_only(url) else None)


def _measure(client, admin, server, url: str, pattern: str) -> Page:
    _fresh(client, admin)
    server.faults_set(latency_ms=0)
    server.requests_clear()
    started = time.perf_counter()
    status = _get(client, url).status_code
    ms_at_0 = (time.perf_counter() - started) * 1000
    requests = len(server.requests())
    server.requests_clear()
    _get(client, url)
    second = len(server.requests())
    _fresh(client, admin)
    server.faults_set(latency_ms=LATENCY_MS)
    started = time.perf_counter()
    _get(client, url)
    ms_at_latency = (time.perf_counter() - started) * 1000
    server.faults_set(latency_ms=0)
    return Page(url, pattern, status, ms_at_0, ms_at_latency, requests, second)


def _fresh(client, admin) -> None:
    """An empty cache (whatever the portal keeps there) and a new sign-in, whose session the cache may have held."""
    from django.core.cache import cache

    cache.clear()
    client.force_login(admin)


def _print(pages: list[Page]) -> None:
    by_pattern: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        by_pattern[page.pattern or "/"].append(page)
    rows = sorted(by_pattern.items(), key=lambda item: (-max(p.round_trips for p in item[1]), item[0]))
    print(
        f"\n| URL pattern | pages | round trips (max) | ms at 0 ms (median) | ms at {LATENCY_MS} ms (median) "
        "| requests (max) | second view (max) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for pattern, group in rows:
        print(
            f"| `{pattern}` | {len(group)} | {max(p.round_trips for p in group):.2f} "
            f"| {statistics.median(p.ms_at_0 for p in group):.0f} "
            f"| {statistics.median(p.ms_at_latency for p in group):.0f} "
            f"| {max(p.requests for p in group)} | {max(p.second_view_requests for p in group)} |"
        )
    failed = [page for page in pages if page.status >= 500]
    trips = [page.round_trips for page in pages]
    lists = [page for page in pages if "<" not in page.pattern and "?" not in page.url]
    print(f"\npages: {len(pages)}, URL patterns: {len(by_pattern)}, answered 5xx: {len(failed)}")
    for page in failed:
        print(f"  {page.status} {page.url}")
    print(
        f"round trips a page: median {common.p50(trips):.2f}, max {max(trips):.2f} (goal ≤ {GOAL_ROUND_TRIPS}); "
        f"pages over the goal: {sum(1 for trip in trips if trip > GOAL_ROUND_TRIPS)}"
    )
    print(
        f"page time at 0 ms latency: median {common.p50([p.ms_at_0 for p in pages]):.0f} ms (goal < {GOAL_PAGE_MS:.0f})"
    )
    print(
        f"PostHog requests a page: median {common.p50([p.requests for p in pages]):.0f}, "
        f"max {max(p.requests for p in pages)}; second view of a list page ({len(lists)}): "
        f"median {common.p50([p.second_view_requests for p in lists] or [0]):.0f}, "
        f"max {max((p.second_view_requests for p in lists), default=0)}"
    )

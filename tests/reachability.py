"""Crawling the portal's pages the way a person clicks through them, to prove endpoints.tsv rows are reachable.

An area's reachability test maps each of its rows to the portal view that makes the call, crawls from a start
page signed in as an Admin, then checks that every view was linked from some page and every read reached the
simulator. The writes behind those views are tested one by one in the area's own tests.
"""

import re
from urllib.parse import urljoin

from tests.crawl import FOLLOWED, htmx_only, links_in, view_name
from tests.crawl import crawl as shared_crawl
from tests.simulator.spec import rows, skip_or_fail, spec_missing_reason

URL_ATTRIBUTES = ("href", "action", "hx-get", "hx-post", "hx-patch", "hx-delete")


def area_rows(*areas: str) -> set[tuple[str, str]]:
    """(method, path) of the endpoints.tsv rows of these areas; skips (or fails in CI) without ../shared."""
    if reason := spec_missing_reason():
        skip_or_fail(reason)
    return {row.key for row in rows() if row.area in areas}


def crawl(client, *, namespaces: tuple[str, ...], start: str = "/", per_view: int = 60) -> dict[str, str]:
    """{portal view name: first URL seen for it} within `namespaces`, through every link, form and htmx attribute
    of the pages, visiting (GET) up to `per_view` URLs of every view (tests/crawl.py). Fails on any page that
    answers 500."""
    seen: dict[str, str] = {}
    prefixes = tuple(f"{namespace}:" for namespace in namespaces)

    def visit(url: str) -> list[str]:
        response = client.get(url, HTTP_HX_REQUEST="true" if htmx_only(url) else None)
        # 403/404: PostHog refused or lacks it, said politely. No 5xx: a page never fails because PostHog refused
        # one of its reads (502 stands only for PostHog failing, which the crawls never make it do).
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            return []
        body = response.content.decode()
        # A template comment that spans lines (`{# … #}` is one line only in Django) ends up on the page as text.
        assert "{#" not in body and "#}" not in body, f"{url} shows a template comment as text"
        followed = []
        for attribute, value in links_in(body, URL_ATTRIBUTES):
            target = urljoin(url, value)
            name = view_name(target)
            if name is None or not name.startswith(prefixes):
                continue
            seen.setdefault(name, target)
            if attribute in FOLLOWED:
                followed.append(value)
        return followed

    shared_crawl([start], visit, per_view=per_view, count_starts=False)
    return seen


def unlinked_views(found: dict[str, str], view_of_row: dict[tuple[str, str], str]) -> list[str]:
    return sorted(set(view_of_row.values()) - set(found))


def unread_rows(simulator, view_of_row: dict[tuple[str, str], str], *, except_rows=frozenset()) -> list[str]:
    """GET rows (path templates) the simulator never served during the crawl."""
    served = {(entry["method"], entry["path"]) for entry in simulator.requests()}
    missing = []
    for method, template in view_of_row:
        if method != "GET" or (method, template) in except_rows:
            continue
        pattern = re.compile("^" + re.sub(r":\w+", "[^/]+", template) + "$")
        if not any(m == method and pattern.match(path) for m, path in served):
            missing.append(template)
    return missing

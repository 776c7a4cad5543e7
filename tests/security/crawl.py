"""Visiting every page of the portal as one person: each GET URL pattern (tests/security/urls.py) and the links
and htmx fragments those pages point to, each view a few times, the bodies handed to a check."""

from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

from tests.reachability import HTMX_ONLY_PARTS
from tests.security.urls import UrlCase

FOLLOWED = ("href", "hx-get")


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser would read them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, [(name, value or "") for name, value in attrs]))

    handle_startendtag = handle_starttag


def tags_of(body: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = Tags()
    parser.feed(body)
    return parser.tags


def crawl_pages(
    client, cases: Iterable[UrlCase], *, per_view: int, check: Callable[[str, str, str], list[str]]
) -> tuple[int, list[str]]:
    """(pages answered, problems): `check(url, body, content type)` of every page reached; a 5xx is a problem too."""
    queue = [case.url for case in cases if "GET" in case.methods]
    queued, visits, problems, visited = set(queue), {}, [], 0
    while queue:
        url = queue.pop(0)
        htmx = any(part in url for part in HTMX_ONLY_PARTS)
        response = client.get(url, HTTP_HX_REQUEST="true" if htmx else None)
        visited += response.status_code == 200  # a redirect (to sign in, to set up two-factor) shows nothing
        if response.status_code >= 500:
            problems.append(f"{url} answered {response.status_code}")
        if response.streaming:
            body = b"".join(response.streaming_content).decode()
        else:
            body = response.content.decode()
        content_type = response.headers.get("Content-Type", "")
        problems.extend(check(url, body, content_type))
        if "html" not in content_type:
            continue
        for _tag, attributes in tags_of(body):
            for name, value in attributes:
                if name not in FOLLOWED or not value:
                    continue
                parts = urlsplit(urljoin(url, value))
                if parts.netloc not in ("", "testserver"):
                    continue
                local = parts.path + (f"?{parts.query}" if parts.query else "")
                try:
                    view = resolve(parts.path).view_name
                except Resolver404:
                    continue
                if local in queued or visits.get(view, 0) >= per_view:
                    continue
                visits[view] = visits.get(view, 0) + 1
                queued.add(local)
                queue.append(local)
    return visited, problems

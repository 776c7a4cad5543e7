"""Visiting every page of the portal as one person: the one crawl every sweep shares (`crawl`). It follows the
links and htmx fragments the pages show, breadth first, at most `per_view` URLs a view. How a page is visited, and
what is checked in it, is the caller's:

- `crawl_pages`: from each GET URL pattern (tests/security/urls.py) with the Django test client, each body handed to
  a check (tests/security: secrets, payloads);
- `browse_pages`: one browser page on the live server, each opened page handed to a check (axe in light and dark,
  the phone-width measures);
- tests/reachability.py (which views the pages link to), tests/test_form_fuzz.py (the forms the pages hold) and
  bench/pages.py (every page's round trips) visit with the test client from the overview.
"""

from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve

from tests.security.urls import UrlCase

FOLLOWED = ("href", "hx-get")
# Fragments that answer only htmx requests.
HTMX_ONLY_PARTS = ("/activity/", "/usage/")
# A browser opens pages, not downloads, files or fragments that answer htmx only (the test client asks for those
# with HX-Request and checks them too).
NOT_PAGES = (".csv", ".svg", ".json")

# Waits for the fragments a page loads as it opens (hx-trigger="load": the project picker, activity, charts).
SETTLE = """async () => {
  for (let waited = 0; waited < 3000; waited += 50) {
    await new Promise((done) => setTimeout(done, 50));
    if (!document.querySelector(".htmx-request")) return;
  }
}"""
# The links and htmx fragments of the open page, as the browser resolves them.
LINKS = """() => [...document.querySelectorAll("[href], [hx-get]")]
  .map((el) => new URL(el.getAttribute("hx-get") || el.getAttribute("href"), location.href).href)"""


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


def links_in(body: str, attributes: Iterable[str] = FOLLOWED) -> list[tuple[str, str]]:
    """(attribute, URL as written) of every one of `attributes` in the page, in page order."""
    wanted = set(attributes)
    return [(name, value) for _tag, found in tags_of(body) for name, value in found if name in wanted and value]


def htmx_only(url: str) -> bool:
    """Whether the URL is a fragment that answers only htmx requests (the test client asks for it as htmx does)."""
    return any(part in url for part in HTMX_ONLY_PARTS)


def view_name(url: str, *, host: str = "testserver") -> str | None:
    """The portal view serving `url` (a path, or a URL on `host`), or None for one the portal does not serve."""
    parts = urlsplit(url)
    if parts.netloc not in ("", host):
        return None
    try:
        return resolve(parts.path).view_name
    except Resolver404:
        return None


def crawl(
    starts: Iterable[str],
    visit: Callable[[str], Iterable[str]],
    *,
    per_view: int,
    host: str = "testserver",
    skip: Callable[[str], bool] | None = None,
    count_starts: bool = True,
) -> None:
    """Visits each start URL, then each local URL the visits return (`visit(url)` gives the links of that page),
    at most `per_view` a view. Starts count towards their view's share unless `count_starts` is False (every
    pattern then is visited and as many more URLs of its view as the pages link to). `skip(path)` leaves a
    path out."""
    queue: list[str] = []
    queued: set[str] = set()
    views: dict[str, int] = {}

    def enqueue(base: str, value: str, counted: bool) -> None:
        target = urljoin(base, value)
        parts = urlsplit(target)
        view = view_name(target, host=host)
        if view is None or (skip and skip(parts.path)):
            return
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local in queued or (counted and views.get(view, 0) >= per_view):
            return
        if counted:
            views[view] = views.get(view, 0) + 1
        queued.add(local)
        queue.append(local)

    for url in starts:
        enqueue("/", url, count_starts)
    while queue:
        url = queue.pop(0)
        for value in visit(url):
            if value:
                enqueue(url, value, True)


def crawl_pages(
    client, cases: Iterable[UrlCase], *, per_view: int, check: Callable[[str, str, str], list[str]]
) -> tuple[int, list[str]]:
    """(pages answered, problems): `check(url, body, content type)` of every page reached with the test client,
    htmx fragments asked for as htmx asks; a 5xx is a problem too."""
    found = {"visited": 0, "problems": []}

    def visit(url: str) -> list[str]:
        response = client.get(url, HTTP_HX_REQUEST="true" if htmx_only(url) else None)
        found["visited"] += response.status_code == 200  # a redirect (to sign in, to set up two-factor) shows nothing
        if response.status_code >= 500:
            found["problems"].append(f"{url} answered {response.status_code}")
        if response.streaming:
            body = b"".join(response.streaming_content).decode()
        else:
            body = response.content.decode()
        content_type = response.headers.get("Content-Type", "")
        found["problems"].extend(check(url, body, content_type))
        if "html" not in content_type:
            return []
        return [value for _name, value in links_in(body)]

    starts = [case.url for case in cases if "GET" in case.methods]
    crawl(starts, visit, per_view=per_view, count_starts=False)
    return found["visited"], found["problems"]


def _not_a_page(path: str) -> bool:
    return path.endswith(NOT_PAGES) or path.startswith("/static/") or htmx_only(path)


def browse_pages(
    page,
    live_url: str,
    starts: Iterable[str],
    *,
    per_view: int,
    check: Callable[[str], list[str] | None],
    wait_until: str = "load",
) -> tuple[int, list[str]]:
    """(pages checked, problems) opening every start URL and up to `per_view` URLs a view the pages link to, in one
    browser page: `check(url)` looks at the open page once its fragments have loaded (None: not a page, such as a
    fragment opened on its own: neither counted nor followed); a 5xx is a problem too."""
    found = {"checked": 0, "problems": []}

    def visit(url: str) -> list[str]:
        response = page.goto(live_url + url, wait_until=wait_until)
        if response is None or "html" not in response.headers.get("content-type", ""):
            return []
        if response.status >= 500:
            found["problems"].append(f"{url} answered {response.status}")
            return []
        page.evaluate(SETTLE)
        said = check(url)
        if said is None:
            return []
        found["checked"] += 1
        found["problems"].extend(said)
        return page.evaluate(LINKS)

    crawl(starts, visit, per_view=per_view, host=urlsplit(live_url).netloc, skip=_not_a_page)
    return found["checked"], found["problems"]

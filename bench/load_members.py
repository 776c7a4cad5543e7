"""The load bench's team members: each a thread with its own signed-in `requests.Session`, clicking through the
main pages as a browser does (the page, then the parts it loads itself with htmx), and, for Operators and Admins,
now and then writing through the portal's own forms with their CSRF token: an annotation created or edited, a
plugin config disabled or enabled with the list's switch.

A member waits a few seconds between clicks (THINK_SECONDS), as a person reading the page does.
"""

import html
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

THINK_SECONDS = (1.0, 5.0)
WRITE_SHARE = 0.15  # of a writing member's clicks
TIMEOUT = 60
# What htmx fetches as soon as a page is shown (hx-trigger="load"): the connection switcher's scope picker on
# every page, the overview's project summary, a list's last errors, ...
LOADS_ITSELF = re.compile(r"<[^>]*\bhx-get=\"([^\"]+)\"[^>]*\bhx-trigger=\"load\b")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    kind: str  # "page", "view" (the page with the parts it loads), "part", "write", "sign-in"
    what: str
    ms: float
    ok: bool
    status: int


@dataclass
class Member:
    base_url: str
    username: str
    password: str
    role: str
    pages: list[str]
    config_ids: list[int]
    seed: int
    samples: list[Sample] = field(default_factory=list)
    annotations: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)
        self.session = requests.Session()
        # As a browser does, a request sent on a kept-alive connection the server had just closed (gunicorn closes
        # idle ones after `keepalive` seconds, about a member's pause) is sent again once on a new connection.
        # Answers are never retried: an error status counts as it came.
        again = Retry(total=1, connect=1, read=1, status=0, other=0, redirect=0, allowed_methods=None)
        self.session.mount("http://", HTTPAdapter(max_retries=again))
        self.parts = ThreadPoolExecutor(max_workers=4)  # a browser's few connections to one host

    @property
    def writes(self) -> bool:
        return self.role in ("Operator", "Admin")

    def sign_in(self) -> bool:
        login = f"{self.base_url}/accounts/login/"
        started = time.perf_counter()
        page = self.session.get(login, timeout=TIMEOUT)
        answer = self.session.post(
            login,
            data={"username": self.username, "password": self.password, "csrfmiddlewaretoken": _csrf(page.text)},
            headers={"Referer": login},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        ok = answer.status_code == 302 and "/accounts/login/" not in answer.headers.get("Location", "")
        self._note("sign-in", "/accounts/login/", started, ok, answer.status_code)
        return ok

    def browse(self, *, until: float) -> None:
        """Click until `until` (time.monotonic())."""
        while time.monotonic() < until:
            try:
                if self.writes and self.random.random() < WRITE_SHARE:
                    self._write()
                else:
                    self.view(self.random.choice(self.pages))
            except requests.RequestException as error:
                self.samples.append(Sample("page", type(error).__name__, TIMEOUT * 1000, False, 0))
            time.sleep(min(max(0.0, until - time.monotonic()), self.random.uniform(*THINK_SECONDS)))

    def view(self, path: str) -> None:
        """The page, then what it loads itself, together as a browser would; the view is done when the last is."""
        started = time.perf_counter()
        page = self.session.get(f"{self.base_url}{path}", timeout=TIMEOUT)
        ok = page.status_code == 200
        self._note("page", path, started, ok, page.status_code)
        parts = [html.unescape(url) for url in LOADS_ITSELF.findall(page.text)] if ok else []
        all_ok = ok and all(self.parts.map(self._part, parts))
        self._note("view", path, started, all_ok, page.status_code)

    def _part(self, url: str) -> bool:
        started = time.perf_counter()
        answer = self.session.get(f"{self.base_url}{url}", headers={"HX-Request": "true"}, timeout=TIMEOUT)
        ok = answer.status_code in (200, 204, 286)
        self._note("part", url.split("?")[0], started, ok, answer.status_code)
        return ok

    def _write(self) -> None:
        choice = self.random.random()
        if choice < 0.4 or (choice < 0.7 and not self.annotations):
            self._annotation_create()
        elif choice < 0.7:
            self._annotation_edit(self.random.choice(self.annotations))
        else:
            self._config_switch(self.random.choice(self.config_ids))

    def _annotation_create(self) -> None:
        form_url = f"{self.base_url}/annotations/new/"
        form = self.session.get(form_url, timeout=TIMEOUT)
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()
        data = {"content": f"Load test by {self.username}", "date_marker": now, "scope": "project"}
        location = self._form_post(form_url, form.text, data, what="annotation create")
        if match := re.match(r"/annotations/(\d+)/$", location or ""):
            self.annotations.append(int(match.group(1)))
            self.view(location or "")

    def _annotation_edit(self, annotation_id: int) -> None:
        form_url = f"{self.base_url}/annotations/{annotation_id}/edit/"
        form = self.session.get(form_url, timeout=TIMEOUT)
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat()
        data = {"content": f"Load test by {self.username}, edited {now}", "date_marker": now, "scope": "project"}
        location = self._form_post(form_url, form.text, data, what="annotation edit")
        if location:
            self.view(location)

    def _form_post(self, url: str, form_html: str, data: dict, *, what: str) -> str | None:
        """Post a form as its page's browser would; the page it redirects to (the write done) or None."""
        started = time.perf_counter()
        answer = self.session.post(
            url,
            data={**data, "csrfmiddlewaretoken": _csrf(form_html)},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        ok = answer.status_code == 302
        self._note("write", what, started, ok, answer.status_code)
        return answer.headers["Location"] if ok else None

    def _config_switch(self, config_id: int) -> None:
        """The list's switch: an htmx POST with the CSRF header the page's <body> sets (templates/base.html)."""
        configs = f"{self.base_url}/plugin-configs/"
        enabled = self.random.random() < 0.5
        started = time.perf_counter()
        answer = self.session.post(
            f"{configs}{config_id}/enabled/",
            data={"enabled": "true" if enabled else "false"},
            headers={
                "HX-Request": "true",
                "X-CSRFToken": self.session.cookies.get("csrftoken", ""),
                "Referer": configs,
            },
            timeout=TIMEOUT,
        )
        # Done when the list comes back with the success toast (htmx's HX-Trigger event, or in the page); PostHog's
        # refusal is a banner in the same list instead.
        said = answer.text + answer.headers.get("HX-Trigger", "")
        ok = answer.status_code == 200 and f"{'enabled' if enabled else 'disabled'}." in said
        self._note("write", "config switch", started, ok, answer.status_code)

    def _note(self, kind: str, what: str, started: float, ok: bool, status: int) -> None:
        self.samples.append(Sample(kind, what, (time.perf_counter() - started) * 1000, ok, status))


def _csrf(page: str) -> str:
    match = CSRF_FIELD.search(page)
    return match.group(1) if match else ""

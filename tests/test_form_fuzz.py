"""Bad input is never a 500: every form the portal shows an Admin, posted with what no browser sends.

The crawl signs in as an Admin against the simulator, opens every page it can reach from the overview, and reads
each page's forms (and htmx buttons that post) with their fields as rendered. Each POST target is then sent, with
the form's own values and one field replaced: a 2 MB value, JSON nested 60,000 deep, bytes that are not UTF-8, and
the field left out; once per target also a JSON body, a text/plain body and no fields at all. Every other URL
pattern (those no form posts to, and those no page links to, with path parameters filled in) gets the three
per-target posts. Every answer must be below 500 and no exception may escape a view; failures are collected and
reported together.
"""

import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone

from apps.alerts.models import Alert, AlertRule, Channel
from tests.crawl import crawl, htmx_only, view_name

pytestmark = pytest.mark.django_db

HUGE = "x" * (2 * 1024 * 1024)
# Deep enough for Python's recursion limit, short enough for a field of 65,536 characters (a group property value).
NESTED = "[" * 60_000
NOT_UTF8 = b"\xff\xfe\xfa caf\xe9 \xc3\x28"
BOUNDARY = "fuzzFUZZfuzz"
POST_ATTRIBUTES = ("hx-post", "hx-patch", "hx-put", "hx-delete")
# Targets that end the session or the objects the other targets need: sent last.
DESTRUCTIVE = ("delete", "logout", "roll", "reset", "active", "connections:", "switch")
PAGES_PER_VIEW = 2  # two, so both kinds of cohort form are seen
FORMS_PER_VIEW = 3
# The whole sweep's time budget (about 25 s here): a field whose check is slow on 2 MB would show up as a breach.
BUDGET_SECONDS = 120
# Path parameters for a URL pattern no page links to (undo tokens, sign-in links): the first each converter takes.
PATH_VALUES = ("1", str(uuid.UUID(int=1)), "insights", "MQ", "x")


@dataclass
class Form:
    page: str
    action: str
    htmx: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)


class _Page(HTMLParser):
    """The page's links to follow, and its forms and posting buttons with their fields as rendered."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "hx-get"):
            if attributes.get(name):
                self.links.append(attributes[name])
        posted = next((attributes[name] for name in POST_ATTRIBUTES if attributes.get(name) is not None), None)
        if tag == "form":
            post = (attributes.get("method") or "get").lower() == "post"
            if post or posted is not None:
                action = posted if posted is not None else attributes.get("action") or ""
                self._form = Form(page=self.url, action=urljoin(self.url, action), htmx=posted is not None)
                self.forms.append(self._form)
            return
        if posted is not None and self._form is None:
            self.forms.append(Form(page=self.url, action=urljoin(self.url, posted or self.url), htmx=True))
            return
        if self._form is None or not attributes.get("name"):
            return
        name = attributes["name"]
        kind = (attributes.get("type") or "text").lower()
        if tag == "input":
            if kind == "file":
                self._form.files.add(name)
                self._form.fields.append((name, ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self._form.fields.append((name, attributes.get("value") or "on"))
                elif name not in dict(self._form.fields):
                    self._form.fields.append((name, ""))  # still a field to fuzz; sent empty as a default
            elif kind not in ("submit", "button", "image", "reset"):
                self._form.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea":
            self._textarea = name
            self._form.fields.append((name, ""))
        elif tag == "select":
            self._select, self._select_value = name, None
        elif tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in attributes:
                self._select_value = attributes.get("value") or ""
        elif tag == "button" and kind == "submit" and name not in dict(self._form.fields):
            self._form.fields.append((name, attributes.get("value") or ""))

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            name, value = self._form.fields[-1]
            self._form.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._form is not None and self._select is not None:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None


def _crawl(client) -> tuple[dict[tuple[str, frozenset[str]], Form], dict[str, str]]:
    """{(view name, field names): the first form of that shape seen posting to the view}, and {view name: the
    first URL seen for it} over every link, form and htmx attribute of the pages seen (tests/crawl.py)."""
    targets: dict[tuple[str, frozenset[str]], Form] = {}
    urls: dict[str, str] = {}

    def visit(url: str) -> list[str]:
        response = client.get(url, HTTP_HX_REQUEST="true" if htmx_only(url) else None)
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            return []
        page = _Page(url)
        page.feed(response.content.decode())
        for form in page.forms:
            name = view_name(form.action)
            if name is not None:
                urls.setdefault(name, form.action)
            shape = (name, frozenset(key for key, _ in form.fields))
            # A view may take several forms (a static and a dynamic cohort): each shape once, a few per view.
            if name is not None and shape not in targets and sum(n == name for n, _ in targets) < FORMS_PER_VIEW:
                targets[shape] = form
        for link in page.links:
            target = urljoin(url, link)
            if (name := view_name(target)) is not None:
                urls.setdefault(name, target)
        return page.links

    crawl([reverse("home")], visit, per_view=PAGES_PER_VIEW, skip=_signs_out, count_starts=False)
    return targets, urls


def _signs_out(path: str) -> bool:
    return view_name(path) == "logout"


def _multipart(fields: list[tuple[str, str | bytes]], files: set[str]) -> bytes:
    body = b""
    for name, value in fields:
        raw = value if isinstance(value, bytes) else value.encode()
        filename = f'; filename="{name}.csv"' if name in files else ""
        kind = "Content-Type: text/csv\r\n" if name in files else ""
        body += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n{kind}\r\n'.encode()
            + raw
            + b"\r\n"
        )
    return body + f"--{BOUNDARY}--\r\n".encode()


def _cases(form: Form) -> Iterator[tuple[str, dict]]:
    """(what was sent, the test client's post() arguments) for one target."""
    plain = [(name, value) for name, value in form.fields if name not in form.files]
    names = list(dict.fromkeys(name for name, _ in form.fields if name != "csrfmiddlewaretoken"))
    yield (
        "a JSON body",
        {"data": b'{"name": [[[[1]]]], "x": "' + b"y" * 1000 + b'"}', "content_type": "application/json"},
    )
    yield "a text/plain body", {"data": NOT_UTF8 * 100, "content_type": "text/plain"}
    yield "no fields", {"data": {}}
    for name in names:
        others = [(key, value) for key, value in form.fields if key != name]
        others_plain = [(key, value) for key, value in plain if key != name]
        yield f"{name} left out", {"data": _multipart(others_plain, set()), "content_type": _MULTIPART}
        yield (
            f"{name} 2 MB long",
            {"data": _multipart([*others_plain, (name, HUGE)], form.files), "content_type": _MULTIPART},
        )
        yield (
            f"{name} nested 60,000 deep",
            {"data": _multipart([*others_plain, (name, NESTED)], form.files), "content_type": _MULTIPART},
        )
        yield (
            f"{name} not UTF-8",
            {"data": _multipart([*others, (name, NOT_UTF8)], form.files), "content_type": _MULTIPART},
        )


_MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _order(target: tuple[str, frozenset[str]]) -> tuple[bool, bool, bool, str]:
    """Writes that remove what others need go last: deletes after edits, the connection's own last of all."""
    name = target[0]
    return any(word in name for word in DESTRUCTIVE), name.startswith("connections:"), "delete" in name, name


def _filled(name: str) -> str | None:
    """A URL of the pattern `name` with each path parameter the first of PATH_VALUES its converter takes."""
    namespace, _, short = name.rpartition(":")
    resolver = get_resolver().namespace_dict[namespace][1] if namespace else get_resolver()
    for possibilities, _pattern, _defaults, converters in resolver.reverse_dict.getlist(short):
        kwargs = {}
        for parameter in possibilities[0][1]:
            converter = converters.get(parameter)
            for candidate in PATH_VALUES:
                try:
                    if converter is None or re.fullmatch(converter.regex, candidate):
                        kwargs[parameter] = converter.to_python(candidate) if converter else candidate
                        break
                except ValueError:
                    continue
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def _seed_alerts(connection) -> None:
    """An alert rule with a channel and an open episode: the alerts pages' forms exist only for those."""
    channel = Channel.objects.create(name="Team inbox", kind=Channel.Kind.PORTAL)
    rule = AlertRule.objects.create(name="Pollers", kind=AlertRule.Kind.POLLER_STALE, connection=connection)
    rule.channels.add(channel)
    Alert.objects.create(rule=rule, subject="poller:1:logs", subject_name="Logs", started_at=timezone.now())


@pytest.mark.profiles("current", reason="the forms are the portal's; one PostHog version is enough to post them")
def test_no_form_field_answers_500_to_bad_input(client_as, admin_user, demo_connection, simulator):
    _seed_alerts(demo_connection)
    client = client_as(admin_user)
    started = time.monotonic()
    targets, urls = _crawl(client)
    crawled = time.monotonic() - started
    posting_views = {name for name, _ in targets}
    for name in _all_view_names() - set(urls):
        if (url := _filled(name)) is not None:
            urls[name] = url
    # Every other URL the pages name is posted to as well, with no fields and the wrong content types: a view that
    # takes only GET answers 405, one that takes POST must not fail on what it gets.
    others = {(name, frozenset()): Form(page=url, action=url, htmx=False) for name, url in urls.items()}
    jobs = {**{key: form for key, form in others.items() if key[0] not in posting_views}, **targets}
    failures: list[str] = []
    sent = 0
    slowest: list[tuple[float, str]] = []
    for target in sorted(jobs, key=_order):
        name, form = target[0], jobs[target]
        headers = {"HTTP_HX_REQUEST": "true"} if form.htmx else {}
        admin_user.refresh_from_db()
        if not admin_user.is_active:  # a target deactivated the Admin (people:active on themself)
            admin_user.is_active = True
            admin_user.save(update_fields=["is_active"])
        client.force_login(admin_user)
        for case, arguments in _cases(form):
            sent += 1
            case_started = time.monotonic()
            try:
                response = client.post(form.action, **arguments, **headers)
            except Exception as error:  # noqa: BLE001 - every escaping exception is a finding, reported below
                failures.append(f"{name} {form.action} ({case}): raised {type(error).__name__}: {error!s:.200}")
                continue
            if response.status_code >= 500:
                failures.append(f"{name} {form.action} ({case}): answered {response.status_code}")
            slowest.append((time.monotonic() - case_started, f"{name} ({case})"))
    elapsed = time.monotonic() - started
    unreached = sorted(_all_view_names() - set(urls) - {"logout"})
    print(
        f"\nform fuzz: {len(urls)} views seen, {len(targets)} forms on {len(posting_views)} views, {sent} posts, "
        f"crawl {crawled:.1f} s, total {elapsed:.1f} s; slowest: "
        + ", ".join(f"{name} {seconds:.1f} s" for seconds, name in sorted(slowest, reverse=True)[:5])
        + f"; not reached: {', '.join(unreached)}"
    )
    assert not failures, f"{len(failures)} bad inputs were not answered politely:\n  " + "\n  ".join(failures)
    # The sweep reaches the forms the issue names and most of the portal's write endpoints.
    assert {"cohorts:create", "groups:create", "groups:property_edit"} <= posting_views, sorted(posting_views)
    actions = {form.action for form in targets.values()}
    assert {reverse("cohorts:create", args=[kind]) for kind in ("static", "dynamic")} <= actions, sorted(actions)
    assert len(posting_views) >= 40, sorted(posting_views)
    assert elapsed < BUDGET_SECONDS


def _all_view_names() -> set[str]:
    names: set[str] = set()
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        names.update(f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str))
    return names

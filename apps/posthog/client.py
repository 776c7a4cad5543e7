"""The only code in the project that talks HTTP to PostHog. Deliberately free of Django."""

from __future__ import annotations

import json as jsonlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter

from .deadline import Deadline, current_deadline, deadline
from .errors import (
    ANSWER_TIMED_OUT,
    ANSWER_UNREADABLE,
    CONNECTION_DROPPED,
    AppliedUnread,
    BadResponse,
    ChangeNotKept,
    DeadlineExceeded,
    NotFound,
    OutcomeUnknown,
    PostHogError,
    ServerError,
    Throttled,
    Unkept,
    Unreachable,
    UpstreamTimeout,
    WriteNotApplied,
    error_from_response,
    text_snippet,
)
from .settle import APPLIED, NOT_APPLIED, UNKNOWN, Settlement, settle_gone, settle_still_there, settle_update

logger = logging.getLogger("portal.posthog")

Timeout = float | tuple[float, float]
# {form field: (file name, content, content type)}
Files = dict[str, tuple[str, bytes, str]]

DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
BEFORE_METHODS = frozenset({"PATCH", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({502, 503, 504})
# Reads PostHog serves as POST, whatever the caller passes: sent and retried as reads, never audited.
# posthog/api/file_system/file_system.py: `log_view` notes that an item was opened (for "Recently viewed"),
# `count_by_path` counts a folder's items; neither changes anything a person would call a change.
READ_ACTIONS = frozenset({"log_view", "count_by_path"})
# products/cdp/backend/api/hog_function.py `invocations`: a test run on sample globals stores nothing; with
# `mock_async_functions` its fetches are mocked too, so nothing is sent anywhere. A real run (unmocked) is audited.
MOCKED_TEST_RUN = "invocations"
POOL_SIZE = 16
# Seconds a lost write's read-back may take, even when the page's own budget has run out (see `_settle`).
SETTLE_SECONDS = 5.0


def api_path(*segments: str | int) -> str:
    """("projects", 1, "plugin_configs") -> "/api/projects/1/plugin_configs/"."""
    parts = [_quote_segment(str(segment)) for segment in segments]
    parts = [part for part in parts if part]
    if not parts or parts[0] != "api":
        parts.insert(0, "api")
    return "/" + "/".join(parts) + "/"


def _quote_segment(segment: str) -> str:
    segment = segment.strip("/")
    if segment in (".", ".."):
        # Ids may come from user input; a dot segment must not walk up the API tree.
        return segment.replace(".", "%2E")
    return quote(segment, safe="@")


@dataclass(frozen=True)
class WriteRecord:
    method: str
    path: str
    body: Any | None
    status: int | None
    error: PostHogError | None
    duration_ms: int
    before: Any | None = None
    response: Any | None = None
    # Body keys whose values are secrets though their names do not say so (a plugin's secret config fields).
    secret_keys: frozenset[str] = frozenset()
    # Values PostHog answered the write without keeping (see `verify`): the write did not fully happen.
    unkept: tuple[Unkept, ...] = ()
    # For a write whose answer was lost (OutcomeUnknown): what reading it back found, APPLIED, NOT_APPLIED or
    # UNKNOWN (apps.posthog.settle); "" when PostHog's answer said it.
    settled: str = ""


@dataclass(frozen=True)
class _Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> _Origin:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        try:
            port = parts.port
        except ValueError:
            port = -1
        default = 443 if scheme == "https" else 80
        return cls(scheme, (parts.hostname or "").lower(), port if port is not None else default)


def normalise_host(host: str) -> str:
    """Scheme + netloc + optional path prefix, without a trailing slash."""
    host = host.strip()
    if "://" not in host:
        host = "https://" + host
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"Not a usable PostHog host: {host!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


class PostHogClient:
    def __init__(
        self,
        *,
        host: str,
        api_key: str,
        session: requests.Session | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        max_total_wait: float = 8.0,
        backoff_base: float = 0.5,
        on_write: Callable[[WriteRecord], None] | None = None,
        on_answer: Callable[[str, str, PostHogError | None], None] | None = None,
        user_agent: str = "posthog-ops-portal/0.1",
        sleep: Callable[[float], None] = time.sleep,
        before_retry: Callable[[str, str, PostHogError], None] | None = None,
    ) -> None:
        self.base_url = normalise_host(host)
        self._origin = _Origin.of(self.base_url)
        self.timeout = timeout
        self.max_retries = max(0, max_retries)
        self.max_total_wait = max_total_wait
        self.backoff_base = backoff_base
        self.on_write = on_write
        # Told of every answer (method, API path, the error or None), so the connection can learn what this key may
        # do on this PostHog (refusals, endpoints it lacks). A hook error must not hide PostHog's answer.
        self.on_answer = on_answer
        self.sleep = sleep
        # Told (method, API path, the error that is being retried) before every retry is waited for and sent, so a
        # caller can pay for the retry (the pollers' budget); an exception it raises ends the request with it instead.
        self.before_retry = before_retry
        # The key lives only in the session's headers, so no attribute of ours can leak it.
        self.session = session if session is not None else pooled_session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {api_key}",
                "User-Agent": user_agent,
                "Accept": "application/json",
            }
        )

    def __repr__(self) -> str:
        return f"PostHogClient(host={self.base_url!r})"

    __str__ = __repr__

    # Public verbs -------------------------------------------------------------------------

    def get(self, path: str, *, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params)

    def get_text(self, path: str, *, params: dict[str, Any] | None = None) -> str:
        """A GET whose answer is not JSON (a plugin's frontend JavaScript, say)."""
        return self._send("GET", self._url(path), params=params, json=None, as_text=True)[1]

    def post(self, path: str, *, json: Any = None, capture_before: bool = False, **options: Any) -> Any:
        return self.request("POST", path, json=json, capture_before=capture_before, **options)

    def patch(self, path: str, *, json: Any = None, capture_before: bool = False, **options: Any) -> Any:
        return self.request("PATCH", path, json=json, capture_before=capture_before, **options)

    def put(self, path: str, *, json: Any = None, capture_before: bool = False) -> Any:
        return self.request("PUT", path, json=json, capture_before=capture_before)

    def delete(self, path: str, *, json: Any = None, capture_before: bool = False, **options: Any) -> Any:
        return self.request("DELETE", path, json=json, capture_before=capture_before, **options)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: Files | None = None,
        form: bool = False,
        capture_before: bool = False,
        before_path: str | None = None,
        secret_keys: frozenset[str] = frozenset(),
        measured: frozenset[str] = frozenset(),
        reads_only: bool = False,
        verify: Callable[[Any], list[Unkept]] | None = None,
        find_created: Callable[[], Any] | None = None,
    ) -> Any:
        """`find_created`, for a POST that creates, looks the new object up in PostHog (or returns None) when the
        POST's answer is lost: the write is then settled as applied or not instead of left unknown. `verify` is given PostHog's answer to a write and names what it did not keep of what was sent; the write
        is then recorded as not kept and ChangeNotKept raised, so nothing calls it saved. `files` or `form=True`
        turn the body into multipart form data: `json`'s fields, objects encoded as JSON text, beside any files, as
        PostHog's own app sends a plugin config (whose `config` PostHog reads only from such a body). `secret_keys`
        name body keys the write record must treat as secrets; `measured` names answer fields PostHog computes for
        reads only (a plugin config's delivery rate: null in a write's answer), left out of the before and after a
        write records so a record never shows them as changed. `before_path` is where the before-state is read
        when the write's own URL serves none (a POST action such as groups' update_property). `reads_only` marks a
        POST that changes nothing (file system's count_by_path): it is sent, retried and logged as a read, and not
        audited."""
        method = method.upper()
        url = self._url(path)
        multipart = (files or {}) if form else files
        if method not in WRITE_METHODS or reads_only or _read_as_post(path, json):
            return self._send(method, url, params=params, json=json, files=multipart)[1]
        if before_path is not None:
            before = self._fetch_before(self._url(before_path))
        else:
            before = self._fetch_before(url) if capture_before and method in BEFORE_METHODS else None
        return self._write(
            method,
            path,
            url,
            params=params,
            json=json,
            files=multipart,
            before=_without(before, measured),
            secret_keys=secret_keys,
            measured=measured,
            verify=verify,
            settle_path=before_path,
            find_created=find_created,
        )

    def paginate(
        self, path: str, *, params: dict[str, Any] | None = None, max_items: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Items of a limit/offset list ({count, next, previous, results}) or a bare list."""
        return self._pages(path, params=params, max_items=max_items, allow_list=True)

    def paginate_cursor(
        self, path: str, *, params: dict[str, Any] | None = None, max_items: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Items of a cursor list ({next, previous, results}, next carrying `cursor=`)."""
        return self._pages(path, params=params, max_items=max_items, allow_list=False)

    # Internals ------------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        if "://" in path:
            if _Origin.of(path) != self._origin:
                # Following it would send the Authorization header to another server.
                raise BadResponse(f"Refusing to follow a URL on another host: {urlsplit(path).netloc}")
            return path
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def _write(
        self,
        method: str,
        path: str,
        url: str,
        *,
        params: dict[str, Any] | None,
        json: Any,
        files: Files | None,
        before: Any,
        secret_keys: frozenset[str],
        measured: frozenset[str] = frozenset(),
        verify: Callable[[Any], list[Unkept]] | None = None,
        settle_path: str | None = None,
        find_created: Callable[[], Any] | None = None,
    ) -> Any:
        started = time.monotonic()
        sent = WriteRecord(
            method=method,
            path=path,
            body=json if files is None else {**(json or {}), **_files_summary(files)},
            status=None,
            error=None,
            duration_ms=0,
            before=before,
            secret_keys=secret_keys,
        )
        try:
            status, data = self._send(method, url, params=params, json=json, files=files, write=True)
        except OutcomeUnknown as lost:
            read_url = self._url(settle_path) if settle_path else url
            settlement = self._settle(method, read_url, sent=json, before=before, skip=secret_keys, find=find_created)
            return self._settled(sent, started, lost, settlement, measured=measured, url=url)
        except PostHogError as error:
            self._record(sent, started, status=error.status, error=error)
            raise
        unkept = verify(data) if verify is not None else []
        answer = _without(data, measured)
        if unkept:
            not_kept = ChangeNotKept(unkept, answer=data, status=status)
            self._record(sent, started, status=status, error=not_kept, response=answer, unkept=tuple(unkept))
            raise not_kept
        self._record(sent, started, status=status, response=answer)
        return data

    def _settle(
        self, method: str, url: str, *, sent: Any, before: Any, skip: frozenset[str], find: Callable[[], Any] | None
    ) -> Settlement:
        """Read back what PostHog holds after a write whose answer was lost (apps.posthog.settle), on a short
        budget of its own: the person must learn the truth even when the page's budget is spent."""
        with deadline(SETTLE_SECONDS, replace=True):
            try:
                if method == "POST":
                    if find is None:
                        return Settlement(UNKNOWN, read=False)
                    held = find()
                    return Settlement(APPLIED, held) if held is not None else Settlement(NOT_APPLIED)
                try:
                    held = self._send("GET", url, params=None, json=None, max_retries=1)[1]
                except NotFound:
                    return settle_gone(method=method, sent=sent)
                if method == "DELETE":
                    return settle_still_there(method=method, held=held, before=before)
                return settle_update(sent=sent, held=held, before=before, skip=skip)
            except PostHogError:
                return Settlement(UNKNOWN)

    def _settled(
        self,
        sent: WriteRecord,
        started: float,
        lost: OutcomeUnknown,
        settlement: Settlement,
        *,
        measured: frozenset[str],
        url: str,
    ) -> Any:
        """Record and answer a lost write as reading it back settled it. A 2xx whose body was unreadable was made,
        whatever the read-back found."""
        state = APPLIED if lost.status is not None and 200 <= lost.status < 300 else settlement.state
        if state == APPLIED and (settlement.held is not None or sent.method == "DELETE"):
            self._record(sent, started, status=lost.status, response=_without(settlement.held, measured), settled=state)
            return settlement.held
        error: PostHogError = lost
        lost.read_back = settlement.read
        if state == NOT_APPLIED:
            error = WriteNotApplied(reason=lost.reason, status=lost.status)
        elif state == APPLIED:
            # Made, but the new object could not be read: tell the person it exists, so they do not make it again.
            error = AppliedUnread(reason=lost.reason, status=lost.status)
        error.method, error.path = sent.method, urlsplit(url).path
        self._record(sent, started, status=lost.status, error=error, settled=state)
        raise error

    def _record(
        self,
        sent: WriteRecord,
        started: float,
        *,
        status: int | None,
        error: PostHogError | None = None,
        response: Any = None,
        unkept: tuple[Unkept, ...] = (),
        settled: str = "",
    ) -> None:
        """Hand the write, as it was sent and as it ended, to the audit hook."""
        if self.on_write is None:
            return
        record = replace(
            sent,
            status=status,
            error=error,
            response=response,
            unkept=unkept,
            settled=settled,
            duration_ms=_elapsed_ms(started),
        )
        # Deliberately not guarded: a failing audit hook must surface.
        self.on_write(record)

    def _fetch_before(self, url: str) -> Any:
        try:
            return self._send("GET", url, params=None, json=None, max_retries=0)[1]
        except PostHogError:
            return None

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None,
        json: Any,
        files: Files | None = None,
        max_retries: int | None = None,
        as_text: bool = False,
        write: bool = False,
    ) -> tuple[int, Any]:
        """Send with retries, inside the current deadline (apps.posthog.deadline); returns (status, parsed body)
        or raises a PostHogError. For a `write`, a failure after the request may have reached PostHog (an
        unreadable answer, a dropped connection, a timeout) is OutcomeUnknown, which the caller settles."""
        retries = self.max_retries if max_retries is None else max_retries
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            limit = current_deadline()
            try:
                if limit is not None and limit.expired:
                    raise DeadlineExceeded(budget=limit.budget)
                response = self._attempt(
                    method, url, params=params, json=json, files=files, attempt=attempt, limit=limit, write=write
                )
                if response.ok:
                    answer = response.status_code, response.text if as_text else self._parse(response, write=write)
                    self._answered(method, url, None)
                    return answer
                raise self._redacted(error_from_response(response))
            except PostHogError as error:
                wait = self._retry_wait(method, error, attempt)
                out_of_time = limit is not None and wait is not None and wait >= limit.remaining()
                if wait is None or attempt > retries or waited + wait > self.max_total_wait or out_of_time:
                    error.method, error.path = method, urlsplit(url).path
                    self._answered(method, url, error)
                    raise
                if self.before_retry is not None:
                    self.before_retry(method, urlsplit(url).path, error)
            self.sleep(wait)
            waited += wait

    def _answered(self, method: str, url: str, error: PostHogError | None) -> None:
        if self.on_answer is None:
            return
        try:
            self.on_answer(method, urlsplit(url).path, error)
        except Exception:  # learning what PostHog allows must never hide its answer
            logger.exception("posthog on_answer hook failed for %s %s", method, urlsplit(url).path)

    def _retry_wait(self, method: str, error: PostHogError, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when this error must not be retried."""
        backoff = self.backoff_base * 2 ** (attempt - 1)
        if isinstance(error, Throttled):
            # PostHog refuses throttled requests before acting, so even POST is safe to repeat.
            return backoff if error.retry_after is None else error.retry_after
        if method not in IDEMPOTENT_METHODS or isinstance(error, (DeadlineExceeded, OutcomeUnknown)):
            # A write whose answer was lost is read back instead (`_settle`): even an idempotent one, as a DELETE
            # sent again after PostHog made it answers 404 and would be recorded as failed.
            return None
        if isinstance(error, (UpstreamTimeout, Unreachable)):
            return backoff
        if isinstance(error, ServerError) and error.status in RETRYABLE_STATUSES:
            return backoff
        return None

    def _attempt(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None,
        json: Any,
        files: Files | None,
        attempt: int,
        limit: Deadline | None = None,
        write: bool = False,
    ) -> requests.Response:
        started = time.monotonic()
        log_path = urlsplit(url).path
        body = {"json": json} if files is None else {"files": _multipart(json or {}, files)}
        timeout, cut_by_deadline = self._attempt_timeout(limit)
        try:
            response = self.session.request(method, url, params=params, timeout=timeout, **body)
        except requests.RequestException as exc:
            error = self._transport_error(exc, write=write)
            if cut_by_deadline and limit is not None and isinstance(error, UpstreamTimeout):
                error = DeadlineExceeded(budget=limit.budget)
            _log_attempt(method, log_path, type(error).__name__, started, attempt)
            raise error from exc
        _log_attempt(method, log_path, str(response.status_code), started, attempt)
        return response

    def _attempt_timeout(self, limit: Deadline | None) -> tuple[Timeout, bool]:
        """This attempt's timeout: the client's own, shortened to what is left of the deadline. True when the
        deadline, not the client's timeout, is what it was cut to."""
        if limit is None:
            return self.timeout, False
        left = max(0.05, limit.remaining())
        connect, read = self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
        if left >= read:
            return (min(connect, left), read), False
        return (min(connect, left), left), True

    def _transport_error(self, exc: requests.RequestException, *, write: bool = False) -> PostHogError:
        if write and not isinstance(exc, requests.ConnectTimeout) and _after_sending(exc):
            reason = ANSWER_TIMED_OUT if isinstance(exc, requests.Timeout) else CONNECTION_DROPPED
            if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
                reason = ANSWER_UNREADABLE
            return OutcomeUnknown(reason=reason)
        if isinstance(exc, requests.Timeout):
            return UpstreamTimeout(seconds=self._timeout_seconds(exc))
        if isinstance(exc, requests.ConnectionError):
            return Unreachable(host=urlsplit(self.base_url).netloc, reason=_connection_reason(exc))
        if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
            return BadResponse("PostHog's answer was cut off or could not be decoded.")
        return Unreachable(host=urlsplit(self.base_url).netloc, reason=type(exc).__name__)

    def _timeout_seconds(self, exc: requests.Timeout) -> float:
        if isinstance(self.timeout, tuple):
            connect, read = self.timeout
            return connect if isinstance(exc, requests.ConnectTimeout) else read
        return self.timeout

    def _parse(self, response: requests.Response, *, write: bool = False) -> Any:
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            if write:
                # PostHog answered 2xx: the write was made; only its answer is lost (see `_settled`).
                raise OutcomeUnknown(reason=ANSWER_UNREADABLE, status=response.status_code) from None
            kind = response.headers.get("Content-Type", "unknown type")
            snippet = text_snippet(response.text, 80)
            raise self._redacted(
                BadResponse(
                    f"Expected JSON but got {kind}: “{snippet}”",
                    status=response.status_code,
                )
            ) from None

    def _redacted(self, error: PostHogError) -> PostHogError:
        auth = str(self.session.headers.get("Authorization", ""))
        error.redact(auth.removeprefix("Bearer ").strip())
        return error

    def _pages(
        self,
        path: str,
        *,
        params: dict[str, Any] | None,
        max_items: int | None,
        allow_list: bool,
    ) -> Iterator[dict[str, Any]]:
        if max_items is not None and max_items <= 0:
            return
        yielded = 0
        seen: set[str] = set()
        page = self.get(path, params=params)
        while True:
            items, next_url = _page_items(page, allow_list=allow_list)
            for item in items:
                yield item
                yielded += 1
                if max_items is not None and yielded >= max_items:
                    return
            if not next_url:
                return
            if next_url in seen:
                raise BadResponse("PostHog's pagination pointed back to a page already read.")
            seen.add(next_url)
            # `next` already carries the query (limit/offset/cursor), so params are not resent.
            page = self.get(next_url)


def _page_items(page: Any, *, allow_list: bool) -> tuple[list[Any], str | None]:
    if allow_list and isinstance(page, list):
        return page, None
    if isinstance(page, dict) and isinstance(page.get("results"), list):
        next_url = page.get("next")
        if next_url is not None and not isinstance(next_url, str):
            raise BadResponse("PostHog's pagination `next` is not a URL.")
        return page["results"], next_url
    raise BadResponse("Expected a paginated list from PostHog.")


def _multipart(fields: dict[str, Any], files: Files) -> dict[str, tuple[Any, ...]]:
    """Every field as a form part beside the files, so the body is multipart/form-data even without a file. Text
    goes as it is; objects, lists, numbers and booleans as JSON text, which DRF reads back ("true", "3"); None as an
    empty part, the only "no value" a form can carry."""
    parts: dict[str, tuple[Any, ...]] = {
        name: (None, "" if value is None else value if isinstance(value, str) else jsonlib.dumps(value))
        for name, value in fields.items()
    }
    parts.update(files)
    return parts


def _files_summary(files: Files) -> dict[str, str]:
    """What the audit keeps of an upload: its name and size, never its content."""
    return {field: f"<file {name!r}, {len(content)} bytes>" for field, (name, content, *_) in files.items()}


def pooled_session() -> requests.Session:
    """The one way the portal makes an HTTP session to PostHog: pooled, keep-alive, no urllib3 retries."""
    session = requests.Session()
    # Retries are ours (they respect Retry-After and method safety), so urllib3's are off.
    adapter = HTTPAdapter(pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _after_sending(exc: requests.RequestException) -> bool:
    """Whether the request may have reached PostHog before the failure: a read timeout, a connection closed or
    reset while waiting for the answer, an answer cut off. A refused or unresolvable connection, or a connect
    timeout, never sent anything."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, (requests.Timeout, requests.exceptions.ChunkedEncodingError)):
        return True
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return True
    if isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.exceptions.SSLError):
        text = repr(exc)
        return "Connection aborted" in text or "RemoteDisconnected" in text or "Connection reset" in text
    return False


def _connection_reason(exc: requests.ConnectionError) -> str:
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS handshake failed"
    text = repr(exc)
    if "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text:
        return "DNS lookup failed"
    if "refused" in text.lower():
        return "connection refused"
    return "connection failed"


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _log_attempt(method: str, path: str, outcome: str, started: float, attempt: int) -> None:
    duration = _elapsed_ms(started)
    logger.info(
        "posthog %s %s -> %s in %dms (attempt %d)",
        method,
        path,
        outcome,
        duration,
        attempt,
        extra={
            "posthog_method": method,
            "posthog_path": path,
            "posthog_outcome": outcome,
            "posthog_duration_ms": duration,
            "posthog_attempt": attempt,
        },
    )


def _read_as_post(path: str, body: Any) -> bool:
    """A POST (or PATCH) to one of PostHog's read actions: READ_ACTIONS, or a test run with mocked fetches."""
    segments = [segment for segment in urlsplit(path).path.split("/") if segment]
    action = segments[-1] if segments else ""
    if action == MOCKED_TEST_RUN:
        return isinstance(body, dict) and body.get("mock_async_functions") is True
    return action in READ_ACTIONS


def _without(answer: Any, keys: frozenset[str]) -> Any:
    """A copy of an object answer without `keys` (any other answer as it is)."""
    if not keys or not isinstance(answer, dict):
        return answer
    return {key: value for key, value in answer.items() if key not in keys}

"""Requests, PostHog-shaped errors and pagination for the simulator's handlers."""

import base64
import email.parser
import email.policy
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from simulator.core.store import Store
from simulator.profiles import Profile

DEFAULT_PAGE_SIZE = 100


class ApiError(Exception):
    """Answered as PostHog's `{type, code, detail, attr}` body (or `raw` when PostHog differs)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type: str = "invalid_request",
        code: str = "invalid",
        attr: str | None = None,
        raw: Any = ...,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.type, self.code, self.attr = status, detail, type, code, attr
        self.raw = raw
        self.headers = headers or {}

    def body(self) -> Any:
        if self.raw is not ...:
            return self.raw
        # drf-exceptions-hog words a ValidationError's generic "invalid" code as "invalid_input".
        code = "invalid_input" if self.type == "validation_error" and self.code == "invalid" else self.code
        return {"type": self.type, "code": code, "detail": self.detail, "attr": self.attr}


def _multipart(content_type: str, raw: bytes) -> tuple[Any, dict[str, tuple[str, bytes, str]]]:
    """Form fields (as text, like Django's request.POST) and uploaded files of a multipart body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    if not message.is_multipart():
        return ..., {}
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes, str]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        content = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            files[name] = (part.get_filename(), content, part.get_content_type())
        else:
            fields[name] = content.decode("utf-8", errors="replace")
    return fields, files


def validation_error(attr: str, detail: str = "This field is required.", code: str = "required") -> ApiError:
    return ApiError(400, detail, type="validation_error", code=code, attr=attr)


def not_found() -> ApiError:
    return ApiError(404, "Not found.", code="not_found")


def method_not_allowed(method: str, *, empty_body: bool = False) -> ApiError:
    return ApiError(405, f'Method "{method}" not allowed.', code="method_not_allowed", raw=None if empty_body else ...)


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as is (fault injection: malformed JSON)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    base_url: str
    store: Store
    profile: Profile
    authorization: str = ""
    key: dict | None = None  # the personal API key document, once authenticated
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)  # multipart uploads
    form: bool = False  # the body was form data (multipart or urlencoded): its fields are text
    raw: bytes = b""
    content_type: str = ""
    user_agent: str = ""

    @classmethod
    def from_environ(cls, environ: dict, store: Store, profile: Profile) -> "Request":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        content_type = environ.get("CONTENT_TYPE", "")
        files: dict[str, tuple[str, bytes, str]] = {}
        form = content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))
        if content_type.startswith("multipart/form-data"):
            body, files = _multipart(content_type, raw)
        elif form:
            body = {name: values[-1] for name, values in parse_qs(raw.decode("utf-8", "replace")).items()}
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = ...  # handlers answer a parse error
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=environ.get("PATH_INFO") or "/",
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            body=body,
            base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{host}",
            store=store,
            profile=profile,
            authorization=environ.get("HTTP_AUTHORIZATION", ""),
            files=files,
            form=form,
            raw=raw,
            content_type=content_type.split(";")[0].strip(),
            user_agent=environ.get("HTTP_USER_AGENT", ""),
        )

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def params(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def number_param(self, name: str, *, invalid: ApiError) -> int | None:
        """The query parameter as an integer; None when absent or empty; `invalid` raised when it is not a number."""
        value = self.param(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except ValueError:
            raise invalid from None

    def int_param(self, name: str, default: int) -> int:
        """A DRF IntegerField(min_value=0) read from the query (the paginator's limit and offset)."""
        number = self.number_param(name, invalid=validation_error(name, "A valid integer is required.", "invalid"))
        if number is None:
            return default
        if number < 0:
            raise validation_error(name, "Ensure this value is greater than or equal to 0.", "min_value")
        return number

    def data(self) -> dict:
        """The JSON object body; PostHog answers a parse error for anything else."""
        if self.body is ...:
            raise ApiError(400, "JSON parse error", code="parse_error")
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise ApiError(
                400,
                "Invalid data. Expected a dictionary, but got list.",
                type="validation_error",
                code="invalid",
                attr="non_field_errors",
            )
        return self.body

    def url(self, **query: Any) -> str:
        merged = {k: v for k, v in self.query.items()}
        for k, v in query.items():
            merged[k] = [str(v)]
        return f"{self.base_url}{self.path}?{urlencode(merged, doseq=True)}"


def paginate(request: Request, items: list[Any]) -> dict:
    """limit/offset pages with absolute next/previous URLs, as DRF's LimitOffsetPagination."""
    limit = request.int_param("limit", DEFAULT_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    offset = request.int_param("offset", 0)
    page = items[offset : offset + limit]
    next_url = request.url(limit=limit, offset=offset + limit) if offset + limit < len(items) else None
    previous_url = request.url(limit=limit, offset=max(0, offset - limit)) if offset > 0 else None
    return {"count": len(items), "next": next_url, "previous": previous_url, "results": page}


def paginate_cursor(request: Request, items: list[Any], page_size: int = DEFAULT_PAGE_SIZE) -> dict:
    """Cursor pages (groups): the cursor is an opaque position; items come newest first."""
    cursor = request.param("cursor")
    try:
        start = int(base64.urlsafe_b64decode(cursor.encode()).decode()) if cursor else 0
    except ValueError:
        raise ApiError(400, "Invalid cursor", code="invalid_cursor") from None

    def encode(position: int) -> str:
        return base64.urlsafe_b64encode(str(position).encode()).decode()

    page = items[start : start + page_size]
    next_url = request.url(cursor=encode(start + page_size)) if start + page_size < len(items) else None
    previous_url = request.url(cursor=encode(max(0, start - page_size))) if start > 0 else None
    return {"next": next_url, "previous": previous_url, "results": page}


def activity_page(request: Request, entries: list[dict]) -> dict:
    """Activity endpoints take page/limit and return total_count."""
    limit = request.int_param("limit", 10) or 10
    page = max(1, request.int_param("page", 1))
    start = (page - 1) * limit
    results = entries[start : start + limit]
    return {
        "results": results,
        "next": request.url(page=page + 1, limit=limit) if start + limit < len(entries) else None,
        "previous": request.url(page=page - 1, limit=limit) if page > 1 else None,
        "total_count": len(entries),
    }

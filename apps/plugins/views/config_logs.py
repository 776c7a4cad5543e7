"""A plugin config's logs: filters in the URL, newest first, "load older" below and a live tail on top."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from apps.core.pages import posthog_page
from apps.core.roles import VIEW
from apps.plugins import selectors
from apps.plugins.job_form import UtcDateTimeField

TEMPLATE = "plugins/config_logs.html"
LOG_TYPES = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")
DEFAULT_TYPES = ["LOG", "INFO", "WARN", "ERROR"]  # DEBUG is noise until someone asks for it
SOURCES = ("SYSTEM", "PLUGIN", "CONSOLE")
QUICK_RANGES = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7)}
LONG_MESSAGE = 400
SUMMARY_LENGTH = 160


class LogFilterForm(forms.Form):
    types = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in LOG_TYPES], widget=forms.CheckboxSelectMultiple, required=False
    )
    source = forms.ChoiceField(choices=[("", "Any source"), *((s, s) for s in SOURCES)], required=False)
    search = forms.CharField(required=False, max_length=200, label="Message contains")
    after = UtcDateTimeField(required=False, label="From (UTC)")
    before = UtcDateTimeField(required=False, label="To (UTC)")

    def query(self, *, without: tuple[str, ...] = ()) -> str:
        """The cleaned filters as a query string, `filtered` marking that the types were chosen."""
        data = QueryDict(mutable=True)
        data["filtered"] = "1"
        data.setlist("types", self.cleaned_data["types"])
        for name in ("source", "search"):
            if self.cleaned_data[name]:
                data[name] = self.cleaned_data[name]
        for name in ("after", "before"):
            if self.cleaned_data[name] and name not in without:
                data[name] = self.cleaned_data[name].isoformat()
        return data.urlencode()


@dataclass(frozen=True)
class LogRow:
    id: str
    timestamp: str
    at: datetime | None
    type: str
    source: str
    message: str
    instance_id: str

    @property
    def time_label(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] if self.at else self.timestamp

    @property
    def type_class(self) -> str:
        return self.type.lower() if self.type in LOG_TYPES else "other"

    @property
    def collapsed(self) -> bool:
        return len(self.message) > LONG_MESSAGE or "\n" in self.message.strip()

    @property
    def summary(self) -> str:
        first = self.message.strip().split("\n", 1)[0]
        return first if len(first) <= SUMMARY_LENGTH else first[:SUMMARY_LENGTH] + "…"


@require_GET
@posthog_page(VIEW)
def config_logs(request, config_id: int):
    config = selectors.plugin_config_get(context=request.posthog, config_id=config_id)
    form = _filter_form(request)
    context = {
        "config": config,
        "name": selectors.config_name(config),
        "form": form,
        "live": request.GET.get("live") == "1",
    }
    if form.is_valid():
        page, rows = _fetch(request, config_id, form)
        context.update(_entries_context(config_id, form, page, rows, first_page=True))
    return render(request, TEMPLATE, context)


@require_GET
@posthog_page(VIEW)
def config_log_entries(request: HttpRequest, config_id: int) -> HttpResponse:
    """`older_than` → the rows before that moment and the next "load older" button; otherwise the rows newer than
    `after` (the live tail)."""
    form = _filter_form(request)
    if not form.is_valid():
        return render(request, f"{TEMPLATE}#filter-errors", {"form": form})
    older_than = _moment_param(request.GET.get("older_than"))
    page, rows = _fetch(request, config_id, form, older_than=older_than)
    context = _entries_context(config_id, form, page, rows, first_page=older_than is None)
    response = render(request, f"{TEMPLATE}#{'older' if older_than is not None else 'newer'}", context)
    if context["newest"]:
        # The tail next asks for what came after the newest entry PostHog returned, shown or filtered out by source.
        response["X-Log-Newest"] = context["newest"]
    return response


def _filter_form(request) -> LogFilterForm:
    data = request.GET.copy()
    if "filtered" not in data:
        data.setlist("types", DEFAULT_TYPES)
    if span := QUICK_RANGES.get(data.get("range", "")):
        # A quick range fills in "From" as of now, so the form shows exactly what is applied.
        data["after"] = (datetime.now(UTC) - span).replace(microsecond=0).isoformat()
        data.pop("before", None)
    return LogFilterForm(data)


def _fetch(request, config_id: int, form: LogFilterForm, *, older_than: datetime | None = None):
    filters = form.cleaned_data
    if not filters["types"]:
        return selectors.LogPage(items=[], older_than=None), []
    before = filters["before"]
    if older_than is not None:
        before = min(before, older_than) if before else older_than
    page = selectors.plugin_config_log_page(
        context=request.posthog,
        config_id=config_id,
        types=None if set(filters["types"]) == set(LOG_TYPES) else filters["types"],
        search=filters["search"],
        after=filters["after"],
        before=before,
    )
    # PostHog cannot filter by source: the portal filters each page it gets, and the page says so.
    rows = [_row(entry) for entry in page.items if isinstance(entry, dict)]
    return page, [row for row in rows if not filters["source"] or row.source == filters["source"]]


def _entries_context(
    config_id: int, form: LogFilterForm, page: selectors.LogPage, rows: list[LogRow], *, first_page: bool
) -> dict:
    entries_url = reverse("plugins:config_log_entries", args=[config_id])
    filters = form.cleaned_data
    return {
        "rows": rows,
        "fetched": len(page.items),
        "older_than": page.older_than.isoformat() if page.older_than else "",
        "first_page": first_page,
        "more_url": f"{entries_url}?{form.query()}",
        "tail_url": f"{entries_url}?{form.query(without=('after',))}",
        "after_floor": filters["after"].isoformat() if filters["after"] else "",
        "newest": _newest(page.items),
        "no_types": not filters["types"],
        "debug_hidden": "DEBUG" not in filters["types"],
        "source": filters["source"],
        "can_tail": filters["before"] is None,
    }


def _newest(entries: list) -> str:
    """PostHog answers newest first: the first entry's timestamp."""
    return str(entries[0].get("timestamp") or "") if entries and isinstance(entries[0], dict) else ""


def _row(entry: dict) -> LogRow:
    timestamp = str(entry.get("timestamp") or "")
    return LogRow(
        id=str(entry.get("id") or ""),
        timestamp=timestamp,
        at=parse_datetime(timestamp) if timestamp else None,
        type=str(entry.get("type") or ""),
        source=str(entry.get("source") or ""),
        message=str(entry.get("message") or ""),
        instance_id=str(entry.get("instance_id") or ""),
    )


def _moment_param(value) -> datetime | None:
    moment = parse_datetime(value) if value else None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment

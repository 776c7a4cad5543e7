"""The history pages' forms: the project every page is filtered to, a chart's time range, the log explorer's
filters and a polling schedule."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django_celery_beat.models import IntervalSchedule

from apps.core.forms import UtcDateTimeField
from apps.history.kinds import HISTORY_TASKS
from apps.history.presenters import interval_words
from apps.history.selectors.logs import LogFilters, LogPosition
from apps.history.selectors.pipeline_logs import BATCH_EXPORTS, PipelineLogFilters
from apps.history.selectors.status import Schedule
from apps.plugins.forms.logs import LOG_TYPES, SOURCES

CHART_RANGES = {"24h": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
CHART_RANGE_LABELS = {"24h": "24 hours", "7d": "7 days", "30d": "30 days"}
LOG_RANGES = {"1h": timedelta(hours=1), "24h": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
LONGEST_CHART = timedelta(days=400)
LONGEST_SCHEDULE = timedelta(days=7)
MAX_PROJECT_ID = 64  # as the connections store them
# The log explorer's sources: what the pollers keep as logs.
PLUGIN_CONFIGS, HOG_FUNCTIONS = "plugin_configs", "hog_functions"
LOG_SOURCES = {PLUGIN_CONFIGS: "Plugin configs", HOG_FUNCTIONS: "Hog functions", BATCH_EXPORTS: "Batch export runs"}
# The field that picks one object of each source.
OBJECT_FIELDS = {PLUGIN_CONFIGS: "config", HOG_FUNCTIONS: "function", BATCH_EXPORTS: "export"}


class ProjectFilterForm(forms.Form):
    """A page of stored history for one project of the connection, or (the default) for all: `?project=<id>`."""

    project = forms.ChoiceField(required=False, label="Project")

    def __init__(self, data: QueryDict, *, projects: dict[str, str]) -> None:
        super().__init__(data)
        asked = data.get("project", "")
        if asked and asked not in projects and len(asked) <= MAX_PROJECT_ID:
            # A link to a project nothing is stored of yet (or any more): an empty page says so.
            projects = {**projects, asked: f"Project {asked} (nothing stored)"}
        self.projects = projects
        cast(forms.ChoiceField, self.fields["project"]).choices = [("", "All projects"), *projects.items()]

    @property
    def project_id(self) -> str | None:
        """The project picked; None for all of them (and while the form is invalid)."""
        if not self.is_valid():
            return None
        return self.cleaned_data.get("project") or None

    @property
    def several_projects(self) -> bool:
        """Rows of more than one project may show: they name theirs."""
        return self.project_id is None and len(self.projects) > 1


class DeliveryRangeForm(ProjectFilterForm):
    """A quick range ending now, or whole UTC days from `start` to `end` (both included)."""

    range = forms.ChoiceField(choices=[(key, key) for key in CHART_RANGES], required=False)
    start = forms.DateField(required=False, label="From (UTC)", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To (UTC)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "“To” must be on or after “From”.")
        elif first := start or end:
            if _day_start(end or datetime.now(UTC).date()) - _day_start(first) > LONGEST_CHART:
                self.add_error("start", f"Pick at most {LONGEST_CHART.days} days.")
        return cleaned

    @property
    def custom(self) -> bool:
        return bool(self.cleaned_data.get("start") or self.cleaned_data.get("end"))

    @property
    def quick_range(self) -> str:
        """The quick range applied ("24h" by default); "" for a custom range or invalid input."""
        if not self.is_valid() or self.custom:
            return ""
        return self.cleaned_data.get("range") or "24h"

    def bounds(self, *, now: datetime) -> tuple[datetime, datetime]:
        """(since, until): a custom range covers its days whole; one side missing is a single day. Invalid input
        shows the last 24 hours."""
        if not self.is_valid():
            return now - CHART_RANGES["24h"], now
        if self.custom:
            start = self.cleaned_data["start"] or self.cleaned_data["end"]
            end = self.cleaned_data["end"] or start
            return _day_start(start), _day_start(end) + timedelta(days=1)
        return now - CHART_RANGES[self.quick_range], now


class LogExplorerForm(ProjectFilterForm):
    source = forms.ChoiceField(choices=list(LOG_SOURCES.items()), required=False, label="Source")
    function = forms.ChoiceField(required=False, label="Hog function")
    export = forms.ChoiceField(required=False, label="Batch export")
    config = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Plugin config")
    types = forms.MultipleChoiceField(
        choices=[(kind, kind) for kind in LOG_TYPES], widget=forms.CheckboxSelectMultiple, required=False
    )
    sources = forms.MultipleChoiceField(
        choices=[(source, source) for source in SOURCES], widget=forms.CheckboxSelectMultiple, required=False
    )
    search = forms.CharField(
        required=False, max_length=200, label="Message contains", widget=forms.TextInput(attrs={"type": "search"})
    )
    after = UtcDateTimeField(required=False, label="From (UTC)")
    before = UtcDateTimeField(required=False, label="To (UTC)")
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: QueryDict,
        *,
        configs: dict[int, str],
        projects: dict[str, str],
        functions: dict[str, str] | None = None,
        exports: dict[str, str] | None = None,
    ) -> None:
        data = data.copy()
        if span := LOG_RANGES.get(data.get("range", "")):
            # A quick range fills in "From" as of now, so the form shows exactly what is applied.
            data["after"] = (datetime.now(UTC) - span).replace(microsecond=0).isoformat()
            data.pop("before", None)
        super().__init__(data, projects=projects)
        asked = data.get("config", "")
        if asked.isdigit() and int(asked) not in configs:
            # A link from a config whose logs the poller has not reached yet: an empty page says so.
            configs = {**configs, int(asked): f"Config {asked} (no logs stored)"}
        cast(forms.ChoiceField, self.fields["config"]).choices = [("", "All configs")] + [
            (config_id, name or f"Config {config_id}") for config_id, name in configs.items()
        ]
        for field, named, everything in (
            ("function", functions or {}, "All hog functions"),
            ("export", exports or {}, "All batch exports"),
        ):
            asked = data.get(field, "")
            if asked and asked not in named and len(asked) <= MAX_PROJECT_ID:
                named = {**named, asked: f"{asked[:8]} (nothing stored)"}  # a link ahead of the poller
            cast(forms.ChoiceField, self.fields[field]).choices = [("", everything), *named.items()]

    @property
    def log_source(self) -> str:
        """The source the explorer shows: plugin configs unless another is picked (and while the form is invalid)."""
        return (self.cleaned_data.get("source") if self.is_valid() else "") or PLUGIN_CONFIGS

    def clean_cursor(self) -> LogPosition | None:
        text = self.cleaned_data["cursor"]
        position = LogPosition.parse(text) if text else None
        if text and position is None:
            raise forms.ValidationError("This page link is damaged: start again from the newest entries.")
        return position

    def filters(self) -> LogFilters:
        """The selectors' keyword arguments (without the cursor)."""
        data = self.cleaned_data
        return LogFilters(
            plugin_config_id=data["config"],
            types=data["types"] or None,
            sources=data["sources"] or None,
            after=data["after"],
            before=data["before"],
            search=data["search"],
        )

    def pipeline_filters(self) -> PipelineLogFilters:
        """The hog function or batch export selectors' keyword arguments (without the cursor)."""
        data = self.cleaned_data
        return PipelineLogFilters(
            object_id=data[OBJECT_FIELDS[self.log_source]] or None,
            types=data["types"] or None,
            after=data["after"],
            before=data["before"],
            search=data["search"],
        )

    @property
    def cursor_position(self) -> LogPosition | None:
        return self.cleaned_data["cursor"]

    def query(self, *, without: tuple[str, ...] = (), **extra: object) -> str:
        """The applied filters as a query string (quick ranges resolved), with `extra` parameters added."""
        data = QueryDict(mutable=True)
        cleaned = self.cleaned_data
        if cleaned["project"] and "project" not in without:
            data["project"] = cleaned["project"]
        if cleaned["source"] and cleaned["source"] != PLUGIN_CONFIGS and "source" not in without:
            data["source"] = cleaned["source"]
        for name in ("config", "function", "export"):
            if cleaned[name] not in (None, "") and name not in without:
                data[name] = str(cleaned[name])
        data.setlist("types", cleaned["types"])
        data.setlist("sources", cleaned["sources"])
        if cleaned["search"]:
            data["search"] = cleaned["search"]
        for name in ("after", "before"):
            if cleaned[name]:
                data[name] = cleaned[name].isoformat()
        data.update({key: str(value) for key, value in extra.items()})
        return data.urlencode()


class ScheduleForm(forms.Form):
    UNITS = {IntervalSchedule.SECONDS: 1, IntervalSchedule.MINUTES: 60, IntervalSchedule.HOURS: 3600}

    every = forms.IntegerField(min_value=1, label="Every")
    unit = forms.ChoiceField(choices=[(unit, unit) for unit in UNITS], label="Unit")
    enabled = forms.BooleanField(required=False, label="Enabled", help_text="A disabled schedule stops this polling.")

    def __init__(self, data: QueryDict | None = None, *, schedule: Schedule) -> None:
        self.schedule = schedule
        every = schedule.every
        seconds = int(every.total_seconds()) if every else 300
        unit = next(unit for unit, size in reversed(self.UNITS.items()) if seconds % size == 0)
        initial = {"every": seconds // self.UNITS[unit], "unit": unit}
        super().__init__(data, initial={**initial, "enabled": schedule.periodic_task.enabled})

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "every" not in cleaned or "unit" not in cleaned:
            return cleaned
        seconds = cleaned["every"] * self.UNITS[cleaned["unit"]]
        shortest = HISTORY_TASKS[self.schedule.kind].min_interval
        if seconds < shortest.total_seconds():
            self.add_error(
                "every",
                f"At least {interval_words(shortest)} for this task: polling more often only spends the rate limit.",
            )
        elif seconds > LONGEST_SCHEDULE.total_seconds():
            self.add_error(
                "every", f"At most {interval_words(LONGEST_SCHEDULE)}: PostHog forgets plugin logs after a week."
            )
        cleaned["seconds"] = seconds
        return cleaned


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)

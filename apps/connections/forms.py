"""The connection pages' forms: a connection, a new API key, the switcher's choice of connection and project, and
which projects history watches."""

from typing import Any, cast

from django import forms
from django.http import QueryDict

from apps.connections.models import EU_CLOUD, US_CLOUD, Connection
from apps.connections.selectors import WatchedTarget, WatchRow

HOST_CHOICES = [
    (US_CLOUD, "US cloud (us.posthog.com)"),
    (EU_CLOUD, "EU cloud (eu.posthog.com)"),
    ("self", "Self-hosted"),
]


class ApiKeyField(forms.CharField):
    widget = forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Personal API key")
        kwargs.setdefault("min_length", 8)
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text",
            "Create one in PostHog under Settings → Personal API keys. It is stored encrypted and never shown again.",
        )
        super().__init__(strip=True, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and any(ch.isspace() for ch in value):
            raise forms.ValidationError("An API key has no spaces; check what was pasted.")


class ConnectionForm(forms.Form):
    name = forms.CharField(max_length=100)
    host_choice = forms.ChoiceField(label="PostHog", choices=HOST_CHOICES, widget=forms.RadioSelect, initial=US_CLOUD)
    self_hosted_url = forms.URLField(
        required=False,
        label="Self-hosted URL",
        assume_scheme="https",
        help_text="For example https://posthog.example.com",
    )
    api_key = ApiKeyField()
    organization_id = forms.CharField(
        max_length=64, initial="@current", help_text="@current uses the key's organization."
    )
    project_id = forms.CharField(max_length=64, required=False, help_text="Empty uses the key's current project.")
    environment_id = forms.CharField(
        max_length=64, required=False, help_text="Empty uses the project's default environment."
    )

    def __init__(self, *args: Any, instance: Connection | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "host_choice": instance.host if instance.host in (US_CLOUD, EU_CLOUD) else "self",
                    "self_hosted_url": "" if instance.host in (US_CLOUD, EU_CLOUD) else instance.host,
                    "organization_id": instance.organization_id,
                    "project_id": instance.project_id,
                    "environment_id": instance.environment_id,
                },
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            # The key is write-only: editing never shows or asks for it; "Replace key" changes it.
            del self.fields["api_key"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Connection.objects.filter(name__iexact=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another connection has this name.")
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("host_choice") == "self":
            if not cleaned.get("self_hosted_url"):
                self.add_error("self_hosted_url", "Enter the address of your PostHog.")
            cleaned["host"] = (cleaned.get("self_hosted_url") or "").rstrip("/")
        else:
            cleaned["host"] = cleaned.get("host_choice", "")
        return cleaned


class ReplaceKeyForm(forms.Form):
    api_key = ApiKeyField(label="New personal API key")


class SwitchForm(forms.Form):
    connection = forms.ModelChoiceField(queryset=Connection.objects.all(), empty_label=None)
    project_id = forms.CharField(max_length=64, required=False)
    environment_id = forms.CharField(max_length=64, required=False)


class WatchForm(forms.Form):
    """Which of the project environments PostHog reports (and those stored before) the history pollers read."""

    watched = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Watched")
    watch_new = forms.BooleanField(
        required=False,
        label="Watch new projects",
        help_text="A project PostHog reports later is watched as soon as the pollers see it (within ten minutes). "
        "Untick it to watch only what is ticked above.",
    )

    def __init__(self, data: QueryDict | None = None, *, rows: list[WatchRow], watch_new: bool) -> None:
        initial = {"watched": [row.target.key for row in rows if row.watched], "watch_new": watch_new}
        super().__init__(data, initial=initial)
        self.rows = rows
        cast(forms.MultipleChoiceField, self.fields["watched"]).choices = [
            (row.target.key, row.target.label) for row in rows
        ]

    @property
    def ticked(self) -> set[str]:
        """The keys shown ticked: what was sent, or what is stored."""
        if isinstance(self.data, QueryDict):
            return set(self.data.getlist("watched"))
        return set(self.initial["watched"])

    def choices(self) -> list[tuple[WatchedTarget, bool]]:
        """Every row with whether it is to be watched, for the service."""
        ticked = set(self.cleaned_data["watched"])
        return [(row.target, row.target.key in ticked) for row in self.rows]

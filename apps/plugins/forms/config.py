"""A Django form built from a plugin's `config_schema` (see apps/plugins/schema.py), and the config PostHog expects
back from it.

Form fields are named after PostHog's error paths (`config__<key>`), so an upstream validation error lands on
its field by name and no schema key can collide with the config's own `enabled` and `name`.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import cached_property

from apps.core.forms import JSONTextField, changed_payload, json_read, value_changed
from apps.plugins.schema import FIELD_PREFIX, SchemaEntry, conditions_hold, schema_entries
from apps.posthog.client import Files
from apps.posthog.errors import Unkept

REMOVE_PREFIX = "remove__"
CLEAR_PREFIX = "clear__"
SECRET_SET_PLACEHOLDER = "Secret is set — leave empty to keep it"
REQUIRED_MESSAGE = "Required once the config is enabled."
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# What a kept secret or a stored file counts as in required_if / visible_if: set, and equal to no real value.
IS_SET = "\x00set"

# Fields -----------------------------------------------------------------------------------------------


class SecretTextarea(forms.Textarea):
    """A textarea that never writes its value into the page, like PasswordInput(render_value=False)."""

    def format_value(self, value: Any) -> None:
        return None


class DictionaryField(forms.CharField):
    """One `key = value` per line, sent as an object."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "code", "spellcheck": "false"})

    def prepare_value(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return "\n".join(
            f"{key} = {item if isinstance(item, str) else json.dumps(item)}" for key, item in value.items()
        )

    def to_python(self, value: Any) -> dict[str, str]:  # type: ignore[override]  # a CharField that answers a dict
        result: dict[str, str] = {}
        for number, line in enumerate((super().to_python(value) or "").splitlines(), 1):
            if not line.strip():
                continue
            key, equals, item = line.partition("=")
            if not equals or not key.strip():
                raise forms.ValidationError(f"Line {number}: write it as key = value.", code="invalid_line")
            if key.strip() in result:
                raise forms.ValidationError(f"Line {number}: “{key.strip()}” is there twice.", code="duplicate_key")
            result[key.strip()] = item.strip()
        return result


class AttachmentField(forms.FileField):
    # data-carry: the browser script keeps the chosen file when htmx redraws the form around an error.
    widget = forms.FileInput(attrs={"data-carry": ""})

    def validate(self, value: UploadedFile | None) -> None:
        super().validate(value)
        if value and (value.size or 0) > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError("This file is larger than 10 MB.", code="too_large")


def _field_for(entry: SchemaEntry, *, secret_set: bool) -> forms.Field:
    help_text = " ".join(filter(None, ["One key = value per line." if entry.type == "dictionary" else "", entry.hint]))
    label = entry.name or entry.key
    placeholder = SECRET_SET_PLACEHOLDER if secret_set else ""
    if entry.type == "attachment":
        return AttachmentField(label=label, required=False, help_text=help_text)
    if entry.type == "choice":
        choices = [("", placeholder or "—"), *((choice, choice) for choice in entry.choices)]
        return forms.ChoiceField(choices=choices, label=label, required=False, help_text=help_text)
    field_class: type[forms.CharField] = {"json": JSONTextField, "dictionary": DictionaryField}.get(
        entry.type, forms.CharField
    )
    field = field_class(label=label, required=False, help_text=help_text)
    if entry.secret:
        attrs = {**field.widget.attrs, "placeholder": placeholder, "autocomplete": "new-password", "data-carry": ""}
        field.widget = (
            forms.PasswordInput(attrs=attrs, render_value=False)
            if entry.type == "string"
            else SecretTextarea(attrs=attrs)
        )
    return field


# The form ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaRow:
    """What the template shows for one schema entry: a note, a field, or both."""

    entry: SchemaEntry
    field: forms.BoundField | None = None
    visible: bool = True
    required: bool = False
    secret_set: bool = False
    stored_file: dict | None = None
    remove: forms.BoundField | None = None
    clear: forms.BoundField | None = None

    @property
    def visible_if_json(self) -> str:
        return json.dumps(self.entry.visible_if)

    @property
    def required_if_json(self) -> str:
        return json.dumps(self.entry.required_if)


class PluginConfigForm(forms.Form):
    enabled = forms.BooleanField(
        required=False,
        label="Enabled",
        help_text="Events pass through enabled configs. Fields marked * are required once it is enabled.",
    )
    name = forms.CharField(
        required=False,
        max_length=400,
        label="Name in this project",
        help_text="Leave empty to use the plugin's name.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, schema: Any, saved: dict[str, Any] | None = None, **kwargs: Any) -> None:
        """`saved` is the config's current values as PostHog returns them (secrets masked); None creates."""
        super().__init__(*args, **kwargs)
        self.creating = saved is None
        self.saved = saved or {}
        self.entries = schema_entries(schema)
        for entry in self.value_entries:
            field = _field_for(entry, secret_set=self._secret_set(entry))
            field.initial = self._initial(entry)
            self.fields[entry.field_name] = field
            if self._stored_file(entry):
                self.fields[REMOVE_PREFIX + entry.key] = forms.BooleanField(required=False, label="Remove this file")
            elif self._secret_set(entry) and not entry.required:
                self.fields[CLEAR_PREFIX + entry.key] = forms.BooleanField(required=False, label="Clear this secret")

    @cached_property
    def value_entries(self) -> list[SchemaEntry]:
        return [entry for entry in self.entries if entry.key]

    # What PostHog holds now ----------------------------------------------------------------------

    def _secret_set(self, entry: SchemaEntry) -> bool:
        return entry.secret and entry.type != "attachment" and self.saved.get(entry.key) not in (None, "")

    def _stored_file(self, entry: SchemaEntry) -> dict[str, Any] | None:
        stored = self.saved.get(entry.key)
        return stored if entry.type == "attachment" and isinstance(stored, dict) and stored.get("saved") else None

    def _initial(self, entry: SchemaEntry) -> Any:
        if entry.secret or entry.type == "attachment":
            return None
        return entry.default if self.creating else self.saved.get(entry.key)

    def _checked(self, prefix: str, entry: SchemaEntry) -> bool:
        return prefix + entry.key in self.fields and bool(self[prefix + entry.key].value())

    # What the person asked for ------------------------------------------------------------------

    def _condition_values(self) -> dict[str, str]:
        """Each field as typed (or as held, unbound), the way the browser script reads the page."""
        values: dict[str, str] = {}
        for entry in self.value_entries:
            if entry.type == "attachment":
                chosen = self.is_bound and self.files.get(entry.field_name)
                kept = self._stored_file(entry) and not self._checked(REMOVE_PREFIX, entry)
                values[entry.key] = IS_SET if chosen or kept else ""
                continue
            value = str(self[entry.field_name].value() or "").strip()
            kept_secret = self._secret_set(entry) and not self._checked(CLEAR_PREFIX, entry)
            values[entry.key] = value or (IS_SET if kept_secret else "")
        return values

    def _visible(self, entry: SchemaEntry, values: dict[str, str]) -> bool:
        return conditions_hold(entry.visible_if, values)

    def _required(self, entry: SchemaEntry, values: dict[str, str]) -> bool:
        return entry.required or bool(entry.required_if and conditions_hold(entry.required_if, values))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("enabled"):
            return cleaned  # PostHog lets a disabled config be incomplete
        values = self._condition_values()
        for entry in self.value_entries:
            if entry.field_name in self.errors or not self._visible(entry, values):
                continue
            if self._required(entry, values) and not values[entry.key]:
                self.add_error(entry.field_name, REQUIRED_MESSAGE)
        return cleaned

    # What PostHog is sent -----------------------------------------------------------------------

    def config_values(self) -> dict[str, Any]:
        """The whole config: PostHog's update replaces it (PluginConfigSerializer.update keeps only the secrets
        left out or null). A secret left empty is sent as null, which keeps it; on an edit a field the person did
        not change goes back exactly as PostHog holds it (`headers: {}` stays `{}`), and values of keys the schema
        no longer has are kept as they were."""
        keys = {entry.key for entry in self.value_entries}
        values = {key: value for key, value in self.saved.items() if key not in keys}
        for entry in self.value_entries:
            value = self.cleaned_data.get(entry.field_name)
            if entry.type == "attachment":
                continue  # files travel beside the config, as add_attachment[key]
            if entry.secret and not value:
                if self._checked(CLEAR_PREFIX, entry):
                    values[entry.key] = ""
                elif not self.creating:
                    values[entry.key] = None
            elif not self.creating and not self._entry_changed(entry):
                if entry.key in self.saved:
                    values[entry.key] = self.saved[entry.key]
            elif value not in (None, "", {}):
                values[entry.key] = value
        return values

    def _entry_changed(self, entry: SchemaEntry) -> bool:
        """Whether the person changed this schema field from what PostHog holds (files aside: they travel apart)."""
        if entry.type == "attachment":
            return False
        value = self.cleaned_data.get(entry.field_name)
        if entry.secret:
            return bool(value) or self._checked(CLEAR_PREFIX, entry)
        return value_changed(_comparable(entry, self.saved.get(entry.key)), _comparable(entry, value))

    def _config_changed(self) -> bool:
        return self.creating or any(self._entry_changed(entry) for entry in self.value_entries)

    def request_data(self) -> dict[str, Any]:
        """The body of the create or update request, without the files. An edit holds only what the person
        changed: `enabled` and `name` when changed, the config (whole, see config_values) when one of its fields
        did, attachment removals when ticked."""
        removals = {
            f"remove_attachment[{entry.key}]": "true"
            for entry in self.value_entries
            if self._checked(REMOVE_PREFIX, entry) and not self.cleaned_data.get(entry.field_name)
        }
        fields = {"enabled": self.cleaned_data["enabled"], "name": self.cleaned_data["name"]}
        if not self.creating:
            fields = changed_payload(initial=self.initial, current=fields)
        config = {"config": self.config_values()} if self._config_changed() else {}
        return {**fields, **config, **removals}

    def has_changes(self) -> bool:
        """Whether an edit has anything to send (call after is_valid); files count without being read."""
        uploads = any(
            self.cleaned_data.get(entry.field_name) for entry in self.value_entries if entry.type == "attachment"
        )
        return uploads or bool(self.request_data())

    def attachment_files(self) -> Files | None:
        files = {
            f"add_attachment[{entry.key}]": (
                upload.name,
                upload.read(),
                upload.content_type or "application/octet-stream",
            )
            for entry in self.value_entries
            if entry.type == "attachment" and (upload := self.cleaned_data.get(entry.field_name))
        }
        return files or None

    # What the template shows --------------------------------------------------------------------

    def mark_unkept(self, unkept: Iterable[Unkept]) -> None:
        """Beside each value PostHog answered 200 to but did not keep (ChangeNotKept), what it still holds."""
        for item in unkept:
            field = FIELD_PREFIX + item.field if FIELD_PREFIX + item.field in self.fields else item.field
            if field in self.fields:
                self.add_error(field, f"PostHog did not keep this value; it still holds “{_shown(item.kept)}”.")

    def rows(self) -> list[SchemaRow]:
        values = self._condition_values()
        rows = []
        for entry in self.entries:
            if not entry.key:
                rows.append(SchemaRow(entry=entry))
                continue
            rows.append(
                SchemaRow(
                    entry=entry,
                    field=self[entry.field_name],
                    # A field PostHog refused stays in view, whatever its visible_if says.
                    visible=self._visible(entry, values) or bool(self[entry.field_name].errors),
                    required=self._required(entry, values),
                    secret_set=self._secret_set(entry),
                    stored_file=self._stored_file(entry),
                    remove=self[REMOVE_PREFIX + entry.key] if REMOVE_PREFIX + entry.key in self.fields else None,
                    clear=self[CLEAR_PREFIX + entry.key] if CLEAR_PREFIX + entry.key in self.fields else None,
                )
            )
        return rows


def own_name(config: dict[str, Any], plugin: dict[str, Any]) -> str:
    """The config's own name, as the form shows it: PostHog answers the plugin's name when the config has none."""
    name = config.get("name") or ""
    return "" if name == plugin.get("name") else str(name)


def _comparable(entry: SchemaEntry, value: Any) -> Any:
    """A config value as the form shows it: JSON text by what it parses to (PostHog may hold the text or the
    object), a number or flag held in a text field by its text."""
    if entry.type == "json" and isinstance(value, str):
        try:
            return json_read(value)
        except forms.ValidationError:  # not JSON, or too big or deep to parse safely
            return value
    if entry.type not in ("json", "dictionary") and isinstance(value, int | float | bool):
        return str(value)
    return value


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "nothing"
    return str(value) if not isinstance(value, dict) else str(value.get("name") or value)

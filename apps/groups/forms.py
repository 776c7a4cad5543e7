"""The groups pages' forms: find a group, create one, set one of its properties."""

from typing import Any, cast

from django import forms

from apps.core.forms import MAX_JSON_DEPTH, JSONTextField, changed_payload, json_depth, json_read
from apps.groups.selectors import GroupType
from apps.groups.values import value_parse

MAX_KEY_LENGTH = 400  # PostHog's limit on group keys
# PostHog's field names, mapped to these forms' where they differ; "detail" names a duplicate key.
UPSTREAM_FIELDS = {"group_type_index": "type", "group_key": "key", "group_properties": "properties", "detail": "key"}
PROPERTY_FIELDS = {"key": "property"}


class GroupTypeChoiceField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label="Group type", coerce=int, **kwargs)


class _GroupTypeForm(forms.Form):
    def __init__(self, *args: Any, group_types: list[GroupType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_types = {group_type.index: group_type for group_type in group_types}
        field = cast(forms.ChoiceField, self.fields["type"])  # each subclass declares a GroupTypeChoiceField
        field.choices = [(t.index, t.plural) for t in group_types]

    @property
    def group_type(self) -> GroupType:
        return self.group_types[self.cleaned_data["type"]]


class GroupFindForm(_GroupTypeForm):
    type = GroupTypeChoiceField()
    key = forms.CharField(label="Key", max_length=MAX_KEY_LENGTH)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ids of its own: the form also sits on the list page beside the search.
        super().__init__(*args, auto_id="find-%s", **kwargs)


class GroupCreateForm(_GroupTypeForm):
    type = GroupTypeChoiceField()
    key = forms.CharField(
        label="Key",
        max_length=MAX_KEY_LENGTH,
        help_text="The id your events send in $groups, e.g. a company's id or domain. It cannot be changed later.",
    )
    properties = JSONTextField(
        label="Properties",
        required=False,
        help_text='A JSON object, e.g. {"name": "Acme", "plan": "scale", "seats": 40}.',
    )

    def clean_properties(self) -> dict:
        text = self.cleaned_data["properties"]
        properties = json_read(text) if text else {}
        if not isinstance(properties, dict):
            raise forms.ValidationError('Properties must be a JSON object, like {"plan": "scale"}.')
        return properties


class PropertyValueForm(forms.Form):
    """A new value for a property the group has (the property is named by the URL)."""

    value = forms.CharField(
        label="Value",
        max_length=65_536,
        help_text="Numbers, true/false, [lists] and {objects} are saved as such; put text in quotes to keep it text.",
    )

    def clean_value(self) -> Any:
        text = self.cleaned_data["value"]
        if json_depth(text) > MAX_JSON_DEPTH:
            raise forms.ValidationError(
                f"This nests deeper than {MAX_JSON_DEPTH} levels: flatten it, or put it in quotes to keep it text.",
                code="too_deep",
            )
        return value_parse(text)

    def payload(self) -> dict[str, Any]:
        """{"value": …} when it differs from the value the form was opened with (its initial, as the page showed
        it), else {}: nothing to send."""
        held = {"value": value_parse(self.initial["value"])} if "value" in self.initial else {}
        return changed_payload(initial=held, current={"value": self.cleaned_data["value"]})


class PropertyForm(PropertyValueForm):
    """A property to add to the group (or to set, when it has it already)."""

    property = forms.CharField(label="Property", max_length=MAX_KEY_LENGTH)
    field_order = ["property", "value"]

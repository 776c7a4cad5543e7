"""The saved views' forms: saving the page a person is on, and renaming (or sharing) one of theirs."""

from typing import Any

from django import forms

from apps.saved_views.models import NAME_MAX, PATH_MAX, QUERY_MAX, SavedView
from apps.saved_views.paths import path_clean, query_clean

DUPLICATE = "You already have a view called “{name}”: pick another name, or rename that one."


class _NamedForm(forms.Form):
    # "View name", not "Name": the save dialog sits on list pages that have a Name field of their own.
    name = forms.CharField(
        label="View name",
        max_length=NAME_MAX,
        strip=True,
        help_text="How it reads in the navigation.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    shared = forms.BooleanField(
        required=False, label="Share with the team", help_text="Everyone who signs in sees it under Team views."
    )

    def __init__(self, *args: Any, owner: Any, view: SavedView | None = None, **kwargs: Any) -> None:
        # The save form sits in a dialog on every page: its ids must not meet the page's own form's ("id_name").
        kwargs.setdefault("auto_id", "saved-view-%s")
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.view = view

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        others = SavedView.objects.filter(owner=self.owner, name__iexact=name)
        if self.view is not None:
            others = others.exclude(pk=self.view.pk)
        if others.exists():
            raise forms.ValidationError(DUPLICATE.format(name=name))
        return name


class SaveViewForm(_NamedForm):
    """`path` and `query` are where the person is: the page puts them in hidden fields (sortable.js refreshes them
    from the address bar when they open the form, since filters and sorting change it without a reload)."""

    path = forms.CharField(max_length=PATH_MAX, widget=forms.HiddenInput)
    # Its length is checked once re-encoded (clean_query), which is what is kept, with a message a person reads.
    query = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    field_order = ["name", "shared", "path", "query"]

    def clean_path(self) -> str:
        path = path_clean(self.cleaned_data["path"])
        if path is None:
            raise forms.ValidationError("Only a page of this portal that can be opened can be saved as a view.")
        return path

    def clean_query(self) -> str:
        raw = self.cleaned_data["query"]
        # Measured before parsing too, so a huge or many-fielded string is refused without being parsed.
        query = query_clean(raw) if len(raw) <= QUERY_MAX else raw
        if query is None or len(query) > QUERY_MAX:
            raise forms.ValidationError(f"These filters are too long to keep (over {QUERY_MAX:,} characters).")
        return query

    def payload(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in ("name", "shared", "path", "query")}


class RenameViewForm(_NamedForm):
    def payload(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in ("name", "shared")}

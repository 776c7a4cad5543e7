"""The file system's forms: a folder path as typed, and where an item is moved (or a shortcut to it made)."""

from typing import Any

from django import forms

from apps.core.forms import NO_CHANGES
from apps.file_system.paths import is_within, join_path, split_path
from apps.file_system.selectors import Item

MOVE = "move"
LINK = "link"


class FolderPathField(forms.CharField):
    """A folder path typed as "Marketing/Campaigns 2025" ("\\/" inside a name), cleaned to PostHog's form;
    empty for the top level."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        typed = super().clean(value).strip().strip("/")
        if not typed:
            return ""
        if any(not segment.strip() for segment in typed.replace("\\/", "\0").split("/")):
            raise forms.ValidationError("A folder name is missing between two “/”.", code="empty_segment")
        return join_path([segment.strip() for segment in split_path(typed)])


class DestinationForm(forms.Form):
    """Where an item goes (moved there, or a shortcut to it made there): a folder path and a name."""

    folder = FolderPathField(
        label="Destination folder",
        help_text="Folders separated by “/”, e.g. Marketing/Campaigns 2025; empty for the top level. "
        "Folders that do not exist yet are made.",
        widget=forms.TextInput(attrs={"list": "folder-paths", "autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label="Name", max_length=400, strip=True)

    def __init__(self, *args: Any, item: Item, action: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.action = action
        if action == LINK:
            self.fields["name"].help_text = "The shortcut's name; the original keeps its own."

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "folder" not in cleaned or not cleaned.get("name"):
            return cleaned
        new_path = self.new_path()
        if new_path == self.item.path:
            message = (
                f"{NO_CHANGES} It is already there: choose another folder or name."
                if self.action == MOVE
                else "The shortcut would sit on the item itself: choose another folder or name."
            )
            self.add_error("folder", message)
        elif self.item.is_folder and is_within(new_path, self.item.path):
            self.add_error("folder", "A folder cannot go inside itself.")
        return cleaned

    def new_path(self) -> str:
        return join_path([*split_path(self.cleaned_data["folder"]), self.cleaned_data["name"]])


class ViewedForm(forms.Form):
    """What an item's page posts once shown, so that PostHog records the view: the item's type and reference as
    the page read them."""

    type = forms.CharField(max_length=200)
    ref = forms.CharField(max_length=200)

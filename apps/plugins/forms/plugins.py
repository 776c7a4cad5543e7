"""The organization's plugins: the three ways to install one, and its editable facts."""

from typing import Any

from django import forms

from apps.core.forms import changed_payload


class InstallForm(forms.Form):
    """One way to install a plugin; `payload()` is what PostHog's install endpoint is sent."""

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError


class RepositoryInstallForm(InstallForm):
    url = forms.CharField(widget=forms.HiddenInput, max_length=800)

    def payload(self) -> dict[str, Any]:
        return {"url": self.cleaned_data["url"], "plugin_type": "repository"}


class UrlInstallForm(InstallForm):
    url = forms.CharField(
        label="Repository or package URL",
        max_length=800,
        help_text="A GitHub or GitLab repository (optionally …/tree/<tag>) or an npm package page.",
        widget=forms.TextInput(attrs={"placeholder": "https://github.com/PostHog/…", "inputmode": "url"}),
    )

    def payload(self) -> dict[str, Any]:
        return {"url": self.cleaned_data["url"].strip()}


class SourceInstallForm(InstallForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="PostHog starts it with a plugin.json and an index.ts you can then edit here.",
    )

    def payload(self) -> dict[str, Any]:
        return {"plugin_type": "source", "name": self.cleaned_data["name"]}


# The install page's forms by the `how` its buttons post (each form's prefix too).
INSTALL_FORMS: dict[str, type[InstallForm]] = {
    "repository": RepositoryInstallForm,
    "url": UrlInstallForm,
    "source": SourceInstallForm,
}


def install_forms(data: Any, *, how: str | None) -> dict[str, InstallForm]:
    """Every way to install, only the one posted (`how`) bound to `data`."""
    return {name: form_class(data if name == how else None, prefix=name) for name, form_class in INSTALL_FORMS.items()}


class PluginEditForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    icon = forms.URLField(label="Icon URL", required=False, max_length=800, assume_scheme="https")
    is_global = forms.BooleanField(
        label="Global: every organization on this PostHog can use it",
        required=False,
        help_text="A global plugin cannot be uninstalled; make it local first.",
    )

    @classmethod
    def initial_for(cls, plugin: dict[str, Any]) -> dict[str, Any]:
        """The form's fields as PostHog holds them now."""
        return {name: plugin.get(name) for name in cls.base_fields}

    def payload(self) -> dict[str, Any]:
        """What the person changed of what PostHog holds (the form's initial); empty when nothing."""
        current = {**self.cleaned_data, "icon": self.cleaned_data["icon"] or None}
        return changed_payload(initial=self.initial, current=current)

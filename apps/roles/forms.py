from typing import Any

from django import forms

from apps.core.forms import changed_payload


class RoleForm(forms.Form):
    # PostHog's limit; it also refuses a name another role has, whatever its case.
    name = forms.CharField(max_length=200, help_text="Unique in the organization, whatever the case.")

    def payload(self) -> dict[str, Any]:
        """A rename sends the name only when the person changed it (the form's initial is the role's name); a
        change of case is a change."""
        return changed_payload(initial=self.initial, current={"name": self.cleaned_data["name"]})

from typing import Any

from django import forms
from django.core.validators import RegexValidator

from apps.sharing.kinds import INSIGHTS, Kind

MAX_NOTE_LENGTH = 100  # PostHog's limit
MIN_PASSWORD_LENGTH = 8  # PostHog's limit
SESSION_ID = RegexValidator(
    r"^[A-Za-z0-9_-]{1,200}$", "A session ID holds only letters, digits, “-” and “_”, as in the replay's address."
)


class OpenForm(forms.Form):
    """Open one insight or recording by its ID."""

    id = forms.CharField(max_length=200)

    def __init__(self, *args: Any, kind: Kind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        field = self.fields["id"]
        if kind is INSIGHTS:
            field.label = "Insight ID"
            field.help_text = "The number in the insight's API address, or pick one below."
            field.widget.attrs.update({"inputmode": "numeric", "placeholder": "e.g. 42"})
        else:
            field.label = "Session ID"
            field.help_text = "The ID at the end of the replay's address (…/replay/<ID>), or pick one below."
            field.widget.attrs.update({"placeholder": "e.g. 0190b7e2-aa41-7c3e-9f1d-6c3b2a1d0e9f"})
        field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_id(self) -> str:
        value = self.cleaned_data["id"].strip()
        if self.kind is INSIGHTS:
            if not value.isdigit() or int(value) < 1:
                raise forms.ValidationError("An insight ID is a whole number, such as 42.")
            return str(int(value))
        SESSION_ID(value)
        return value


class PasswordForm(forms.Form):
    note = forms.CharField(
        max_length=MAX_NOTE_LENGTH,
        required=False,
        help_text="Who it is for, so you know which password to delete later.",
    )
    # Never written back into the page: after a validation error the password has to be typed again.
    raw_password = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        min_length=MIN_PASSWORD_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=f"At least {MIN_PASSWORD_LENGTH} characters. Leave it empty and PostHog makes up a strong one.",
    )

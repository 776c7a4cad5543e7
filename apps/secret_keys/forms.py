from typing import Any, cast

from django import forms

from apps.core.forms import changed_payload

# Scopes PostHog lets a project secret API key hold, as the portal describes them. The list grows with PostHog's
# versions (posthog/scopes.py, PROJECT_SECRET_API_KEY_ALLOWED_API_SCOPE_ACTION): a version that does not accept one
# says so, and its refusal lands on the field. A key's scopes the portal does not describe are offered too, so an
# edit keeps every scope the key holds.
SCOPE_CHOICES = [
    ("feature_flag:read", "Feature flags: read (local evaluation of flags in server SDKs)"),
    ("endpoint:read", "Endpoints: read (run the project's endpoints)"),
    ("experiment:read", "Experiments: read"),
    ("account:read", "Account: read"),
    ("loop:write", "Loops: write"),
]
UNDESCRIBED = "held by this key; the portal does not describe it"
# PostHog's limit on labels.
LABEL_MAX_LENGTH = 40
# PostHog names a refused scope by its index (`scopes__0`).
MAX_SCOPE_INDEX = 50
# A rename to another key's label, which the edit checks before PostHog would fail on it.
LABEL_TAKEN = "Another secret key of this environment has this label."


class SecretKeyForm(forms.Form):
    label = forms.CharField(
        max_length=LABEL_MAX_LENGTH,
        help_text="Unique within the environment; say what uses the key, so that it can be rolled or revoked later.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "maxlength": LABEL_MAX_LENGTH}),
    )
    scopes = forms.MultipleChoiceField(
        choices=SCOPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one scope."},
        help_text="The scopes PostHog allows for secret keys; this PostHog version may refuse newer ones.",
    )

    UPSTREAM_FIELDS = {f"scopes__{index}": "scopes" for index in range(MAX_SCOPE_INDEX)}

    def __init__(self, *args: Any, held_scopes: list[str] | tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        described = {value for value, _ in SCOPE_CHOICES}
        extra = [(scope, UNDESCRIBED) for scope in held_scopes if isinstance(scope, str) and scope not in described]
        scopes = cast(forms.MultipleChoiceField, self.fields["scopes"])  # declared a MultipleChoiceField above
        scopes.choices = [*SCOPE_CHOICES, *extra]

    def payload(self) -> dict[str, Any]:
        """On an edit (the form's initial is the key as PostHog holds it), only what the person changed; the scopes
        are compared as a set, since the form lists them in its own order."""
        current = {"label": self.cleaned_data["label"], "scopes": list(self.cleaned_data["scopes"])}
        return changed_payload(initial=self.initial, current=current, unordered={"scopes"})

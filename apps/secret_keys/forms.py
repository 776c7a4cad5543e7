from django import forms

# The only scopes PostHog lets a project secret API key hold.
SCOPE_CHOICES = [
    ("feature_flag:read", "Feature flags: read (local evaluation of flags in server SDKs)"),
    ("endpoint:read", "Endpoints: read (run the project's endpoints)"),
]
# PostHog's limit on labels.
LABEL_MAX_LENGTH = 40


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
        help_text="A secret key can hold only these scopes.",
    )

    # PostHog names the scope it refused by its index (`scopes__0`).
    UPSTREAM_FIELDS = {f"scopes__{index}": "scopes" for index in range(len(SCOPE_CHOICES))}

    def payload(self) -> dict:
        return {"label": self.cleaned_data["label"], "scopes": list(self.cleaned_data["scopes"])}

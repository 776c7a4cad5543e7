from typing import Any

from django import forms

# PostHog's product keys that onboarding knows, with the names its UI gives them.
PRODUCTS = [
    ("product_analytics", "Product analytics"),
    ("web_analytics", "Web analytics"),
    ("session_replay", "Session replay"),
    ("feature_flags", "Feature flags"),
    ("experiments", "Experiments"),
    ("surveys", "Surveys"),
    ("data_warehouse", "Data warehouse"),
    ("error_tracking", "Error tracking"),
    ("llm_analytics", "LLM analytics"),
    ("revenue_analytics", "Revenue analytics"),
    ("logs", "Logs"),
    ("workflows", "Workflows"),
    ("early_access_features", "Early access features"),
    ("cohorts", "Cohorts"),
    ("dashboards", "Dashboards"),
    ("notebooks", "Notebooks"),
    ("platform_and_support", "Platform and support"),
    ("user_interviews", "User interviews"),
    ("max", "Max AI"),
    ("links", "Links"),
    ("messaging", "Messaging"),
    ("pipeline_destinations", "Pipeline destinations"),
    ("integrations", "Integrations"),
]


class ProjectNameConfirmForm(forms.Form):
    """A token change goes ahead only once the project's name is typed: a pasted URL or a wrong tab won't do."""

    project_name = forms.CharField(label="Type the project's name to confirm", max_length=400)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        field = self.fields["project_name"]
        field.help_text = f"Type “{expected}” exactly."
        field.widget.attrs.update({"data-confirm-text": expected, "autocomplete": "off", "spellcheck": "false"})

    def clean_project_name(self) -> str:
        typed = self.cleaned_data["project_name"]
        if typed != self.expected:
            raise forms.ValidationError(
                f"That is not this project's name: type “{self.expected}” exactly, capitals included.",
                code="name_mismatch",
            )
        return typed


class OnboardingForm(forms.Form):
    product_type = forms.ChoiceField(label="Product", choices=[("", "Choose a product…"), *PRODUCTS])

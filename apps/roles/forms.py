from django import forms


class RoleForm(forms.Form):
    # PostHog's limit; it also refuses a name another role has, whatever its case.
    name = forms.CharField(max_length=200, help_text="Unique in the organization, whatever the case.")

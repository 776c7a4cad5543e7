"""Every form of the people pages: a new person, a role, a time zone, and Django's own password forms."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator

from apps.people.selectors import ROLES, time_zone_choices

__all__ = [
    "PasswordChangeForm",
    "PersonCreateForm",
    "ResetForm",
    "RoleForm",
    "SetPasswordForm",
    "TimeZoneForm",
    "TwoFactorCodeForm",
]

ROLE_HELP = {
    "Viewer": "Viewer: sees everything, changes nothing.",
    "Operator": "Operator: also makes everyday changes in PostHog (plugin configs, hog functions…).",
    "Admin": "Admin: also installs plugins, manages connections, keys and people.",
}
LINK, PASSWORD = "link", "password"


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=[(role, role) for role in ROLES], widget=forms.RadioSelect, label="Role")


class PersonCreateForm(RoleForm):
    username = forms.CharField(
        max_length=150, validators=[UnicodeUsernameValidator()], help_text="What they type to sign in."
    )
    email = forms.EmailField(required=False, help_text="Where a sign-in link can be sent.")
    sign_in = forms.ChoiceField(
        label="First sign-in",
        choices=[(LINK, "A one-time link to set their own password"), (PASSWORD, "A password I set now")],
        initial=LINK,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Only for “a password I set now”: at least 12 characters, not a common one.",
    )
    send_email = forms.BooleanField(required=False, label="Also email the link to their address")

    field_order = ["username", "email", "role", "sign_in", "password", "send_email"]

    def __init__(self, *args: Any, email_enabled: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = "Viewer"
        if not email_enabled:
            del self.fields["send_email"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Someone has this user name already (deactivated people keep theirs).")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sign_in") == PASSWORD:
            password = data.get("password", "")
            if not password:
                self.add_error("password", "Type the password, or choose a sign-in link instead.")
            else:
                candidate = User(username=data.get("username", ""), email=data.get("email", ""))
                try:
                    password_validation.validate_password(password, candidate)
                except forms.ValidationError as error:
                    self.add_error("password", error)
        else:
            data["password"] = ""  # a password typed before choosing the link is not kept
            if data.get("send_email") and not data.get("email"):
                self.add_error("email", "Give an address to email the link to.")
        return data

    @property
    def link_wanted(self) -> bool:
        return self.cleaned_data.get("sign_in") == LINK


class ResetForm(forms.Form):
    send_email = forms.BooleanField(required=False, label="Also email the new link to their address")


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Every time on the portal's pages is shown in this zone. UTC is the default.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = self.fields["time_zone"]
        assert isinstance(zone, forms.ChoiceField)  # declared above
        zone.choices = time_zone_choices()


class TwoFactorCodeForm(forms.Form):
    WRONG = "That code is not right, or was used already: type the one your app shows now."

    code = forms.CharField(
        label="Code",
        min_length=6,
        max_length=8,
        help_text="The six digits your authenticator app shows now.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError("The code is digits only.")
        return code

"""The alerts pages' forms: a rule (its condition, scope and channels), a channel (secrets write-only), a snooze."""

from typing import Any, cast

from django import forms

from apps.alerts.models import AlertRule, Channel
from apps.alerts.presenters import KIND_FIELDS, KIND_ITEM_TYPES, SNOOZE_CHOICES
from apps.alerts.selectors import KnownItem

Scope = AlertRule.Scope


class RuleForm(forms.Form):
    name = forms.CharField(max_length=150, help_text="What the notification's title starts with.")
    kind = forms.ChoiceField(label="When", choices=AlertRule.Kind.choices)
    threshold = forms.FloatField(
        label="Rate below (%)", required=False, min_value=0, max_value=100, help_text="For example 95."
    )
    count = forms.IntegerField(
        label="Count",
        required=False,
        min_value=0,
        help_text="ERROR entries above this many in the window; for an overdue export, how many of its intervals.",
    )
    minutes = forms.IntegerField(
        label="For / within (minutes)", min_value=1, max_value=60 * 24 * 7, initial=15, required=False
    )
    text = forms.CharField(
        label="Log text", max_length=500, required=False, help_text="Any entry containing it, case-insensitive."
    )
    scope = forms.ChoiceField(choices=Scope.choices, initial=Scope.ALL, widget=forms.RadioSelect)
    project_id = forms.ChoiceField(label="Project", required=False)
    item = forms.ChoiceField(
        label="Item", required=False, help_text="The items the portal's pollers have stored history of."
    )
    repeat_minutes = forms.IntegerField(
        label="Remind every (minutes)",
        min_value=5,
        max_value=60 * 24 * 7,
        initial=60,
        help_text="While it lasts, at most one reminder this often; acknowledging it stops them.",
    )
    channels = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Admins add channels under Alerts → Channels.",
    )

    def __init__(
        self,
        *args: Any,
        items: list[KnownItem],
        projects: list[tuple[str, str]],
        rule: AlertRule | None = None,
        **kwargs: Any,
    ) -> None:
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = rule_initial(rule)
        super().__init__(*args, **kwargs)
        self.items = {item.value: item for item in items}
        if rule is not None and rule.scope == Scope.ITEM:
            # A watched item the pollers no longer store stays choosable rather than silently dropped.
            current = KnownItem(rule.item_type, rule.project_id, rule.item_id, rule.item_id)
            self.items.setdefault(current.value, current)
        types = dict(AlertRule.ItemType.choices)
        item_choices = [(value, f"{types.get(i.item_type, i.item_type)}: {i.name}") for value, i in self.items.items()]
        cast(forms.ChoiceField, self.fields["item"]).choices = [("", "—")] + item_choices
        project_choices = dict(projects)
        if rule is not None and rule.project_id:
            project_choices.setdefault(rule.project_id, f"Project {rule.project_id}")
        cast(forms.ChoiceField, self.fields["project_id"]).choices = [("", "—")] + list(project_choices.items())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if not kind:
            return data
        wanted = KIND_FIELDS[kind]
        required = {"threshold": "a rate", "count": "a count", "text": "a text", "minutes": "a number of minutes"}
        for field in wanted:
            if data.get(field) in (None, "") and field not in self.errors:
                self.add_error(field, f"This kind of rule needs {required[field]}.")
        scope = data.get("scope")
        if scope == Scope.ITEM:
            self._clean_item(kind, data)
        elif scope == Scope.PROJECT and not data.get("project_id"):
            self.add_error("project_id", "Pick the project to watch.")
        return data

    def _clean_item(self, kind: str, data: dict[str, Any]) -> None:
        allowed = KIND_ITEM_TYPES[kind]
        if not allowed:
            self.add_error("scope", "This kind of rule watches a project or everything, not one item.")
            return
        item = self.items.get(data.get("item") or "")
        if item is None:
            self.add_error("item", "Pick the item to watch.")
        elif item.item_type not in allowed:
            names = " or ".join(AlertRule.ItemType(kind_of).label.lower() for kind_of in allowed)
            self.add_error("item", f"This kind of rule watches a {names}.")

    def payload(self) -> dict[str, Any]:
        """The rule's fields from the valid form: numbers a kind does not read are cleared, not kept stale."""
        data = self.cleaned_data
        wanted = KIND_FIELDS[data["kind"]]
        scope = data["scope"]
        item = self.items.get(data.get("item") or "") if scope == Scope.ITEM else None
        threshold = data.get("threshold")
        return {
            "name": data["name"],
            "kind": data["kind"],
            "scope": scope,
            "project_id": item.project_id if item else (data.get("project_id") or "" if scope == Scope.PROJECT else ""),
            "item_type": item.item_type if item else "",
            "item_id": item.item_id if item else "",
            "threshold": threshold / 100 if "threshold" in wanted and threshold is not None else None,
            "count": data.get("count") if "count" in wanted else None,
            "minutes": data.get("minutes") or AlertRule._meta.get_field("minutes").get_default(),
            "text": data.get("text", "") if "text" in wanted else "",
            "repeat_minutes": data["repeat_minutes"],
        }


def rule_initial(rule: AlertRule) -> dict[str, Any]:
    item = f"{rule.item_type}:{rule.project_id}:{rule.item_id}" if rule.scope == Scope.ITEM else ""
    return {
        "name": rule.name,
        "kind": rule.kind,
        "threshold": round(rule.threshold * 100, 4) if rule.threshold is not None else None,
        "count": rule.count,
        "minutes": rule.minutes,
        "text": rule.text,
        "scope": rule.scope,
        "project_id": rule.project_id if rule.scope == Scope.PROJECT else "",
        "item": item,
        "repeat_minutes": rule.repeat_minutes,
        "channels": list(rule.channels.all()),
    }


class ChannelForm(forms.Form):
    """A channel. Its URL and signing secret are write-only: never put back in the page, blank on edit keeps them."""

    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=Channel.Kind.choices, widget=forms.RadioSelect, initial=Channel.Kind.EMAIL)
    addresses = forms.CharField(
        label="Email addresses", required=False, max_length=2000, help_text="Comma-separated.", strip=True
    )
    url = forms.URLField(
        label="URL",
        required=False,
        max_length=2000,
        assume_scheme="https",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="The Slack incoming webhook or your receiver's URL. Anyone holding it can post: stored encrypted, "
        "never shown again.",
    )
    signing_secret = forms.CharField(
        required=False,
        min_length=16,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="The key of the X-Portal-Signature HMAC-SHA256 header your receiver checks; 16 characters at least.",
    )

    def __init__(self, *args: Any, channel: Channel | None = None, **kwargs: Any) -> None:
        if channel is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": channel.name, "kind": channel.kind, "addresses": channel.addresses}
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel is not None:
            self.fields["kind"].disabled = True  # another kind needs other secrets: a new channel instead
            for field in ("url", "signing_secret"):
                if getattr(channel, field):
                    self.fields[field].help_text = "Set. Leave blank to keep it; type a new one to replace it."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        has = lambda field: bool(data.get(field)) or bool(self.channel and getattr(self.channel, field))  # noqa: E731
        if kind == Channel.Kind.EMAIL:
            addresses = [part.strip() for part in (data.get("addresses") or "").split(",") if part.strip()]
            validate = forms.EmailField().clean
            try:
                data["addresses"] = ", ".join(validate(address) for address in addresses)
            except forms.ValidationError:
                self.add_error("addresses", "Each address must be a valid email address.")
            if not addresses:
                self.add_error("addresses", "Give at least one address.")
        if kind in (Channel.Kind.SLACK, Channel.Kind.WEBHOOK) and not has("url") and "url" not in self.errors:
            self.add_error("url", "This kind of channel needs the URL to post to.")
        if kind == Channel.Kind.WEBHOOK and not has("signing_secret") and "signing_secret" not in self.errors:
            self.add_error("signing_secret", "A webhook is signed: give the secret your receiver checks with.")
        return data

    def payload(self) -> dict[str, Any]:
        """Only what the kind uses; a blank secret on edit means "keep it" (services.channel_update)."""
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "name": data["name"],
            "kind": kind,
            "addresses": data.get("addresses", "") if kind == Channel.Kind.EMAIL else "",
            "url": data.get("url", "") if kind in (Channel.Kind.SLACK, Channel.Kind.WEBHOOK) else "",
            "signing_secret": data.get("signing_secret", "") if kind == Channel.Kind.WEBHOOK else "",
        }


class SnoozeForm(forms.Form):
    minutes = forms.TypedChoiceField(label="Snooze for", choices=SNOOZE_CHOICES, coerce=int)

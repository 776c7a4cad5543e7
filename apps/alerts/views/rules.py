"""Alert rules: everyone signed in reads them; Operators create them and change their own, Admins every one. A rule's
page shows its alerts, its deliveries, each channel's last error, and sends a test through a channel in place."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.alerts import delivery, presenters, selectors, services
from apps.alerts.forms import RuleForm, SnoozeForm
from apps.alerts.models import AlertRule
from apps.connections.models import Connection
from apps.connections.request import PortalRequest
from apps.core.forms import NO_CHANGES
from apps.core.htmx import fragment_or_page, wants_fragment
from apps.core.http import htmx_redirect
from apps.core.pages import posthog_page
from apps.core.roles import OPERATE, VIEW

FORM = "alerts/rule_form.html"
DETAIL = "alerts/rule_detail.html"


def _rule(pk: int) -> AlertRule:
    rule = selectors.rule_get(pk=pk)
    if rule is None:
        raise Http404("No such alert rule.")
    return rule


def _changeable(request: PortalRequest, pk: int) -> AlertRule:
    rule = _rule(pk)
    if not selectors.rule_changeable(user=request.user, rule=rule):
        raise PermissionDenied("Operators change the rules they created; Admins change every rule.")
    return rule


def _form(request: PortalRequest, connection: Connection, rule: AlertRule | None = None) -> RuleForm:
    return RuleForm(
        request.POST or None,
        items=selectors.items_known(connection=connection),
        projects=selectors.projects_known(connection=connection, current=request.posthog.project_id),
        rule=rule,
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def rule_list(request: PortalRequest) -> HttpResponse:
    rules = selectors.rule_list()
    rows = [
        presenters.rule_row(rule, changeable=selectors.rule_changeable(user=request.user, rule=rule)) for rule in rules
    ]
    return render(request, "alerts/rule_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@posthog_page(OPERATE)
def rule_create(request: PortalRequest) -> HttpResponse:
    connection = request.posthog.connection
    assert connection is not None  # posthog_page: a page without a connection never reaches here
    form = _form(request, connection)
    if request.method == "POST" and form.is_valid():
        rule = services.rule_create(
            actor=request.user, connection=connection, data=form.payload(), channels=list(form.cleaned_data["channels"])
        )
        messages.success(request, f"Created the alert rule “{rule.name}”.")
        return htmx_redirect(request, "alerts:rule", pk=rule.pk)
    context = {"form": form, "connection": connection}
    return render(request, fragment_or_page(request, FORM, "form"), context)


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def rule_edit(request: PortalRequest, pk: int) -> HttpResponse:
    rule = _changeable(request, pk)
    form = _form(request, rule.connection, rule)
    if request.method == "POST" and form.is_valid():
        channels = list(form.cleaned_data["channels"])
        if services.rule_update(actor=request.user, rule=rule, data=form.payload(), channels=channels):
            messages.success(request, f"Saved the alert rule “{rule.name}”.")
        else:
            messages.info(request, NO_CHANGES)
        return htmx_redirect(request, "alerts:rule", pk=rule.pk)
    context = {"form": form, "rule": rule, "connection": rule.connection}
    return render(request, fragment_or_page(request, FORM, "form"), context)


@require_http_methods(["GET", "POST"])
@permission_required(OPERATE, raise_exception=True)
def rule_delete(request: PortalRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (where the Delete link leads without JavaScript); POST deletes."""
    rule = _changeable(request, pk)
    if request.method == "GET":
        return render(request, "alerts/rule_delete.html", {"rule": rule})
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, f"Deleted the alert rule “{rule.name}”.")
    return htmx_redirect(request, "alerts:rules")


@require_GET
@permission_required(VIEW, raise_exception=True)
def rule_detail(request: PortalRequest, pk: int) -> HttpResponse:
    rule = _rule(pk)
    context = {
        "row": presenters.rule_row(rule, changeable=selectors.rule_changeable(user=request.user, rule=rule)),
        "alerts": [presenters.alert_row(alert) for alert in selectors.rule_alerts(rule=rule)],
        "deliveries": selectors.rule_deliveries(rule=rule),
        "snooze_form": SnoozeForm(),
    }
    return render(request, DETAIL, context)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def rule_mute(request: PortalRequest, pk: int) -> HttpResponse:
    """Mute an unmuted rule, unmute a muted one (the button says which)."""
    rule = _changeable(request, pk)
    services.rule_mute_set(actor=request.user, rule=rule, muted=not rule.muted)
    note = "Muted: it is not evaluated until unmuted." if rule.muted else "Unmuted: it is evaluated again."
    messages.success(request, f"“{rule.name}” {note}")
    return htmx_redirect(request, "alerts:rule", pk=rule.pk, next_url=request.POST.get("next", ""))


@require_POST
@permission_required(OPERATE, raise_exception=True)
def rule_snooze(request: PortalRequest, pk: int) -> HttpResponse:
    """Snooze for the time chosen, or (`end`) end the snooze."""
    rule = _changeable(request, pk)
    if request.POST.get("end"):
        services.rule_snooze(actor=request.user, rule=rule, minutes=None)
        messages.success(request, f"“{rule.name}” is no longer snoozed.")
        return htmx_redirect(request, "alerts:rule", pk=rule.pk)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick how long to snooze for.")
        return htmx_redirect(request, "alerts:rule", pk=rule.pk)
    minutes = form.cleaned_data["minutes"]
    services.rule_snooze(actor=request.user, rule=rule, minutes=minutes)
    messages.success(
        request, f"“{rule.name}” snoozed for {presenters.minutes_label(minutes)}: still evaluated, sends nothing."
    )
    return htmx_redirect(request, "alerts:rule", pk=rule.pk)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def alert_acknowledge(request: PortalRequest, pk: int) -> HttpResponse:
    """Any Operator acknowledges an open alert: whoever is on call, not only the rule's owner."""
    alert = selectors.alert_get(pk=pk)
    if alert is None:
        raise Http404("No such alert.")
    if services.alert_acknowledge(actor=request.user, alert=alert):
        messages.success(request, "Acknowledged: no more reminders; you are told when it resolves.")
    else:
        messages.info(request, "This alert had already ended or been acknowledged.")
    return htmx_redirect(request, "alerts:rule", pk=alert.rule_id)


@require_POST
@permission_required(OPERATE, raise_exception=True)
def rule_test(request: PortalRequest, pk: int, channel_pk: int) -> HttpResponse:
    """Send a test through one of the rule's channels now and show what happened, in place of the button."""
    rule = _changeable(request, pk)
    channel = next((channel for channel in rule.channels.all() if channel.pk == channel_pk), None)
    if channel is None:
        raise Http404("This rule does not send to that channel.")
    sent = delivery.channel_test_send(channel=channel, rule=rule, actor=request.user)
    if not wants_fragment(request):
        # Without htmx the result rides on a message to the rule's page, where the channel's state shows it too.
        if sent.status == sent.Status.SENT:
            messages.success(request, f"Test sent to “{channel.name}”.")
        else:
            messages.error(request, f"Test to “{channel.name}” {sent.get_status_display().lower()}: {sent.last_error}")
        return htmx_redirect(request, "alerts:rule", pk=rule.pk)
    return render(request, f"{DETAIL}#test-result", {"channel": channel, "test": sent, "row": {"rule": rule}})

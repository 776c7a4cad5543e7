"""The alerts pages as people use them: rules by role, a rule's page with its alerts, deliveries and "send a test",
channels whose secrets are never shown again, notifications with the top bar's unread count; each change audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.alerts.models import Alert, AlertRule, Channel, Delivery, Notification
from apps.audit.models import AuditEvent
from tests.alerts.receivers import http_receiver

pytestmark = pytest.mark.django_db

SECRET = "whsec-0123456789abcdef"
HTMX = {"HTTP_HX_REQUEST": "true"}


def rule_data(**overrides):
    data = {
        "name": "S3 Export failing",
        "kind": "rate_below",
        "threshold": "95",
        "minutes": "15",
        "scope": "all",
        "repeat_minutes": "60",
    }
    return data | overrides


def make_rule(connection, owner, **fields) -> AlertRule:
    values = {"name": "Exports", "kind": AlertRule.Kind.EXPORT_FAILED, "connection": connection, "owner": owner}
    return AlertRule.objects.create(**(values | fields))


def test_an_operator_creates_a_rule_and_everyone_reads_it(client_as, operator, viewer, connection):
    channel = Channel.objects.create(name="Team mail", kind=Channel.Kind.EMAIL, addresses="ops@example.test")
    response = client_as(operator).post(reverse("alerts:rule_create"), rule_data(channels=[channel.pk]))
    rule = AlertRule.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("alerts:rule", args=[rule.pk])
    assert (rule.threshold, rule.minutes, rule.owner, rule.connection) == (0.95, 15, operator, connection)
    assert list(rule.channels.all()) == [channel]
    event = AuditEvent.objects.get(area="alerts", action="create")
    assert event.actor_name == operator.username and event.after["threshold"] == 0.95

    page = client_as(viewer).get(reverse("alerts:rules")).content.decode()
    assert "S3 Export failing" in page and "Success / delivery rate below 95 % for 15 min" in page
    assert reverse("alerts:rule_edit", args=[rule.pk]) not in page  # a Viewer reads, never changes
    assert client_as(viewer).post(reverse("alerts:rule_create"), rule_data()).status_code == 403


def test_a_kind_asks_for_its_own_numbers_and_an_item_of_its_kind(client_as, operator, connection):
    client = client_as(operator)
    response = client.post(reverse("alerts:rule_create"), rule_data(threshold=""), **HTMX)
    assert response.status_code == 200 and "This kind of rule needs a rate." in response.content.decode()
    response = client.post(reverse("alerts:rule_create"), rule_data(kind="poller_stale", scope="item"), **HTMX)
    assert "watches a project or everything, not one item" in response.content.decode()
    assert not AlertRule.objects.exists()
    # A number the kind does not read is not kept: the rule says only what it checks.
    client.post(reverse("alerts:rule_create"), rule_data(kind="export_failed", threshold="50", count="3"))
    rule = AlertRule.objects.get()
    assert (rule.threshold, rule.count) == (None, None)


def test_operators_change_their_own_rules_and_admins_every_one(client_as, operator, admin_user, connection):
    theirs = make_rule(connection, admin_user, name="Admin's rule")
    own = make_rule(connection, operator, name="Mine")
    client = client_as(operator)
    assert client.get(reverse("alerts:rule_edit", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("alerts:rule_delete", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("alerts:rule_mute", args=[theirs.pk])).status_code == 403
    response = client.post(reverse("alerts:rule_edit", args=[own.pk]), rule_data(name="Mine, renamed"))
    assert response.status_code == 302 and AlertRule.objects.get(pk=own.pk).name == "Mine, renamed"
    edit = AuditEvent.objects.get(area="alerts", action="edit")
    assert edit.before["name"] == "Mine" and edit.after["name"] == "Mine, renamed"

    admin = client_as(admin_user)
    assert admin.post(reverse("alerts:rule_delete", args=[own.pk])).status_code == 302
    assert not AlertRule.objects.filter(pk=own.pk).exists()
    assert AuditEvent.objects.get(area="alerts", action="delete").before["name"] == "Mine, renamed"


def test_mute_and_snooze_show_on_the_rule_and_in_the_trail(client_as, operator, connection):
    rule = make_rule(connection, operator)
    client = client_as(operator)
    client.post(reverse("alerts:rule_mute", args=[rule.pk]))
    page = client.get(reverse("alerts:rule", args=[rule.pk])).content.decode()
    assert AlertRule.objects.get(pk=rule.pk).muted and "Muted: this rule is not evaluated" in page
    client.post(reverse("alerts:rule_mute", args=[rule.pk]))
    assert not AlertRule.objects.get(pk=rule.pk).muted

    client.post(reverse("alerts:rule_snooze", args=[rule.pk]), {"minutes": "240"})
    until = AlertRule.objects.get(pk=rule.pk).snoozed_until
    assert until is not None and timedelta(minutes=239) < until - timezone.now() <= timedelta(minutes=240)
    assert "Snoozed until" in client.get(reverse("alerts:rule", args=[rule.pk])).content.decode()
    client.post(reverse("alerts:rule_snooze", args=[rule.pk]), {"end": "1"})
    assert AlertRule.objects.get(pk=rule.pk).snoozed_until is None
    actions = list(AuditEvent.objects.filter(area="alerts").order_by("id").values_list("action", flat=True))
    assert actions == ["mute", "unmute", "snooze", "unsnooze"]
    # The rule's page shows its history from the trail.
    history = client.get(reverse("trail:object_history"), {"area": "alerts", "object": rule.pk}, **HTMX)
    assert history.status_code == 200 and operator.username in history.content.decode()


def test_acknowledging_an_open_alert_is_recorded_once(client_as, operator, admin_user, connection):
    rule = make_rule(connection, admin_user, kind=AlertRule.Kind.RATE_BELOW, threshold=0.95)
    alert = Alert.objects.create(
        rule=rule,
        subject="batch_export:1:abc",
        subject_name="S3 nightly",
        started_at=timezone.now(),
        values={"rate": 0.62, "threshold": 0.95, "minutes": 15, "samples": 1, "figure": "delivery rate"},
        message="Access Denied <script>alert(1)</script>",
    )
    client = client_as(operator)  # not the rule's owner: whoever is on call acknowledges
    page = client.get(reverse("alerts:rule", args=[rule.pk])).content.decode()
    assert "S3 nightly" in page and "Delivery rate 62 % (below 95 %) for 15 min" in page and "Acknowledge" in page
    assert "<script>alert(1)" not in page  # PostHog's error text is escaped
    client.post(reverse("alerts:acknowledge", args=[alert.pk]))
    client.post(reverse("alerts:acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.acknowledged_by == operator and alert.acknowledged_at is not None
    assert AuditEvent.objects.filter(area="alerts", action="acknowledge").count() == 1
    assert f"acknowledged by {operator.username}" in client.get(reverse("alerts:rule", args=[rule.pk])).content.decode()


def test_a_webhook_secret_is_write_only(client_as, admin_user, operator):
    client = client_as(admin_user)
    url = "https://hooks.example.test/services/T000/B000/verysecretpathpart"
    response = client.post(
        reverse("alerts:channel_create"), {"name": "Hook", "kind": "webhook", "url": url, "signing_secret": SECRET}
    )
    channel = Channel.objects.get()
    assert response.status_code == 302 and (channel.url, channel.signing_secret) == (url, SECRET)
    listing = client.get(reverse("alerts:channels")).content.decode()
    edit = client.get(reverse("alerts:channel_edit", args=[channel.pk])).content.decode()
    for page in (listing, edit):
        assert "verysecretpathpart" not in page and SECRET not in page
    assert "hooks.example.test/…••••part" in listing

    # Blank keeps the stored secrets; the trail says what changed, never the secret.
    client.post(reverse("alerts:channel_edit", args=[channel.pk]), {"name": "Hook 2", "url": "", "signing_secret": ""})
    channel.refresh_from_db()
    assert (channel.name, channel.url, channel.signing_secret) == ("Hook 2", url, SECRET)
    client.post(
        reverse("alerts:channel_edit", args=[channel.pk]), {"name": "Hook 2", "signing_secret": "another-secret-123456"}
    )
    events = AuditEvent.objects.filter(area="alerts").order_by("id")
    assert [event.action for event in events] == ["create", "edit", "edit"]
    assert events.last().after["signing"] == "replaced"
    assert all("verysecretpathpart" not in str([e.before, e.after]) and SECRET not in str(e.after) for e in events)

    assert client_as(operator).get(reverse("alerts:channel_create")).status_code == 403


def test_send_a_test_to_the_portal_shows_the_result_and_counts_unread(client_as, operator, admin_user, connection):
    channel = Channel.objects.create(name="Portal", kind=Channel.Kind.PORTAL)
    rule = make_rule(connection, operator)
    rule.channels.add(channel)
    client = client_as(operator)
    response = client.post(reverse("alerts:rule_test", args=[rule.pk, channel.pk]), **HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200 and 'id="test-result-' in fragment and "Sent" in fragment
    assert "<html" not in fragment  # in place, not a page
    assert Delivery.objects.get(event=Delivery.Event.TEST).status == Delivery.Status.SENT

    page = client.get(reverse("alerts:notifications")).content.decode()
    assert Notification.objects.filter(user=operator).count() == 1
    assert "Notifications, 1 unread" in page and "Test: Exports" in page
    notification = Notification.objects.get(user=operator)
    response = client.post(reverse("alerts:notification_read", args=[notification.pk]), **HTMX)
    assert 'hx-swap-oob="true"' in response.content.decode() and "1 unread" not in response.content.decode()
    assert "Notifications, 1 unread" not in client.get(reverse("alerts:rules")).content.decode()
    # Another person's notification is not theirs to read.
    admins = Notification.objects.get(user=admin_user)
    assert client.post(reverse("alerts:notification_read", args=[admins.pk])).status_code == 404
    assert Notification.objects.get(pk=admins.pk).read_at is None


def test_a_failing_webhook_test_shows_its_error_on_the_rule_page(client_as, admin_user, connection):
    rule = make_rule(connection, admin_user)
    client = client_as(admin_user)
    with http_receiver(secret=SECRET, statuses=[500]) as receiver:
        channel = Channel.objects.create(name="Ops hook", kind="webhook", url=receiver.url, signing_secret=SECRET)
        rule.channels.add(channel)
        fragment = client.post(reverse("alerts:rule_test", args=[rule.pk, channel.pk]), **HTMX).content.decode()
        assert receiver.received and receiver.received[0].signature_ok
    assert "Failed" in fragment and "500" in fragment
    page = client.get(reverse("alerts:rule", args=[rule.pk])).content.decode()
    assert "failing" in page and "Last error" in page
    assert receiver.url not in page and "s3cr3tPathPart" not in page


def test_every_page_opens_and_the_form_offers_what_the_pollers_stored(client_as, admin_user, connection):
    from apps.history.models import DeliverySnapshot

    DeliverySnapshot.objects.create(
        connection=connection,
        project_id="1",
        plugin_config_id=8,
        config_name="S3 <Export>",
        taken_at=timezone.now(),
        delivery_rate=0.5,
        enabled=True,
    )
    rule = make_rule(connection, admin_user, kind="rate_below", threshold=0.9, scope="item")
    rule.item_type, rule.project_id, rule.item_id = "plugin_config", "1", "8"
    rule.save()
    channel = Channel.objects.create(name="Mail", kind=Channel.Kind.EMAIL, addresses="a@example.test")
    client = client_as(admin_user)
    form = client.get(reverse("alerts:rule_create")).content.decode()
    assert "Plugin config: S3 &lt;Export&gt;" in form and 'value="plugin_config:1:8"' in form
    edit = client.get(reverse("alerts:rule_edit", args=[rule.pk])).content.decode()
    assert 'value="plugin_config:1:8" selected' in edit and 'value="90.0"' in edit
    for name, args in [
        ("alerts:rules", []),
        ("alerts:rule", [rule.pk]),
        ("alerts:rule_delete", [rule.pk]),
        ("alerts:channels", []),
        ("alerts:channel_create", []),
        ("alerts:channel_edit", [channel.pk]),
        ("alerts:channel_delete", [channel.pk]),
        ("alerts:notifications", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    # An item rule edited to "everything" forgets the item.
    client.post(reverse("alerts:rule_edit", args=[rule.pk]), rule_data(scope="all"))
    rule.refresh_from_db()
    assert (rule.scope, rule.item_type, rule.item_id, rule.project_id) == ("all", "", "", "")

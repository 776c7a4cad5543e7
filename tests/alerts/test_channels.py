"""Each channel against a real peer: mail to a local SMTP server, Slack and webhooks to a local HTTP receiver that
checks the signature, and the in-portal list."""

import json

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from apps.alerts.channels import ChannelError, channel_send, email, portal, slack, webhook
from apps.alerts.models import Channel, Notification
from tests.alerts.delivery_helpers import SECRET, make_channel, make_rule, payload
from tests.alerts.receivers import free_port, http_receiver, smtp_server

pytestmark = pytest.mark.django_db


# Email ------------------------------------------------------------------------------------------------------


def test_email_reaches_the_smtp_server_with_the_title_as_subject_and_the_numbers_and_link_in_the_body(settings):
    channel = make_channel(Channel.Kind.EMAIL, addresses="oncall@example.test, lead@example.test")
    with smtp_server(settings) as mailbox:
        channel_send(channel=channel, payload=payload(), delivery_key="5:fire:0:1")

    [(recipients, message)] = mailbox.messages
    assert sorted(recipients) == ["lead@example.test", "oncall@example.test"]
    assert message["Subject"] == "Failing: S3 Export <prod> — delivery rate 62 % (below 95 %) for 15 min"
    assert message["X-Portal-Delivery"] == "5:fire:0:1"
    body = message.get_content()
    assert "Delivery rate 62 % over the last 15 min" in body
    assert "403 AccessDenied" in body
    assert "http://127.0.0.1:8000/plugins/configs/8/" in body


def test_a_title_with_a_newline_is_sent_on_one_line(settings):
    channel = make_channel(Channel.Kind.EMAIL, addresses="oncall@example.test")
    with smtp_server(settings) as mailbox:
        email.send(channel, {**payload(), "title": "Failing:\nS3\r\nExport"}, delivery_key="k")
    assert mailbox.messages[0][1]["Subject"] == "Failing: S3 Export"


def test_a_refused_recipient_is_a_channel_error_naming_it(settings):
    channel = make_channel(Channel.Kind.EMAIL, addresses="gone@example.test")
    with smtp_server(settings, refuse={"gone@example.test"}) as mailbox, pytest.raises(ChannelError) as caught:
        email.send(channel, payload(), delivery_key="k")
    assert mailbox.messages == []
    assert "refused every recipient (gone@example.test)" in caught.value.user_message


def test_no_mail_server_running_is_a_channel_error(settings):
    channel = make_channel(Channel.Kind.EMAIL, addresses="oncall@example.test")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    settings.PORTAL_EMAIL_ENABLED = True
    with pytest.raises(ChannelError) as caught:
        email.send(channel, payload(), delivery_key="k")
    assert f"Could not send through the mail server 127.0.0.1:{settings.EMAIL_PORT}" in caught.value.user_message


def test_without_email_host_the_channel_says_so_instead_of_trying_localhost(settings):
    settings.PORTAL_EMAIL_ENABLED = False
    channel = make_channel(Channel.Kind.EMAIL, addresses="oncall@example.test")
    with pytest.raises(ChannelError, match="No mail server is set up"):
        email.send(channel, payload(), delivery_key="k")


# Webhook ----------------------------------------------------------------------------------------------------


def test_webhook_posts_the_payload_signed_and_the_receiver_verifies_it():
    with http_receiver(secret=SECRET) as receiver:
        channel = make_channel(Channel.Kind.WEBHOOK, url=receiver.url, secret=SECRET)
        channel_send(channel=channel, payload=payload(), delivery_key="5:fire:0:1")

    [request] = receiver.received
    assert request.signature_ok
    assert request.json() == payload()
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Portal-Delivery"] == "5:fire:0:1"
    assert request.path == "/hooks/T000/B000/s3cr3tPathPart"


def test_a_receiver_with_another_secret_refuses_it_and_the_error_holds_no_url():
    with http_receiver(secret="the-receivers-own-secret") as receiver:
        channel = make_channel(Channel.Kind.WEBHOOK, url=receiver.url, secret=SECRET)
        with pytest.raises(ChannelError) as caught:
            webhook.send(channel, payload(), delivery_key="k")
    assert not receiver.received[0].signature_ok
    assert caught.value.user_message == "The webhook answered HTTP 401: refused invalid_token"
    assert "s3cr3tPathPart" not in caught.value.user_message


def test_a_tampered_body_fails_the_signature_check():
    from tests.alerts.receivers import signature_valid

    with http_receiver(secret=SECRET) as receiver:
        channel = make_channel(Channel.Kind.WEBHOOK, url=receiver.url, secret=SECRET)
        webhook.send(channel, payload(), delivery_key="k")
    request = receiver.received[0]
    tampered = request.body.replace(b"62", b"99")
    assert signature_valid(secret=SECRET, headers=request.headers, body=request.body)
    assert not signature_valid(secret=SECRET, headers=request.headers, body=tampered)


def test_a_webhook_without_a_signing_secret_is_not_sent():
    with http_receiver() as receiver:
        channel = make_channel(Channel.Kind.WEBHOOK, url=receiver.url)
        with pytest.raises(ChannelError, match="no signing secret"):
            webhook.send(channel, payload(), delivery_key="k")
    assert receiver.received == []


def test_an_unreachable_webhook_names_the_host_but_not_the_path():
    channel = make_channel(
        Channel.Kind.WEBHOOK, url=f"http://127.0.0.1:{free_port()}/hooks/s3cr3tPathPart", secret=SECRET
    )
    with pytest.raises(ChannelError) as caught:
        webhook.send(channel, payload(), delivery_key="k")
    assert caught.value.user_message == "Could not connect to the webhook's host (127.0.0.1)."


def test_a_redirect_is_not_followed_and_not_taken_for_success():
    with http_receiver(secret=SECRET, statuses=[302]) as receiver:
        channel = make_channel(Channel.Kind.WEBHOOK, url=receiver.url, secret=SECRET)
        with pytest.raises(ChannelError, match="answered HTTP 302"):
            webhook.send(channel, payload(), delivery_key="k")


# Slack ------------------------------------------------------------------------------------------------------


def test_slack_gets_a_readable_message_with_the_item_numbers_error_and_link():
    with http_receiver() as receiver:
        channel = make_channel(Channel.Kind.SLACK, url=receiver.url)
        channel_send(channel=channel, payload=payload(), delivery_key="k")

    message = receiver.received[0].json()
    assert message["text"] == payload()["title"]
    flat = json.dumps(message["blocks"], ensure_ascii=False)
    assert "S3 Export &lt;prod&gt;" in flat  # the item, escaped so "<prod>" is not read as a link
    assert "*rate*\\n0.62" in flat and "*threshold*\\n0.95" in flat
    assert "*Last error*" in flat and "403 AccessDenied" in flat
    assert "<http://127.0.0.1:8000/plugins/configs/8/|Open in the portal>" in flat
    assert message["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": payload()["title"]}}


def test_an_item_name_cannot_mention_the_whole_slack_channel():
    message = slack.message_of({**payload(), "text": "<!channel> look", "message": "<@U123>"})
    flat = json.dumps(message)
    assert "<!channel>" not in flat and "&lt;!channel&gt;" in flat
    assert "<@U123>" not in flat


def test_slack_refusing_the_webhook_is_a_channel_error_with_its_reason():
    with http_receiver(statuses=[403]) as receiver:
        channel = make_channel(Channel.Kind.SLACK, url=receiver.url)
        with pytest.raises(ChannelError, match="The Slack webhook answered HTTP 403: refused invalid_token"):
            slack.send(channel, payload(), delivery_key="k")


# In the portal ----------------------------------------------------------------------------------------------


@pytest.fixture
def people(django_user_model, operator, admin_user, viewer):
    gone = django_user_model.objects.create_user(username="gone-admin", is_active=False)
    gone.groups.add(Group.objects.get(name="Admin"))
    return {"owner": operator, "admin": admin_user, "viewer": viewer, "gone": gone}


def test_the_portal_channel_tells_the_owner_and_every_active_admin(connection, people, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.test"
    rule = make_rule(connection=connection, owner=people["owner"])
    channel = make_channel(Channel.Kind.PORTAL)
    link = "https://portal.example.test/plugins/configs/8/"
    portal.send(channel, {**payload(rule=rule), "link": link}, delivery_key="no-such-row")

    told = Notification.objects.order_by("user__username")
    assert [n.user.username for n in told] == ["ada-admin", "otto-operator"]
    assert {n.title for n in told} == {payload()["title"]}
    assert {n.body for n in told} == {f"{payload()['text']}\n\nLast error: {payload()['message']}"}
    # The link inside the portal is its path, whatever host the portal is reached by.
    assert {n.link for n in told} == {"/plugins/configs/8/"}


def test_the_portal_channel_with_nobody_to_tell_is_a_channel_error(connection, admin_user):
    admin_user.is_active = False
    admin_user.save()
    rule = make_rule(connection=connection, owner=None)
    with pytest.raises(ChannelError, match="Nobody to tell"):
        portal.send(make_channel(Channel.Kind.PORTAL), payload(rule=rule), delivery_key="k")


# With the payload evaluation builds ----------------------------------------------------------------------------


def test_an_alert_payload_reads_with_its_error_and_link_once_in_mail_and_slack(settings, connection, operator):
    from apps.alerts.messages import alert_payload
    from tests.alerts.delivery_helpers import make_alert

    settings.PORTAL_BASE_URL = "https://portal.example.test"
    rule = make_rule(connection=connection, owner=operator)
    sent = alert_payload(alert=make_alert(rule=rule, started_at=timezone.now()), event="fire")
    error = "403 AccessDenied"
    with smtp_server(settings) as mailbox:
        email.send(make_channel(Channel.Kind.EMAIL, addresses="oncall@example.test"), sent, delivery_key="k")
    body = mailbox.messages[0][1].get_content()
    assert body.count(error) == 1 and body.count("https://portal.example.test/plugins/configs/8/") == 1
    assert mailbox.messages[0][1]["Subject"] == " ".join(sent["title"].split())

    flat = json.dumps(slack.message_of(sent), ensure_ascii=False)
    assert flat.count(error) == 1 and "S3 Export &lt;prod&gt;" in flat

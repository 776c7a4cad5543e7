"""The channels a notification is handed to: one module per kind, each with
`send(channel, payload, *, delivery_key) -> None`, which returns once the channel has accepted the notification and
raises `ChannelError` otherwise. `payload` is the JSON-safe dict of `apps.alerts.messages.alert_payload`; the
delivery key names the event on one channel, so a receiver that sees it twice knows it is the same notification."""

from typing import Any, Protocol

from apps.alerts.channels import email, portal, slack, webhook
from apps.alerts.channels.errors import ChannelError
from apps.alerts.models import Channel

__all__ = ["ChannelError", "channel_send"]


class Sender(Protocol):
    def __call__(self, channel: Channel, payload: dict[str, Any], *, delivery_key: str) -> None: ...


SENDERS: dict[str, Sender] = {
    Channel.Kind.EMAIL: email.send,
    Channel.Kind.SLACK: slack.send,
    Channel.Kind.WEBHOOK: webhook.send,
    Channel.Kind.PORTAL: portal.send,
}


def channel_send(*, channel: Channel, payload: dict[str, Any], delivery_key: str) -> None:
    sender = SENDERS.get(channel.kind)
    if sender is None:
        raise ChannelError(f"The portal cannot send to a channel of kind {channel.kind!r}.")
    sender(channel, payload, delivery_key=delivery_key)

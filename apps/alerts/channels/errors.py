"""What a channel raises when it did not take a notification."""


class ChannelError(Exception):
    """The channel did not accept the notification. `user_message` says why in words a person can act on, and
    never holds the channel's URL or secret (a Slack or webhook URL lets anyone post)."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message

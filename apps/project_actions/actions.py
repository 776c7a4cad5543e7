"""The project's token actions: what each changes in PostHog, what it breaks and how the page words it.

The table is `token_actions.toml`, beside this module: four entries of words and PostHog's names, kept as data so
that each action reads in one place. The writes themselves are in apps.project_actions.services.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

TABLE = Path(__file__).with_name("token_actions.toml")


@dataclass(frozen=True)
class TokenAction:
    name: str  # PostHog's action on the project; the URL name and the form prefix
    capability: str  # its action in apps.posthog.actions: PostHog refuses it to personal API keys
    title: str
    # The project's field the action changes, as dotted paths to try in turn (where versions keep it).
    fields: tuple[str, ...]
    breaks: str
    button: str
    reveals: bool = True  # PostHog answers the new token, shown once
    button_again: str = ""  # the button when a token exists already, if it differs
    new_title: str = ""  # the page showing the new token
    next_steps: str = ""
    done: str = ""  # the message when nothing is revealed

    @property
    def url_name(self) -> str:
        return f"project_actions:{self.name}"


def _table() -> dict[str, TokenAction]:
    entries = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    return {
        name: TokenAction(name=name, **{**entry, "fields": tuple(entry["fields"])}) for name, entry in entries.items()
    }


TOKEN_ACTIONS = _table()

"""Whether PostHog kept a plugin config write.

PostHog answers 200 to a config write even where it ignored part of it: `config` is a read-only field of its
serializer, read only from a multipart body (products/cdp/backend/api/plugin.py, `_fix_formdata_config_json`), so
a config sent any other way is dropped without a word. The portal therefore compares PostHog's answer with what
it sent before it says "saved".
"""

from collections.abc import Callable
from typing import Any

from apps.posthog.client import Files
from apps.posthog.errors import Unkept

ATTACHMENT_FIELD = "add_attachment["
REMOVAL_FIELD = "remove_attachment["


def config_write_unkept(
    *, sent: dict[str, Any], files: Files | None, secret_keys: frozenset[str]
) -> Callable[[Any], list[Unkept]]:
    """A check of PostHog's answer to a config write: each value sent that the answer does not hold."""

    def unkept(answer: Any) -> list[Unkept]:
        if not isinstance(answer, dict):
            return []
        config = answer.get("config")
        held: dict[str, Any] = config if isinstance(config, dict) else {}
        found = _fields_unkept(sent, answer)
        for key, value in (sent.get("config") or {}).items():
            if value is None:
                continue  # a secret left empty: PostHog keeps the stored one
            if key in secret_keys:
                if (value == "") != (held.get(key) in (None, "")):
                    found.append(Unkept(key, "(a new secret)" if value else "(cleared)", "(the stored secret)"))
            elif held.get(key) != value:
                found.append(Unkept(key, value, held.get(key)))
        for field, (name, *_rest) in (files or {}).items():
            key = field.removeprefix(ATTACHMENT_FIELD).removesuffix("]")
            stored = held.get(key)
            stored_name = stored.get("name") if isinstance(stored, dict) else None
            if not isinstance(stored, dict) or stored_name != name:
                found.append(Unkept(key, name, stored_name))
        for field in sent:
            if field.startswith(REMOVAL_FIELD):
                key = field.removeprefix(REMOVAL_FIELD).removesuffix("]")
                if held.get(key) and not any(f == f"{ATTACHMENT_FIELD}{key}]" for f in files or {}):
                    stored = held[key]
                    found.append(Unkept(key, "(removed)", stored.get("name") if isinstance(stored, dict) else None))
        return found

    return unkept


def _fields_unkept(sent: dict[str, Any], answer: dict[str, Any]) -> list[Unkept]:
    found = []
    if "enabled" in sent and bool(answer.get("enabled")) != bool(sent["enabled"]):
        found.append(Unkept("enabled", sent["enabled"], answer.get("enabled")))
    # PostHog answers the plugin's name for a config without one of its own, so only a name given is compared.
    if sent.get("name") and answer.get("name") != sent["name"]:
        found.append(Unkept("name", sent["name"], answer.get("name")))
    return found

"""A plugin's `config_schema`, read once for every page that shows or edits it.

A schema is a list of entries {key, name, type, default, hint, markdown, order, required, secret, choices,
required_if, visible_if}, or on legacy plugins an object {key: entry}. Entries without a key are notes.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

# PostHog's error path for a config value, `config__<key>`; form fields carry the same names.
FIELD_PREFIX = "config__"
FIELD_TYPES = ("string", "json", "choice", "attachment", "dictionary")
# What PostHog answers in place of a secret value that is set (products/cdp/backend/api/plugin.py); older versions
# answered a row of asterisks alone.
SECRET_MASK = "**************** POSTHOG SECRET FIELD ****************"
SECRET_MASKS = frozenset({SECRET_MASK, "**************"})

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"\*\*|`")


def plain_text(markdown: Any) -> str:
    """Schema markdown as readable plain text: links become "text (url)", emphasis marks go."""
    return _EMPHASIS.sub("", _LINK.sub(r"\1 (\2)", str(markdown or "")))


def _conditions(value: Any) -> tuple[tuple, ...]:
    """[[key], [key, value], ...]; anything else in a schema is ignored rather than trusted."""
    if not isinstance(value, list):
        return ()
    return tuple(tuple(pair) for pair in value if isinstance(pair, list) and 1 <= len(pair) <= 2)


def conditions_hold(conditions: tuple[tuple, ...], values: dict[str, str]) -> bool:
    """PostHog's doFieldRequirementsMatch: (key,) means "key is set", (key, value) equality; all must hold."""
    for pair in conditions:
        actual = values.get(pair[0]) or ""
        if (len(pair) == 1 and not actual) or (len(pair) == 2 and actual != pair[1]):
            return False
    return True


@dataclass(frozen=True)
class SchemaEntry:
    key: str
    name: str = ""
    type: str = "string"
    default: Any = None
    hint: str = ""
    note: str = ""
    required: bool = False
    secret: bool = False
    choices: tuple[str, ...] = ()
    required_if: tuple[tuple, ...] = ()
    visible_if: tuple[tuple, ...] = ()

    @classmethod
    def from_schema(cls, raw: dict) -> "SchemaEntry":
        key = raw.get("key")
        kind = raw.get("type")
        choices = raw.get("choices")
        return cls(
            key=key if isinstance(key, str) else "",
            name=str(raw.get("name") or ""),
            type=kind if kind in FIELD_TYPES else "string",
            default=raw.get("default"),
            hint=plain_text(raw.get("hint")),
            note=plain_text(raw.get("markdown")),
            required=raw.get("required") is True,
            secret=raw.get("secret") is True,
            choices=tuple(str(choice) for choice in choices) if isinstance(choices, list) else (),
            required_if=_conditions(raw.get("required_if")),
            visible_if=_conditions(raw.get("visible_if")),
        )

    @property
    def field_name(self) -> str:
        return FIELD_PREFIX + self.key

    @property
    def required_if_words(self) -> str:
        return conditions_in_words(self.required_if)

    @property
    def visible_if_words(self) -> str:
        return conditions_in_words(self.visible_if)

    @property
    def default_text(self) -> str:
        if self.default in (None, ""):
            return ""
        return self.default if isinstance(self.default, str) else json.dumps(self.default, ensure_ascii=False)


def schema_entries(schema: Any) -> list[SchemaEntry]:
    """Fields and notes in the schema's `order` (its own order where that is missing); one field per key."""
    if isinstance(schema, dict):
        raw = [{**entry, "key": key} for key, entry in schema.items() if isinstance(entry, dict)]
    else:
        raw = [entry for entry in schema if isinstance(entry, dict)] if isinstance(schema, list) else []
    positioned = sorted(
        enumerate(raw), key=lambda item: (o if isinstance(o := item[1].get("order"), int) else item[0], item[0])
    )
    entries, keys = [], set()
    for _, entry in positioned:
        parsed = SchemaEntry.from_schema(entry)
        if (parsed.key and parsed.key in keys) or not (parsed.key or parsed.note):
            continue
        keys.add(parsed.key)
        entries.append(parsed)
    return entries


def secret_keys(schema: Any) -> frozenset[str]:
    return frozenset(entry.key for entry in schema_entries(schema) if entry.secret)


def conditions_in_words(conditions: tuple[tuple, ...]) -> str:
    """(("sse", "aws:kms"), ("host",)) -> 'sse is “aws:kms” and host is set'."""
    words = []
    for pair in conditions:
        if len(pair) == 1:
            words.append(f"{pair[0]} is set")
        elif pair[1] in ("", None):
            words.append(f"{pair[0]} is empty")
        else:
            words.append(f"{pair[0]} is “{pair[1]}”")
    return " and ".join(words)

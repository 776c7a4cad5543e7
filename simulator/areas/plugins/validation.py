"""Plugin request bodies, checked and worded as PostHog's PluginSerializer (a DRF ModelSerializer) words them,
and plugin URLs parsed as posthog/plugins/utils.py parse_url parses them."""

import re
from typing import Any

from simulator.core.http import validation_error

PLUGIN_TYPES = ("local", "custom", "repository", "source")
FIELD_TYPES = ("string", "json", "choice", "attachment", "dictionary")


def check_string(data: dict, name: str, max_length: int | None, *, nullable: bool = True) -> None:
    if name not in data:
        return
    value = data[name]
    if value is None:
        if not nullable:
            raise validation_error(name, "This field may not be null.", "null")
        return
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise validation_error(name, "Not a valid string.", "invalid")
    if max_length is not None and len(str(value)) > max_length:
        raise validation_error(name, f"Ensure this field has no more than {max_length} characters.", "max_length")
    data[name] = str(value)  # DRF's CharField takes numbers and stores their text


def check_object(data: dict, name: str, *, nullable: bool) -> None:
    if name not in data:
        return
    if data[name] is None and nullable:
        return
    if not isinstance(data[name], dict):
        raise validation_error(
            name, f'Expected a dictionary of items but got type "{_json_type(data[name])}".', "not_a_dict"
        )


def _json_type(value: Any) -> str:
    return {list: "list", str: "str", int: "int", float: "float", bool: "bool", type(None): "NoneType"}.get(
        type(value), "object"
    )


def validate_config_schema(schema: Any) -> None:
    """config_schema: a list of field entries (or a legacy {key: entry} object)."""
    if isinstance(schema, dict):
        entries = [(key, value) for key, value in schema.items()]
    elif isinstance(schema, list):
        entries = list(enumerate(schema))
    else:
        raise validation_error("config_schema", "Value must be valid JSON.", "invalid")
    seen: set[str] = set()
    for position, entry in entries:
        attr = f"config_schema__{position}"
        if not isinstance(entry, dict):
            raise validation_error(attr, "Each config_schema entry must be an object.", "invalid")
        key = entry.get("key", position if isinstance(schema, dict) else None)
        if key is None and "markdown" not in entry:
            raise validation_error(f"{attr}__key", "This field is required.", "required")
        if key is not None:
            if not isinstance(key, str) or not key:
                raise validation_error(f"{attr}__key", "Not a valid string.", "invalid")
            if key in seen:
                raise validation_error(f"{attr}__key", f'Duplicate config key "{key}".', "unique")
            seen.add(key)
        field_type = entry.get("type", "string" if key is not None else None)
        if field_type is not None and field_type not in FIELD_TYPES:
            raise validation_error(f"{attr}__type", f'"{field_type}" is not a valid choice.', "invalid_choice")
        if field_type == "choice":
            choices = entry.get("choices")
            if not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices):
                raise validation_error(
                    f"{attr}__choices", "A choice field needs a non-empty list of strings.", "invalid"
                )
            if entry.get("default") not in (None, "") and entry["default"] not in choices:
                raise validation_error(
                    f"{attr}__default", f'"{entry["default"]}" is not a valid choice.', "invalid_choice"
                )
        for flag in ("required", "secret"):
            if flag in entry and not isinstance(entry[flag], bool):
                raise validation_error(f"{attr}__{flag}", "Must be a valid boolean.", "invalid")
        for condition in ("required_if", "visible_if"):
            value = entry.get(condition)
            if value is None:
                continue
            if not isinstance(value, list) or not all(
                isinstance(pair, list) and 1 <= len(pair) <= 2 and isinstance(pair[0], str) for pair in value
            ):
                raise validation_error(f"{attr}__{condition}", 'Expected a list of ["key", "value"] pairs.', "invalid")


def validate_plugin_fields(data: dict) -> None:
    if "plugin_type" in data and data["plugin_type"] not in (*PLUGIN_TYPES, "", None):
        raise validation_error("plugin_type", f'"{data["plugin_type"]}" is not a valid choice.', "invalid_choice")
    check_string(data, "name", 200)
    check_string(data, "description", None)
    check_string(data, "icon", 800)
    check_string(data, "tag", 200)
    if "is_global" in data and not isinstance(data["is_global"], bool):
        raise validation_error("is_global", "Must be a valid boolean.", "invalid")
    if "config_schema" in data:
        validate_config_schema(data["config_schema"])
    check_object(data, "capabilities", nullable=False)
    check_object(data, "metrics", nullable=True)
    check_object(data, "public_jobs", nullable=True)


_URL_PATTERNS = (
    re.compile(
        r"^https?://(www\.)?github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)"
        r"(/(tree|commit|releases/tag)/(?P<tag>[\w.-]+))?/?$"
    ),
    re.compile(
        r"^https?://(www\.)?gitlab\.com/(?P<owner>[\w./-]+?)/(?P<repo>[\w.-]+)"
        r"(/-/(tree|commit)/(?P<tag>[\w.-]+))?/?$"
    ),
    re.compile(r"^https?://(www\.)?npmjs\.com/package/(?P<repo>(@[\w.-]+/)?[\w.-]+)(/v/(?P<tag>[\w.-]+))?/?$"),
)


def parse_plugin_url(url: str) -> dict | None:
    """Root URL and tag of a GitHub/GitLab repository or an npm package, as PostHog's parse_url."""
    bare = url.split("?")[0].rstrip("/")
    for pattern in _URL_PATTERNS:
        found = pattern.match(bare)
        if found:
            tag = found.group("tag")
            root = bare
            if tag:
                root = re.sub(r"(/-)?/(tree|commit|releases/tag|v)/[\w.-]+$", "", bare)
            return {"root_url": root, "repo": found.group("repo").split("/")[-1], "tag": tag}
    return None


def title_from_repo(repo: str) -> str:
    words = re.sub(r"^(posthog-plugin-|posthog-)|(-posthog)?(-plugin|-app)$", "", repo.lower()).replace("_", "-")
    return " ".join(word.capitalize() for word in words.split("-") if word) or repo

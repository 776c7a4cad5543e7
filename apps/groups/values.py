"""Group property values as people type and read them.

A typed value means what it reads as JSON (120, 4.5, true, null, {"a": 1}, ["x"], "quoted text"); anything else
is text. Shown back, a text that would read as something else is quoted, so saving it unchanged keeps it text.
"""

import json
import math
from dataclasses import dataclass
from typing import Any

from apps.core.forms import MAX_JSON_DEPTH, json_depth

KINDS = ((bool, "boolean"), (int, "number"), (float, "number"), (str, "text"), (list, "list"), (dict, "object"))


@dataclass(frozen=True)
class PropertyValue:
    text: str
    kind: str


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):
        raise ValueError(number)
    return value


def _not_a_number(constant: str) -> float:
    raise ValueError(constant)


def value_parse(text: str) -> Any:
    # Deeper than a form takes, it stays text: the parser would recurse past Python's limit on a few thousand.
    if json_depth(text) > MAX_JSON_DEPTH:
        return text
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_not_a_number)
    except ValueError:
        return text


def value_text(value: Any) -> str:
    if isinstance(value, str):
        # Too deep for the form, text shown quoted: saving it unchanged keeps it text rather than being refused.
        plain = json_depth(value) <= MAX_JSON_DEPTH and value_parse(value) == value
        return value if plain else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


def value_shown(value: Any) -> PropertyValue:
    """How a table shows a value: text as it is, anything else as JSON with its kind named."""
    kind = next((name for python_type, name in KINDS if isinstance(value, python_type)), "empty")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return PropertyValue(text=text, kind=kind)

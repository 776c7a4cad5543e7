"""The list's `search`: posthog/api/file_system/file_system.py `tokenize_search` and `_apply_search_to_queryset`.

Tokens are AND-combined; `-` or `!` negates one; quotes keep spaces together. `path:` matches a parent folder's
name, `name:` the last segment, `user:`/`author:` the creator (`user:me` the key's owner), `type:` the type
exactly (a trailing "/" for a prefix; hog function kinds by their short name), `ref:` the ref; a plain token
matches the path or the type.
"""

import shlex

from simulator.areas.file_system.paths import HOG_FUNCTION_TYPES, split_path


def tokens(search: str) -> list[str]:
    """tokenize_search: shell-like, tolerating an unmatched single quote."""
    for quotes in ("'\"", '"'):
        lexer = shlex.shlex(search, posix=True)
        lexer.whitespace_split, lexer.commenters, lexer.quotes = True, "", quotes
        if "'" not in quotes:
            lexer.wordchars += "'"
        try:
            return list(lexer)
        except ValueError:
            continue
    return search.split()


def _matches(entry: dict, token: str, *, me: int, users: dict[int, dict]) -> bool:
    path, kind = entry["path"].lower(), (entry.get("type") or "").lower()
    segments = [s.lower() for s in split_path(entry["path"])]
    if ":" in token:
        field, value = token.split(":", 1)
        field, value = field.lower(), value.strip().strip("\"'")
        low = value.lower()
        if field == "path":
            return any(low in s for s in segments[:-1])
        if field == "name":
            return bool(segments) and low in segments[-1]
        if field in ("user", "author"):
            creator = entry.get("_created_by")
            if low == "me":
                return creator == me
            person = users.get(creator) or {}
            full = f"{person.get('first_name', '')} {person.get('last_name', '')}".lower()
            return low in full or low in person.get("email", "").lower()
        if field == "type":
            if value.endswith("/"):
                return (entry.get("type") or "").startswith(value)
            return entry.get("type") == ("hog_function/" + value if value in HOG_FUNCTION_TYPES else value)
        if field == "ref":
            return entry.get("ref") == value
    low = token.lower()
    return low in path or low in kind or low.replace("/", "\\/") in path


def search(entries: list[dict], text: str, *, me: int, users: dict[int, dict]) -> list[dict]:
    for raw in tokens(text):
        negated = raw.startswith(("-", "!"))
        token = raw[1:] if negated else raw
        token = token[1:-1] if len(token) > 1 and token[0] == token[-1] and token[0] in "\"'" else token
        if not token:
            continue
        entries = [e for e in entries if _matches(e, token, me=me, users=users) != negated]
    return entries

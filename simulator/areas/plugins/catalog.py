"""The plugin catalog: config schemas, capabilities, source templates and PostHog's plugin repository.

Everything here is read from `data/*.json` once, at import: the seed installs from it, and installing a plugin by
URL looks the URL up in the repository (repository.json on PostHog's side).
"""

import hashlib
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


# Config schemas by name (a list of field entries each, as plugin.json's "config").
SCHEMAS: dict[str, list[dict]] = _load("schemas.json")
_KINDS = _load("kinds.json")
CAPABILITIES: dict[str, dict] = _KINDS["capabilities"]
PUBLIC_JOBS: dict[str, dict] = _KINDS["public_jobs"]
METRICS: dict[str, dict] = _KINDS["metrics"]
_SOURCES = _load("sources.json")
SOURCE_TEMPLATES: dict[str, str] = _SOURCES["templates"]
FRONTEND_TSX: str = _SOURCES["frontend_tsx"]
# The seeded plugins: {repository, custom, local, source, repository_extra, other_organization: [...]}.
PLUGINS: dict[str, list[dict]] = _load("plugins.json")

REPOSITORY_KINDS = {
    "export": "data_out",
    "crm": "data_out",
    "webhook": "data_out",
    "import": "data_in",
    "site": "site_app",
}


def sha(*parts: Any) -> str:
    return hashlib.sha1("/".join(str(p) for p in parts).encode()).hexdigest()


def source_tag(sources: dict) -> str:
    """Source and local plugins are tagged by the hash of their files."""
    return sha(json.dumps(sources, sort_keys=True))[:12]


def plugin_json(name: str, description: str, url: str | None, schema: Any) -> str:
    return json.dumps(
        {"name": name, "description": description, "url": url, "main": "index.ts", "config": schema},
        indent=2,
        ensure_ascii=False,
    )


def _repository_entry(name: str, description: str, repo: str, category: str, schema: str) -> dict:
    return {
        "name": name,
        "url": f"https://github.com/PostHog/{repo}",
        "description": description,
        "icon": f"https://raw.githubusercontent.com/PostHog/{repo}/main/logo.png",
        "verified": True,
        "maintainer": "official",
        "type": REPOSITORY_KINDS.get(category, "transformation"),
        "_category": category,
        "_schema": SCHEMAS[schema],
    }


def _build_repository() -> list[dict]:
    rows = PLUGINS["repository"] + PLUGINS["repository_extra"]
    entries = [_repository_entry(r["name"], r["description"], r["repo"], r["category"], r["schema"]) for r in rows]
    for position, entry in enumerate(entries):
        entry["maintainer"] = "community" if position % 5 == 4 else "official"
    return entries


_REPOSITORY_ALL = _build_repository()
# What the repository endpoint shows: repository.json's keys, without the internal ones.
REPOSITORY = [{k: v for k, v in entry.items() if not k.startswith("_")} for entry in _REPOSITORY_ALL]


def catalog_entry(url: str) -> dict:
    """The repository's entry for a plugin URL (with its category and schema), or {}."""
    return next((entry for entry in _REPOSITORY_ALL if entry["url"] == url), {})

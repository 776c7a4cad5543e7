"""The seeded plugins (data/plugins.json): a dozen of each type in the demo organization, and two of another
organization (a global one, visible and read-only here, and a private one); then a little install history."""

from simulator.areas.plugins.catalog import (
    CAPABILITIES,
    FRONTEND_TSX,
    METRICS,
    PLUGINS,
    PUBLIC_JOBS,
    SCHEMAS,
    SOURCE_TEMPLATES,
    plugin_json,
    sha,
    source_tag,
)
from simulator.areas.plugins.state import KIND
from simulator.core import context
from simulator.core.store import Store


def _plugin(row: dict, plugin_type: str, url: str | None, organization: str, number: int, **extra) -> dict:
    category, schema = row["category"], SCHEMAS[row["schema"]]
    name, description = row["name"], row["description"]
    sources = {
        "plugin.json": plugin_json(name, description, url, schema),
        "index.ts": SOURCE_TEMPLATES[category] if category != "site" else "export {}\n",
    }
    if category == "site":
        sources["site.ts"] = SOURCE_TEMPLATES["site"]
    if number % 4 == 1 and category in ("export", "crm", "import"):  # a settings scene in the app
        sources["frontend.tsx"] = FRONTEND_TSX
    if plugin_type in ("repository", "custom"):
        npm = url is not None and "npmjs.com" in url
        tag = f"1.{number % 7}.{number % 3}" if npm else sha(url, "installed")
        # Some are up to date, some know of an update, some have one nobody has checked for yet.
        remote = tag if number % 3 == 0 else (f"1.{number % 7 + 1}.0" if npm else sha(url, "latest"))
        latest = remote if number % 3 == 1 else tag
    else:
        tag = latest = source_tag(sources)
        remote = None
    return {
        "plugin_type": plugin_type,
        "name": name,
        "description": description,
        "url": url,
        "icon": extra.get("icon"),
        "config_schema": schema,
        "tag": tag,
        "latest_tag": latest,
        "is_global": extra.get("is_global", False),
        "organization_id": organization,
        "capabilities": CAPABILITIES.get(category, {}),
        "metrics": METRICS.get(category, {}) if number % 2 == 0 else None,
        "public_jobs": PUBLIC_JOBS.get(category, {}),
        "_category": category,
        "_sources": sources,
        "_remote_tag": remote,
    }


def seed(store: Store, world) -> None:
    from simulator.core.seed import OTHER_ORGANIZATION_ID

    organization_id = world.organization_id
    rows: list[tuple[dict, str, str | None, dict]] = []
    for row in PLUGINS["repository"]:
        url = f"https://github.com/PostHog/{row['repo']}"
        icon = f"https://raw.githubusercontent.com/PostHog/{row['repo']}/main/logo.png"
        rows.append((row, "repository", url, {"icon": icon, "is_global": row["is_global"]}))
    for row in PLUGINS["custom"]:
        rows.append((row, "custom", row["url"], {"is_global": row["name"].startswith("Unduplicator")}))
    for row in PLUGINS["local"]:
        rows.append((row, "local", f"file:../plugins/{row['path']}", {}))
    for row in PLUGINS["source"]:
        rows.append((row, "source", None, {}))
    plugins = [
        store.insert(KIND, _plugin(row, kind, url, organization_id, number, **extra), parent=organization_id)
        for number, (row, kind, url, extra) in enumerate(rows, start=1)
    ]
    for row in PLUGINS["other_organization"]:
        plugin = _plugin(row, row["plugin_type"], row["url"], OTHER_ORGANIZATION_ID, row["number"])
        plugin["is_global"] = row["is_global"]
        store.insert(KIND, plugin, parent=OTHER_ORGANIZATION_ID)
    _seed_history(store, world, plugins)


def _seed_history(store: Store, world, plugins: list[dict]) -> None:
    """Who installed what, and some upgrades."""
    organization_id = world.organization_id
    people = [
        {"first_name": world.user["first_name"], "email": world.user["email"]},
        {"first_name": "Priya", "email": "priya@hedgehog.example"},
        {"first_name": "Jonas", "email": "jonas@hedgehog.example"},
    ]
    for position, plugin in enumerate(plugins):
        created_at = world.iso(days_ago=120 - position * 2, hours_ago=position % 7)
        installed = context.activity_entry(
            user=people[position % 3], activity="installed", name=plugin["name"], created_at=created_at
        )
        store.activity_add(scope="Plugin", parent=organization_id, item_id=plugin["id"], entry=installed)
        if position % 5 == 2:
            tag_change = {
                "type": "Plugin",
                "action": "changed",
                "field": "tag",
                "before": sha(plugin["name"], "old")[:40],
                "after": plugin["tag"],
            }
            upgraded = context.activity_entry(
                user=people[(position + 1) % 3],
                activity="upgraded",
                name=plugin["name"],
                changes=[tag_change],
                created_at=world.iso(days_ago=30 - position % 20),
            )
            store.activity_add(scope="Plugin", parent=organization_id, item_id=plugin["id"], entry=upgraded)

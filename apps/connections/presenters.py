"""What the connection pages show that is neither a read nor a write: the watch page's rows grouped by project."""

from dataclasses import dataclass

from apps.connections.selectors import WatchRow


@dataclass(frozen=True)
class WatchLine:
    row: WatchRow
    ticked: bool


@dataclass(frozen=True)
class WatchGroup:
    """A project and its environments as the watch page lists them (one line where it has one environment)."""

    project_id: str
    name: str
    lines: list[WatchLine]


def watch_groups(rows: list[WatchRow], *, ticked: set[str]) -> list[WatchGroup]:
    """The rows by project, projects by name, each project's own environment first."""
    by_project: dict[str, list[WatchRow]] = {}
    for row in rows:
        by_project.setdefault(row.target.project_id, []).append(row)
    groups = [
        WatchGroup(
            project_id=project_id,
            name=project_rows[0].target.name,
            lines=[
                WatchLine(row, row.target.key in ticked)
                for row in sorted(project_rows, key=lambda r: (not r.target.primary, r.target.label.casefold()))
            ],
        )
        for project_id, project_rows in by_project.items()
    ]
    return sorted(groups, key=lambda group: (group.name.casefold(), group.project_id))


def watch_summary(rows_watched: int, rows_total: int, *, watch_new: bool) -> str:
    """The connection page's words for what history watches, from the stored choices alone."""
    if rows_total == 0:
        return "Every project the key can see" if watch_new else "Nothing: no project is ticked"
    chosen = f"{rows_watched} of the {rows_total} project environments an Admin chose from"
    return f"{chosen}, and projects PostHog reports later" if watch_new else f"{chosen}; not new projects"

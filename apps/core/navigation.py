"""Every area of the portal, in the order the navigation shows them.

An area without `url_name` is not built yet; its link leads to a page that says so.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    slug: str
    label: str
    section: str
    summary: str
    url_name: str | None = None
    # Shown in the navigation only to those holding it (templates/base.html); the views check it all the same.
    permission: str | None = None


AREAS: list[Area] = [
    Area(
        "plugins",
        "Plugins",
        "Apps",
        "Install, upgrade and edit the source of the organization's plugins.",
        url_name="plugins:list",
    ),
    Area(
        "plugin_configs",
        "Plugin configs",
        "Apps",
        "Enable, configure, order and watch the project's plugin configs, with their logs and delivery rate.",
        url_name="plugins:configs",
    ),
    Area(
        "hog_functions",
        "Hog functions",
        "Apps",
        "Destinations, transformations and site apps: their health, inputs, filters, order, test runs and logs.",
        url_name="hog_functions:list",
    ),
    Area(
        "batch_exports",
        "Batch exports",
        "Apps",
        "Scheduled exports to S3, BigQuery, Snowflake, PostgreSQL…: runs, errors, logs, backfills, pause.",
        url_name="batch_exports:list",
    ),
    Area(
        "history",
        "History",
        "Apps",
        "Pipeline health first, then what the pollers keep beyond PostHog's retention: charts, stored logs of "
        "plugin configs and hog functions, batch export runs, polling status.",
        url_name="history:pipeline",
    ),
    Area(
        "groups", "Groups", "Data", "Find groups, edit their properties and see their activity.", url_name="groups:list"
    ),
    Area("cohorts", "Cohorts", "Data", "List and create cohorts.", url_name="cohorts:list"),
    Area(
        "annotations",
        "Annotations",
        "Data",
        "Create, edit and soft-delete annotations.",
        url_name="annotations:list",
    ),
    Area(
        "file_system",
        "File system",
        "Data",
        "Move, link, count and restore file-system items.",
        url_name="file_system:browse",
    ),
    Area(
        "insight_sharing",
        "Insight sharing",
        "Sharing",
        "Sharing links of insights: passwords and refreshed links.",
        url_name="sharing:insights",
    ),
    Area(
        "recording_sharing",
        "Recording sharing",
        "Sharing",
        "Sharing links of session recordings and their passwords.",
        url_name="sharing:recordings",
    ),
    Area(
        "secret_api_keys",
        "Secret API keys",
        "Project",
        "Create, roll and revoke the project's secret API keys.",
        url_name="secret_keys:list",
    ),
    Area(
        "project_actions",
        "Project tokens",
        "Project",
        "Reset and rotate project tokens, onboarding and demo data.",
        url_name="project_actions:index",
    ),
    Area("roles", "Roles", "Organization", "The organization's roles.", url_name="roles:list"),
    Area(
        "alerts",
        "Alerts",
        "Portal",
        "Rules that tell the team when a pipeline fails: their alerts, channels and your notifications.",
        url_name="alerts:rules",
    ),
    Area("audit", "Audit trail", "Portal", "Who did what, through the portal and in PostHog.", url_name="trail:list"),
    Area(
        "connections", "Connections", "Portal", "PostHog connections and their API keys.", url_name="connections:list"
    ),
    Area(
        "people",
        "People",
        "Portal",
        "Who can sign in to the portal, and in which role.",
        url_name="people:list",
        permission="core.administer",
    ),
]

AREAS_BY_SLUG = {area.slug: area for area in AREAS}


def sections() -> list[tuple[str, list[Area]]]:
    grouped: dict[str, list[Area]] = {}
    for area in AREAS:
        grouped.setdefault(area.section, []).append(area)
    return list(grouped.items())

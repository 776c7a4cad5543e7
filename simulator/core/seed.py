"""Demo data: one organization, two projects with environments, keys with different scopes, and
whatever each area seeds on top (`seed(store, world)` in its module)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from simulator import areas
from simulator.core.store import Store
from simulator.profiles import Profile

DEMO_KEY = "phx_simulator_demo_key_all_scopes_0000000000000"
READ_ONLY_KEY = "phx_simulator_read_only_key_00000000000000000"
PLUGINS_ONLY_KEY = "phx_simulator_plugins_only_key_0000000000000"
# A key made before PostHog had scopes: every version lets it through every action (the scope wall spares it).
UNSCOPED_KEY = "phx_simulator_old_key_without_scopes_000000000"
ORGANIZATION_ID = "0190a8f1-6c5e-7d2a-9b1e-4f3c2d1a0b9c"
OTHER_ORGANIZATION_ID = "0190a8f1-0000-7000-8000-000000000000"


@dataclass(frozen=True)
class Keys:
    """The seeded personal API keys: all scopes (or, in the legacy profile, no scopes at all), read-only, and
    plugins only."""

    demo: str = DEMO_KEY
    read_only: str = READ_ONLY_KEY
    plugins_only: str = PLUGINS_ONLY_KEY
    unscoped: str = UNSCOPED_KEY


KEYS = Keys()
READ_SCOPES = [
    f"{obj}:read"
    for obj in (
        "plugin",
        "group",
        "sharing_configuration",
        "project",
        "organization",
        "annotation",
        "cohort",
        "activity_log",
        "file_system",
        "insight",
        "session_recording",
    )
]


@dataclass
class World:
    profile: Profile
    organization_id: str
    projects: list[dict]
    environments: list[dict]
    user: dict
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def iso(self, days_ago: float = 0, hours_ago: float = 0) -> str:
        return (self.now - timedelta(days=days_ago, hours=hours_ago)).isoformat().replace("+00:00", "Z")


def seed(store: Store, profile: Profile) -> World:
    world = _seed_core(store, profile)
    for module in areas.load_all():
        if hasattr(module, "seed"):
            module.seed(store, world)
    return world


def _seed_core(store: Store, profile: Profile) -> World:
    user = {
        "id": 1,
        "uuid": "0190a8f1-1111-7000-8000-000000000001",
        "distinct_id": "demo-operator",
        "first_name": "Dana",
        "last_name": "Demo",
        "email": "dana@hedgehog.example",
    }
    world = World(profile=profile, organization_id=ORGANIZATION_ID, projects=[], environments=[], user=user)
    for organization_id, name, slug, days_ago in [
        (ORGANIZATION_ID, "Hedgehog Analytics", "hedgehog-analytics", 400),
        # An organization the keys cannot see, so cross-organization lookups answer 404.
        (OTHER_ORGANIZATION_ID, "Someone Else", "someone-else", 10),
    ]:
        store.insert(
            "organization",
            {
                "id": organization_id,
                "name": name,
                "slug": slug,
                "logo_media_id": None,
                "created_at": world.iso(days_ago=days_ago),
                "updated_at": world.iso(days_ago=2),
                "membership_level": 15,
                "plugins_access_level": profile.plugins_access_level,
                "available_product_features": [],
                "is_member_join_email_enabled": True,
                "metadata": {},
                "customer_id": None,
                "enforce_2fa": None,
                "members_can_invite": True,
                "members_can_use_personal_api_keys": True,
                "allow_publicly_shared_resources": True,
                "member_count": 4,
                "is_ai_data_processing_approved": None,
                "default_experiment_stats_method": "bayesian",
                "default_anonymize_ips": False,
                "default_role_id": None,
            },
            id=organization_id,
        )
    for number, (name, environments) in enumerate(
        [("Hedgehog Web", ["Production", "Development"]), ("Hedgehog Mobile", ["Production"])], start=1
    ):
        project = _project(store, world, name, number)
        world.projects.append(project)
        for env_name in environments:
            env_id = project["id"] if env_name == "Production" else store.next_id("team") + 100
            environment = {
                **project,
                "id": env_id,
                "name": env_name,
                "project_id": project["id"],
                "api_token": f"phc_demo{env_id:04d}{'x' * 30}",
            }
            store.insert("environment", environment, id=env_id, parent=project["id"])
            world.environments.append(environment)
    for key, scopes, label in [
        # The legacy profile's demo key predates scopes (None); today's keys all carry them, `*` included.
        (DEMO_KEY, list(profile.demo_key_scopes) if profile.demo_key_scopes is not None else None, "Demo key"),
        (READ_ONLY_KEY, READ_SCOPES, "Read only"),
        (PLUGINS_ONLY_KEY, ["plugin:read", "plugin:write"], "Plugins only"),
        (UNSCOPED_KEY, None, "Old key without scopes"),
    ]:
        store.insert(
            "personal_api_key",
            {
                "label": label,
                "scopes": scopes,
                "organization_id": ORGANIZATION_ID,
                "current_team_id": world.projects[0]["id"],
                "user": user,
            },
            id=key,
        )
    return world


def _project(store: Store, world: World, name: str, number: int) -> dict:
    team_id = store.next_id("team")
    project = {
        "id": team_id,
        "uuid": f"0190a8f1-2222-7000-8000-00000000000{number}",
        "organization": world.organization_id,
        "name": name,
        "product_description": f"{name}: product analytics for the hedgehog community",
        "created_at": world.iso(days_ago=300 - number),
        "effective_membership_level": 8,
        "has_group_types": True,
        "group_types": [],
        "live_events_token": None,
        "updated_at": world.iso(days_ago=3),
        "api_token": f"phc_demo{team_id:04d}{'x' * 30}",
        "timezone": "Europe/Berlin" if number == 1 else "UTC",
        "is_demo": False,
        "completed_snippet_onboarding": True,
        "has_completed_onboarding_for": {"product_analytics": True},
        "secret_api_token": f"phs_project{team_id:04d}{'s' * 28}",
        "secret_api_token_backup": None,
    }
    return store.insert("project", project, id=team_id, parent=world.organization_id)

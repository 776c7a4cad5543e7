"""Project actions: token resets and rotations, the conversations widget token, onboarding, the demo-data flag.

Follows posthog/api/project.py and posthog/api/team.py (the actions), posthog/models/team/team.py (what each
`*_and_save` stores and logs) and posthog/api/integration_config.py (validate_secret_token_generation). Every
action answers the whole project (organizations.project_view, secrets masked; the fresh secret token shown once),
except is_generating_demo_data, which answers `{"is_generating_demo_data": bool}`. The conversations widget token
lives in `conversations_settings.widget_public_token`. The token actions and is_generating_demo_data declare no
scope, so scoped personal API keys meet the scope wall; complete_product_onboarding needs project:read.

Differs per profile: minting a first secret token (rotate_secret_token on a project with neither a secret token
nor a backup, conversations off) is refused in the newest PostHog only (derived from
`secret_keys_created_by_nested`, the project secret API keys version that came with it).
"""

from simulator.areas.project_actions import routes  # noqa: F401
from simulator.areas.project_actions.state import mask, project_answer
from simulator.areas.project_actions.validation import PRODUCT_KEYS

__all__ = ["PRODUCT_KEYS", "mask", "project_answer"]

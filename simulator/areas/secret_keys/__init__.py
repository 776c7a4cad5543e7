"""Project secret API keys (`phs_…`): per environment, labels unique and 40 characters at most.

Follows posthog/api/project_secret_api_key.py (ProjectSecretAPIKeySerializer, ProjectSecretAPIKeyViewSet),
posthog/models/project_secret_api_key.py and posthog/scopes.py (PROJECT_SECRET_API_KEY_ALLOWED_API_SCOPE_ACTION).
The key's `value` is answered only by create and roll (null everywhere else); reads show `mask_value`
(`phs_...abcd`). The list is DRF's LimitOffset page, newest first. A taken label refuses a create (400, no attr)
but fails an update with a 500 (the IntegrityError is caught in create only).

Differs per profile:
- `secret_keys_limit`: at most 10 keys per environment in older versions, 50 in the newest (400 "You can only
  have N project secret API keys. Remove an existing key before creating a new one.");
- `secret_keys_created_by_nested`: `created_by` is a nested user (UserBasicSerializer) in the newest, the user id
  before; the same flag stands for the newest allowed scopes (endpoint:read, feature_flag:read, account:read,
  loop:write, experiment:read; older: endpoint:read, feature_flag:read) and the refusal's sorted list.
"""

from simulator.areas.secret_keys import routes  # noqa: F401
from simulator.areas.secret_keys.seed import seed
from simulator.areas.secret_keys.state import KIND, generate_value, key_view, mask

__all__ = ["KIND", "generate_value", "key_view", "mask", "seed"]

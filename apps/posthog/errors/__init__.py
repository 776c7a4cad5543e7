"""Errors raised by the PostHog client, and the one place they become user text.

`kinds` holds the errors themselves (each with its `user_message`, the only wording a person reads about an upstream
failure); `outcomes` those of a write whose answer was lost; `responses` reads a failed answer of PostHog's into
the matching one. Every name of them is importable from here, as the rest of the code base imports it.
"""

from .kinds import *  # noqa: F403 (this package's public names are those of its modules)
from .outcomes import *  # noqa: F403
from .responses import *  # noqa: F403

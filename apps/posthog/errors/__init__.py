"""Errors raised by the PostHog client, and the one place they become user text.

`kinds` holds the errors themselves (each with its `user_message`, the only wording a person reads about an upstream
failure); `responses` reads a failed answer of PostHog's into the matching one. Every name of both is importable
from here, as the rest of the code base imports it.
"""

from .kinds import *  # noqa: F403 (this package's public names are those of its two modules)
from .responses import *  # noqa: F403

"""A stateful stand-in for PostHog's REST API, spoken to over real HTTP (as moto or stripe-mock stand in for theirs).

It plays one of two PostHog versions (`profiles.py`), follows PostHog's own code where that differs from the
reference pages (each behaviour names the PostHog file it follows), and serves the demo (`manage.py simulator`,
`python -m simulator`) and the tests. It is not part of the portal: the production image leaves it out.

Public API: `SimulatorServer` (`url`, `requests()`, `script()`, `faults_set()`, `tick()`, `state`, `keys`),
`PROFILES`, `CURRENT`, `LEGACY`, and the seeded keys.
"""

from simulator.core.seed import DEMO_KEY, KEYS, PLUGINS_ONLY_KEY, READ_ONLY_KEY, UNSCOPED_KEY, Keys
from simulator.core.server import SimulatorServer
from simulator.profiles import CURRENT, DEFAULT_PROFILE, LEGACY, PROFILES, Profile, profile_named

__all__ = [
    "CURRENT",
    "DEFAULT_PROFILE",
    "DEMO_KEY",
    "KEYS",
    "LEGACY",
    "PLUGINS_ONLY_KEY",
    "PROFILES",
    "READ_ONLY_KEY",
    "Keys",
    "Profile",
    "SimulatorServer",
    "UNSCOPED_KEY",
    "profile_named",
]

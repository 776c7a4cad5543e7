"""Where PostHog serves batch exports: the one place their paths are written.

An export belongs to an environment (team) and PostHog serves it under /api/projects/ and /api/environments/ alike
(products/batch_exports: register_legacy_dual_route), so every path goes through `team_path`.
"""

from apps.connections.context import PostHogContext


def batch_exports_path(context: PostHogContext, *rest: str | int) -> str:
    """`…/batch_exports/`, `…/batch_exports/<id>/runs/<run>/retry/`, …"""
    return context.team_path("batch_exports", *rest)

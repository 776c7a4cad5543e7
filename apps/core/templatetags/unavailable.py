"""`by_cause`: refusals that share a cause (the same reason PostHog gave) gathered into one notice, so a page that
may not do six things says so twice rather than six times (templates/core/unavailable_list.html)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import template

register = template.Library()


@dataclass
class Cause:
    """One reason and the refusals that give it, in the page's order; `app_url` when they all go to one place in
    PostHog's app (else each refusal's own link is shown)."""

    reason: str
    refusals: list[Any] = field(default_factory=list)

    @property
    def app_url(self) -> str:
        urls = {refusal.app_url for refusal in self.refusals}
        return urls.pop() if len(urls) == 1 else ""

    @property
    def linked(self) -> list[Any]:
        """The refusals with a link of their own, where they do not share one."""
        return [] if self.app_url else [refusal for refusal in self.refusals if refusal.app_url]


@register.filter
def by_cause(refusals: Mapping[str, Any] | Iterable[Any] | None) -> list[Cause]:
    """The refusals (a Refusal per action, or None where the action is allowed), by reason, first seen first.
    Takes the mapping of action to refusal a view passes, or any list of them."""
    values: Iterable[Any] = refusals.values() if isinstance(refusals, Mapping) else (refusals or [])
    causes: dict[str, Cause] = {}
    for refusal in values:
        if refusal:
            causes.setdefault(refusal.reason, Cause(reason=refusal.reason)).refusals.append(refusal)
    return list(causes.values())

"""Whether PostHog kept what a write sent: it answers 200 even where its serializer ignored a field (a read-only
field of one version, writable in another), so a write whose answer holds other values must not read as saved."""

from collections.abc import Callable, Iterable
from typing import Any

from .errors import Unkept


def fields_unkept(sent: dict[str, Any], *, fields: Iterable[str]) -> Callable[[Any], list[Unkept]]:
    """A check of PostHog's answer: each of `fields` that was sent and that the answer holds otherwise."""

    def unkept(answer: Any) -> list[Unkept]:
        if not isinstance(answer, dict):
            return []
        return [
            Unkept(name, sent[name], answer.get(name))
            for name in fields
            if name in sent and name in answer and answer.get(name) != sent[name]
        ]

    return unkept

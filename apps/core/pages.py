"""Pieces every area's views share: the "which PostHog" guard, and a write from a form whose refusal lands on its
fields."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

from apps.posthog.errors import PostHogError, ValidationError


class _ConnectedRequest(HttpRequest):
    """For annotations only: `posthog` is the connection context apps/connections/middleware.py sets (a layer above
    this one; views see it typed as `apps.connections.request.PortalRequest`)."""

    posthog: Any


def posthog_page[V: Callable[..., HttpResponseBase]](permission: str) -> Callable[[V], V]:
    """Permission check, then a polite page instead of the view when no PostHog connection is configured."""

    def decorate(view: V) -> V:
        @wraps(view)
        def guarded(request: _ConnectedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.posthog.configured:
                return render(request, "core/no_connection.html", status=200)
            return view(request, *args, **kwargs)

        return cast(V, permission_required(permission, raise_exception=True)(guarded))

    return decorate


def form_error_from_upstream(
    form: forms.Form, error: Exception, *, fields: dict[str, str] | None = None, prefix: str = ""
) -> bool:
    """Put PostHog's validation error on the form field it names; False when it names no field of this form.

    `attr` is PostHog's field path (`config__sse`); `prefix` is stripped from it (`config__`), and `fields`
    maps what remains to a form field name where the two differ.
    """
    if not isinstance(error, ValidationError) or not error.attr:
        return False
    name = error.attr.removeprefix(prefix) if prefix else error.attr
    name = (fields or {}).get(name, name)
    if name not in form.fields:
        return False
    form.add_error(name, error.detail or error.user_message)
    return True


def form_write[T](
    form: forms.Form,
    write: Callable[[], T],
    *,
    fields: dict[str, str] | None = None,
    prefix: str = "",
    unnamed_on: str | None = None,
) -> T | None:
    """Run a PostHog write for a valid form: its answer, or None when it failed.

    Refused, PostHog's complaint lands on the field it names (see `form_error_from_upstream`), else on
    `unnamed_on` (a field, or the top of the form when None). Any other failure (not kept, unreachable, an answer
    lost and settled by reading back) lands at the top of the form: either way the page shows the form again with
    what was typed, with or without JavaScript, so nothing typed is lost. A write whose answer is itself None is
    checked with `form.errors`.
    """
    try:
        return write()
    except ValidationError as error:
        if not form_error_from_upstream(form, error, fields=fields, prefix=prefix):
            form.add_error(unnamed_on, error.user_message)
    except PostHogError as error:
        form.add_error(None, error.user_message)
    return None

"""The saved views every page shows: the navigation's "Your views" and "Team views", and the Save view button (only
on a page worth saving: a list or explorer, or any page whose address carries filters)."""

from typing import Any

from django import template
from django.utils.encoding import escape_uri_path

from apps.core.navigation import AREAS
from apps.core.roles import VIEW
from apps.saved_views.forms import SaveViewForm
from apps.saved_views.paths import path_clean
from apps.saved_views.selectors import NavViews, saved_views_nav

register = template.Library()

# The areas' own pages are lists or explorers; so are pages whose URL name says so.
LIST_PAGES = frozenset(area.url_name for area in AREAS if area.url_name)
LIST_SUFFIXES = ("list", "logs", "browse", "index", "pipeline")


def _user(context: template.Context) -> Any:
    request = context.get("request")
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated and user.has_perm(VIEW) else None


@register.simple_tag(takes_context=True)
def saved_views_for_nav(context: template.Context) -> NavViews | None:
    user = _user(context)
    return saved_views_nav(user=user) if user else None


@register.simple_tag(takes_context=True)
def saved_view_offer(context: template.Context) -> SaveViewForm | None:
    """The save form for this page, or None where there is nothing to save (a form, a detail page without filters,
    a POST's answer)."""
    request = context.get("request")
    user = _user(context)
    if user is None or request is None or request.method != "GET":
        return None
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match else ""
    if not request.GET and name not in LIST_PAGES and not name.endswith(LIST_SUFFIXES):
        return None
    path = path_clean(escape_uri_path(request.path))
    if path is None:
        return None
    return SaveViewForm(owner=user, initial={"path": path, "query": request.GET.urlencode()})

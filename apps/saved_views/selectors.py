"""Reads of saved views: a person's own, the team's (shared by others), and one by id as its viewer may see it."""

from dataclasses import dataclass
from typing import Any

from apps.core.roles import ADMINISTER
from apps.saved_views.models import SavedView

# The navigation lists this many of each kind; the saved views page lists them all.
NAV_LIMIT = 15


@dataclass(frozen=True)
class SavedViewRow:
    view: SavedView
    owner_name: str
    mine: bool
    can_edit: bool
    can_delete: bool


@dataclass(frozen=True)
class NavViews:
    mine: list[SavedView]
    team: list[SavedView]
    more: bool  # some were left out of the navigation


def saved_view_can_delete(*, user: Any, view: SavedView) -> bool:
    """The owner deletes their own; an Admin deletes any shared view (a private one stays its owner's)."""
    return view.owner_id == user.pk or (view.shared and user.has_perm(ADMINISTER))


def saved_view_get(*, user: Any, pk: int) -> SavedView | None:
    """A view the person may see (their own, or a shared one), else None: another's private view does not exist for
    them."""
    view = SavedView.objects.select_related("owner").filter(pk=pk).first()
    if view is None or (view.owner_id != user.pk and not view.shared):
        return None
    return view


def saved_views_nav(*, user: Any) -> NavViews:
    mine = list(SavedView.objects.filter(owner=user)[: NAV_LIMIT + 1])
    team = list(SavedView.objects.filter(shared=True).exclude(owner=user).select_related("owner")[: NAV_LIMIT + 1])
    return NavViews(mine=mine[:NAV_LIMIT], team=team[:NAV_LIMIT], more=len(mine) > NAV_LIMIT or len(team) > NAV_LIMIT)


def saved_views_list(*, user: Any) -> tuple[list[SavedViewRow], list[SavedViewRow]]:
    """(the person's own views, the team's views shared by others), each by name."""
    own = [_row(user, view) for view in SavedView.objects.filter(owner=user).select_related("owner")]
    team = SavedView.objects.filter(shared=True).exclude(owner=user).select_related("owner")
    return own, [_row(user, view) for view in team]


def _row(user: Any, view: SavedView) -> SavedViewRow:
    mine = view.owner_id == user.pk
    return SavedViewRow(
        view=view,
        owner_name=view.owner.get_username(),
        mine=mine,
        can_edit=mine,
        can_delete=saved_view_can_delete(user=user, view=view),
    )

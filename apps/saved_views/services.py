"""Writes of saved views: saved, renamed (or shared, or no longer shared) and deleted. They change the portal's own
state, never PostHog, and each is audited with `audit_record_local` (area "saved_views") all the same, since a shared
view changes what the whole team's navigation shows."""

from typing import Any

from django.db import IntegrityError, transaction

from apps.audit.services import audit_record_local
from apps.saved_views.models import SavedView

AREA = "saved_views"


class NameTaken(Exception):
    """The owner saved another view under this name meanwhile (the form checked, the database decides)."""


def saved_view_state(*, view: SavedView) -> dict[str, Any]:
    """What the audit trail keeps of a view."""
    return {"name": view.name, "path": view.path, "query": view.query, "shared": view.shared}


def _audit(actor: Any, view: SavedView, *, method: str, action: str, description: str, **states: Any) -> None:
    audit_record_local(
        actor=actor,
        area=AREA,
        object_id=str(view.pk),
        object_name=view.name,
        method=method,
        action=action,
        description=description,
        **states,
    )


def saved_view_create(*, actor: Any, name: str, path: str, query: str, shared: bool) -> SavedView:
    try:
        with transaction.atomic():
            view = SavedView.objects.create(owner=actor, name=name, path=path, query=query, shared=shared)
            _audit(
                actor,
                view,
                method="POST",
                action="create",
                description="saved the view",
                after=saved_view_state(view=view),
            )
    except IntegrityError as error:
        raise NameTaken(name) from error
    return view


def saved_view_update(*, actor: Any, view: SavedView, name: str, shared: bool) -> bool:
    """Rename or (un)share a view; False when nothing changed (and nothing is audited)."""
    before = saved_view_state(view=view)
    if (view.name, view.shared) == (name, shared):
        return False
    view.name, view.shared = name, shared
    try:
        with transaction.atomic():
            view.save(update_fields=["name", "shared", "updated_at"])
            _audit(
                actor,
                view,
                method="PATCH",
                action="edit",
                description="renamed the view" if before["name"] != name else "changed who sees the view",
                before=before,
                after=saved_view_state(view=view),
            )
    except IntegrityError as error:
        view.name, view.shared = before["name"], before["shared"]
        raise NameTaken(name) from error
    return True


@transaction.atomic
def saved_view_delete(*, actor: Any, view: SavedView) -> None:
    before = saved_view_state(view=view) | {"owner": view.owner.get_username()}
    pk = view.pk
    view.delete()
    view.pk = pk  # the audit names the view that was
    _audit(actor, view, method="DELETE", action="delete", description="deleted the view", before=before)

"""Bulk actions: one confirmation that lists what will change, then one write per item through the area's own
single-item service (so the client audits each in the person's name), each item reported on its own.

The flow of an area's bulk view: the first POST (`action`, `ids`) reads the items afresh and shows what will change
(`bulk_plan`); `bulk_offer` keeps the action and the ids under a one-time token in the session. The confirmation
posts the token back, and `bulk_take` hands the action and ids over once: the same confirmation posted again (a
double click, a reload, a resent form) finds nothing and writes nothing. What is written comes from the portal's
own read, never from names or states the form sent.

Each item's write is sent once. The client never repeats a write whose answer was lost (it reads it back,
apps/posthog/settle.py); an item it could not settle is reported as unknown, for the person to check in PostHog,
and is not sent again here either.

`bulk_view` is that whole flow: an area's view names its selection reader, its single-item service over the plan,
its words (`Words`) and where its list is (`Place`).
"""

import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone

from apps.core.htmx import fragment_or_page
from apps.core.parallel import attempt_all
from apps.core.undo import request_scope
from apps.posthog.errors import AppliedUnread, OutcomeUnknown, PostHogError, WriteNotApplied

# More than a page of any list, few enough that the writes fit in one request's time budget for PostHog.
MAX_ITEMS = 100
SESSION_KEY = "bulk_offers"
# Long enough to read the list of what will change, short enough that it was read recently when it is applied
# (the apply step reads the items again anyway).
LIFETIME = timedelta(minutes=10)
KEPT = 10

DONE = "done"
UNCHANGED = "unchanged"
FAILED = "failed"
UNKNOWN = "unknown"
MISSING = "missing"

ALREADY_USED = (
    "This confirmation was already used or has expired: nothing was sent again. The list shows what PostHog holds now."
)


@dataclass(frozen=True)
class Found:
    """An item as PostHog holds it now: its name and its state in words ("enabled", "active")."""

    name: str
    state: str


@dataclass(frozen=True)
class Planned:
    """One line of the confirmation: what will change, or why this item will not."""

    id: str
    name: str
    before: str
    after: str  # empty when nothing will be written for this item
    note: str = ""  # why not ("already disabled", "not found")

    @property
    def changes(self) -> bool:
        return bool(self.after)


@dataclass(frozen=True)
class Result:
    id: str
    name: str
    state: str  # DONE, UNCHANGED, FAILED, UNKNOWN or MISSING
    message: str = ""


@dataclass(frozen=True)
class Picked:
    """What a bulk form posted: an action and ids (first step) or a confirmation token (second step)."""

    action: str = ""
    ids: tuple[str, ...] = ()
    token: str = ""
    error: str = ""


def bulk_picked(data: QueryDict, *, actions: Collection[str], noun: str) -> Picked:
    """The posted action and ids (distinct, in the order ticked), or the confirmation's token; `error` says what is
    wrong with them, in words for the person."""
    token = str(data.get("token") or "")
    if data.get("confirm") and token:
        return Picked(token=token)
    action = str(data.get("action") or "")
    if action not in actions:
        return Picked(error="Choose what to do with the selected items.")
    ids = tuple(dict.fromkeys(value.strip() for value in data.getlist("ids") if value.strip()))
    if not ids:
        return Picked(action=action, error=f"Select at least one {noun} first.")
    if len(ids) > MAX_ITEMS:
        return Picked(
            action=action,
            error=f"At most {MAX_ITEMS} at once: {len(ids)} were selected. Select fewer and try again; nothing was changed.",
        )
    return Picked(action=action, ids=ids)


def bulk_plan(
    *,
    ids: Sequence[str],
    found: Mapping[str, Found],
    after: str,
    gone: str = "not found in PostHog",
    unread: Mapping[str, str] | None = None,
) -> list[Planned]:
    """Each id as PostHog holds it now: it changes to `after`, or stays (already so, no longer there, or its read
    failed: `unread` holds why, in the error's words)."""
    plan = []
    for item_id in ids:
        item = found.get(item_id)
        if item is None:
            note = (unread or {}).get(item_id, gone)
            plan.append(Planned(id=item_id, name=f"#{item_id}", before="", after="", note=note))
        elif item.state == after:
            plan.append(Planned(id=item_id, name=item.name, before=item.state, after="", note=f"already {after}"))
        else:
            plan.append(Planned(id=item_id, name=item.name, before=item.state, after=after))
    return plan


def bulk_offer(request: HttpRequest, *, action: str, ids: Sequence[str]) -> str:
    """Keeps the action and ids under a new one-time token, for this connection and project only."""
    token = secrets.token_urlsafe(16)
    now = timezone.now().timestamp()
    offers = {key: value for key, value in _offers(request).items() if value["expires"] > now}
    newest = sorted(offers.items(), key=lambda item: item[1]["expires"])[-(KEPT - 1) :]
    entry = {
        "action": action,
        "ids": list(ids),
        "where": request_scope(request),
        "expires": now + LIFETIME.total_seconds(),
    }
    request.session[SESSION_KEY] = {**dict(newest), token: entry}
    return token


def bulk_take(request: HttpRequest, *, token: str) -> tuple[str, list[str]] | None:
    """(action, ids) of the offer under `token`, once; None when it was taken already, expired or was made for
    another connection or project. None means: write nothing."""
    offers = _offers(request)
    entry = offers.pop(token, None)
    if entry is None:
        return None
    request.session[SESSION_KEY] = offers
    # Two posts of one confirmation at the same moment both find it in their copy of the session: the cache's
    # atomic add lets only the first one through.
    if not cache.add(f"bulk-taken:{token}", True, timeout=int(LIFETIME.total_seconds())):
        return None
    if entry["expires"] <= timezone.now().timestamp() or entry["where"] != request_scope(request):
        return None
    return str(entry["action"]), [str(item_id) for item_id in entry["ids"]]


def bulk_apply(plan: Sequence[Planned], write: Callable[[str], Any]) -> list[Result]:
    """`write(id)` once for each planned change, every one tried whatever the others did; a result per item, in
    the plan's order."""
    changing = [item for item in plan if item.changes]
    # Each item's write stands alone: sent together (a few at a time), a hundred of them fit the request's budget
    # where one after another they would not.
    outcomes = dict(
        zip(
            [item.id for item in changing],
            attempt_all([partial(write, item.id) for item in changing]),
            strict=True,
        )
    )
    results = []
    for item in plan:
        if not item.changes:
            results.append(Result(item.id, item.name, MISSING if not item.before else UNCHANGED, item.note))
        else:
            outcome = outcomes[item.id]
            results.append(_result(item, outcome.error))
    return results


def bulk_summary(results: Sequence[Result], *, done: str) -> tuple[int, str]:
    """The toast: a message level and what happened ("2 of 3 disabled; 1 failed"), from the results only."""
    count = {state: sum(1 for result in results if result.state == state) for state in (DONE, FAILED, UNKNOWN)}
    tried = count[DONE] + count[FAILED] + count[UNKNOWN]
    parts = [f"{count[DONE]} of {tried} {done}"] if tried else [f"Nothing to change: none was {done}"]
    if count[FAILED]:
        parts.append(f"{count[FAILED]} failed")
    if count[UNKNOWN]:
        parts.append(f"{count[UNKNOWN]} unknown — check in PostHog")
    if unchanged := sum(1 for result in results if result.state in (UNCHANGED, MISSING)):
        parts.append(f"{unchanged} unchanged")
    if count[DONE] == tried:
        level = messages.SUCCESS if tried else messages.INFO
    else:
        level = messages.WARNING if count[DONE] else messages.ERROR
    return level, "; ".join(parts) + "."


def _result(item: Planned, error: PostHogError | None) -> Result:
    if error is None:
        return Result(item.id, item.name, DONE)
    if isinstance(error, AppliedUnread):
        return Result(item.id, item.name, DONE, f"PostHog made the change, but {error.reason}; not sent again.")
    if isinstance(error, WriteNotApplied):
        return Result(
            item.id, item.name, FAILED, f"PostHog was sent the change, but {error.reason}; read back, it was not made."
        )
    if isinstance(error, OutcomeUnknown):
        message = (
            f"PostHog was sent the change, but {error.reason}, and {error.unsettled}. Check in PostHog before "
            "trying it again; the portal did not send it twice."
        )
        return Result(item.id, item.name, UNKNOWN, message)
    return Result(item.id, item.name, FAILED, error.user_message)


def _offers(request: HttpRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(SESSION_KEY, {}))


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation shows and where it posts: `target` and `swap` are the list's region for htmx."""

    title: str  # "Disable 3 plugin configs?"
    confirm_label: str  # "Disable 3"
    url: str
    back_url: str
    target: str
    swap: str
    danger: bool = False
    warning: str = ""  # what cannot be undone, said before confirming
    keep: tuple[tuple[str, str], ...] = ()  # carried through to redraw the list as it was (its filters): never written


def bulk_confirmation_context(
    request: HttpRequest, *, action: str, plan: Sequence[Planned], shown: Confirmation
) -> dict[str, Any]:
    """The template context of the confirmation (templates/core/bulk_confirm.html), with its one-time token."""
    changing = [item for item in plan if item.changes]
    token = bulk_offer(request, action=action, ids=[item.id for item in plan]) if changing else ""
    return {"plan": plan, "changing": len(changing), "token": token, "shown": shown}


@dataclass(frozen=True)
class Report:
    """What templates/core/bulk_results.html shows after a bulk action."""

    title: str
    summary: str
    results: list[Result]


def bulk_report(request: HttpRequest, *, title: str, results: list[Result], done: str) -> Report:
    """The results for the page, and their summary as the toast."""
    level, summary = bulk_summary(results, done=done)
    messages.add_message(request, level, summary)
    return Report(title=title, summary=summary, results=results)


def bulk_results_alone(request: HttpRequest, *, report: Report) -> HttpResponse:
    """The results without the list, when reading the list again failed after the writes: the person still learns
    what happened to each item (htmx swaps them where the list was)."""
    template = "core/bulk_results.html" if getattr(request, "htmx", False) else "core/bulk_done.html"
    return render(request, template, {"bulk": report})


@dataclass(frozen=True)
class Words:
    """How an area's bulk action speaks: "Disable 3 plugin configs?", "Revoke 2 keys", "2 of 3 disabled"."""

    noun: str  # "plugin config": the titles, and "Select at least one … first."
    actions: Mapping[str, tuple[str, str]]  # each action the form may post → its verb and what it leaves an item
    button_noun: str = ""  # the confirm button's shorter noun ("key"), the noun when empty
    danger: bool = False
    warning: str = ""  # what cannot be undone, said before confirming


@dataclass(frozen=True)
class Place:
    """Where the area's list is: the page to go back to and the region htmx swaps (Confirmation's)."""

    back_url: str
    target: str
    swap: str
    keep: tuple[tuple[str, str], ...] = ()


def bulk_view(
    request: HttpRequest,
    *,
    words: Words,
    place: Place,
    plan: Callable[[str, Sequence[str]], list[Planned]],
    apply: Callable[[str, list[Planned]], list[Result]],
    listed: Callable[[Report | None], HttpResponse],
) -> HttpResponse:
    """An area's whole bulk view: the picked items read afresh (`plan(action, ids)`, the area's selection reader)
    and confirmed, then, on the confirmation's one-time token, read again and written one by one (`apply(action,
    plan)`, the area's single-item service over the plan, which the client audits per item); the list comes back
    with a result per item (`listed(report)`), or the results alone when reading the list again fails."""
    picked = bulk_picked(request.POST, actions=words.actions, noun=words.noun)
    if picked.error:
        messages.error(request, picked.error)
        return HttpResponse(status=204) if getattr(request, "htmx", False) else redirect(place.back_url)
    if not picked.token:
        planned = plan(picked.action, picked.ids)
        verb, changing = words.actions[picked.action][0], sum(item.changes for item in planned)
        shown = Confirmation(
            title=f"{verb} {len(planned)} {words.noun}{pluralize(len(planned))}?",
            confirm_label=f"{verb} {changing} {words.button_noun or words.noun}{pluralize(changing)}",
            url=request.path,
            back_url=place.back_url,
            target=place.target,
            swap=place.swap,
            danger=words.danger,
            warning=words.warning,
            keep=place.keep,
        )
        context = bulk_confirmation_context(request, action=picked.action, plan=planned, shown=shown)
        return render(request, fragment_or_page(request, "core/bulk_confirm.html", "dialog"), context)
    taken = bulk_take(request, token=picked.token)
    if taken is None:
        messages.info(request, ALREADY_USED)
        return listed(None)
    action, ids = taken
    verb, done = words.actions[action]
    planned = plan(action, ids)
    results = apply(action, planned)
    title = f"{verb} {len(planned)} {words.noun}{pluralize(len(planned))}: results"
    report = bulk_report(request, title=title, results=results, done=done)
    try:
        return listed(report)
    except PostHogError:
        return bulk_results_alone(request, report=report)

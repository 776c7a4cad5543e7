"""The living part of hog functions: living.py calls `live_tick` in a store transaction every few seconds, and the
seed calls `history` for the week before the simulator started.

Enabled destinations and transformations run on a few events each tick: their metrics grow (succeeded, failed,
filtered) and some runs log. Healthy ones fail rarely, though now and then a destination's endpoint fails a
burst; degraded and failing ones (`_health`) fail often, and one a test made fail (`State.fail`) always. The
HogWatcher's status follows (degraded while most runs fail, healthy again after). Logs older than a week and
metrics older than a month go. Site apps run in browsers: PostHog counts nothing of theirs, nor does this.
"""

import random
from datetime import UTC, datetime, timedelta

from simulator.areas.hog_functions import records
from simulator.areas.hog_functions.runs import RUNS_ON_SERVER, SAMPLE_EVENTS, run, takes
from simulator.areas.hog_functions.state import DEGRADED, FULL_TOKENS, HEALTHY, KIND
from simulator.core.store import Store

FAILURE_SHARE = {"healthy": 0.002, "degraded": 0.15, "failing": 0.7}
BURST_CHANCE = 0.01  # per destination and tick: its endpoint fails for a moment
VERBOSE_SHARE = 0.15  # of the runs that went well, those whose debug lines are kept


def live_tick(store: Store, profile, rng: random.Random) -> dict:
    if not profile.hog_functions:
        return {}
    now = datetime.now(UTC)
    ran = 0
    for function in store.all(KIND):
        if not function["enabled"] or function.get("deleted") or function["type"] not in RUNS_ON_SERVER:
            continue
        ran += 1
        burst = function["type"] != "transformation" and rng.random() < BURST_CHANCE
        outcome = runs_at(store, rng, function, now, rng.randint(2, 12), burst=burst)
        _watch(store, function, outcome)
    records.prune(store, now)
    return {"hog_functions_ran": ran}


def runs_at(
    store: Store,
    rng: random.Random,
    function: dict,
    moment: datetime,
    count: int,
    *,
    burst: bool = False,
    verbose_share: float = VERBOSE_SHARE,
) -> dict[str, int]:
    """`count` runs of the function in the seconds before `moment`: their metrics and logs stored."""
    counts, entries = _runs(rng, function, moment, count, burst=burst, verbose_share=verbose_share)
    records.metrics_add(store, function, moment, counts)
    records.logs_add(store, function, entries)
    return counts


def _runs(
    rng: random.Random, function: dict, moment: datetime, count: int, *, burst: bool, verbose_share: float
) -> tuple[dict[str, int], list[dict]]:
    share = 1.0 if function.get("_failure") else FAILURE_SHARE.get(function.get("_health") or "healthy", 0.002)
    counts = {"succeeded": 0, "failed": 0, "filtered": 0}
    entries = []
    for _ in range(count):
        at = moment - timedelta(milliseconds=rng.randint(0, 4000))
        fails = burst or rng.random() < share
        done = run(
            rng, function, at, event_name=rng.choice(SAMPLE_EVENTS), fails=fails, verbose=rng.random() < verbose_share
        )
        counts[done.metric] += 1
        entries += [
            records.log_entry(function["id"], when, level, text, done.instance_id) for when, level, text in done.lines
        ]
    return counts, entries


def _watch(store: Store, function: dict, counts: dict[str, int]) -> None:
    """The HogWatcher's verdict: degraded while most runs fail, healthy again once they pass."""
    tried = counts["succeeded"] + counts["failed"]
    status = function.get("status") or {}
    if tried and counts["failed"] / tried > 0.5 and status.get("state") == HEALTHY:
        changed = {"state": DEGRADED, "tokens": 1500}
    elif (
        tried
        and not counts["failed"]
        and status.get("state") == DEGRADED
        and not function.get("_failure")
        and function.get("_health") != "failing"
    ):
        changed = {"state": HEALTHY, "tokens": FULL_TOKENS}
    else:
        return
    store.update(KIND, function["id"], {**function, "status": changed})


def history(store: Store, rng: random.Random, function: dict, now: datetime, *, days: int = 7) -> None:
    """Hour by hour, the runs of the week before `now` (more by day than by night); the logs of the last two
    hours only, as a week of them would be more than anyone reads. Older hours are counted without running each
    event (the same odds, drawn at once), which keeps seeding quick. Written at once."""
    if not function["enabled"] or function["type"] not in RUNS_ON_SERVER:
        return
    share = FAILURE_SHARE.get(function.get("_health") or "healthy", 0.002)
    taken = sum(takes(function, name) for name in SAMPLE_EVENTS) / len(SAMPLE_EVENTS)
    hours: dict[str, dict[str, int]] = {}
    entries: list[dict] = []
    for hours_ago in range(days * 24, 0, -1):
        moment = now - timedelta(hours=hours_ago, minutes=rng.randint(0, 59))
        count = rng.randint(20, 60) if 8 <= moment.hour <= 20 else rng.randint(4, 20)
        if hours_ago <= 2:
            counts, made = _runs(rng, function, moment, count, burst=False, verbose_share=0.3)
            entries += made
        else:
            ran = rng.binomialvariate(count, taken)
            failed = rng.binomialvariate(ran, share)
            counts = {"succeeded": ran - failed, "failed": failed, "filtered": count - ran}
        hours[moment.astimezone(UTC).strftime(records.HOUR_FORMAT)] = counts
    records.metrics_set(store, function, hours)
    records.logs_add(store, function, entries)

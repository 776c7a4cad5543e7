"""What the chaos run checks: the polling status page against the stored runs while it runs, and at the end what
the portal stored against what the simulator holds, by id.

Lost means in the simulator (within the run's window) and not stored; duplicated means stored more than once.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests

# A run still "running" this long after it started cannot be running: the task's hard time limit (200 s) and the
# lock's margin (60 s) are over, and the next poll (every 60 s at most here) closes it as interrupted.
RUNNING_AT_MOST = timedelta(seconds=200 + 60 + 60 + 30)
BENCH_AGENT = "portal-chaos-bench"  # the bench's own requests to the simulator, left out of the pollers' count
ACTIVITY_SCOPES = ("Plugin", "PluginConfig")


@dataclass
class StatusWatch:
    """The polling status page's selector sampled while the run goes on, with what it got wrong."""

    samples: int = 0
    unavailable: int = 0  # PostgreSQL or Redis was being restarted: the page would say so, not lie
    violations: list[str] = field(default_factory=list)
    running_longest: timedelta = timedelta(0)

    def sample(self, *, connection_id: int) -> None:
        from django.db import DatabaseError, connection, transaction
        from redis.exceptions import RedisError

        try:
            with transaction.atomic():
                # One snapshot of the database for the page's reads and the runs they are compared with.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                problems = _status_problems(connection_id=connection_id, watch=self)
        except (DatabaseError, RedisError):
            self.unavailable += 1
            connection.close()  # a restarted server: the next sample opens a new session
            return
        self.samples += 1
        self.violations += problems


def _status_problems(*, connection_id: int, watch: StatusWatch) -> list[str]:
    from django.utils import timezone

    from apps.history.models import PollRun
    from apps.history.selectors.status import PIPELINE_KINDS, pipeline_runs_troubled, poll_status

    now = timezone.now()
    problems = []
    shown = poll_status()
    for kind in shown.kinds:
        stored = list(PollRun.objects.filter(kind=kind.task.kind).order_by("-started_at", "-id")[: len(kind.runs) or 8])
        if [(r.pk, r.status, r.error) for r in kind.runs] != [(r.pk, r.status, r.error) for r in stored]:
            problems.append(f"{now:%H:%M:%S} {kind.label}: the page's runs differ from the stored runs")
        for run in kind.runs:
            if run.status == PollRun.Status.RUNNING:
                watch.running_longest = max(watch.running_longest, now - run.started_at)
                if now - run.started_at > RUNNING_AT_MOST:
                    problems.append(f"{now:%H:%M:%S} {kind.label}: run {run.pk} shown running since {run.started_at}")
    troubled = {run.pk for run in pipeline_runs_troubled(connection_id=connection_id)}
    for kind in PIPELINE_KINDS:
        newest = (
            PollRun.objects.filter(kind=kind, connection_id=connection_id)
            .exclude(status__in=[PollRun.Status.RUNNING, PollRun.Status.SKIPPED])
            .order_by("-started_at", "-id")
            .first()
        )
        if newest and (newest.status != PollRun.Status.OK or newest.error) and newest.pk not in troubled:
            problems.append(f"{now:%H:%M:%S} {kind}: its newest run {newest.status} but the health overview is clear")
    return problems


@dataclass(frozen=True)
class Compared:
    what: str
    simulator: int
    stored: int
    lost: int
    duplicated: int
    examples: tuple[str, ...] = ()  # some of what was lost, to start looking from


def logs_compare(*, server, connection_id: int, project_ids: list[int], since: datetime, until: datetime) -> Compared:
    """Plugin log entries by id: every entry the simulator holds of the watched projects' configs, timestamped in
    the run's window."""
    from apps.history.models import PluginLogEntry

    state = server.state.plugin_configs
    expected: dict[str, str] = {}
    for project_id in project_ids:
        for config in state.all(project_id):
            for entry in state.logs(config["id"], after=since, before=until):
                if entry["team_id"] == project_id:
                    expected[entry["id"]] = f"config {config['id']} {entry['timestamp']} {entry['id']}"
    stored = Counter(PluginLogEntry.objects.filter(connection_id=connection_id).values_list("entry_id", flat=True))
    lost = expected.keys() - stored.keys()
    return Compared(
        "plugin log entries",
        len(expected),
        len(expected.keys() & stored.keys()),
        len(lost),
        sum(count - 1 for count in stored.values() if count > 1),
        tuple(sorted(expected[entry_id] for entry_id in lost)[:5]),
    )


def snapshots_compare(*, server, connection_id: int, project_ids: list[int], since: datetime) -> Compared:
    """Delivery snapshots: each poll that succeeded holds one snapshot of every config the simulator lists (lost:
    a config missing from it); no config has two raw snapshots in one poll (duplicated)."""
    from apps.history.models import DeliverySnapshot, PollRun

    state = server.state.plugin_configs
    listed = {(str(p), c["id"]) for p in project_ids for c in state.all(p, deleted=False)}
    examples: list[str] = []
    rows = list(
        DeliverySnapshot.objects.filter(connection_id=connection_id, resolution=DeliverySnapshot.RAW).values_list(
            "project_id", "plugin_config_id", "taken_at"
        )
    )
    duplicated = sum(count - 1 for count in Counter(rows).values() if count > 1)
    runs = PollRun.objects.filter(
        connection_id=connection_id, kind=PollRun.Kind.DELIVERY, status=PollRun.Status.OK, started_at__gte=since
    )
    expected = lost = 0
    for run in runs:
        # The poll stamps its snapshots with its start, to the second.
        window = (run.started_at - timedelta(seconds=1), run.finished_at or run.started_at)
        taken = Counter((p, c) for p, c, at in rows if window[0] <= at <= window[1])
        expected += len(listed)
        lost += len(listed - set(taken))
        examples += [f"config {c} at {run.started_at:%H:%M:%S}" for _, c in sorted(listed - set(taken))]
        duplicated += sum(count - 1 for count in taken.values() if count > 1)
    what = f"delivery snapshots ({runs.count()} polls)"
    return Compared(what, expected, expected - lost, lost, duplicated, tuple(examples[:5]))


def activity_compare(*, server, connection_id: int, api_key: str) -> Compared:
    """Activity entries of plugins and plugin configs by id: the simulator's whole list (read once faults are off)
    against what the portal keeps."""
    from apps.history.models import ActivitySnapshot

    expected: set[str] = set()
    url: str | None = f"{server.url}/api/organizations/@current/plugins/activity/?limit=100"
    headers = {"Authorization": f"Bearer {api_key}", "User-Agent": BENCH_AGENT}
    while url:
        page = requests.get(url, headers=headers, timeout=10).json()
        expected |= {str(entry["id"]) for entry in page["results"] if entry.get("scope") in ACTIVITY_SCOPES}
        url = page.get("next")
    stored = Counter(
        ActivitySnapshot.objects.filter(connection_id=connection_id, scope__in=ACTIVITY_SCOPES).values_list(
            "scope", "activity_id"
        )
    )
    ids = {activity_id for _, activity_id in stored}
    return Compared(
        "activity entries",
        len(expected),
        len(expected & ids),
        len(expected - ids),
        sum(count - 1 for count in stored.values() if count > 1),
        tuple(f"activity {activity_id}" for activity_id in sorted(expected - ids)[:5]),
    )


def requests_by_minute(*, server) -> tuple[Counter, Counter]:
    """The pollers' requests the simulator served, by calendar minute, and its answers by status."""
    served = [entry for entry in server.requests() if entry.get("user_agent") != BENCH_AGENT]
    return Counter(entry["at"][:16] for entry in served), Counter(entry["status"] for entry in served)

"""Workers under failure, the short version of `bench/run chaos`: two real Celery workers and beat poll the living
simulator for two minutes on a private PostgreSQL and Redis while faults switch on and off, one worker is killed -9
twice, Redis is restarted and PostgreSQL too. Nothing may be lost or stored twice, the budget holds and the polling
status page never contradicts the stored runs.

About four minutes (two of chaos, then the pollers settle). It starts its own PostgreSQL and Redis, so it neither
needs nor touches DATABASE_URL's and REDIS_URL's; it skips (fails in CI) without redis-server or PostgreSQL 15.
"""

import os
import subprocess
import sys

import pytest

from bench.chaos_infra import ROOT, binaries_missing
from tests.test_deploy import skip_or_fail

pytestmark = pytest.mark.chaos


def test_two_minutes_of_chaos_lose_and_duplicate_nothing():
    if missing := binaries_missing():
        skip_or_fail(f"the chaos run needs its own servers: {missing}")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "chaos", "--minutes", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = finished.stdout + finished.stderr[-3000:]
    assert finished.returncode == 0, report
    assert "result: passed" in finished.stdout, report
    for what in ("plugin log entries", "delivery snapshots", "activity entries"):
        row = next(line for line in finished.stdout.splitlines() if line.startswith(f"| {what}"))
        simulator, stored, lost, duplicated = (cell.strip() for cell in row.split("|")[2:6])
        assert int(simulator.replace(",", "")) > 0, f"the run made no {what}: {report}"
        assert (stored, lost, duplicated) == (simulator, "0", "0"), report
    assert "worker killed -9 2" in finished.stdout and "PostgreSQL restarted 1" in finished.stdout, report
    assert "Redis restarted 1" in finished.stdout, report

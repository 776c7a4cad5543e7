"""The chaos run's own services: a private PostgreSQL cluster and Redis server (so restarting them harms nobody
else on the machine), and the Celery workers and beat, each a process of ours that can be killed and started again.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CELERY = ROOT / ".venv" / "bin" / "celery"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def binaries_missing() -> str:
    """Why the chaos run cannot start here ("" when it can): it needs redis-server and PostgreSQL's initdb."""
    if not shutil.which("redis-server"):
        return "redis-server is not installed (apt-get install redis-server)"
    if not (PG_BIN / "initdb").exists():
        return f"{PG_BIN / 'initdb'} is missing (apt-get install postgresql-15)"
    return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root: as root, PostgreSQL's commands run as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    def __init__(self, folder: Path) -> None:
        self.folder = folder / "pg"
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def create(self) -> None:
        self.folder.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"]
        subprocess.run(_as_postgres(initdb), check=True, capture_output=True)
        self.start()
        import psycopg

        with psycopg.connect(self.url.replace("/portal", "/postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE portal")

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", *args]
        subprocess.run(_as_postgres([*command, "-o", options]), check=True, capture_output=True)

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        # fast: what a service manager's restart does; sessions are cut, committed work survives.
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if self.data.exists():
            self._ctl("stop", "-m", "immediate")


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # --save '': nothing survives a restart, the worst case for queued tasks, locks and budgets.
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_for_port(self.port)

    def restart(self, *, down_seconds: float) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class CeleryProcess:
    """A worker or beat in a process group of its own, so a kill -9 reaches a worker's pool children too."""

    def __init__(self, *, name: str, arguments: list[str], env: dict, folder: Path) -> None:
        self.name, self.arguments, self.env, self.folder = name, arguments, env, folder
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with open(self.folder / f"{self.name}.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(CELERY), "-A", "portal", *self.arguments],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """kill -9 of the whole group, as the kernel's OOM killer or a lost machine would end it."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive():
            return
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def worker(*, number: int, env: dict, folder: Path) -> CeleryProcess:
    arguments = ["worker", "--concurrency=2", "--pool=prefork", "--loglevel=WARNING", "-n", f"chaos{number}@%h"]
    arguments += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return CeleryProcess(name=f"worker{number}", arguments=arguments, env=env, folder=folder)


def beat(*, env: dict, folder: Path) -> CeleryProcess:
    arguments = ["beat", "--loglevel=WARNING", "--pidfile", str(folder / "beat.pid")]
    return CeleryProcess(name="beat", arguments=arguments, env=env, folder=folder)


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on port {port}")

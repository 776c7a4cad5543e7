import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

from django import db
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.connections.services import connection_ensure_default
from apps.overview.webserver import PortalServer, server_options, state_shared

DEMO_CONNECTION_NAME = "PostHog simulator (demo)"
SIMULATOR_START_SECONDS = 30.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class Command(BaseCommand):
    help = (
        "Run the portal for one person or a small team, served by gunicorn as in production. With no PostHog "
        "configured (POSTHOG_HOST unset) the built-in simulator stands in for the API, with living demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--simulator-port", type=int, default=8010)
        parser.add_argument(
            "--simulator-profile",
            default=os.environ.get("SIMULATOR_PROFILE", "current"),
            help="which PostHog the simulator plays: current (today's cloud, the default) or legacy",
        )
        parser.add_argument("--simulator-db", help="the simulator's state (default var/simulator.sqlite3)")

    def handle(self, *args, addrport, simulator_port, simulator_profile, simulator_db, **options):
        simulator = None
        if not settings.POSTHOG_HOST:
            simulator = self._simulator_start(
                port=simulator_port,
                profile=simulator_profile,
                db_path=simulator_db or str(settings.VAR_DIR / "simulator.sqlite3"),
            )
        try:
            connection_ensure_default()
            # The workers are forked from this process: a database session opened here must not be shared by them.
            db.connections.close_all()
            bind = f"127.0.0.1:{addrport}" if addrport.isdigit() else addrport
            options = server_options(bind=bind)
            self.stdout.write(
                f"Serving on http://{bind}/ with gunicorn: {options['workers']} worker process(es) of "
                f"{options['threads']} threads"
                + ("." if state_shared() else " (one process: without Redis the cache and locks live in it).")
            )
            self.stdout.flush()
            PortalServer(options).run()
        finally:
            if simulator is not None:
                _stop(simulator)

    def _simulator_start(self, *, port: int, profile: str, db_path: str) -> subprocess.Popen:
        """The demo: the simulator stands in for PostHog. It is a package of its own, absent from production images.

        It runs in a process of its own rather than in threads of this one: gunicorn forks its workers from this
        process, and a fork while the simulator's threads hold SQLite's or logging's locks can leave a worker stuck.
        """
        try:
            from simulator import DEMO_KEY, profile_named
        except ImportError:
            raise CommandError(
                "No PostHog is configured (POSTHOG_HOST) and the simulator is not installed: set POSTHOG_HOST and "
                "POSTHOG_PERSONAL_API_KEY."
            ) from None
        try:
            playing = profile_named(profile)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if _port_answers(port):
            raise CommandError(f"Port {port} is taken: choose another with --simulator-port (or SIMULATOR_PORT).")
        command = [sys.executable, "-m", "simulator", "--port", str(port), "--profile", playing.name]
        process = subprocess.Popen(
            [*command, "--db", db_path],
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            preexec_fn=_end_with_parent,
        )
        started = time.monotonic()
        while not _port_answers(port):
            if process.poll() is not None or time.monotonic() - started > SIMULATOR_START_SECONDS:
                process.kill()
                raise CommandError(f"The simulator did not start on port {port}; its error is above.")
            time.sleep(0.1)
        settings.POSTHOG_HOST = url = f"http://127.0.0.1:{port}"
        settings.POSTHOG_PERSONAL_API_KEY = DEMO_KEY
        settings.POSTHOG_PROJECT_ID = settings.POSTHOG_ENVIRONMENT_ID = "1"
        settings.POSTHOG_CONNECTION_NAME = DEMO_CONNECTION_NAME
        self.stdout.write(
            f"No PostHog configured: the simulator answers on {url}, playing '{playing.name}' "
            f"({playing.summary}; state in {db_path}; SIMULATOR_PROFILE=legacy plays an "
            "older self-hosted PostHog; set POSTHOG_HOST to use a real PostHog)."
        )
        return process


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _end_with_parent() -> None:
    # Run in the simulator's process before it starts: it ends with the portal even when the portal is killed
    # outright (kill -9), so it never lingers holding its port. Linux only; elsewhere it ends with a normal stop.
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

import os
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from apps.connections.models import CapabilityReport
from apps.connections.services import connection_ensure_default, connection_test
from apps.history.embedded import EmbeddedScheduler

DEMO_CONNECTION_NAME = "PostHog simulator (demo)"


class Command(BaseCommand):
    help = (
        "Run the portal for one person or a small team. With no PostHog configured (POSTHOG_HOST unset) "
        "the built-in simulator stands in for the API, with living demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--simulator-port", type=int, default=8010)
        parser.add_argument(
            "--simulator-profile",
            default=os.environ.get("SIMULATOR_PROFILE", "current"),
            help="which PostHog the simulator plays: current (today's cloud, the default) or legacy",
        )

    def handle(self, *args, addrport, simulator_port, simulator_profile, **options):
        if not settings.POSTHOG_HOST:
            self._simulator_start(port=simulator_port, profile=simulator_profile)
        default = connection_ensure_default()
        if default is not None and not CapabilityReport.objects.filter(connection=default).exists():
            # What this key may do on this PostHog, learned once in the background: pages consult it.
            threading.Thread(target=connection_test, kwargs={"connection": default}, daemon=True).start()
        scheduler = self._scheduler_start()
        try:
            # One process: the simulator and scheduler threads live beside the server, so no autoreloader.
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if scheduler is not None:
                scheduler.stop()

    def _simulator_start(self, *, port: int, profile: str) -> None:
        """The demo: the simulator stands in for PostHog. It is a package of its own, absent from production images."""
        try:
            from simulator import DEMO_KEY, SimulatorServer
        except ImportError:
            raise CommandError(
                "No PostHog is configured (POSTHOG_HOST) and the simulator is not installed: set POSTHOG_HOST and "
                "POSTHOG_PERSONAL_API_KEY."
            ) from None
        try:
            simulator = SimulatorServer(
                profile=profile, port=port, db_path=str(settings.VAR_DIR / "simulator.sqlite3"), living=True
            ).start()
        except ValueError as error:
            raise CommandError(str(error)) from None
        settings.POSTHOG_HOST = simulator.url
        settings.POSTHOG_PERSONAL_API_KEY = DEMO_KEY
        settings.POSTHOG_PROJECT_ID = settings.POSTHOG_ENVIRONMENT_ID = "1"
        settings.POSTHOG_CONNECTION_NAME = DEMO_CONNECTION_NAME
        self.stdout.write(
            f"No PostHog configured: the simulator answers on {simulator.url}, playing '{simulator.profile.name}' "
            f"({simulator.profile.summary}; state in var/simulator.sqlite3; SIMULATOR_PROFILE=legacy plays an "
            "older self-hosted PostHog; set POSTHOG_HOST to use a real PostHog)."
        )

    def _scheduler_start(self) -> EmbeddedScheduler | None:
        """Without a broker there is no beat or worker: the schedules run in a thread of this process."""
        if settings.CELERY_BROKER_URL == "memory://":
            self.stdout.write("History polling runs inside this process (no Redis: no worker or beat needed).")
            return EmbeddedScheduler().start()
        self.stdout.write(
            "Background polling needs a Celery worker and beat beside this server: "
            "`celery -A portal worker` and `celery -A portal beat`."
        )
        return None

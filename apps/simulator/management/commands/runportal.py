from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.connections.services import connection_ensure_default
from apps.history.embedded import EmbeddedScheduler
from apps.simulator.seed import DEMO_KEY
from apps.simulator.server import SimulatorServer

DEMO_CONNECTION_NAME = "PostHog simulator (demo)"


class Command(BaseCommand):
    help = (
        "Run the portal for one person or a small team. With no PostHog configured (POSTHOG_HOST unset) "
        "the built-in simulator stands in for the API, with living demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--simulator-port", type=int, default=8010)

    def handle(self, *args, addrport, simulator_port, **options):
        if not settings.POSTHOG_HOST:
            simulator = SimulatorServer(
                port=simulator_port, db_path=str(settings.VAR_DIR / "simulator.sqlite3"), living=True
            ).start()
            settings.POSTHOG_HOST = simulator.url
            settings.POSTHOG_PERSONAL_API_KEY = DEMO_KEY
            settings.POSTHOG_PROJECT_ID = settings.POSTHOG_ENVIRONMENT_ID = "1"
            settings.POSTHOG_CONNECTION_NAME = DEMO_CONNECTION_NAME
            self.stdout.write(
                f"No PostHog configured: the simulator answers on {simulator.url} "
                f"(state in var/simulator.sqlite3; set POSTHOG_HOST to use a real PostHog)."
            )
        connection_ensure_default()
        scheduler = self._scheduler_start()
        try:
            # One process: the simulator and scheduler threads live beside the server, so no autoreloader.
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if scheduler is not None:
                scheduler.stop()

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

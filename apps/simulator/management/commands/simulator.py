from django.conf import settings
from django.core.management.base import BaseCommand

from apps.simulator.seed import DEMO_KEY, PLUGINS_ONLY_KEY, READ_ONLY_KEY
from apps.simulator.server import SimulatorServer


class Command(BaseCommand):
    help = "Run the PostHog simulator: a stateful stand-in for the PostHog API, on its own port."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8010)
        parser.add_argument(
            "--db",
            default=str(settings.VAR_DIR / "simulator.sqlite3"),
            help="SQLite file that keeps the state across restarts",
        )
        parser.add_argument("--reset", action="store_true", help="start again from the demo data")
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="seconds between new plugin log entries and delivery-rate changes",
        )
        parser.add_argument("--still", action="store_true", help="no living data (tests that want a fixed state)")

    def handle(self, *args, host, port, db, reset, interval, still, **options):
        server = SimulatorServer(host=host, port=port, db_path=db, living=not still, living_interval=interval)
        if reset:
            server.simulator.reset()
        self.stdout.write(f"PostHog simulator on {server.url} (state in {db})")
        self.stdout.write(f"  demo key (all scopes): {DEMO_KEY}")
        self.stdout.write(f"  read-only key:         {READ_ONLY_KEY}")
        self.stdout.write(f"  plugins-only key:      {PLUGINS_ONLY_KEY}")
        self.stdout.write(f"  faults: curl -X POST {server.url}/_simulator/faults -d '{{\"error_rate\": 0.2}}'")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()

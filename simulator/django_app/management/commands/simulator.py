from django.conf import settings
from django.core.management.base import BaseCommand

from simulator.cli import add_arguments, serve


class Command(BaseCommand):
    help = "Run the PostHog simulator: a stateful stand-in for the PostHog API, on its own port."

    def add_arguments(self, parser):
        add_arguments(parser, default_db=str(settings.VAR_DIR / "simulator.sqlite3"))

    def handle(self, *args, **options):
        serve(options, write=self.stdout.write)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, database_backup, database_vendor


class Command(BaseCommand):
    help = (
        "Back up the portal's own database to a file: pg_dump's custom format on PostgreSQL, a copy made with "
        "SQLite's backup API on SQLite. Stored secrets stay encrypted; restore with portal_restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="where to write the backup")

    def handle(self, *args, file: Path, **options):
        try:
            database_backup(path=file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = file.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up the {database_vendor()} database to {file} ({size:,} bytes)."))

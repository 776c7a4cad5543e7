from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, database_holdings, database_restore


class Command(BaseCommand):
    help = (
        "Replace the portal's own database with a backup made by portal_backup. Refuses a database that holds "
        "people, connections or audit events unless --force. Needs the FIELD_ENCRYPTION_KEYS of the backed-up portal."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a backup made by portal_backup")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data (everything in it is lost)"
        )

    def handle(self, *args, file: Path, force: bool, **options):
        holdings = database_holdings()
        if holdings and not force:
            held = ", ".join(f"{count} {label}" for label, count in holdings.items())
            raise CommandError(
                f"Nothing was changed: this database holds {held}. Restore into an empty database, "
                "or pass --force to replace everything in it."
            )
        try:
            database_restore(path=file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the database from {file}. Run `manage.py migrate` if this portal is newer than the backup."
            )
        )

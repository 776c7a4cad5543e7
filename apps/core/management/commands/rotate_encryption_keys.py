from django.core.management.base import BaseCommand, CommandError

from apps.core.rotation import Undecryptable, encrypted_values_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored secret (connection keys, alert channel secrets…) with the first of "
        "FIELD_ENCRYPTION_KEYS, so the older keys after it can be dropped. Changes nothing when a value cannot be "
        "decrypted with any configured key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would be re-encrypted; change nothing")
        parser.add_argument("--batch-size", type=int, default=500, help="rows read and written at a time")
        parser.add_argument(
            "--from-secret-key",
            action="store_true",
            help="also decrypt with the key derived from SECRET_KEY (values stored before FIELD_ENCRYPTION_KEYS was set)",
        )

    def handle(self, *args, dry_run, batch_size, from_secret_key, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        try:
            results = encrypted_values_rotate(dry_run=dry_run, batch_size=batch_size, from_secret_key=from_secret_key)
        except Undecryptable as error:
            places = "\n".join(f"  {place}" for place in error.places)
            raise CommandError(
                f"Nothing was changed: {len(error.places)} stored value(s) cannot be decrypted with any key in "
                f"FIELD_ENCRYPTION_KEYS. Add the key they were encrypted with (after the new one) and run this "
                f"again, or replace those values:\n{places}"
            ) from error
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        for result in results:
            fields = ", ".join(f"{name} {count}" for name, count in result.values.items())
            self.stdout.write(
                f"{result.label}: {result.total} value(s) {verb} ({fields}); {result.older_key} under an older key"
            )
        total = sum(result.total for result in results)
        if dry_run:
            self.stdout.write(
                f"Dry run: {total} value(s) would be re-encrypted with the first key. Nothing was changed."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{total} value(s) re-encrypted with the first key."))

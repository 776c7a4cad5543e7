"""The portal's own data: rotating FIELD_ENCRYPTION_KEYS re-encrypts every stored secret, and a backup restores
the database as it was, secrets still encrypted."""

import shutil
import subprocess
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection as db

from apps.audit.models import AuditEvent
from apps.connections.models import Connection
from apps.connections.services import connection_create
from apps.core.backup import _pg_env
from apps.core.crypto import DecryptionFailed
from tests.conftest import PASSWORD, TEST_KEY

HOST = "https://posthog.example.test"
OLD, NEW, LOST = (Fernet.generate_key().decode() for _ in range(3))


def stored_keys() -> dict[int, str]:
    """The connections' keys as the database holds them."""
    with db.cursor() as cursor:
        cursor.execute("SELECT id, api_key FROM connections_connection")
        return dict(cursor.fetchall())


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_reencrypts_every_key_so_the_old_key_can_be_dropped(settings, admin_user):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    production = connection_create(actor=admin_user, name="Production", host=HOST, api_key=TEST_KEY)
    staging = connection_create(actor=admin_user, name="Staging", host=HOST, api_key="phx_StagingKey0123456789")

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(DecryptionFailed):
        Connection.objects.get(pk=production.pk)

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    output = run("rotate_encryption_keys")
    assert "connections.Connection: 2 value(s) re-encrypted (api_key 2); 2 under an older key" in output
    assert "2 value(s) re-encrypted with the first key." in output

    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert Connection.objects.get(pk=production.pk).api_key == TEST_KEY
    assert Connection.objects.get(pk=staging.pk).api_key == "phx_StagingKey0123456789"
    assert all(TEST_KEY not in value for value in stored_keys().values())
    # Run again, nothing is under an older key any more.
    assert "2 value(s) re-encrypted (api_key 2); 0 under an older key" in run("rotate_encryption_keys")


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing(settings, admin_user):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    connection_create(actor=admin_user, name="Production", host=HOST, api_key=TEST_KEY)
    before = stored_keys()
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    output = run("rotate_encryption_keys", "--dry-run")
    assert "connections.Connection: 1 value(s) would be re-encrypted (api_key 1); 1 under an older key" in output
    assert "Nothing was changed." in output
    assert stored_keys() == before


@pytest.mark.django_db
def test_a_value_no_key_opens_stops_the_rotation_and_changes_nothing(settings, admin_user):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    connection_create(actor=admin_user, name="Production", host=HOST, api_key=TEST_KEY)
    settings.FIELD_ENCRYPTION_KEYS = [LOST]
    lost = connection_create(actor=admin_user, name="Lost", host=HOST, api_key="phx_LostKey0123456789abc")
    before = stored_keys()

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    with pytest.raises(CommandError) as refused:
        run("rotate_encryption_keys", "--batch-size", "1")
    message = str(refused.value)
    assert message.startswith("Nothing was changed: 1 stored value(s) cannot be decrypted")
    assert f"connections.Connection {lost.pk} (api_key)" in message
    assert stored_keys() == before


@pytest.mark.django_db
def test_keys_stored_before_field_encryption_keys_was_set_rotate_with_from_secret_key(settings, admin_user):
    settings.FIELD_ENCRYPTION_KEYS = []
    production = connection_create(actor=admin_user, name="Production", host=HOST, api_key=TEST_KEY)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(CommandError):
        run("rotate_encryption_keys")
    assert "1 value(s) re-encrypted" in run("rotate_encryption_keys", "--from-secret-key")
    assert Connection.objects.get(pk=production.pk).api_key == TEST_KEY


def backup_text(path) -> str:
    """What a backup holds, readable: pg_dump's compressed archive as SQL, SQLite's file as it is."""
    if db.vendor == "postgresql":
        return subprocess.run(
            ["pg_restore", "--data-only", "--file=-", str(path)], capture_output=True, check=True, env=_pg_env()
        ).stdout.decode()
    return path.read_bytes().decode(errors="replace")


@pytest.mark.django_db(transaction=True)
def test_backup_then_wipe_then_restore_gives_the_portal_back(tmp_path, admin_user):
    if db.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL's client tools (pg_dump, pg_restore, psql) are not installed")
    production = connection_create(actor=admin_user, name="Production", host=HOST, api_key=TEST_KEY)
    audit = list(AuditEvent.objects.order_by("pk").values_list("pk", "path", "actor_id"))
    ciphertext = stored_keys()[production.pk]
    backup = tmp_path / "portal.backup"

    assert "Backed up the" in run("portal_backup", str(backup))
    held = backup_text(backup)
    assert ciphertext in held and TEST_KEY not in held

    call_command("flush", interactive=False)
    assert not Connection.objects.exists()

    assert "Restored the database" in run("portal_restore", str(backup))
    assert Connection.objects.get(pk=production.pk).api_key == TEST_KEY
    assert stored_keys()[production.pk] == ciphertext
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", "path", "actor_id")) == audit
    assert type(admin_user).objects.get(username=admin_user.username).check_password(PASSWORD)
    # New rows carry on after the restored ones, and the audit is append-only again.
    staging = connection_create(actor=admin_user, name="Staging", host=HOST, api_key=TEST_KEY)
    assert staging.pk > production.pk
    if db.vendor == "postgresql":
        with pytest.raises(Exception, match="append-only"), db.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET path = 'rewritten' WHERE id = %s", [audit[0][0]])

    with pytest.raises(CommandError, match="Nothing was changed: this database holds 1 people, 2 connections"):
        run("portal_restore", str(backup))
    assert Connection.objects.filter(name="Staging").exists()
    # A backup cut short is refused and the database stays as it was.
    cut = tmp_path / "cut.backup"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    with pytest.raises(CommandError):
        run("portal_restore", "--force", str(cut))
    assert sorted(Connection.objects.values_list("name", flat=True)) == ["Production", "Staging"]

    run("portal_restore", "--force", str(backup))
    assert list(Connection.objects.values_list("name", flat=True)) == ["Production"]


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_no_backup(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    with pytest.raises(CommandError, match="is not a backup made by portal_backup"):
        run("portal_restore", "--force", str(junk))
    with pytest.raises(CommandError, match="There is no file"):
        run("portal_restore", "--force", str(tmp_path / "missing"))

"""Backing up and restoring the portal's own database with each database's own tool, so a restore is the
database as it was: PostgreSQL's pg_dump / pg_restore (custom format) and SQLite's online backup API.

Not Django's dumpdata: it reads through the models, and an encrypted field hands it the plain value, so the
backup would hold every connection key in clear. These tools copy the stored ciphertext; the backup is as secret
as the database and no more (restoring it needs the same FIELD_ENCRYPTION_KEYS).

A restore replaces the whole database in one step (one transaction on PostgreSQL, one backup step on SQLite), so
one that fails leaves the database as it was. The audit table's append-only trigger is no obstacle: its rows are
dropped with their table, and pg_restore loads the data before it creates triggers.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.db import connection

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
# What a person made, to tell a database in use from one that only has its tables (migrate, a container's start).
HOLDINGS = {"auth_user": "people", "connections_connection": "connections", "audit_auditevent": "audit events"}


class BackupError(Exception):
    """A backup or restore that could not be done; nothing was changed."""


def database_vendor() -> str:
    return connection.vendor


def database_holdings() -> dict[str, int]:
    """How many people, connections and audit events the database holds (only the tables that exist)."""
    tables = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table, label in HOLDINGS.items():
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[label] = cursor.fetchone()[0]
    return {label: count for label, count in counts.items() if count}


def database_backup(*, path: Path) -> None:
    """Write the whole database to `path` (written beside it first, then moved, so a half backup never has the name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if connection.vendor == "postgresql":
            _run([_tool("pg_dump"), "--format=custom", "--file", str(partial)])
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:
            raise BackupError(f"Backing up a {connection.vendor} database is not supported: use its own tools.")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def database_restore(*, path: Path) -> None:
    """Replace the whole database with the backup at `path` (made by `database_backup` on the same kind of database)."""
    _check_kind(path)
    if connection.vendor == "postgresql":
        _restore_postgresql(path)
    else:
        _restore_sqlite(path)
    # The portal's own connection may hold plans and caches of the tables just replaced.
    connection.close()


def _check_kind(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"There is no file {path}.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    kind = "postgresql" if head.startswith(PG_MAGIC) else "sqlite" if head.startswith(SQLITE_MAGIC) else ""
    if not kind:
        raise BackupError(f"{path} is not a backup made by portal_backup (neither pg_dump's nor SQLite's format).")
    if kind != connection.vendor:
        raise BackupError(f"{path} is a backup of a {kind} database; this portal runs on {connection.vendor}.")


def _restore_postgresql(path: Path) -> None:
    """Drop every table, then load the backup, in one psql transaction: a restore that fails changes nothing.

    pg_restore writes the whole script first: streamed into psql, a backup cut short would end psql's input early,
    and psql commits what it was given."""
    quote = connection.ops.quote_name
    drops = "".join(f"DROP TABLE IF EXISTS {quote(t)} CASCADE;\n" for t in connection.introspection.table_names())
    connection.close()  # our own session would hold locks the drops wait for
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
        (Path(work) / "drop.sql").write_text(drops)
        restore = str(Path(work) / "restore.sql")
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--file",
                restore,
                str(path),
            ]
        )
        psql = [_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1"]
        _run([*psql, "--file", str(Path(work) / "drop.sql"), "--file", restore])


def _restore_sqlite(path: Path) -> None:
    """Checked whole first, then copied in one backup step, which SQLite rolls back on the destination if it fails."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{path} is damaged: SQLite's check of it failed. Nothing was changed.")
        connection.ensure_connection()
        source.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} could not be read, nothing was changed: {error}") from error
    finally:
        source.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools (postgresql-client) of the server's "
            "major version or newer, or run it where they are (see the README's “Backing up the portal”)."
        )
    return found


def _pg_env() -> dict[str, str]:
    """libpq's variables for Django's database: the password never appears in a process list."""
    settings = connection.settings_dict
    env = {**os.environ, "PGDATABASE": settings["NAME"]}
    for key, variable in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if settings.get(key):
            env[variable] = str(settings[key])
    if sslmode := settings.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return env


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, env=_pg_env(), check=False)
    if result.returncode:
        detail = (result.stderr or result.stdout).decode(errors="replace").strip()
        raise BackupError(f"{Path(command[0]).name} failed, nothing was changed: {detail}")

"""The simulator's state: JSON documents, activity and plugin logs in one SQLite file.

One connection behind a lock: the simulator serves a handful of clients, and a single writer keeps
every request's read-modify-write atomic.
"""

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '', seq INTEGER NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS docs_parent ON docs (kind, parent, seq);
CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, parent TEXT NOT NULL, item_id TEXT NOT NULL,
    created_at TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS activity_scope ON activity (scope, parent, item_id);
CREATE TABLE IF NOT EXISTS plugin_logs (
    id TEXT PRIMARY KEY, plugin_config_id INTEGER NOT NULL, timestamp TEXT NOT NULL, type TEXT NOT NULL,
    message TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS plugin_logs_config ON plugin_logs (plugin_config_id, timestamp);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class Store:
    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL" if path != ":memory:" else "PRAGMA journal_mode=MEMORY")
        self._db.executescript(SCHEMA)
        self.lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Holds the lock for a whole request, so a read-modify-write never interleaves."""
        with self.lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def is_empty(self) -> bool:
        with self.lock:
            return self._db.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == 0

    def clear(self) -> None:
        with self.lock:
            self._db.executescript(
                "DELETE FROM docs; DELETE FROM counters; DELETE FROM activity; DELETE FROM plugin_logs; "
                "DELETE FROM meta;"
            )

    def meta(self, key: str) -> str | None:
        with self.lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return row[0] if row else None

    def meta_set(self, key: str, value: str) -> None:
        with self.lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # Documents ------------------------------------------------------------------------------

    def next_id(self, kind: str) -> int:
        with self.lock:
            row = self._db.execute("SELECT value FROM counters WHERE kind = ?", (kind,)).fetchone()
            value = (row[0] if row else 0) + 1
            self._db.execute("INSERT OR REPLACE INTO counters (kind, value) VALUES (?, ?)", (kind, value))
            return value

    def insert(self, kind: str, data: dict[str, Any], *, parent: str | int = "", id: str | int | None = None) -> dict:
        with self.lock:
            if id is None:
                id = self.next_id(kind)
                data = {"id": id, **data}
            seq = self._db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM docs WHERE kind = ?", (kind,)).fetchone()[0]
            self._db.execute(
                "INSERT INTO docs (kind, id, parent, seq, data) VALUES (?, ?, ?, ?, ?)",
                (kind, str(id), str(parent), seq, json.dumps(data)),
            )
            return data

    def get(self, kind: str, id: str | int, *, parent: str | int | None = None) -> dict | None:
        with self.lock:
            sql, args = "SELECT data FROM docs WHERE kind = ? AND id = ?", [kind, str(id)]
            if parent is not None:
                sql, args = sql + " AND parent = ?", args + [str(parent)]
            row = self._db.execute(sql, args).fetchone()
            return json.loads(row[0]) if row else None

    def all(self, kind: str, *, parent: str | int | None = None) -> list[dict]:
        with self.lock:
            if parent is None:
                rows = self._db.execute("SELECT data FROM docs WHERE kind = ? ORDER BY seq", (kind,))
            else:
                rows = self._db.execute(
                    "SELECT data FROM docs WHERE kind = ? AND parent = ? ORDER BY seq", (kind, str(parent))
                )
            return [json.loads(r[0]) for r in rows.fetchall()]

    def update(self, kind: str, id: str | int, data: dict[str, Any]) -> dict:
        with self.lock:
            self._db.execute("UPDATE docs SET data = ? WHERE kind = ? AND id = ?", (json.dumps(data), kind, str(id)))
            return data

    def delete(self, kind: str, id: str | int) -> None:
        with self.lock:
            self._db.execute("DELETE FROM docs WHERE kind = ? AND id = ?", (kind, str(id)))

    # Activity -------------------------------------------------------------------------------

    def activity_add(self, *, scope: str, parent: str | int, item_id: str | int, entry: dict) -> dict:
        with self.lock:
            created_at = entry.get("created_at") or now_iso()
            cursor = self._db.execute(
                "INSERT INTO activity (scope, parent, item_id, created_at, data) VALUES (?, ?, ?, ?, ?)",
                (scope, str(parent), str(item_id), created_at, "{}"),
            )
            entry = {
                **entry,
                "id": str(cursor.lastrowid),
                "scope": scope,
                "item_id": str(item_id),
                "created_at": created_at,
            }
            self._db.execute("UPDATE activity SET data = ? WHERE id = ?", (json.dumps(entry), cursor.lastrowid))
            return entry

    def activity_list(self, *, scope: str, parent: str | int, item_id: str | int | None = None) -> list[dict]:
        """Newest first."""
        with self.lock:
            sql, args = "SELECT data FROM activity WHERE scope = ? AND parent = ?", [scope, str(parent)]
            if item_id is not None:
                sql, args = sql + " AND item_id = ?", args + [str(item_id)]
            rows = self._db.execute(sql + " ORDER BY id DESC", args).fetchall()
            return [json.loads(r[0]) for r in rows]

    # Plugin logs ----------------------------------------------------------------------------

    def logs_add(self, entries: list[dict]) -> None:
        with self.lock:
            self._db.executemany(
                "INSERT OR IGNORE INTO plugin_logs (id, plugin_config_id, timestamp, type, message, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (e["id"], e["plugin_config_id"], e["timestamp"], e["type"], e["message"], json.dumps(e))
                    for e in entries
                ],
            )

    def logs_query(
        self,
        *,
        plugin_config_id: int,
        after: str | None = None,
        before: str | None = None,
        search: str | None = None,
        types: list[str] | None = None,
    ) -> list[dict]:
        """Newest first, filtered the way PostHog's server filters them."""
        sql, args = "SELECT data FROM plugin_logs WHERE plugin_config_id = ?", [plugin_config_id]
        if after:
            sql, args = sql + " AND timestamp > ?", args + [after]
        if before:
            sql, args = sql + " AND timestamp < ?", args + [before]
        if search:
            sql, args = sql + " AND message LIKE ? ESCAPE '\\'", args + [f"%{_like_escape(search)}%"]
        if types:
            sql += f" AND type IN ({','.join('?' * len(types))})"
            args += types
        with self.lock:
            rows = self._db.execute(sql + " ORDER BY timestamp DESC, id DESC", args).fetchall()
        return [json.loads(r[0]) for r in rows]

    def logs_prune(self, *, older_than: str) -> None:
        with self.lock:
            self._db.execute("DELETE FROM plugin_logs WHERE timestamp < ?", (older_than,))


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

"""Re-encrypting every stored secret with the first of FIELD_ENCRYPTION_KEYS, so an old key can be dropped.

Every model's `EncryptedTextField`s are found through the app registry, so a secret added later is rotated too.
Values are read and written as stored ciphertext (raw SQL, not the field, which would hand back plain text):
cryptography's `MultiFernet.rotate` turns each token into one under the first key without the plain value ever
leaving it. All of it happens in one transaction with the rows locked, so a value that no configured key opens
leaves everything as it was.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from apps.core.crypto import fernet_keys, secret_key_derived
from apps.core.fields import EncryptedTextField


@dataclass
class ModelRotation:
    """What rotating one model's secrets did (or would do): values per field, and how many were under an older key."""

    label: str
    values: dict[str, int] = field(default_factory=dict)
    older_key: int = 0

    @property
    def total(self) -> int:
        return sum(self.values.values())


class Undecryptable(Exception):
    """Stored values no configured key opens: rotating them would lose them, so nothing was changed."""

    def __init__(self, places: list[str]) -> None:
        self.places = places
        super().__init__(f"{len(places)} stored value(s) cannot be decrypted with any configured key.")


def encrypted_fields_list() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every concrete model with its own encrypted columns (a subclass's copy of a parent's column is the parent's)."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def encrypted_values_rotate(
    *, dry_run: bool = False, batch_size: int = 500, from_secret_key: bool = False
) -> list[ModelRotation]:
    """Re-encrypt every stored secret with the first configured key; with `dry_run`, only count. Raises
    Undecryptable (naming model, row and field) and changes nothing when some value no key opens."""
    configured = fernet_keys()
    if from_secret_key:
        # The key of installs that ran without FIELD_ENCRYPTION_KEYS, tried last: it decrypts, never encrypts.
        configured.append(Fernet(secret_key_derived(settings.SECRET_KEY)))
    keys, first = MultiFernet(configured), configured[0]
    results, failures = [], []
    with transaction.atomic():
        for model, fields in encrypted_fields_list():
            result = ModelRotation(label=model._meta.label, values={f.name: 0 for f in fields})
            for batch in _batches(model, fields, batch_size):
                updates = []
                for pk, *values in batch:
                    for encrypted, value in zip(fields, values, strict=True):
                        if not value:
                            continue
                        try:
                            rotated = keys.rotate(value.encode()).decode()
                        except InvalidToken:
                            failures.append(f"{model._meta.label} {pk} ({encrypted.name})")
                            continue
                        result.values[encrypted.name] += 1
                        result.older_key += not _opens(first, value)
                        updates.append((str(encrypted.column), rotated, pk))
                if not dry_run and not failures:
                    _write(model, updates)
            results.append(result)
        if failures:
            raise Undecryptable(failures)  # rolls back every batch written so far
    return results


def _opens(key: Fernet, token: str) -> bool:
    try:
        key.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _batches(model: type[models.Model], fields: list[EncryptedTextField], size: int) -> Iterator[list[tuple[Any, ...]]]:
    """The rows' primary keys and stored ciphertext, `size` rows at a time in primary-key order, locked until the
    transaction ends so a write made meanwhile is not overwritten with an older value."""
    quote = connection.ops.quote_name
    pk = quote(str(model._meta.pk.column))
    columns = ", ".join(quote(str(f.column)) for f in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT {pk}, {columns} FROM {quote(model._meta.db_table)} WHERE {{where}} ORDER BY {pk} LIMIT %s{lock}"
    last: Any = None
    with connection.cursor() as cursor:
        while True:
            if last is None:
                cursor.execute(sql.format(where="1 = 1"), [size])
            else:
                cursor.execute(sql.format(where=f"{pk} > %s"), [last, size])
            rows = cursor.fetchall()
            if not rows:
                return
            yield [tuple(row) for row in rows]
            last = rows[-1][0]


def _write(model: type[models.Model], updates: list[tuple[str, str, Any]]) -> None:
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    with connection.cursor() as cursor:
        for column in {column for column, _, _ in updates}:
            rows = [(value, row) for col, value, row in updates if col == column]
            cursor.executemany(f"UPDATE {table} SET {quote(column)} = %s WHERE {pk} = %s", rows)

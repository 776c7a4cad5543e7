from typing import Any

from django.db import models

from apps.core.crypto import decrypt, encrypt


class EncryptedTextField(models.TextField):
    """Holds ciphertext in the database; Python code sees the plain value."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

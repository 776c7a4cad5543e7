"""Encryption at rest for API keys, with cryptography's MultiFernet so keys can be rotated:
the first of FIELD_ENCRYPTION_KEYS encrypts, every one of them decrypts."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionFailed(Exception):
    """The stored value was encrypted with a key the portal no longer has."""


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    # Embedded default: a key derived from SECRET_KEY (itself generated once per install).
    return MultiFernet([Fernet(secret_key_derived(secret_key))])


def secret_key_derived(secret_key: str) -> bytes:
    """The key values are encrypted with while FIELD_ENCRYPTION_KEYS is unset; `rotate_encryption_keys
    --from-secret-key` still reads them once FIELD_ENCRYPTION_KEYS is set."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"field-encryption:{secret_key}".encode()).digest())


def fernet_keys() -> list[Fernet]:
    """Every configured key, the one that encrypts first."""
    if settings.FIELD_ENCRYPTION_KEYS:
        return [Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS]
    return [Fernet(secret_key_derived(settings.SECRET_KEY))]


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionFailed("The stored key cannot be decrypted with the configured FIELD_ENCRYPTION_KEYS.") from exc

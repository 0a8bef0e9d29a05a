"""Encryption at rest for sensitive fields, and keyed hashes to find them by exact value.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the ``cryptography``
package) under LOANDESK_DATA_KEY; the same key, through HMAC, gives each value a stable
search hash, so "find the customer with this ID number" and "one customer per ID number"
work without storing the number in clear.  Losing the key loses the data: back it up.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator


def _key() -> bytes:
    return current_app.config["LOANDESK_DATA_KEY"].encode()


def _fernet() -> Fernet:
    cache = current_app.extensions.setdefault("loandesk_fernet", {})
    key = _key()
    if key not in cache:
        cache[key] = Fernet(key)
    return cache[key]


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise ValueError("a sensitive value cannot be decrypted with LOANDESK_DATA_KEY "
                         "(wrong key?)") from error


def search_hash(value: str | None) -> str | None:
    """HMAC-SHA256 of the normalised value (upper case, no spaces) under a derived key."""
    if value is None or not value.strip():
        return None
    normalised = "".join(value.split()).upper()
    derived = hmac.new(_key(), b"loandesk search hash", hashlib.sha256).digest()
    return hmac.new(derived, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedString(TypeDecorator):
    """A text column stored encrypted; Python code sees the clear value."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None or value == "" else encrypt(str(value))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)

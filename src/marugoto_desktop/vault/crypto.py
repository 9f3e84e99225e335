"""Authenticated encryption of blobs with the data key (AES-256-GCM).

Blob layout: format version (1 byte) | nonce (12 bytes) | ciphertext and tag. The associated
data binds a blob to its place (table, row id, column) and to the format version, so a blob
copied to another row, field or table fails to decrypt instead of being read as something else.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import VaultCorrupted

BLOB_VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_HEADER = bytes([BLOB_VERSION])


def place(table: str, row_id: str, column: str) -> bytes:
    """Associated data naming where a blob lives."""
    return f"marugoto-vault/{BLOB_VERSION}/{table}/{row_id}/{column}".encode()


class DataKey:
    """The vault's data-encryption key (DEK), held only while the vault is unlocked."""

    __slots__ = ("_aead", "raw")

    def __init__(self, raw: bytes) -> None:
        if len(raw) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self.raw = raw
        self._aead = AESGCM(raw)

    @classmethod
    def generate(cls) -> DataKey:
        return cls(os.urandom(KEY_BYTES))

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return _HEADER + nonce + self._aead.encrypt(nonce, plaintext, _HEADER + aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != BLOB_VERSION:
            raise VaultCorrupted(f"malformed ciphertext at {aad.decode(errors='replace')}")
        nonce = blob[1 : 1 + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, blob[1 + NONCE_BYTES :], blob[:1] + aad)
        except InvalidTag:
            raise VaultCorrupted(
                f"integrity check failed at {aad.decode(errors='replace')}"
            ) from None

    def seal_json(self, value: Any, aad: bytes) -> bytes:
        return self.seal(dumps(value), aad)

    def open_json(self, blob: bytes, aad: bytes) -> Any:
        return json.loads(self.open(blob, aad))


# One encoder for every call: json.dumps with options builds a new one each time, which
# costs a tenth of encoding a record body.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def dumps(value: Any) -> bytes:
    """Compact, deterministic JSON bytes."""
    return _ENCODER.encode(value).encode()

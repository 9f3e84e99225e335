"""Authenticated encryption of blobs with the data key (AES-256-GCM).

Blob layout: format version (1 byte) | nonce (12 bytes) | ciphertext and tag. The associated
data binds a blob to its place (table, row id, column) and to the format version, so a blob
copied to another row, field or table fails to decrypt instead of being read as something else.

Format 2 pads the plaintext to a size bucket before encryption (ISO/IEC 7816-4: a 0x80 byte,
then zeros), inside the authenticated plaintext, so a blob's length tells its bucket and no
more: not which fields a record holds, nor which field an outbox row carries. Format 1 blobs
(unpadded) are read only by the migration that re-seals them (migrations.py).
"""

from __future__ import annotations

import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import VaultCorrupted

BLOB_VERSION = 2
LEGACY_BLOB_VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
TAG_BYTES = 16
# What a blob adds to its padded plaintext: version byte, nonce, tag.
BLOB_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES
_HEADER = bytes([BLOB_VERSION])
_LEGACY_HEADER = bytes([LEGACY_BLOB_VERSION])
# The scheme of the associated-data string; padding did not change it.
_PLACE_SCHEME = 1

# Size buckets (see docs/security-model.md). Every blob is at least PAD_FLOOR bytes of
# plaintext; record bodies at least BODY_FLOOR, which holds a record of any type with every
# short field filled, and still lets two record rows share a 4 KiB SQLite page. Buckets double
# up to FINE_FROM bytes, then grow by an eighth of the next power of two (at most 25 % extra),
# where a blob is long free text whose exact length matters little.
PAD_FLOOR = 256
BODY_FLOOR = 1792
FINE_FROM = 4096
_MARK = b"\x80"


def padded_size(length: int, floor: int = PAD_FLOOR) -> int:
    """The bucket a plaintext of `length` bytes is padded to (the 0x80 mark included)."""
    need = length + 1
    size = floor
    while size < need:
        size *= 2
    if size > FINE_FROM:
        step = size // 8
        size = -(-need // step) * step
    return size


def place(table: str, row_id: str, column: str) -> bytes:
    """Associated data naming where a blob lives."""
    return f"marugoto-vault/{_PLACE_SCHEME}/{table}/{row_id}/{column}".encode()


def outbox_place(
    change_id: str,
    record_type: str,
    record_id: str,
    area: str | None,
    hlc: int,
    base: int,
    site: str,
) -> bytes:
    """An outbox payload is bound to the clear columns the server will route it by."""
    return place(
        "outbox", change_id, f"payload/{record_type}/{record_id}/{area}/{hlc}/{base}/{site}"
    )


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

    def seal(self, plaintext: bytes, aad: bytes, floor: int = PAD_FLOOR) -> bytes:
        """Pad `plaintext` to its bucket (at least `floor` bytes) and encrypt it."""
        return self.seal_sized(plaintext, aad, padded_size(len(plaintext), floor))

    def seal_sized(self, plaintext: bytes, aad: bytes, size: int) -> bytes:
        """Pad `plaintext` to exactly `size` bytes and encrypt it: for a blob whose length
        may tell only what is known anyway (summaries.py: how many entries a group holds)."""
        if len(plaintext) + 1 > size:
            raise ValueError(f"{len(plaintext)} bytes do not fit in {size} padded")
        padded = (plaintext + _MARK).ljust(size, b"\0")
        nonce = os.urandom(NONCE_BYTES)
        return _HEADER + nonce + self._aead.encrypt(nonce, padded, _HEADER + aad)

    def open(self, blob: bytes, aad: bytes, *, legacy: bool = False) -> bytes:
        """Decrypt and unpad; `legacy` also reads unpadded format 1 (for the migration)."""
        header = blob[:1]
        if len(blob) < BLOB_OVERHEAD or not (
            header == _HEADER or (legacy and header == _LEGACY_HEADER)
        ):
            raise VaultCorrupted(f"malformed ciphertext at {aad.decode(errors='replace')}")
        nonce = blob[1 : 1 + NONCE_BYTES]
        try:
            plaintext = self._aead.decrypt(nonce, blob[1 + NONCE_BYTES :], header + aad)
        except InvalidTag:
            raise VaultCorrupted(
                f"integrity check failed at {aad.decode(errors='replace')}"
            ) from None
        if header == _LEGACY_HEADER:
            return plaintext
        # The mark is the last 0x80: only zeros follow it. (The tag vouches for the rest.)
        end = plaintext.rfind(0x80)
        if end < 0:
            raise VaultCorrupted(f"bad padding at {aad.decode(errors='replace')}")
        return plaintext[:end]

    def seal_json(self, value: Any, aad: bytes, floor: int = PAD_FLOOR) -> bytes:
        return self.seal(dumps(value), aad, floor)

    def open_json(self, blob: bytes, aad: bytes) -> Any:
        return json.loads(self.open(blob, aad))


# One encoder for every call: json.dumps with options builds a new one each time, which
# costs a tenth of encoding a record body.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def dumps(value: Any) -> bytes:
    """Compact, deterministic JSON bytes."""
    return _ENCODER.encode(value).encode()

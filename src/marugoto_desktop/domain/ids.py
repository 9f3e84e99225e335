"""Record ids: UUIDv7 strings (time-ordered, so ids sort roughly by creation)."""

from __future__ import annotations

import os
import re
import time
import uuid

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def uuid7_from(unix_ms: int, rand: bytes) -> str:
    """A UUIDv7 from a millisecond timestamp and 10 random bytes (RFC 9562 layout)."""
    if len(rand) != 10:
        raise ValueError("uuid7 needs 10 random bytes")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= int.from_bytes(rand, "big") & ((1 << 80) - 1)
    value &= ~(0xF << 76)
    value |= 0x7 << 76  # version
    value &= ~(0x3 << 62)
    value |= 0x2 << 62  # variant 10
    return str(uuid.UUID(int=value))


def new_id() -> str:
    """A fresh UUIDv7 string."""
    return uuid7_from(time.time_ns() // 1_000_000, os.urandom(10))


def is_record_id(value: object) -> bool:
    """True for a canonical lower-case UUID string."""
    return isinstance(value, str) and _UUID_RE.fullmatch(value) is not None

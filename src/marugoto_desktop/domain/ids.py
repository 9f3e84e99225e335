"""Record ids: UUIDv7 strings (time-ordered, so ids sort roughly by creation)."""

from __future__ import annotations

import os
import re
import threading
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


_RANDOM_BITS = 74  # rand_a (12) and rand_b (62): what the version and variant leave
_lock = threading.Lock()
_last = (0, 0)  # the millisecond and random bits of the latest id made here


def _uuid7(unix_ms: int, rand: int) -> str:
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= (rand >> 62) << 64  # rand_a
    value |= 0x2 << 62  # variant 10
    value |= rand & ((1 << 62) - 1)  # rand_b
    return str(uuid.UUID(int=value))


def new_id() -> str:
    """A fresh UUIDv7 string, later than every id this process made before.

    Within one millisecond the random bits grow by a random step (RFC 9562 §6.2, method 2,
    "monotonic random"), so records made one after the other sort in the order they were
    made: a list "newest first" by id never swaps two made in the same millisecond.
    """
    global _last
    with _lock:
        now = time.time_ns() // 1_000_000
        last_ms, last_rand = _last
        step = 1 + int.from_bytes(os.urandom(4), "big")
        if now > last_ms:
            unix_ms, rand = now, int.from_bytes(os.urandom(10), "big") >> (80 - _RANDOM_BITS)
        elif last_rand + step < 1 << _RANDOM_BITS:
            unix_ms, rand = last_ms, last_rand + step
        else:  # the random bits are spent: borrow the next millisecond
            unix_ms, rand = last_ms + 1, int.from_bytes(os.urandom(9), "big") >> 8
        _last = (unix_ms, rand)
    return _uuid7(unix_ms, rand)


def is_record_id(value: object) -> bool:
    """True for a canonical lower-case UUID string."""
    return isinstance(value, str) and _UUID_RE.fullmatch(value) is not None

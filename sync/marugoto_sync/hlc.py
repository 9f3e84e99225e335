"""Hybrid logical clock: physical milliseconds plus a counter, one per replica (site).

A stamp is one integer, `(millis << 16) | counter`, so stamps compare as numbers and the total
order of changes is `(hlc, site)` everywhere. The clock never goes backwards, even when the wall
clock does, and it moves past every stamp it has seen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

COUNTER_BITS = 16
COUNTER_MASK = (1 << COUNTER_BITS) - 1
# The server refuses a change stamped more than this ahead of its own clock (DESIGN §5).
MAX_CLOCK_AHEAD_MS = 5 * 60 * 1000


def pack(millis: int, counter: int) -> int:
    return (millis << COUNTER_BITS) | counter


def millis_of(stamp: int) -> int:
    return stamp >> COUNTER_BITS


def counter_of(stamp: int) -> int:
    return stamp & COUNTER_MASK


def format_stamp(stamp: int) -> str:
    """Readable form for logs and conflict listings: millis.counter."""
    return f"{millis_of(stamp)}.{counter_of(stamp)}"


def wall_millis() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """The clock of one replica. `last` must be persisted before a stamp is used."""

    def __init__(self, last: int = 0, now: Callable[[], int] = wall_millis) -> None:
        self.last = last
        self._now = now

    def _advance(self, floor: int) -> int:
        physical = pack(self._now(), 0)
        stamp = physical if physical > floor else floor + 1
        # A counter overflow rolls into the next millisecond, keeping stamps monotonic.
        self.last = stamp
        return stamp

    def tick(self) -> int:
        """A stamp for a local event, later than every stamp issued or seen."""
        return self._advance(self.last)

    def observe(self, remote: int) -> int:
        """Take a stamp seen from another replica into account; returns the new clock value."""
        return self._advance(max(self.last, remote))

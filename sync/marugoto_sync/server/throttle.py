"""How repeated failed logins are slowed down (the counters live in storage).

Per user name: the first few failures are free (people mistype); from then on each failure
doubles the wait before the next attempt, up to a ceiling. A success resets the count.
Per client address the same rule applies with a higher threshold, because every laptop of a
総合センター reaches the server from the office's one address.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    free_failures: int
    first_delay_s: float = 5.0
    max_delay_s: float = 15 * 60.0

    def delay_after(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th failure in a row (0: may retry at once)."""
        if failures < self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures, 30)
        return min(self.first_delay_s * float(2**doublings), self.max_delay_s)


PER_USER = Backoff(free_failures=5)
PER_ADDRESS = Backoff(free_failures=20)

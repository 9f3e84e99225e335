"""Password hashing with Argon2id (cryptography's implementation), safe under any concurrency.

A hash is a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`): the parameters travel with
it, so raising the cost later leaves old hashes verifiable; a hash made with other parameters
than today's is replaced at its user's next successful login (`needs_rehash`).

Why one lane. OpenSSL computes the lanes of an Argon2 job on threads of one pool per
process, capped at the CPU count, and a job holds the threads it has started while it waits
to start the next one. Two 4-lane jobs at once on a 2-CPU host each took one thread and
waited for ever for a second: every later login hung behind them, and since enrollment needs
no credentials, anyone could do that to the server. A one-lane job starts no pool thread at
all, so any number of them may run at once; a job of several lanes (hashes made before this
rule, p=4) runs only while no other such job does, and alone it never waits for a thread.

How many at once. A job holds `memory_kib` of RAM and a CPU for about half a second. At most
`workers` jobs run at once and `waiting` more may wait for their turn; a login beyond those
is refused at once (`Busy`: the server answers 503 with Retry-After) instead of piling up
on the server's threads, so a burst of logins costs a bounded time and never blocks shutdown.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from types import TracebackType

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


@dataclass(frozen=True)
class Argon2Cost:
    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 1


# Production cost (64 MiB, 3 passes, one lane): about 0.5 s on a 2-core office machine.
# Tests lower it.
DEFAULT_COST = Argon2Cost()

# What a client that was told `busy` waits before trying again, in seconds.
BUSY_RETRY_AFTER_S = 5

_PHC_PARAMETERS = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


class Busy(Exception):
    """Every place in the queue of password checks is taken; nothing was checked."""


class _Place:
    """A place in the queue, held until the `with` block ends."""

    def __init__(self, places: threading.BoundedSemaphore) -> None:
        self._places = places

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._places.release()


class Argon2Queue:
    """Where every Argon2id job of the process waits for its turn (see the module's doc)."""

    def __init__(self, workers: int, waiting: int) -> None:
        self.workers, self.waiting = workers, waiting
        self._places = threading.BoundedSemaphore(workers + waiting)
        self._turns = threading.BoundedSemaphore(workers)
        self._several_lanes = threading.Lock()

    def place(self) -> _Place:
        """A place in the queue, taken now, or Busy at once when every place is taken."""
        if not self._places.acquire(blocking=False):
            raise Busy
        return _Place(self._places)

    @contextmanager
    def turn(self, lanes: int) -> Iterator[None]:
        """Wait for a turn to run a job of `lanes` lanes, and hold it for the `with` block."""
        with self._turns, self._several_lanes if lanes > 1 else nullcontext():
            yield


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


# Two to four jobs at once (128–256 MiB), and four times as many waiting: a queue that drains
# in a few seconds.
_WORKERS = max(2, min(4, _cpu_count()))
QUEUE = Argon2Queue(workers=_WORKERS, waiting=4 * _WORKERS)

_dummy_hashes: dict[Argon2Cost, str] = {}


def _parameters(encoded: str) -> tuple[int, int, int] | None:
    """(memory KiB, passes, lanes) of a PHC string, or None if it is not one of ours."""
    match = _PHC_PARAMETERS.match(encoded)
    if match is None:
        return None
    memory, passes, lanes = (int(g) for g in match.groups())
    return memory, passes, lanes


def hash_password(password: str, cost: Argon2Cost | None = None) -> str:
    cost = cost or DEFAULT_COST
    kdf = Argon2id(
        salt=os.urandom(16),
        length=32,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    )
    with QUEUE.turn(cost.lanes):
        return kdf.derive_phc_encoded(password.encode())


def verify_password(password: str, encoded: str | None) -> bool:
    """Whether `password` matches; with no stored hash, spends the same time and says no.

    Verifying against a dummy hash for unknown user names keeps the answer time the same, so
    the timing does not tell which names exist. The comparison itself is constant-time.
    """
    if encoded is None:
        cost = DEFAULT_COST
        if cost not in _dummy_hashes:
            _dummy_hashes[cost] = hash_password(os.urandom(16).hex(), cost)
        encoded, known = _dummy_hashes[cost], False
    else:
        known = True
    parameters = _parameters(encoded)
    # Something that is not our PHC string is verified as if it had many lanes (alone).
    lanes = parameters[2] if parameters is not None else 2
    try:
        with QUEUE.turn(lanes):
            Argon2id.verify_phc_encoded(password.encode(), encoded)
    except (InvalidKey, ValueError):
        return False
    return known


def needs_rehash(encoded: str) -> bool:
    """Whether a stored hash was made with other parameters than DEFAULT_COST."""
    cost = DEFAULT_COST
    return _parameters(encoded) != (cost.memory_kib, cost.iterations, cost.lanes)

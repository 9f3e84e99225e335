"""Password hashing with Argon2id (cryptography's implementation).

A hash is a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`): the parameters travel with
it, so raising the cost later leaves old hashes verifiable.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


@dataclass(frozen=True)
class Argon2Cost:
    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4


# Production cost (64 MiB, 3 passes): about 0.3 s on a 2-core office machine. Tests lower it.
DEFAULT_COST = Argon2Cost()

# Each verification holds `memory_kib` of RAM; without a bound, a burst of enrolment attempts
# on the thread pool could take the server's memory. Two at a time keeps it at ~128 MiB.
_CONCURRENT_HASHES = threading.BoundedSemaphore(2)
_dummy_hashes: dict[Argon2Cost, str] = {}


def hash_password(password: str, cost: Argon2Cost | None = None) -> str:
    cost = cost or DEFAULT_COST
    kdf = Argon2id(
        salt=os.urandom(16),
        length=32,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    )
    with _CONCURRENT_HASHES:
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
    try:
        with _CONCURRENT_HASHES:
            Argon2id.verify_phc_encoded(password.encode(), encoded)
    except (InvalidKey, ValueError):
        return False
    return known

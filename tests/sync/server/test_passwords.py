"""Password hashing under concurrency: no two Argon2 jobs wait on each other's threads.

These touch no database, so they run once rather than per backend; logins at once over
HTTPS, on both databases, are in test_logins_at_once.py.
"""

from __future__ import annotations

import threading
import time

import pytest

from marugoto_sync.server import passwords
from marugoto_sync.server.passwords import Argon2Cost, hash_password, verify_password

FOUR_LANES = Argon2Cost(memory_kib=8 * 1024, iterations=1, lanes=4)


def test_many_checks_of_four_lane_hashes_at_once_all_finish() -> None:
    # Two 4-lane jobs at once used to take a thread each of OpenSSL's pool (as big as the
    # CPUs) and wait for ever for a second one.
    encoded = hash_password("correct horse", FOUR_LANES)
    results: list[bool] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(verify_password("correct horse", encoded)),
            daemon=True,  # a hung check must not keep the test run alive
        )
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    assert results == [True] * 8, "password checks hung"


def test_new_hashes_have_one_lane_and_older_ones_are_to_be_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(passwords, "DEFAULT_COST", Argon2Cost(memory_kib=1024, iterations=2))
    current = hash_password("correct horse")
    assert "$m=1024,t=2,p=1$" in current
    assert not passwords.needs_rehash(current)
    assert passwords.needs_rehash(hash_password("correct horse", FOUR_LANES))
    assert passwords.needs_rehash(hash_password("correct horse", Argon2Cost(64, 1, 1)))


def test_a_full_queue_refuses_at_once_and_frees_its_places() -> None:
    queue = passwords.Argon2Queue(workers=1, waiting=1)
    with queue.place(), queue.place(), pytest.raises(passwords.Busy):
        queue.place()
    with queue.place(), queue.place():
        pass

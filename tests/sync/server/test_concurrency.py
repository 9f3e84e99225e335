"""Several server processes pushing at once while a laptop pulls: no change is ever skipped.

On PostgreSQL two transactions can take sequence numbers in one order and commit in the
other; a puller that saw the later number first would move its cursor past the earlier one.
Each pusher here has its own engine and connection pool, as a separate server process would.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from marugoto_sync.changes import Change
from marugoto_sync.server.storage import PUSH_LOCK, Storage

from .support import Clock, new_id

PUSHERS = 4
PULLERS = 2
PUSHES_EACH = 60
PAGE = 7


def _change(clock: Clock, site: str, n: int) -> Change:
    area = "mure" if n % 3 else None  # some city-wide records too
    return Change(
        new_id(), "household", new_id(), area, "status", n, clock.stamp(-60_000, n), 0, site
    )


@pytest.fixture
def storages(database_url: str) -> Iterator[list[Storage]]:
    opened = [Storage.open(database_url) for _ in range(PUSHERS + PULLERS)]
    try:
        yield opened
    finally:
        for storage in opened:
            storage.close()


def test_a_puller_sees_every_acknowledged_change_exactly_once(storages: list[Storage]) -> None:
    clock, now = Clock(), datetime.now(UTC)
    user = storages[0].add_user("aiko", "consultant", ["mure"], "unused", now)
    device = storages[0].add_device(user.id, "laptop", "0" * 64, now, "0.1.0")
    acknowledged: list[str] = []
    failures: list[BaseException] = []
    pushing = threading.Event()
    pushing.set()

    def pusher(index: int) -> None:
        storage, rng = storages[index], random.Random(index)
        site = f"{index:08x}"
        try:
            for push in range(PUSHES_EACH):
                batch = [_change(clock, site, push * 100 + i) for i in range(rng.randint(1, 20))]
                result = storage.push(user.id, device, batch, now)
                acknowledged.extend(result.acknowledged)
        except BaseException as e:
            failures.append(e)

    seen: list[list[tuple[int, str]]] = [[] for _ in range(PULLERS)]

    def puller(index: int) -> None:
        storage, cursor, mine = storages[PUSHERS + index], 0, seen[index]

        def pull_once() -> int:
            page = storage.changes_page(["mure"], cursor, PAGE)
            mine.extend((item["seq"], item["change_id"]) for item in page.items)
            assert page.next >= cursor, "the cursor went backwards"
            return page.next

        try:
            while pushing.is_set():
                cursor = pull_once()
                # Let the pushers' threads in: a pull loop that never sleeps would starve
                # them of the interpreter lock (a real laptop pulls over the network).
                time.sleep(0.001)
            while True:  # everything is committed now: drain
                before = len(mine)
                cursor = pull_once()
                if len(mine) == before:
                    break
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=pusher, args=(i,)) for i in range(PUSHERS)]
    readers = [threading.Thread(target=puller, args=(i,)) for i in range(PULLERS)]
    for thread in readers + threads:
        thread.start()
    for thread in threads:
        thread.join()
    pushing.clear()
    for thread in readers:
        thread.join()

    assert failures == []
    assert len(acknowledged) > PUSHERS * PUSHES_EACH
    for pulled in seen:
        seqs = [seq for seq, _ in pulled]
        assert seqs == sorted(set(seqs)), "a change was delivered twice or out of order"
        ids = [change_id for _, change_id in pulled]
        missed = set(acknowledged) - set(ids)
        assert not missed, f"a puller skipped {len(missed)} acknowledged changes"
        assert len(ids) == len(acknowledged)


def test_a_push_waits_for_a_writer_that_has_not_committed(
    storages: list[Storage], database_url: str, backend: str
) -> None:
    """The mechanism behind the test above: a push cannot commit around an open one."""
    now = datetime.now(UTC)
    storage = storages[0]
    user = storage.add_user("aiko", "consultant", ["mure"], "unused", now)
    device = storage.add_device(user.id, "laptop", "0" * 64, now, "0.1.0")
    done = threading.Event()

    def push() -> None:
        storage.push(user.id, device, [_change(Clock(), "abcdef01", 1)], now)
        done.set()

    if backend == "postgresql":
        # What another server process holds from the start of its push to its commit.
        holder = storages[1].engine.connect()
        holder.begin()
        holder.execute(select(text("pg_advisory_xact_lock(:key)")), {"key": PUSH_LOCK})
        release = holder.commit
    else:
        path = make_url(database_url).database
        assert path is not None
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        release = lambda: raw.execute("COMMIT")  # noqa: E731

    thread = threading.Thread(target=push)
    thread.start()
    time.sleep(0.5)
    assert not done.is_set(), "the push went ahead of an uncommitted writer"
    assert storages[2].head() == 0
    release()
    thread.join(timeout=30)
    assert done.is_set()
    assert storages[2].head() == 1

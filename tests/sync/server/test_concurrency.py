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
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url

from marugoto_sync.changes import Change
from marugoto_sync.server.storage import PUSH_LOCK, PushResult, Storage

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
        # What another server process holds from writing its log rows to its commit.
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


class _PausedStorage(Storage):
    """A server whose pushes stop after their last statement, before they commit, until
    `go` is set: the moment two transactions can overtake each other."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.paused, self.go = threading.Event(), threading.Event()

    def _apply(self, *args: Any, **kwargs: Any) -> int:
        conflicts = super()._apply(*args, **kwargs)
        self.paused.set()
        assert self.go.wait(timeout=30)
        return conflicts


def _waiting_on_a_lock(storage: Storage, backend: str) -> bool:
    """Whether a transaction of this database waits for a lock (PostgreSQL; on SQLite a
    writer queues on a lock of the process that nothing shows: a moment's wait stands in)."""
    if backend == "sqlite":
        time.sleep(0.3)
        return True
    with storage.engine.connect() as conn:
        waiting = conn.execute(
            text(
                "SELECT count(*) FROM pg_locks JOIN pg_database d ON d.oid = pg_locks.database "
                "WHERE NOT pg_locks.granted AND d.datname = current_database()"
            )
        ).scalar_one()
    return bool(waiting)


def _alongside(
    paused: _PausedStorage, first: Any, storage: Storage, second: Any, backend: str
) -> Iterator[None]:
    """Run `first` on the paused server; once it is paused, run `second` on the other
    server until it waits (or is done); yield; then let both finish."""
    failures: list[BaseException] = []

    def run(work: Any) -> None:
        try:
            work()
        except BaseException as e:
            failures.append(e)

    one = threading.Thread(target=run, args=(first,))
    one.start()
    assert paused.paused.wait(timeout=30)
    two = threading.Thread(target=run, args=(second,))
    two.start()
    deadline = time.monotonic() + 10
    while two.is_alive() and not _waiting_on_a_lock(storage, backend):
        assert time.monotonic() < deadline, "the second push neither waits nor ends"
        time.sleep(0.02)
    try:
        yield
    finally:
        paused.go.set()
        one.join(timeout=30)
        two.join(timeout=30)
    assert failures == []


@pytest.fixture
def paused(database_url: str) -> Iterator[_PausedStorage]:
    storage = _PausedStorage.open(database_url)
    try:
        yield storage
    finally:
        storage.go.set()
        storage.close()


def test_a_push_that_commits_later_with_a_smaller_seq_is_not_skipped(
    storages: list[Storage], paused: _PausedStorage, backend: str
) -> None:
    """The first push has its sequence numbers and has not committed; a push of other records
    on another server commits (or would) meanwhile, and a laptop pulls in between."""
    clock, now = Clock(), datetime.now(UTC)
    user = storages[0].add_user("aiko", "consultant", ["mure"], "unused", now)
    device = storages[0].add_device(user.id, "laptop", "0" * 64, now, "0.1.0")
    first = [_change(clock, "0000000a", n) for n in range(1, 4)]
    second = [_change(clock, "0000000b", n) for n in range(1, 4)]
    puller = storages[2]
    with contextmanager(_alongside)(
        paused,
        lambda: paused.push(user.id, device, first, now),
        storages[1],
        lambda: storages[1].push(user.id, device, second, now),
        backend,
    ):
        early = puller.changes_page(["mure"], 0, 100)
    late = puller.changes_page(["mure"], early.next, 100)
    pulled = [item["change_id"] for item in early.items + late.items]
    assert sorted(pulled) == sorted(c.change_id for c in first + second)


def _person(record_id: str, name: str, value: Any, hlc: int, base: int = 0) -> Change:
    return Change(new_id(), "person", record_id, "mure", name, value, hlc, base, "0000000b")


def _conflict_kinds(storage: Storage) -> list[tuple[str, str]]:
    page = storage.changes_page(["mure"], 0, 1000)
    return [
        (item["value"]["kind"], item["record_id"])
        for item in page.items
        if item["kind"] == "conflict"
    ]


@pytest.mark.parametrize("restored", [False, True], ids=["added", "restored"])
def test_a_member_added_or_restored_while_its_household_is_deleted_is_flagged(
    storages: list[Storage], paused: _PausedStorage, backend: str, restored: bool
) -> None:
    """Two servers at once: one deletes a household (it has merged, not committed), the
    other adds a member to it or brings a deleted member back. Whichever way they meet, the
    member under a deleted household is a conflict (the delete saw no live member)."""
    clock, now = Clock(), datetime.now(UTC)
    user = storages[0].add_user("aiko", "consultant", ["mure"], "unused", now)
    device = storages[0].add_device(user.id, "laptop", "0" * 64, now, "0.1.0")
    household, member, named = new_id(), new_id(), clock.stamp(-60_000)
    setup = [
        Change(new_id(), "household", household, "mure", "name", "高松家", named, 0, "0000000a")
    ]
    if restored:  # a member that was deleted before
        setup += [
            _person(member, "_parent_id", household, named + 1),
            _person(member, "_deleted", True, named + 2, named + 1),
        ]
        other = _person(member, "_deleted", False, clock.stamp(-30_000), named + 2)
    else:
        other = _person(member, "_parent_id", household, clock.stamp(-30_000))
    storages[0].push(user.id, device, setup, now)
    stamp = clock.stamp(-40_000)
    delete = Change(
        new_id(), "household", household, "mure", "_deleted", True, stamp, named, "0000000a"
    )
    with contextmanager(_alongside)(
        paused,
        lambda: paused.push(user.id, device, [delete], now),
        storages[1],
        lambda: storages[1].push(user.id, device, [other], now),
        backend,
    ):
        pass
    assert _conflict_kinds(storages[2]) == [("parent_deleted", member)]


def test_a_push_sent_again_to_another_server_while_the_first_runs_is_logged_once(
    storages: list[Storage], paused: _PausedStorage, backend: str
) -> None:
    """A laptop that gave up waiting sends the same push to the other server process."""
    clock, now = Clock(), datetime.now(UTC)
    user = storages[0].add_user("aiko", "consultant", ["mure"], "unused", now)
    device = storages[0].add_device(user.id, "laptop", "0" * 64, now, "0.1.0")
    batch = [_change(clock, "0000000a", n) for n in range(1, 4)]
    answers: list[PushResult] = []
    with contextmanager(_alongside)(
        paused,
        lambda: answers.append(paused.push(user.id, device, batch, now)),
        storages[1],
        lambda: answers.append(storages[1].push(user.id, device, batch, now)),
        backend,
    ):
        pass
    ids = [c.change_id for c in batch]
    assert [a.acknowledged for a in answers] == [ids, ids]
    logged = storages[2].changes_page(["mure"], 0, 100).items
    assert sorted(item["change_id"] for item in logged) == sorted(ids)


class _PausedInMerge(_PausedStorage):
    """A server whose pushes stop in the middle of their merge (the records read, nothing
    written yet) until `go` is set."""

    def _apply(self, *args: Any, **kwargs: Any) -> int:
        self.paused.set()
        assert self.go.wait(timeout=30)
        return Storage._apply(self, *args, **kwargs)


def test_a_push_of_other_records_goes_through_while_one_is_merging(
    storages: list[Storage], database_url: str, backend: str
) -> None:
    """PostgreSQL: a push waits only for pushes of the same records until it writes its log
    rows (SQLite lets one writer in at a time: there the second push waits)."""
    clock, now = Clock(), datetime.now(UTC)
    user = storages[0].add_user("aiko", "consultant", ["mure"], "unused", now)
    device = storages[0].add_device(user.id, "laptop", "0" * 64, now, "0.1.0")
    merging = _PausedInMerge.open(database_url)
    done = threading.Event()

    def second() -> None:
        storages[1].push(user.id, device, [_change(clock, "0000000b", 1)], now)
        done.set()

    first = threading.Thread(
        target=merging.push, args=(user.id, device, [_change(clock, "0000000a", 1)], now)
    )
    first.start()
    try:
        assert merging.paused.wait(timeout=30)
        other = threading.Thread(target=second)
        other.start()
        assert done.wait(timeout=10 if backend == "postgresql" else 0.5) == (
            backend == "postgresql"
        )
    finally:
        merging.go.set()
        first.join(timeout=30)
        other.join(timeout=30)
        merging.close()
    assert storages[2].head() == 2
